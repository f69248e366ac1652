//! The community map of a gap analysis (查缺补漏), as SVG or PNG: each zone
//! filled with the colour of its completeness stars (red, none, to green,
//! five: the ramp of the HTML report), the streets over them, a title naming
//! the categories missing most often, a legend with the number of zones per
//! rating, a scale bar and the attribution. The picture a district office
//! shows; the interactive one is [`gaps_html`](super::gaps_html).

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::outcome::{GapsReport, Run};

use super::frame::{aspect, polylines, Frame};
use super::picture::{extent, fitted, png, svg, Picture};
use super::text::{fonts, title_width, Layout, Swatch, MARGIN};
use super::MapStyle;

/// Colours of 0 to 5 stars, as the HTML report's zones.
const RAMP: [RGBColor; 6] = [
    RGBColor(215, 48, 39),
    RGBColor(252, 141, 89),
    RGBColor(254, 224, 139),
    RGBColor(217, 239, 139),
    RGBColor(145, 207, 96),
    RGBColor(26, 152, 80),
];
/// A zone outline with no score (no residents on the network).
const NO_SCORE: RGBColor = RGBColor(204, 204, 204);
const STREET: RGBColor = RGBColor(90, 90, 90);
const PAD: f64 = 12.0 + MARGIN as f64;

/// The community map with its words laid out.
struct CommunityMap<'a> {
    run: &'a Run<GapsReport>,
    stars: BTreeMap<&'a str, u8>,
    style: &'a MapStyle,
    layout: Layout,
}

fn title_lines(run: &Run<GapsReport>) -> [String; 2] {
    let zones = &run.report.gaps.zones;
    let full = zones.iter().filter(|z| z.missing.is_empty()).count();
    let mut missing: BTreeMap<&str, usize> = BTreeMap::new();
    for name in zones.iter().flat_map(|z| &z.missing) {
        *missing.entry(name).or_default() += 1;
    }
    let mut most: Vec<(&str, usize)> = missing.into_iter().collect();
    most.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let named: Vec<String> = most
        .iter()
        .take(3)
        .map(|(name, n)| format!("{name} ({n})"))
        .collect();
    [
        format!(
            "Living-circle completeness: {} zones, {full} with nothing missing",
            zones.len()
        ),
        if named.is_empty() {
            "every category present in every zone".to_string()
        } else {
            format!("missing most often (zones): {}", named.join(", "))
        },
    ]
}

fn legend(run: &Run<GapsReport>) -> Vec<(Swatch, String)> {
    let gaps = &run.report.gaps;
    // The ratings a zone can get: none, or one of the rules' levels.
    let mut levels: Vec<u8> = std::iter::once(0)
        .chain(gaps.rating.levels.iter().map(|l| l.stars))
        .collect();
    levels.sort_unstable();
    levels.dedup();
    let mut entries: Vec<(Swatch, String)> = levels
        .into_iter()
        .map(|s| {
            let n = gaps.zones.iter().filter(|z| z.stars == s).count();
            (Swatch::Patch(colour(s)), format!("{s} ★ ({n})"))
        })
        .collect();
    let scored: Vec<&str> = gaps.zones.iter().map(|z| z.zone.as_str()).collect();
    if run
        .geometry
        .zones
        .iter()
        .any(|z| !scored.contains(&z.zone.as_str()))
    {
        entries.push((
            Swatch::Patch(NO_SCORE),
            "no residents on the network".to_string(),
        ));
    }
    entries
}

fn colour(stars: u8) -> RGBColor {
    RAMP[usize::from(stars.min(5))]
}

impl<'a> CommunityMap<'a> {
    fn new(run: &'a Run<GapsReport>, style: &'a MapStyle) -> Result<Self> {
        style.validate()?;
        if run.geometry.zones.is_empty() {
            return Err(Error::param(
                "map",
                "the gap analysis has no zone outlines to draw",
            ));
        }
        fonts().map_err(Error::Map)?;
        let layout = Layout::new((style.width, style.height), title_lines(run), legend(run))
            .map_err(|e| Error::Map(format!("text layout: {e}")))?;
        let stars = run
            .report
            .gaps
            .zones
            .iter()
            .map(|z| (z.zone.as_str(), z.stars))
            .collect();
        Ok(Self {
            run,
            stars,
            style,
            layout,
        })
    }

    /// Where the map draws something: the zones' outer rings and the
    /// streets (all inside the map area, none over the words).
    fn drawn(&self) -> impl Iterator<Item = (f64, f64)> + 'a {
        let geometry = &self.run.geometry;
        let rings = (geometry.zones.iter())
            .flat_map(|z| z.area.iter().filter_map(|p| p.first()).flatten().copied());
        rings.chain(geometry.streets.iter().flatten().copied())
    }
}

impl Picture for CommunityMap<'_> {
    fn style(&self) -> &MapStyle {
        self.style
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        words: bool,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let (w, layout) = (f64::from(self.style.width), &self.layout);
        root.fill(&WHITE)?;
        let frame = Frame::fit(
            self.drawn(),
            (
                PAD,
                f64::from(layout.top) + PAD,
                w - PAD,
                f64::from(layout.bottom) - PAD,
            ),
        );
        let geometry = &self.run.geometry;
        for zone in &geometry.zones {
            let fill = self
                .stars
                .get(zone.zone.as_str())
                .map_or(NO_SCORE, |&s| colour(s));
            for polygon in &zone.area {
                // Outer ring filled; holes drawn white over it.
                for (k, ring) in polygon.iter().enumerate() {
                    let px: Vec<(i32, i32)> = ring.iter().map(|&(x, y)| frame.px(x, y)).collect();
                    let paint = if k == 0 {
                        fill.mix(0.85)
                    } else {
                        WHITE.mix(1.0)
                    };
                    root.draw(&Polygon::new(px.clone(), paint.filled()))?;
                    root.draw(&PathElement::new(px, WHITE.stroke_width(1)))?;
                }
            }
        }
        let street = ShapeStyle::from(&STREET.mix(0.6)).stroke_width(1);
        for line in polylines(
            geometry
                .streets
                .iter()
                .map(|&[a, b]| (frame.px(a.0, a.1), frame.px(b.0, b.1))),
        ) {
            root.draw(&PathElement::new(line, street))?;
        }
        layout.draw(root, frame.metres_per_px(), words)?;
        root.present()
    }
}

/// `style` cut to the proportions of the zones and streets drawn (see
/// [`fit_style`](super::fit_style) for a plan's maps).
///
/// # Errors
/// As [`gaps_svg`].
pub fn fit_gaps_style(run: &Run<GapsReport>, style: &MapStyle) -> Result<MapStyle> {
    let map = CommunityMap::new(run, style)?;
    let title = title_width(&title_lines(run)).map_err(|e| Error::Map(e.to_string()))?;
    let (words, bands) = extent(&map.layout, title, style.height);
    Ok(fitted(style, aspect(map.drawn()), words, bands, PAD))
}

/// The community map of a gap analysis as an SVG document (see the module
/// docs).
///
/// ```
/// use lifecircle::map::{fit_gaps_style, gaps_png, gaps_svg, MapStyle};
/// use lifecircle::scenario::Scenario;
///
/// let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/data/helsinki/centroids.toml");
/// let gaps = Scenario::from_file(demo)?.gaps()?;
/// let style = fit_gaps_style(&gaps, &MapStyle::default())?;
/// let svg = gaps_svg(&gaps, &style)?;
/// assert!(svg.contains("Living-circle completeness: ") && svg.contains("© OpenStreetMap contributors"));
/// assert!(gaps_png(&gaps, &style)?.starts_with(b"\x89PNG"));
/// # Ok::<(), lifecircle::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] for a style out of range or a gap analysis
/// without zone outlines; [`Error::Map`] if drawing fails.
pub fn gaps_svg(run: &Run<GapsReport>, style: &MapStyle) -> Result<String> {
    svg(&CommunityMap::new(run, style)?)
}

/// The community map as PNG bytes (RGB, 8 bits), its text in the embedded
/// DejaVu Sans.
///
/// # Errors
/// As [`gaps_svg`]; [`Error::Map`] also if PNG encoding fails.
pub fn gaps_png(run: &Run<GapsReport>, style: &MapStyle) -> Result<Vec<u8>> {
    png(&CommunityMap::new(run, style)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::picture::{ink, pixels};
    use crate::scenario::Scenario;

    fn demo() -> Run<GapsReport> {
        let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/data/helsinki/centroids.toml");
        Scenario::from_file(demo).unwrap().gaps().unwrap()
    }

    #[test]
    fn each_zone_is_filled_with_the_colour_of_its_stars() {
        let run = demo();
        let style = fit_gaps_style(&run, &MapStyle::default()).unwrap();
        let svg = gaps_svg(&run, &style).unwrap();
        let rings: usize = run
            .geometry
            .zones
            .iter()
            .flat_map(|z| &z.area)
            .map(Vec::len)
            .sum();
        assert_eq!(svg.matches("<polygon").count(), rings);
        let fill = |c: RGBColor| {
            format!(
                "<polygon opacity=\"0.85\" fill=\"#{:02X}{:02X}{:02X}\"",
                c.0, c.1, c.2
            )
        };
        for s in 0..=5u8 {
            let zones = run.report.gaps.zones.iter().filter(|z| z.stars == s);
            let want: usize = zones
                .map(|z| {
                    let outline = run
                        .geometry
                        .zones
                        .iter()
                        .find(|o| o.zone == z.zone)
                        .unwrap();
                    outline.area.len()
                })
                .sum();
            assert_eq!(svg.matches(&fill(colour(s))).count(), want, "{s} stars");
        }
        let zero = run
            .report
            .gaps
            .zones
            .iter()
            .filter(|z| z.stars == 0)
            .count();
        assert!(zero > 0 && svg.contains(&format!("0 ★ ({zero})")));
        // The category missing in the most zones (the first by name on a tie) leads the title.
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for m in run.report.gaps.zones.iter().flat_map(|z| &z.missing) {
            *count.entry(m).or_default() += 1;
        }
        let n = *count.values().max().unwrap();
        let first = count.iter().find(|(_, &c)| c == n).unwrap().0;
        assert!(
            svg.contains(&format!("missing most often (zones): {first} ({n})")),
            "{first} {n}"
        );
        assert!(svg.contains("© OpenStreetMap contributors"));
    }

    #[test]
    fn png_draws_its_words_where_the_layout_put_them() {
        let run = demo();
        let style = MapStyle::default();
        let map = CommunityMap::new(&run, &style).unwrap();
        let (text, control) = (pixels(&map, true).unwrap(), pixels(&map, false).unwrap());
        let w = style.width;
        assert!(ink(&text, w, map.layout.title_box) > 800);
        assert_eq!(ink(&control, w, map.layout.title_box), 0);
        for &b in &map.layout.legend_boxes {
            assert!(ink(&text, w, b) > 40, "{b:?}");
            assert_eq!(ink(&control, w, b), 0);
        }
        // The zones' colours are drawn: some pixels of the 0-star red (mixed with white).
        let red = text
            .chunks(3)
            .filter(|p| p[0] > 200 && p[1] < 90 && p[2] < 80)
            .count();
        assert!(red > 1000, "{red}");
    }

    #[test]
    fn no_zones_no_map() {
        let mut run = demo();
        run.geometry.zones.clear();
        let err = gaps_png(&run, &MapStyle::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("no zone outlines"), "{err}");
    }
}

//! The map of a planned service: streets, residents coloured by coverage,
//! existing facilities and new sites, as SVG (with title and legend) or PNG.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::outcome::{DemandOutcome, Geometry, PlanReport, Reach, Run, ServiceOutcome};
use crate::report::{opt, pct};

use super::frame::{aspect, polylines, star, Frame};
use super::picture::{extent, fitted, png, svg, Picture};
use super::text::{fonts, title_width, Layout, Swatch, MARGIN, NEW_SITE};
use super::MapStyle;

/// The colour of a coverage class on the map.
fn colour(reach: Reach) -> RGBColor {
    match reach {
        Reach::Before => RGBColor(26, 150, 65),
        Reach::New => RGBColor(44, 123, 182),
        Reach::Uncovered => RGBColor(215, 25, 28),
    }
}

const STREET: RGBColor = RGBColor(185, 185, 185);

fn legend(svc: &ServiceOutcome) -> Vec<(Swatch, String)> {
    let mut entries: Vec<(Swatch, String)> = Reach::ALL
        .into_iter()
        .map(|c| (Swatch::Circle(colour(c)), c.label().to_string()))
        .collect();
    entries.push((Swatch::Square, format!("existing ({})", svc.existing.len())));
    entries.push((Swatch::Star, format!("new site ({})", svc.new.len())));
    entries.push((Swatch::None, "circle area ∝ residents".to_string()));
    entries
}

fn title_lines(svc: &ServiceOutcome) -> [String; 2] {
    let n = svc.new.len();
    [
        format!(
            "{}: {:.1} % → {:.1} % covered (+{n} new site{})",
            svc.service,
            pct(svc.covered_before, svc.served),
            pct(svc.covered_after, svc.served),
            if n == 1 { "" } else { "s" }
        ),
        format!(
            "{:.0} residents served, walking limit {:.0} min; aged 60+ covered: {} → {}",
            svc.served,
            svc.walking_limit_min,
            opt(svc.covered_60plus_before),
            opt(svc.covered_60plus_after)
        ),
    ]
}

fn outcome<'r>(report: &'r PlanReport, service: &str) -> Result<&'r ServiceOutcome> {
    report
        .services
        .iter()
        .find(|s| s.service == service)
        .ok_or_else(|| {
            let planned: Vec<&str> = report.services.iter().map(|s| s.service.as_str()).collect();
            Error::param(
                "service",
                format!(
                    "{service:?} is not planned in this report; planned: {}",
                    planned.join(", ")
                ),
            )
        })
}

/// Where the map of `services` draws something: streets, residents, facilities.
fn drawn<'a>(
    geometry: &'a Geometry,
    services: &'a [ServiceOutcome],
) -> impl Iterator<Item = (f64, f64)> + 'a {
    let sites = services
        .iter()
        .flat_map(|s| s.existing.iter().chain(&s.new));
    geometry
        .streets
        .iter()
        .flatten()
        .copied()
        .chain(geometry.demand_points.iter().map(|d| (d.lon, d.lat)))
        .chain(sites.map(|s| (s.lon, s.lat)))
}

/// `style` with the picture cut to the proportions of what the plan's maps
/// draw, so that a narrow district gets a narrow picture rather than white
/// bands: the width (or the height) shrinks until the map area has the
/// data's width over height, never below what the widest title needs nor
/// below [`MapStyle::MIN_SIDE`]; the other side stays.
///
/// # Example
/// ```
/// use lifecircle::map::{fit_style, MapStyle};
/// use lifecircle::scenario::Scenario;
///
/// let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/data/helsinki/centroids.toml");
/// let plan = Scenario::from_file(demo)?.run()?;
/// // Central Helsinki's extract is taller than wide: the picture narrows.
/// let style = fit_style(&plan, &MapStyle::default())?;
/// assert!(style.width < 800 && style.height == 700);
/// # Ok::<(), lifecircle::Error>(())
/// ```
///
/// # Errors
/// As [`plan_svg`].
pub fn fit_style(plan: &Run<PlanReport>, style: &MapStyle) -> Result<MapStyle> {
    style.validate()?;
    let services = &plan.report.services;
    let (mut words, mut bands) = (0.0f64, 0.0f64);
    for svc in services {
        let l = layout(svc, style)?;
        let title = title_width(&title_lines(svc)).map_err(|e| Error::Map(e.to_string()))?;
        let (w, b) = extent(&l, title, style.height);
        (words, bands) = (words.max(w), bands.max(b));
    }
    let aspect = aspect(drawn(&plan.geometry, services));
    Ok(fitted(style, aspect, words, bands, pad(style)))
}

/// Margin around the map area, so that circles and stars are not cut at the border.
fn pad(style: &MapStyle) -> f64 {
    style.max_radius.max(12.0) + MARGIN as f64
}

/// The words of the map of `service` on a picture of the style's size.
fn layout(svc: &ServiceOutcome, style: &MapStyle) -> Result<Layout> {
    fonts().map_err(Error::Map)?;
    Layout::new((style.width, style.height), title_lines(svc), legend(svc))
        .map_err(|e| Error::Map(format!("text layout: {e}")))
}

/// The map of one planned service, with its words laid out.
struct PlanMap<'a> {
    geometry: &'a Geometry,
    svc: &'a ServiceOutcome,
    style: &'a MapStyle,
    layout: Layout,
}

impl<'a> PlanMap<'a> {
    fn new(plan: &'a Run<PlanReport>, service: &str, style: &'a MapStyle) -> Result<Self> {
        style.validate()?;
        let svc = outcome(&plan.report, service)?;
        Ok(Self {
            geometry: &plan.geometry,
            svc,
            style,
            layout: layout(svc, style)?,
        })
    }
}

impl Picture for PlanMap<'_> {
    fn style(&self) -> &MapStyle {
        self.style
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        words: bool,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        draw(
            root,
            self.geometry,
            self.svc,
            (self.style, &self.layout),
            words,
        )
    }
}

/// Draws the map on any plotters backend with the words of `layout`.
fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    geometry: &Geometry,
    svc: &ServiceOutcome,
    (style, layout): (&MapStyle, &Layout),
    words: bool,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let w = style.width as i32;
    root.fill(&WHITE)?;
    let pad = pad(style);
    let frame = Frame::fit(
        drawn(geometry, std::slice::from_ref(svc)),
        (
            pad,
            layout.top as f64 + pad,
            w as f64 - pad,
            layout.bottom as f64 - pad,
        ),
    );

    let street = ShapeStyle::from(&STREET).stroke_width(1);
    for line in polylines(
        geometry
            .streets
            .iter()
            .map(|&[a, b]| (frame.px(a.0, a.1), frame.px(b.0, b.1))),
    ) {
        root.draw(&PathElement::new(line, street))?;
    }

    let max_pop = geometry
        .demand_points
        .iter()
        .map(|d| d.population)
        .fold(0.0, f64::max);
    let mut points: Vec<&DemandOutcome> = geometry.demand_points.iter().collect();
    // Largest first, so that small points stay visible on top of big ones.
    points.sort_by(|a, b| b.population.total_cmp(&a.population));
    for d in points {
        let share = if max_pop > 0.0 {
            d.population / max_pop
        } else {
            0.0
        };
        let r = (style.max_radius * share.sqrt()).max(2.0).round() as u32;
        let colour = colour(d.reach(&svc.service));
        root.draw(&Circle::new(
            frame.px(d.lon, d.lat),
            r,
            colour.mix(0.8).filled(),
        ))?;
    }

    for site in &svc.existing {
        let (x, y) = frame.px(site.lon, site.lat);
        root.draw(&Rectangle::new(
            [(x - 4, y - 4), (x + 4, y + 4)],
            BLACK.filled(),
        ))?;
    }
    for site in &svc.new {
        let outline = star(frame.px(site.lon, site.lat), 13.0);
        root.draw(&Polygon::new(outline.clone(), NEW_SITE.filled()))?;
        let mut closed = outline;
        closed.push(closed[0]);
        root.draw(&PathElement::new(closed, BLACK.stroke_width(1)))?;
    }

    layout.draw(root, frame.metres_per_px(), words)?;
    root.present()
}

/// The map of one planned service as an SVG document: streets, residents
/// coloured by coverage, existing facilities and new sites, with a title
/// ("pharmacy: 50.1 % → 98.9 % covered …"), a legend, a scale bar and the
/// OpenStreetMap attribution. See the module docs for the colours and the example.
///
/// # Errors
/// [`Error::InvalidParameter`] if `service` is not planned in the report or
/// the style is out of range; [`Error::Map`] if drawing fails.
pub fn plan_svg(plan: &Run<PlanReport>, service: &str, style: &MapStyle) -> Result<String> {
    svg(&PlanMap::new(plan, service, style)?)
}

/// The same map as [`plan_svg`] as PNG bytes (RGB, 8 bits), its text drawn
/// with the embedded DejaVu Sans (see the module docs).
///
/// # Errors
/// As [`plan_svg`]; [`Error::Map`] also if PNG encoding fails.
pub fn plan_png(plan: &Run<PlanReport>, service: &str, style: &MapStyle) -> Result<Vec<u8>> {
    png(&PlanMap::new(plan, service, style)?)
}

/// One SVG map per planned service, in the order of [`PlanReport::services`].
///
/// # Errors
/// As [`plan_svg`].
pub fn plan_svgs(plan: &Run<PlanReport>, style: &MapStyle) -> Result<Vec<String>> {
    plan.report
        .services
        .iter()
        .map(|s| plan_svg(plan, &s.service, style))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::fixture::{assert_balanced, plan};
    use crate::map::picture::ink;

    /// The PNG map's pixels (with or without its words) and where its words are.
    fn pixels(
        plan: &Run<PlanReport>,
        service: &str,
        style: &MapStyle,
        words: bool,
    ) -> Result<(Vec<u8>, Layout)> {
        let map = PlanMap::new(plan, service, style)?;
        Ok((super::super::picture::pixels(&map, words)?, map.layout))
    }

    #[test]
    fn svg_has_a_circle_per_point_the_sites_a_title_and_a_legend() {
        let r = plan();
        let svg = plan_svg(&r, "pharmacy", &MapStyle::default()).unwrap();
        assert!(svg.trim_start().starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_balanced(&svg);
        // One circle per demand point and three legend swatches.
        assert_eq!(
            svg.matches("<circle").count(),
            r.geometry.demand_points.len() + 3
        );
        // One star per new site and one in the legend.
        assert_eq!(
            svg.matches("<polygon").count(),
            r.report.services[0].new.len() + 1
        );
        assert!(svg.contains("pharmacy: 29.2 % → 99.2 % covered (+1 new site)"));
        assert!(svg.contains("aged 60+ covered: 56 → 190"));
        // The street is 440 m long on 800 px: the scale bar's round length is 100 m.
        assert!(svg.contains("\n100 m\n") && svg.contains("© OpenStreetMap contributors"));
        for label in [
            "covered before",
            "newly covered",
            "not covered",
            "existing (1)",
            "new site (1)",
        ] {
            assert!(svg.contains(label), "legend lacks {label}");
        }
        // Two green points, two blue (0.8 of d counts), one red; legend adds one each.
        let fill = |c: RGBColor| format!("fill=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2);
        for (coverage, n) in [(Reach::Before, 3), (Reach::New, 3), (Reach::Uncovered, 2)] {
            assert_eq!(
                svg.matches(&fill(colour(coverage))).count(),
                n,
                "{coverage:?}"
            );
        }
        // The street's four segments join into one line; the star's outline is the other.
        assert_eq!(svg.matches("<polyline").count(), 2);
    }

    #[test]
    fn circle_areas_follow_population_and_the_map_keeps_its_aspect() {
        let r = plan();
        let style = MapStyle::default();
        let svg = plan_svg(&r, "pharmacy", &style).unwrap();
        // The most populous point gets the largest radius, the smallest at least 2 px.
        assert!(svg.contains(&format!("r=\"{}\"", style.max_radius)));
        assert!(svg.contains("r=\"2\""));
        // The points lie 0.002° of longitude apart at 60.17° N: 111 m apart, half a degree
        // of latitude's length per degree of longitude; equal steps in x.
        let frame = Frame::fit(
            [(24.94, 60.17), (24.948, 60.17), (24.94, 60.174)].into_iter(),
            (0.0, 0.0, 1000.0, 1000.0),
        );
        let (a, b, c) = (
            frame.px(24.94, 60.17),
            frame.px(24.948, 60.17),
            frame.px(24.94, 60.174),
        );
        let ratio = (b.0 - a.0) as f64 / (a.1 - c.1) as f64;
        assert!(
            (ratio - 2.0 * 60.172_f64.to_radians().cos()).abs() < 0.01,
            "{ratio}"
        );
    }

    #[test]
    fn png_draws_title_legend_scale_and_attribution_in_their_boxes() {
        let r = plan();
        let style = MapStyle {
            width: 640,
            height: 480,
            ..MapStyle::default()
        };
        let (text, layout) = pixels(&r, "pharmacy", &style, true).unwrap();
        let (control, _) = pixels(&r, "pharmacy", &style, false).unwrap();
        // The PNG is these pixels.
        let png = plan_png(&r, "pharmacy", &style).unwrap();
        let mut reader = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .unwrap();
        let mut decoded = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut decoded).unwrap();
        assert!(decoded == text, "the PNG holds the drawn pixels");

        // The title band is above the map, the legend and footer below it.
        let (_, t0, tx1, t1) = layout.title_box;
        assert!(
            t0 == 0 && t1 <= layout.top && tx1 > 300,
            "{:?}",
            layout.title_box
        );
        assert!(layout.bottom < 480 - 40 && layout.bottom > 300);
        let w = style.width;
        let title = ink(&text, w, layout.title_box);
        assert!(title > 800, "title: {title} dark pixels");
        assert_eq!(ink(&control, w, layout.title_box), 0);
        // Letters, not one blob: ink in most columns across the title's width.
        let columns = (layout.title_box.0..tx1)
            .filter(|&x| ink(&text, w, (x, t0, x + 1, t1)) > 0)
            .count();
        assert!(
            columns as f64 > 0.7 * (tx1 - layout.title_box.0) as f64,
            "{columns}"
        );
        assert_eq!(layout.legend_boxes.len(), 6);
        for (k, &b) in layout.legend_boxes.iter().enumerate() {
            assert!(b.1 >= layout.bottom, "legend entry {k} below the map");
            let label = ink(&text, w, b);
            assert!(label > 60, "legend entry {k}: {label} dark pixels in {b:?}");
            assert_eq!(ink(&control, w, b), 0, "legend entry {k} without words");
        }
        // The footer holds the scale bar in both; its label and the attribution only with words.
        let footer = layout.footer_box(w as i32);
        let (with, without) = (ink(&text, w, footer), ink(&control, w, footer));
        assert!(without > 100 && with > without + 300, "{with} vs {without}");
        // Nothing is drawn to the right of the title.
        assert_eq!(ink(&text, w, (tx1 + 4, 0, w as i32, layout.top)), 0);
    }

    #[test]
    fn png_size_follows_what_is_drawn() {
        let r = plan();
        let style = MapStyle {
            width: 300,
            height: 240,
            ..MapStyle::default()
        };
        // Five points and four segments: a small file, text included.
        let small = plan_png(&r, "pharmacy", &style).unwrap().len();
        assert!(small < 20_000, "{small} bytes");
        // The fixture is a street 440 m long and 22 m high: the fitted picture keeps the
        // width and loses the white bands above and below.
        let full = MapStyle::default();
        let fitted = fit_style(&r, &full).unwrap();
        assert_eq!(fitted.width, full.width);
        assert!(
            fitted.height < 300 && fitted.height >= MapStyle::MIN_SIDE,
            "{fitted:?}"
        );
        let (pixels, layout) = pixels(&r, "pharmacy", &fitted, true).unwrap();
        assert!(layout.bottom > layout.top + 2 * (full.max_radius as i32));
        assert_eq!(pixels.len(), 3 * 800 * fitted.height as usize);
        // A tall extent narrows the picture instead, never below the title's width.
        let mut tall = plan();
        for (k, d) in tall.geometry.demand_points.iter_mut().enumerate() {
            (d.lon, d.lat) = (24.94, 60.17 + 0.002 * k as f64);
        }
        tall.geometry.streets.clear();
        let narrow = fit_style(&tall, &full).unwrap();
        assert_eq!(narrow.height, full.height);
        let title = title_width(&title_lines(&tall.report.services[0])).unwrap();
        assert!(
            narrow.width < 800 && narrow.width as i32 >= title + 2 * MARGIN,
            "{narrow:?}"
        );
    }

    #[test]
    fn png_is_a_png_of_the_requested_size() {
        let style = MapStyle {
            width: 300,
            height: 240,
            ..MapStyle::default()
        };
        let png = plan_png(&plan(), "pharmacy", &style).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // The IHDR chunk follows the signature: width and height, big-endian.
        assert_eq!(&png[16..24], &[0, 0, 1, 44, 0, 0, 0, 240]);
    }

    #[test]
    fn unknown_service_and_tiny_maps_are_errors() {
        let r = plan();
        let err = plan_svg(&r, "barber", &MapStyle::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"barber\" is not planned") && err.contains("pharmacy"),
            "{err}"
        );
        let tiny = MapStyle {
            width: 50,
            ..MapStyle::default()
        };
        assert!(matches!(
            plan_png(&r, "pharmacy", &tiny),
            Err(Error::InvalidParameter { .. })
        ));
        let huge = MapStyle {
            max_radius: 500.0,
            ..MapStyle::default()
        };
        assert!(plan_svg(&r, "pharmacy", &huge).is_err());
        // Refused before a buffer of width x height x 3 bytes is allocated.
        for (width, height) in [(u32::MAX, 700), (800, 4097), (4097, 4097)] {
            let big = MapStyle {
                width,
                height,
                ..MapStyle::default()
            };
            let err = plan_png(&r, "pharmacy", &big).unwrap_err().to_string();
            assert!(err.contains("each side must lie in 200..=4096"), "{err}");
        }
        let largest = MapStyle {
            width: 4096,
            height: 200,
            ..MapStyle::default()
        };
        assert!(plan_png(&r, "pharmacy", &largest).is_ok());
    }
}

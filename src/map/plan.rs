//! The map of a planned service: streets, residents coloured by coverage,
//! existing facilities and new sites, as SVG (with title and legend) or PNG.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::outcome::{DemandOutcome, Geometry, PlanReport, Run, ServiceOutcome};
use crate::report::{opt, pct};

use super::frame::{polylines, star, Frame};
use super::MapStyle;

/// How the residents of a demand point fare for one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coverage {
    Before,
    New,
    Uncovered,
}

impl Coverage {
    fn of(point: &DemandOutcome, service: &str) -> Self {
        let share =
            |m: &std::collections::BTreeMap<String, f64>| m.get(service).copied().unwrap_or(0.0);
        if share(&point.before) >= 0.5 {
            Coverage::Before
        } else if share(&point.after) >= 0.5 {
            Coverage::New
        } else {
            Coverage::Uncovered
        }
    }

    fn colour(self) -> RGBColor {
        match self {
            Coverage::Before => RGBColor(26, 150, 65),
            Coverage::New => RGBColor(44, 123, 182),
            Coverage::Uncovered => RGBColor(215, 25, 28),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Coverage::Before => "covered before",
            Coverage::New => "newly covered",
            Coverage::Uncovered => "not covered",
        }
    }
}

const STREET: RGBColor = RGBColor(185, 185, 185);
const NEW_SITE: RGBColor = RGBColor(255, 127, 0);
// plotters writes these sizes divided by 1.24 into the SVG: 16 px and 12.9 px.
const TITLE_PX: f64 = 20.0;
const TEXT_PX: f64 = 16.0;
/// Height of the title band (two lines) of SVG maps.
const TITLE_BAND: i32 = 56;
const MARGIN: i32 = 10;

/// What the legend shows, one entry per marker.
enum Swatch {
    Circle(RGBColor),
    Square,
    Star,
    None,
}

/// A legend entry with its top-left corner, relative to the legend band.
struct LegendEntry {
    swatch: Swatch,
    label: String,
    at: (i32, i32),
}

/// Legend entries wrapped into rows that fit the width, and the band's height.
fn legend_layout(svc: &ServiceOutcome, width: i32) -> (Vec<LegendEntry>, i32) {
    let mut entries: Vec<(Swatch, String)> = [Coverage::Before, Coverage::New, Coverage::Uncovered]
        .into_iter()
        .map(|c| (Swatch::Circle(c.colour()), c.label().to_string()))
        .collect();
    entries.push((Swatch::Square, format!("existing ({})", svc.existing.len())));
    entries.push((Swatch::Star, format!("new site ({})", svc.new.len())));
    entries.push((Swatch::None, "circle area ∝ residents".to_string()));
    let row_height = 20;
    let (mut x, mut y) = (MARGIN, 0);
    let mut placed = Vec::with_capacity(entries.len());
    for (swatch, label) in entries {
        // SVG text has no measured width here; 0.6 em per character is a safe guess for sans-serif.
        let w = 22 + (0.6 * TEXT_PX / 1.24 * label.chars().count() as f64) as i32 + 16;
        if x + w > width - MARGIN && x > MARGIN {
            (x, y) = (MARGIN, y + row_height);
        }
        placed.push(LegendEntry {
            swatch,
            label,
            at: (x, y),
        });
        x += w;
    }
    (placed, y + row_height + MARGIN)
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

/// Draws the map on any plotters backend; `text` adds the title and legend.
fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    geometry: &Geometry,
    svc: &ServiceOutcome,
    style: &MapStyle,
    text: bool,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (w, h) = (style.width as i32, style.height as i32);
    root.fill(&WHITE)?;
    let (legend, legend_height) = legend_layout(svc, w);
    let (top, bottom) = if text {
        (TITLE_BAND, h - legend_height)
    } else {
        (0, h)
    };
    // Circles and stars must not be cut at the border.
    let pad = style.max_radius.max(12.0) + MARGIN as f64;
    let frame = Frame::fit(
        geometry
            .streets
            .iter()
            .flatten()
            .copied()
            .chain(geometry.demand_points.iter().map(|d| (d.lon, d.lat)))
            .chain(svc.existing.iter().chain(&svc.new).map(|s| (s.lon, s.lat))),
        (pad, top as f64 + pad, w as f64 - pad, bottom as f64 - pad),
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
        let colour = Coverage::of(d, &svc.service).colour();
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

    if text {
        let [first, second] = title_lines(svc);
        let bold = FontDesc::new(FontFamily::SansSerif, TITLE_PX, FontStyle::Bold).color(&BLACK);
        let plain = FontDesc::new(FontFamily::SansSerif, TEXT_PX, FontStyle::Normal).color(&BLACK);
        root.draw(&Text::new(first, (MARGIN, MARGIN), bold))?;
        root.draw(&Text::new(second, (MARGIN, MARGIN + 26), plain.clone()))?;
        for LegendEntry { swatch, label, at } in legend {
            let (x, y) = (at.0, bottom + at.1 + 4);
            let centre = (x + 7, y + 7);
            match swatch {
                Swatch::Circle(c) => root.draw(&Circle::new(centre, 6u32, c.mix(0.8).filled()))?,
                Swatch::Square => root.draw(&Rectangle::new(
                    [(x + 3, y + 3), (x + 11, y + 11)],
                    BLACK.filled(),
                ))?,
                Swatch::Star => root.draw(&Polygon::new(star(centre, 8.0), NEW_SITE.filled()))?,
                Swatch::None => {}
            }
            let label_x = if matches!(swatch, Swatch::None) {
                x
            } else {
                x + 20
            };
            root.draw(&Text::new(label, (label_x, y), plain.clone()))?;
        }
    }
    root.present()
}

/// The map of one planned service as an SVG document: streets, residents
/// coloured by coverage, existing facilities and new sites, with a title
/// ("pharmacy: 50.1 % → 98.9 % covered …") and a legend. See the module docs
/// for the colours and the example.
///
/// # Errors
/// [`Error::InvalidParameter`] if `service` is not planned in the report or
/// the style is out of range; [`Error::Map`] if drawing fails.
pub fn plan_svg(plan: &Run<PlanReport>, service: &str, style: &MapStyle) -> Result<String> {
    style.validate()?;
    let svc = outcome(&plan.report, service)?;
    let mut svg = String::new();
    {
        let root =
            SVGBackend::with_string(&mut svg, (style.width, style.height)).into_drawing_area();
        draw(&root, &plan.geometry, svc, style, true).map_err(|e| Error::Map(e.to_string()))?;
    }
    Ok(svg)
}

/// The same map as [`plan_svg`] as PNG bytes (RGB, 8 bits), without title
/// and legend (see the module docs for why).
///
/// # Errors
/// As [`plan_svg`]; [`Error::Map`] also if PNG encoding fails.
pub fn plan_png(plan: &Run<PlanReport>, service: &str, style: &MapStyle) -> Result<Vec<u8>> {
    style.validate()?;
    let svc = outcome(&plan.report, service)?;
    let (w, h) = (style.width, style.height);
    let mut pixels = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        draw(&root, &plan.geometry, svc, style, false).map_err(|e| Error::Map(e.to_string()))?;
    }
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
        .write_header()
        .and_then(|mut writer| writer.write_image_data(&pixels))
        .map_err(|e| Error::Map(format!("PNG encoding: {e}")))?;
    Ok(png)
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
        for (coverage, n) in [
            (Coverage::Before, 3),
            (Coverage::New, 3),
            (Coverage::Uncovered, 2),
        ] {
            assert_eq!(
                svg.matches(&fill(coverage.colour())).count(),
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

//! Stage 6: maps of a plan, drawn with plotters, and a self-contained HTML
//! report of one or several plans.
//!
//! A map shows one planned service:
//! - streets of the walking network as thin grey lines ([`PlanReport::streets`]);
//! - residents (demand points) as circles whose **area** grows with their
//!   population, coloured by coverage: **green** covered by the existing
//!   facilities, **blue** newly covered by the plan, **red** still uncovered.
//!   A point counts as covered when at least half of the residents the service
//!   serves there are within its walking limit
//!   ([`DemandOutcome::before`](crate::scenario::DemandOutcome::before) /
//!   `after` ≥ 0.5): the shares differ from 0 and 1 only where residents
//!   aged 60+, who walk slower, are out of reach while the others are not, so
//!   the colour follows the majority;
//! - existing facilities as black squares, new sites as orange stars.
//!
//! Coordinates use a local equirectangular projection: longitudes are scaled
//! by the cosine of the map's middle latitude, so at Helsinki's 60° N a metre
//! east is as long on the map as a metre north. Over a few kilometres the
//! error of this projection is far below a pixel.
//!
//! SVG maps carry a title (coverage before → after) and a legend. PNG maps
//! are the same picture without text: plotters draws text into bitmaps only
//! with system fonts (font-kit, fontconfig) or a font file shipped with the
//! crate (ab_glyph), and neither is worth its cost here; the HTML report
//! and the SVGs carry the words.
//!
//! # Example
//! ```
//! use lifecircle::map::{plan_html, plan_png, plan_svg, plan_svgs, MapStyle};
//! use lifecircle::scenario::Scenario;
//!
//! let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/data/helsinki/demo.toml");
//! let report = Scenario::from_file(demo)?.run()?;
//! let style = MapStyle::default();
//!
//! let svg = plan_svg(&report, "pharmacy", &style)?;
//! assert!(svg.contains("pharmacy: 50.1 % → 98.9 % covered"));
//! let png = plan_png(&report, "pharmacy", &style)?;
//! assert!(png.starts_with(b"\x89PNG"));
//!
//! // One page for several variants: here only the demo's plan.
//! let html = plan_html(&[("demo".to_string(), &report, plan_svgs(&report, &style)?)]);
//! assert!(html.starts_with("<!DOCTYPE html>") && html.contains(&svg));
//! # Ok::<(), lifecircle::Error>(())
//! ```

use std::fmt::Write as _;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::compare::{report_rows, ComparisonRow};
use crate::error::{Error, Result};
use crate::report::{fixed, opt, pct, COMPARISON_COLUMNS};
use crate::scenario::{DemandOutcome, Objective, PlanReport, ServiceOutcome};

/// Size and marker scale of a map.
///
/// # Example
/// ```
/// use lifecircle::map::MapStyle;
///
/// let big = MapStyle { width: 1200, height: 1000, ..MapStyle::default() };
/// assert_eq!(big.max_radius, MapStyle::default().max_radius);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapStyle {
    /// Width of the picture in pixels, 200 to 4096.
    pub width: u32,
    /// Height of the picture in pixels, 200 to 4096.
    pub height: u32,
    /// Radius in pixels of the circle of the most populous demand point (at
    /// most a quarter of the shorter side); the others get the radius that makes circle areas proportional to
    /// population (never below 2 px, so that small points stay visible).
    pub max_radius: f64,
}

impl Default for MapStyle {
    fn default() -> Self {
        Self {
            width: 800,
            height: 700,
            max_radius: 18.0,
        }
    }
}

impl MapStyle {
    /// Smallest width and height in pixels.
    pub const MIN_SIDE: u32 = 200;
    /// Largest width and height in pixels: a PNG of 4096 x 4096 takes 48 MB
    /// while it is drawn.
    pub const MAX_SIDE: u32 = 4096;

    /// Checks the size and the radius; every drawing function calls it first.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`]: a side outside
    /// [`MIN_SIDE`](Self::MIN_SIDE)..=[`MAX_SIDE`](Self::MAX_SIDE), or a
    /// radius that is not a positive number at most a quarter of the shorter side.
    ///
    /// ```
    /// use lifecircle::map::MapStyle;
    /// assert!(MapStyle::default().validate().is_ok());
    /// assert!(MapStyle { width: 1_000_000, ..MapStyle::default() }.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        let sides = Self::MIN_SIDE..=Self::MAX_SIDE;
        if !(sides.contains(&self.width) && sides.contains(&self.height)) {
            return Err(Error::param(
                "map size",
                format!(
                    "{} x {} pixels; each side must lie in {}..={}",
                    self.width,
                    self.height,
                    Self::MIN_SIDE,
                    Self::MAX_SIDE
                ),
            ));
        }
        // Beyond a quarter of the picture the padding that keeps circles whole leaves no map.
        let most = f64::from(self.width.min(self.height)) / 4.0;
        if !(self.max_radius.is_finite() && self.max_radius > 0.0 && self.max_radius <= most) {
            return Err(Error::param(
                "max_radius",
                format!(
                    "must be > 0 and at most {most} pixels (a quarter of the shorter side), got {}",
                    self.max_radius
                ),
            ));
        }
        Ok(())
    }
}

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

/// Pixels from lon/lat: the local equirectangular projection of the module docs,
/// fitted into a rectangle of the picture.
struct Frame {
    mid_lon: f64,
    mid_lat: f64,
    cos_lat: f64,
    scale: f64,
    centre: (f64, f64),
}

impl Frame {
    fn fit(
        points: impl Iterator<Item = (f64, f64)>,
        (x0, y0, x1, y1): (f64, f64, f64, f64),
    ) -> Self {
        let (mut lo, mut hi) = (
            (f64::INFINITY, f64::INFINITY),
            (f64::NEG_INFINITY, f64::NEG_INFINITY),
        );
        for (lon, lat) in points {
            lo = (lo.0.min(lon), lo.1.min(lat));
            hi = (hi.0.max(lon), hi.1.max(lat));
        }
        if lo.0 > hi.0 {
            // Nothing to draw: any frame will do.
            (lo, hi) = ((0.0, 0.0), (0.0, 0.0));
        }
        let (mid_lon, mid_lat) = ((lo.0 + hi.0) / 2.0, (lo.1 + hi.1) / 2.0);
        let cos_lat = mid_lat.to_radians().cos();
        // A single point (zero extent) is centred at an arbitrary finite scale.
        let span_x = ((hi.0 - lo.0) * cos_lat).max(1e-9);
        let span_y = (hi.1 - lo.1).max(1e-9);
        let scale = ((x1 - x0) / span_x).min((y1 - y0) / span_y);
        Self {
            mid_lon,
            mid_lat,
            cos_lat,
            scale,
            centre: ((x0 + x1) / 2.0, (y0 + y1) / 2.0),
        }
    }

    fn px(&self, lon: f64, lat: f64) -> (i32, i32) {
        let x = self.centre.0 + (lon - self.mid_lon) * self.cos_lat * self.scale;
        let y = self.centre.1 - (lat - self.mid_lat) * self.scale;
        (x.round() as i32, y.round() as i32)
    }
}

/// Pixel segments joined into polylines where one ends where the next starts,
/// as consecutive edges of an OSM way do: an SVG element per edge would triple
/// the file. Segments within one pixel are invisible and dropped.
fn polylines(segments: impl Iterator<Item = ((i32, i32), (i32, i32))>) -> Vec<Vec<(i32, i32)>> {
    let mut lines: Vec<Vec<(i32, i32)>> = Vec::new();
    for (a, b) in segments.filter(|(a, b)| a != b) {
        match lines.last_mut() {
            Some(line) if line.last() == Some(&a) => line.push(b),
            _ => lines.push(vec![a, b]),
        }
    }
    lines
}

/// A five-pointed star around `(x, y)` with outer radius `r`.
fn star((x, y): (i32, i32), r: f64) -> Vec<(i32, i32)> {
    (0..10)
        .map(|k| {
            let radius = if k % 2 == 0 { r } else { 0.42 * r };
            let angle = std::f64::consts::PI * (k as f64 / 5.0 - 0.5);
            (
                x + (radius * angle.cos()).round() as i32,
                y + (radius * angle.sin()).round() as i32,
            )
        })
        .collect()
}

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
    report: &PlanReport,
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
        report
            .streets
            .iter()
            .flatten()
            .copied()
            .chain(report.demand_points.iter().map(|d| (d.lon, d.lat)))
            .chain(svc.existing.iter().chain(&svc.new).map(|s| (s.lon, s.lat))),
        (pad, top as f64 + pad, w as f64 - pad, bottom as f64 - pad),
    );

    let street = ShapeStyle::from(&STREET).stroke_width(1);
    for line in polylines(
        report
            .streets
            .iter()
            .map(|&[a, b]| (frame.px(a.0, a.1), frame.px(b.0, b.1))),
    ) {
        root.draw(&PathElement::new(line, street))?;
    }

    let max_pop = report
        .demand_points
        .iter()
        .map(|d| d.population)
        .fold(0.0, f64::max);
    let mut points: Vec<&DemandOutcome> = report.demand_points.iter().collect();
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
pub fn plan_svg(report: &PlanReport, service: &str, style: &MapStyle) -> Result<String> {
    style.validate()?;
    let svc = outcome(report, service)?;
    let mut svg = String::new();
    {
        let root =
            SVGBackend::with_string(&mut svg, (style.width, style.height)).into_drawing_area();
        draw(&root, report, svc, style, true).map_err(|e| Error::Map(e.to_string()))?;
    }
    Ok(svg)
}

/// The same map as [`plan_svg`] as PNG bytes (RGB, 8 bits), without title
/// and legend (see the module docs for why).
///
/// # Errors
/// As [`plan_svg`]; [`Error::Map`] also if PNG encoding fails.
pub fn plan_png(report: &PlanReport, service: &str, style: &MapStyle) -> Result<Vec<u8>> {
    style.validate()?;
    let svc = outcome(report, service)?;
    let (w, h) = (style.width, style.height);
    let mut pixels = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        draw(&root, report, svc, style, false).map_err(|e| Error::Map(e.to_string()))?;
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
pub fn plan_svgs(report: &PlanReport, style: &MapStyle) -> Result<Vec<String>> {
    report
        .services
        .iter()
        .map(|s| plan_svg(report, &s.service, style))
        .collect()
}

/// Text made safe for HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn objective_name(o: Objective) -> &'static str {
    match o {
        Objective::Coverage => "coverage",
        Objective::Equity => "equity",
        Objective::MinCost => "min_cost",
    }
}

const CSS: &str = "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.5em}h2{font-size:1.25em;margin-top:1.5em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}
th{background:#f2f2f2;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.variants{display:flex;flex-wrap:wrap;gap:2em}.variant{flex:1 1 40em;min-width:0}
.maps{display:flex;flex-wrap:wrap;gap:1em}.maps svg{max-width:100%;height:auto;border:1px solid #ddd}
.note{color:#555;font-size:.9em}";

/// A table cell; numbers are right-aligned.
enum Cell {
    Text(String),
    Num(String),
}

/// Appends a table row of escaped cells.
fn row(o: &mut String, cells: &[Cell]) {
    o.push_str("<tr>");
    for cell in cells {
        let _ = match cell {
            Cell::Text(t) => write!(o, "<td>{}</td>", escape(t)),
            Cell::Num(n) => write!(o, "<td class=\"n\">{}</td>", escape(n)),
        };
    }
    o.push_str("</tr>\n");
}

fn header(o: &mut String, cells: &[&str]) {
    o.push_str("<tr>");
    for cell in cells {
        let _ = write!(o, "<th>{}</th>", escape(cell));
    }
    o.push_str("</tr>\n");
}

/// Headers of [`solver_cells`].
const SOLVER_COLUMNS: [&str; 7] = [
    "objective",
    "value",
    "bound",
    "gap",
    "status",
    "cost",
    "budget",
];

fn solver_cells(r: &PlanReport) -> Vec<Cell> {
    vec![
        Cell::Text(objective_name(r.objective_kind).into()),
        Cell::Num(fixed(r.objective, 2)),
        Cell::Num(fixed(r.bound, 2)),
        Cell::Num(format!("{} %", fixed(100.0 * r.gap, 4))),
        Cell::Text(r.status.to_string()),
        Cell::Num(format!("{}", r.cost)),
        r.budget
            .map_or_else(|| Cell::Text("-".into()), |b| Cell::Num(b.to_string())),
    ]
}

/// One self-contained HTML page (inline CSS, maps inlined, no external
/// assets) comparing plan variants: the comparison table (one row per variant
/// and planned service, the columns of `lifecircle compare`'s), then a
/// section per variant with its solver figures, the before/after table per
/// service, the new sites and its maps. Sections sit side by side on wide
/// screens.
///
/// Each variant is `(name, report, maps)`: `maps` are SVG documents, usually
/// [`plan_svgs`] of the report, inserted as they are (they must be trusted
/// markup); names and every other text are escaped. See the module example.
pub fn plan_html(variants: &[(String, &PlanReport, Vec<String>)]) -> String {
    let rows: Vec<ComparisonRow> = variants
        .iter()
        .flat_map(|(name, r, _)| report_rows(name, r))
        .collect();
    comparison_html(&rows, variants, variants.len())
}

/// Variants that [`comparison_html`] is meant to get sections (details and
/// maps) for: a map of a district-size plan weighs about 100 kB, so a page of
/// every one of 1,000 variants would weigh hundreds of MB.
pub const MAX_DETAILED_VARIANTS: usize = 20;

/// The page of [`plan_html`] for a comparison whose table lists every
/// variant (`rows`, failed ones included) while only `details` (usually the
/// first [`MAX_DETAILED_VARIANTS`] solved ones) get a section with tables
/// and maps; `total` is the number of variants, named in a note when some
/// have no section, so that the page's size follows the sections drawn.
pub fn comparison_html(
    rows: &[ComparisonRow],
    details: &[(String, &PlanReport, Vec<String>)],
    total: usize,
) -> String {
    let variants = details;
    let mut o = String::new();
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    o.push_str("<title>lifecircle plan report</title>\n");
    let _ = writeln!(o, "<style>\n{CSS}\n</style>\n</head>\n<body>");
    o.push_str("<h1>lifecircle plan report</h1>\n");
    o.push_str("<p class=\"note\">Covered: residents the service serves within its walking limit \
        (residents aged 60+ at their own pace). On the maps, circle area is proportional to residents; \
        green: covered before, blue: newly covered, red: not covered (at least half of a point's served \
        residents decide); black squares: existing facilities; orange stars: new sites.</p>\n");

    // The comparison table, with the columns of `lifecircle compare`'s.
    o.push_str("<h2>Variants</h2>\n<table>\n");
    let columns: Vec<&str> = COMPARISON_COLUMNS.iter().map(|c| c.header).collect();
    header(&mut o, &columns);
    for line in rows {
        let cells: Vec<Cell> = COMPARISON_COLUMNS
            .iter()
            .map(|c| {
                let text = c.cell(line, " → ");
                if c.names {
                    Cell::Text(text)
                } else {
                    Cell::Num(text)
                }
            })
            .collect();
        row(&mut o, &cells);
    }
    o.push_str("</table>\n");
    if variants.len() < total {
        let _ = writeln!(
            o,
            "<p class=\"note\">Details and maps of {} of the {total} variants; the table lists them all.</p>",
            variants.len()
        );
    }
    o.push_str("<div class=\"variants\">\n");

    for (name, r, maps) in variants {
        let _ = writeln!(o, "<section class=\"variant\">\n<h2>{}</h2>", escape(name));
        o.push_str("<table>\n");
        header(&mut o, &SOLVER_COLUMNS);
        row(&mut o, &solver_cells(r));
        o.push_str("</table>\n");
        let _ = writeln!(
            o,
            "<p class=\"note\">{} candidate sites; residents aged 60+ weigh {}; {:.0} residents on the network.</p>",
            r.candidates,
            r.elderly_weight,
            r.demand.residents
        );
        o.push_str("<table>\n");
        header(
            &mut o,
            &[
                "service",
                "new sites",
                "existing",
                "served",
                "covered before",
                "share",
                "covered after",
                "share",
                "60+ before",
                "60+ after",
            ],
        );
        for s in &r.services {
            row(
                &mut o,
                &[
                    Cell::Text(s.service.clone()),
                    Cell::Num(format!("{}", s.new.len())),
                    Cell::Num(format!("{}", s.existing.len())),
                    Cell::Num(format!("{:.0}", s.served)),
                    Cell::Num(format!("{:.0}", s.covered_before)),
                    Cell::Num(format!("{:.1} %", pct(s.covered_before, s.served))),
                    Cell::Num(format!("{:.0}", s.covered_after)),
                    Cell::Num(format!("{:.1} %", pct(s.covered_after, s.served))),
                    Cell::Num(opt(s.covered_60plus_before)),
                    Cell::Num(opt(s.covered_60plus_after)),
                ],
            );
        }
        o.push_str("</table>\n<table>\n");
        header(
            &mut o,
            &["new site", "service", "lon", "lat", "cost", "newly reached"],
        );
        for s in &r.services {
            for site in &s.new {
                row(
                    &mut o,
                    &[
                        Cell::Text(site.id.clone()),
                        Cell::Text(s.service.clone()),
                        Cell::Num(format!("{:.6}", site.lon)),
                        Cell::Num(format!("{:.6}", site.lat)),
                        Cell::Num(format!("{}", site.cost)),
                        Cell::Num(format!("{:.0}", site.newly_reached)),
                    ],
                );
            }
        }
        o.push_str("</table>\n<div class=\"maps\">\n");
        for svg in maps {
            o.push_str(svg);
            o.push('\n');
        }
        o.push_str("</div>\n</section>\n");
    }
    o.push_str("</div>\n</body>\n</html>\n");
    o
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::coverage::Speeds;
    use crate::scenario::{DemandSummary, NetworkSummary, Site, StageSeconds};
    use crate::solve::{PresolveStats, SolveStatus};

    fn site(id: &str, lon: f64, lat: f64) -> Site {
        Site {
            id: id.into(),
            lon,
            lat,
            cost: 1.0,
            newly_reached: 100.0,
        }
    }

    fn point(id: &str, lon: f64, population: f64, before: f64, after: f64) -> DemandOutcome {
        DemandOutcome {
            id: id.into(),
            zone: "z".into(),
            lon,
            lat: 60.17,
            population,
            aged_60_plus: Some(0.15 * population),
            before: BTreeMap::from([("pharmacy".to_string(), before)]),
            after: BTreeMap::from([("pharmacy".to_string(), after)]),
        }
    }

    /// A street of four segments with five residents' points: two covered
    /// before, two newly covered (one only mostly), one uncovered.
    fn report() -> PlanReport {
        let demand_points = vec![
            point("a", 24.940, 300.0, 1.0, 1.0),
            point("b", 24.942, 50.0, 1.0, 1.0),
            point("c", 24.944, 800.0, 0.0, 1.0),
            point("d", 24.946, 120.0, 0.2, 0.8),
            point("e", 24.948, 10.0, 0.0, 0.0),
        ];
        PlanReport {
            objective_kind: Objective::Coverage,
            objective: 1270.0,
            bound: 1270.0,
            gap: 0.0,
            status: SolveStatus::Optimal,
            cost: 1.0,
            budget: None,
            elderly_weight: 1.0,
            speeds: Speeds::default(),
            candidates: 5,
            services: vec![ServiceOutcome {
                service: "pharmacy".into(),
                walking_limit_min: 8.0,
                capacity: None,
                max_new: Some(1),
                existing: vec![site("node/1", 24.941, 60.1701)],
                new: vec![site("5", 24.945, 60.1701)],
                served: 1280.0,
                covered_before: 374.0,
                covered_after: 1270.0,
                covered_60plus_before: Some(56.1),
                covered_60plus_after: Some(190.4),
                unreachable_ids: Vec::new(),
            }],
            presolve: PresolveStats::default(),
            sites: Vec::new(),
            covered_before: 374.0,
            covered_after: 1270.0,
            current: Vec::new(),
            after: Vec::new(),
            zones_before: Vec::new(),
            zones_after: Vec::new(),
            skipped: Vec::new(),
            search_minutes: 30.0,
            network: NetworkSummary {
                nodes: 5,
                edges: 4,
                length_km: 0.44,
                dropped_nodes: 0,
                osm: Default::default(),
            },
            demand: DemandSummary {
                points: 5,
                on_network: 5,
                residents: 1280.0,
                residents_60plus: Some(192.0),
                outside: 0,
                residents_outside: 0.0,
                zones: 1,
            },
            seconds: StageSeconds::default(),
            streets: (0..4)
                .map(|i| {
                    let lon = 24.940 + 0.002 * i as f64;
                    [(lon, 60.1702), (lon + 0.002, 60.1702)]
                })
                .collect(),
            demand_points,
        }
    }

    /// Every opening tag is closed, in order (self-closing tags aside).
    fn assert_balanced(xml: &str) {
        let mut open: Vec<String> = Vec::new();
        let mut rest = xml;
        while let Some(start) = rest.find('<') {
            let end = start + rest[start..].find('>').expect("unterminated tag");
            let tag = &rest[start + 1..end];
            let name = |t: &str| t.split_whitespace().next().unwrap_or("").to_string();
            if let Some(closing) = tag.strip_prefix('/') {
                assert_eq!(open.pop().as_deref(), Some(closing.trim()), "at {tag}");
            } else if !tag.ends_with('/') && !tag.starts_with('!') && name(tag) != "meta" {
                open.push(name(tag));
            }
            rest = &rest[end + 1..];
        }
        assert!(open.is_empty(), "unclosed {open:?}");
    }

    #[test]
    fn svg_has_a_circle_per_point_the_sites_a_title_and_a_legend() {
        let r = report();
        let svg = plan_svg(&r, "pharmacy", &MapStyle::default()).unwrap();
        assert!(svg.trim_start().starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_balanced(&svg);
        // One circle per demand point and three legend swatches.
        assert_eq!(svg.matches("<circle").count(), r.demand_points.len() + 3);
        // One star per new site and one in the legend.
        assert_eq!(svg.matches("<polygon").count(), r.services[0].new.len() + 1);
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
    fn touching_segments_join_and_dots_vanish() {
        let lines = polylines(
            [
                ((0, 0), (1, 0)),
                ((1, 0), (2, 2)),
                ((5, 5), (5, 5)),
                ((3, 3), (4, 4)),
                ((4, 4), (0, 0)),
            ]
            .into_iter(),
        );
        assert_eq!(
            lines,
            [vec![(0, 0), (1, 0), (2, 2)], vec![(3, 3), (4, 4), (0, 0)]]
        );
    }

    #[test]
    fn circle_areas_follow_population_and_the_map_keeps_its_aspect() {
        let r = report();
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
        let png = plan_png(&report(), "pharmacy", &style).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // The IHDR chunk follows the signature: width and height, big-endian.
        assert_eq!(&png[16..24], &[0, 0, 1, 44, 0, 0, 0, 240]);
    }

    #[test]
    fn unknown_service_and_tiny_maps_are_errors() {
        let r = report();
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

    #[test]
    fn a_comparison_page_lists_every_row_and_details_only_some() {
        let r = report();
        let mut rows = report_rows("drawn", &r);
        rows.extend(report_rows("not drawn", &r));
        rows.push(ComparisonRow {
            variant: "broke".into(),
            status: "error".into(),
            error: Some("budget".into()),
            ..ComparisonRow::default()
        });
        let maps = plan_svgs(&r, &MapStyle::default()).unwrap();
        let html = comparison_html(&rows, &[("drawn".to_string(), &r, maps)], 3);
        assert!(html.contains("<td>not drawn</td>") && html.contains("<td>broke</td>"));
        assert_eq!(html.matches("<section").count(), 1);
        assert_eq!(html.matches("<svg").count(), 1);
        assert!(html.contains("Details and maps of 1 of the 3 variants; the table lists them all."));
    }

    #[test]
    fn html_shows_a_zero_bound_without_a_sign() {
        let r = PlanReport {
            objective_kind: Objective::Equity,
            objective: 0.0,
            bound: -0.0,
            ..report()
        };
        let html = plan_html(&[("fair".to_string(), &r, Vec::new())]);
        assert!(!html.contains("-0"), "{html}");
        assert!(html.contains("<td class=\"n\">0.00</td>"));
    }

    #[test]
    fn html_escapes_names_and_holds_every_variant() {
        let r = report();
        let maps = plan_svgs(&r, &MapStyle::default()).unwrap();
        let html = plan_html(&[
            ("<b>budget & \"more\"</b>".to_string(), &r, maps.clone()),
            ("baseline".to_string(), &r, Vec::new()),
        ]);
        assert!(html.contains("&lt;b&gt;budget &amp; &quot;more&quot;&lt;/b&gt;"));
        assert!(!html.contains("<b>budget"));
        assert_eq!(html.matches("<section").count(), 2);
        assert_eq!(html.matches("<svg").count(), 1);
        assert!(html.contains(&maps[0]));
        // The comparison table has the columns of the text table.
        for column in [
            "newly cov",
            "60+",
            "share",
            "p50 min",
            "p90 min",
            "zones 3★+",
        ] {
            assert!(html.contains(&format!("<th>{column}</th>")), "{column}");
        }
        assert!(html.contains("<td class=\"n\">29.2% → 99.2%</td>"));
        assert!(html.contains("<td class=\"n\">&gt;30 → &gt;30</td>"));
        assert!(
            !html.contains("src=") && !html.contains("href="),
            "no external assets"
        );
        assert_balanced(html.trim_start_matches("<!DOCTYPE html>"));
    }
}

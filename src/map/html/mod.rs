//! The HTML report: one self-contained page with an interactive map (Leaflet,
//! vendored in `vendor/leaflet/` and embedded) and the tables of a plan, of a
//! comparison of plan variants, or of a gap analysis.
//!
//! The page works offline: the script, its styles and the map's data are in
//! the file, and nothing is fetched unless the reader picks the
//! OpenStreetMap background (a base layer, off by default). The map's data
//! is one JSON block ([`data`]); `report.js` draws it. Overlays, each
//! switched in the layer control: streets, residents (coloured by coverage of
//! the service picked, circle area ∝ residents, tooltip with counts and the
//! 60+), facilities (existing squares, new stars, popups with id, cost and
//! residents newly reached), isochrones (what the existing facilities and
//! the new sites reach within the service's walking limit) and zones (a
//! choropleth of the figure picked, with a legend). A comparison's variant
//! picker switches the map and the tables shown below it together.
//!
//! Once drawn, the map element carries `data-ready="1"`, `data-layers` (the
//! overlays, in order) and `data-features` (features drawn per overlay, as
//! JSON), and `data-errors` counts script errors: what the browser tests read.

use std::fmt::Write as _;

use crate::outcome::{report_rows, ComparisonRow, GapsReport, PlanReport, Run};
use crate::report::{fixed, minutes, opt, pct, COMPARISON_COLUMNS};

mod data;

const LEAFLET_JS: &str = include_str!("../../../vendor/leaflet/leaflet.min.js");
const LEAFLET_CSS: &str = include_str!("../../../vendor/leaflet/leaflet.css");
const REPORT_JS: &str = include_str!("report.js");
const REPORT_CSS: &str = include_str!("report.css");

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
            Cell::Text(t) => write!(o, "<td>{}</td>", breakable(&escape(t))),
            Cell::Num(n) => write!(o, "<td class=\"n\">{}</td>", escape(n)),
        };
    }
    o.push_str("</tr>\n");
}

/// Text with a line-break opportunity after each `.`, `,`, `=` and `_`, so
/// that a long variant name (`plan.new_sites.elderly_canteen=2`) wraps at its
/// parts rather than mid-word in a narrow window.
fn breakable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        out.push(c);
        if matches!(c, '.' | ',' | '=' | '_') {
            out.push_str("<wbr>");
        }
    }
    out
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
        Cell::Text(r.objective_kind.name().into()),
        Cell::Num(fixed(r.objective, 2)),
        Cell::Num(fixed(r.bound, 2)),
        Cell::Num(format!("{} %", fixed(100.0 * r.gap, 4))),
        Cell::Text(r.status.to_string()),
        Cell::Num(format!("{}", r.cost)),
        r.budget
            .map_or_else(|| Cell::Text("-".into()), |b| Cell::Num(b.to_string())),
    ]
}

/// The page's head, title and opening note, up to the map.
fn open_page(o: &mut String, title: &str, note: &str) {
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(o, "<title>{}</title>", escape(title));
    let _ = writeln!(
        o,
        "<style>\n{LEAFLET_CSS}\n{REPORT_CSS}\n</style>\n</head>\n<body>"
    );
    let _ = writeln!(o, "<h1>{}</h1>", escape(title));
    let _ = writeln!(o, "<p class=\"note\">{}</p>", escape(note));
}

/// The map with its pickers, the data it draws and the scripts.
fn map_block(o: &mut String, data: &serde_json::Value) {
    o.push_str("<div class=\"toolbar\">\n");
    o.push_str(
        "<label id=\"variant-picker\" hidden>Variant <select id=\"variant\"></select></label>\n",
    );
    o.push_str("<label>Service <select id=\"service\"></select></label>\n");
    o.push_str("<label>Zones show <select id=\"metric\"></select></label>\n");
    o.push_str("<span id=\"service-title\" class=\"note\"></span>\n</div>\n");
    o.push_str("<div id=\"map\" class=\"map\" data-ready=\"0\" data-errors=\"0\"></div>\n");
    // No `<` at all inside the script element (`</script>`, `<!--` in a name
    // would end or garble it): JSON has it only in strings, where \u003c is the same.
    let json = data.to_string().replace('<', "\\u003c");
    let _ = writeln!(
        o,
        "<script type=\"application/json\" id=\"lifecircle-data\">{json}</script>"
    );
}

fn close_page(o: &mut String) {
    let _ = writeln!(
        o,
        "<script>\n{LEAFLET_JS}\n</script>\n<script>\n{REPORT_JS}\n</script>"
    );
    o.push_str("</body>\n</html>\n");
}

const PLAN_NOTE: &str = "Covered: residents the service serves within its walking limit \
    (residents aged 60+ at their own pace). On the map, circle area is proportional to residents; \
    green: covered before, blue: newly covered, red: not covered (at least half of a point's served \
    residents decide); black squares: existing facilities; orange stars: new sites; shaded: what \
    the existing facilities (grey) and the new sites (blue) reach on foot within the walking limit \
    at the pace of whom the service serves (the 60+ pace for a service of the 60+ alone). The map works offline; the OpenStreetMap background is fetched only if you \
    pick it.";

/// One self-contained HTML page (styles, scripts and the map's data inline,
/// nothing fetched) of plan variants, each `(name, run)`: the comparison
/// table (one row per variant and planned service, the columns of
/// `lifecircle compare`'s), the interactive map, then a section per variant
/// with its solver figures, the before/after table per service and the new
/// sites. With several variants a picker shows one at a time, on the map and
/// in the tables. Names and every other text are escaped. See the module
/// example.
pub fn plan_html(variants: &[(String, &Run<PlanReport>)]) -> String {
    let rows: Vec<ComparisonRow> = variants
        .iter()
        .flat_map(|(name, r)| report_rows(name, &r.report))
        .collect();
    comparison_html(&rows, variants, variants.len())
}

/// Variants that [`comparison_html`] is meant to get sections (details and
/// maps) for: each carries its own coverage, sites and isochrones, so a page
/// of every one of 1,000 variants would weigh hundreds of MB.
pub const MAX_DETAILED_VARIANTS: usize = 20;

/// The page of [`plan_html`] for a comparison whose table lists every
/// variant (`rows`, failed ones included) while only `details` (usually the
/// first [`MAX_DETAILED_VARIANTS`] solved ones) get a section and a map;
/// `total` is the number of variants, named in a note when some have no
/// section, so that the page's size follows the sections drawn.
pub fn comparison_html(
    rows: &[ComparisonRow],
    details: &[(String, &Run<PlanReport>)],
    total: usize,
) -> String {
    let mut o = String::new();
    open_page(&mut o, "lifecircle plan report", PLAN_NOTE);

    // The comparison table, with the columns of `lifecircle compare`'s.
    o.push_str("<h2>Variants</h2>\n<div class=\"wide\"><table>\n");
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
    o.push_str("</table></div>\n");
    if details.len() < total {
        let _ = writeln!(
            o,
            "<p class=\"note\">Details and maps of {} of the {total} variants; the table lists them all.</p>",
            details.len()
        );
    }
    map_block(&mut o, &data::plans(details));

    for (k, (name, run)) in details.iter().enumerate() {
        let r = &run.report;
        let _ = writeln!(
            o,
            "<section class=\"variant\" data-variant=\"{k}\">\n<h2>{}</h2>",
            escape(name)
        );
        o.push_str("<div class=\"wide\"><table>\n");
        header(&mut o, &SOLVER_COLUMNS);
        row(&mut o, &solver_cells(r));
        o.push_str("</table></div>\n");
        let _ = writeln!(
            o,
            "<p class=\"note\">{} candidate sites; residents aged 60+ weigh {}; {:.0} residents on the network.</p>",
            r.candidates,
            r.elderly_weight,
            r.demand.residents
        );
        o.push_str("<div class=\"wide\"><table>\n");
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
        o.push_str("</table></div>\n<div class=\"wide\"><table>\n");
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
        o.push_str("</table></div>\n</section>\n");
    }
    close_page(&mut o);
    o
}

const GAPS_NOTE: &str = "Living-circle completeness per zone: a category is present \
    in a zone when enough of its residents reach it within the category's walking limit \
    (residents aged 60+ at their own pace). The map colours zones by the figure picked (stars by \
    default; hover a zone for what it lacks) and residents by whether they reach the service \
    picked: green, all of them (at the 60+ pace too); orange, only at the adult pace; red, \
    none. Black squares: the service's existing facilities; shaded: what they reach within the \
    walking limit at the pace of whom the service serves (the 60+ pace for a service of the 60+ \
    alone). The map works offline; the OpenStreetMap background is fetched only if you pick it.";

/// One self-contained HTML page of a gap analysis named `name`: the
/// community map (zones by stars, basic and quality categories present, the
/// share covered or the median walk of a category; the categories missing on
/// hover), then the tables per zone and per category.
///
/// ```
/// use lifecircle::map::gaps_html;
/// use lifecircle::scenario::Scenario;
///
/// let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/data/helsinki/centroids.toml");
/// let gaps = Scenario::from_file(demo)?.gaps()?;
/// let html = gaps_html("demo", &gaps);
/// assert!(html.contains("id=\"lifecircle-data\"") && html.contains("<th>missing</th>"));
/// # Ok::<(), lifecircle::Error>(())
/// ```
pub fn gaps_html(name: &str, run: &Run<GapsReport>) -> String {
    let g = &run.report.gaps;
    let mut o = String::new();
    open_page(&mut o, &format!("lifecircle gaps: {name}"), GAPS_NOTE);
    map_block(&mut o, &data::gaps(run));
    o.push_str("<h2>Zones</h2>\n<div class=\"wide\"><table>\n");
    header(
        &mut o,
        &[
            "zone",
            "residents",
            "60+",
            "stars",
            "basic",
            "quality",
            "missing",
        ],
    );
    for z in &g.zones {
        row(
            &mut o,
            &[
                Cell::Text(z.zone.clone()),
                Cell::Num(format!("{:.0}", z.residents)),
                Cell::Num(opt(z.residents_60plus)),
                Cell::Num(format!("{}", z.stars)),
                Cell::Num(format!("{}/{}", z.basic_present, z.basic_total)),
                Cell::Num(format!("{}/{}", z.quality_present, z.quality_total)),
                Cell::Text(z.missing.join(", ")),
            ],
        );
    }
    o.push_str("</table></div>\n<h2>Categories, whole area</h2>\n<div class=\"wide\"><table>\n");
    header(
        &mut o,
        &[
            "category",
            "class",
            "limit min",
            "facilities",
            "served",
            "covered",
            "share",
            "p50 min",
            "p90 min",
        ],
    );
    for t in &g.totals {
        row(
            &mut o,
            &[
                Cell::Text(t.category.clone()),
                Cell::Text(t.class.to_string()),
                Cell::Num(format!("{:.0}", t.walking_limit_min)),
                Cell::Num(format!("{}", t.facilities)),
                Cell::Num(format!("{:.0}", t.served)),
                Cell::Num(format!("{:.0}", t.covered)),
                Cell::Num(format!("{:.1} %", 100.0 * t.share)),
                Cell::Num(minutes(t.nearest_minutes_p50, g.search_minutes)),
                Cell::Num(minutes(t.nearest_minutes_p90, g.search_minutes)),
            ],
        );
    }
    o.push_str("</table></div>\n");
    if !g.skipped.is_empty() {
        let _ = writeln!(
            o,
            "<p class=\"note\">Left out: {}.</p>",
            escape(&g.skipped.join("; "))
        );
    }
    close_page(&mut o);
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::fixture::{assert_balanced, plan};

    /// The page without its script and style elements (whose text is not markup).
    fn markup(html: &str) -> String {
        let mut out = html.trim_start_matches("<!DOCTYPE html>").to_string();
        for (open, close) in [("<script", "</script>"), ("<style>", "</style>")] {
            while let Some(a) = out.find(open) {
                let b = a + out[a..].find(close).expect("closed") + close.len();
                out.replace_range(a..b, "");
            }
        }
        out
    }

    /// The JSON the page's script draws.
    fn map_data(html: &str) -> serde_json::Value {
        let start = html.find("id=\"lifecircle-data\">").unwrap() + "id=\"lifecircle-data\">".len();
        let end = start + html[start..].find("</script>").unwrap();
        serde_json::from_str(&html[start..end]).unwrap()
    }

    #[test]
    fn a_comparison_page_lists_every_row_and_details_only_some() {
        let plan = plan();
        let r = &plan.report;
        let mut rows = report_rows("drawn", r);
        rows.extend(report_rows("not drawn", r));
        rows.push(ComparisonRow {
            variant: "broke".into(),
            status: "error".into(),
            error: Some("budget".into()),
            ..ComparisonRow::default()
        });
        let html = comparison_html(&rows, &[("drawn".to_string(), &plan)], 3);
        assert!(html.contains("<td>not drawn</td>") && html.contains("<td>broke</td>"));
        assert_eq!(html.matches("<section").count(), 1);
        assert_eq!(map_data(&html)["variants"].as_array().unwrap().len(), 1);
        assert!(html.contains("Details and maps of 1 of the 3 variants; the table lists them all."));
    }

    #[test]
    fn html_shows_a_zero_bound_without_a_sign() {
        let run = Run {
            report: PlanReport {
                objective_kind: crate::outcome::Objective::Equity,
                objective: 0.0,
                bound: -0.0,
                ..plan().report
            },
            geometry: plan().geometry,
        };
        let html = markup(&plan_html(&[("fair".to_string(), &run)]));
        assert!(!html.contains("-0"), "{html}");
        assert!(html.contains("<td class=\"n\">0.00</td>"));
    }

    #[test]
    fn the_map_data_holds_each_point_site_and_street_once() {
        let plan = plan();
        let html = plan_html(&[
            ("a".to_string(), &plan),
            ("b </script> c".to_string(), &plan),
        ]);
        let data = map_data(&html);
        // Two variants on the same network and demand share one copy of the shapes.
        assert_eq!(data["geos"].as_array().unwrap().len(), 1);
        assert_eq!(data["variants"][1]["name"], "b </script> c");
        let geo = &data["geos"][0];
        assert_eq!(geo["points"]["id"].as_array().unwrap().len(), 5);
        // The four collinear segments of the street are one line of two ends.
        assert_eq!(
            geo["streets"],
            serde_json::json!([[24.94, 60.1702, 24.948, 60.1702]])
        );
        let svc = &data["variants"][0]["services"][0];
        assert_eq!(svc["state"], serde_json::json!([0, 0, 1, 1, 2]));
        assert_eq!(svc["existing"].as_array().unwrap().len(), 1);
        assert_eq!(
            svc["new"][0],
            serde_json::json!([24.945, 60.1701, "5", 1.0, 100.0])
        );
    }

    #[test]
    fn html_escapes_names_and_holds_every_variant() {
        let plan = plan();
        let html = plan_html(&[
            ("<b>budget & \"more\"</b>".to_string(), &plan),
            ("baseline".to_string(), &plan),
        ]);
        let page = markup(&html);
        assert!(page.contains("&lt;b&gt;budget &amp; &quot;more&quot;&lt;/b&gt;"));
        assert!(!page.contains("<b>budget"));
        assert_eq!(page.matches("<section").count(), 2);
        // The comparison table has the columns of the text table.
        for column in [
            "newly cov",
            "60+",
            "share",
            "p50 min",
            "p90 min",
            "zones 3★+",
        ] {
            assert!(page.contains(&format!("<th>{column}</th>")), "{column}");
        }
        assert!(page.contains("<td class=\"n\">29.2% → 99.2%</td>"));
        assert!(page.contains("<td class=\"n\">&gt;30 → &gt;30</td>"));
        for external in ["<script src", "<link", "<img", "<iframe", "@import"] {
            assert!(!html.contains(external), "no external assets: {external}");
        }
        assert_balanced(&page);
    }
}

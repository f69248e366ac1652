//! The HTML report: one self-contained page comparing plan variants, with
//! their tables and maps.

use std::fmt::Write as _;

use crate::outcome::{report_rows, ComparisonRow, Objective, PlanReport};
use crate::report::{fixed, opt, pct, COMPARISON_COLUMNS};

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
/// [`plan_svgs`](super::plan_svgs) of its plan, inserted as they are (they
/// must be trusted markup); names and every other text are escaped. See the
/// module example.
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
    use super::*;
    use crate::map::fixture::{assert_balanced, plan};
    use crate::map::{plan_svgs, MapStyle};

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
        let maps = plan_svgs(&plan, &MapStyle::default()).unwrap();
        let html = comparison_html(&rows, &[("drawn".to_string(), r, maps)], 3);
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
            ..plan().report
        };
        let html = plan_html(&[("fair".to_string(), &r, Vec::new())]);
        assert!(!html.contains("-0"), "{html}");
        assert!(html.contains("<td class=\"n\">0.00</td>"));
    }

    #[test]
    fn html_escapes_names_and_holds_every_variant() {
        let plan = plan();
        let maps = plan_svgs(&plan, &MapStyle::default()).unwrap();
        let html = plan_html(&[
            (
                "<b>budget & \"more\"</b>".to_string(),
                &plan.report,
                maps.clone(),
            ),
            ("baseline".to_string(), &plan.report, Vec::new()),
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

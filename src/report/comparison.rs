//! The comparison of plan variants (`lifecircle compare`) as a text table
//! and CSV; the HTML report shows the same columns.

use std::fmt::Write as _;

use crate::outcome::ComparisonRow;

use super::{amount, fixed, index, minutes, opt, share};

/// How a column of the comparison table shows a solved variant's row.
enum Show {
    /// One figure or name.
    One(fn(&ComparisonRow) -> String),
    /// A figure before → after the plan.
    BeforeAfter(fn(&ComparisonRow) -> (String, String)),
}

/// A column of the comparison table: the text table and the HTML report
/// ([`crate::map::plan_html`]) show the same ones.
pub(crate) struct Column {
    /// Header.
    pub(crate) header: &'static str,
    /// Names (left-aligned) rather than figures.
    pub(crate) names: bool,
    show: Show,
}

impl Column {
    /// The cell of a solved variant's row, a before → after pair joined by `arrow`.
    #[cfg(feature = "maps")]
    pub(crate) fn cell(&self, r: &ComparisonRow, arrow: &str) -> String {
        match self.show {
            Show::One(f) => f(r),
            Show::BeforeAfter(f) => {
                let (a, b) = f(r);
                format!("{a}{arrow}{b}")
            }
        }
    }
}

fn count(v: Option<usize>) -> String {
    v.map_or_else(|| "-".into(), |v| v.to_string())
}

/// Minutes of a row by the row's own search.
fn row_minutes(r: &ComparisonRow, m: Option<f64>) -> String {
    r.search_minutes
        .map_or_else(|| "-".into(), |search| minutes(m, search))
}

/// The columns of the comparison table, in order.
pub(crate) const COMPARISON_COLUMNS: [Column; 14] = [
    Column {
        header: "variant",
        names: true,
        show: Show::One(|r| r.variant.clone()),
    },
    Column {
        header: "status",
        names: true,
        show: Show::One(|r| r.status.clone()),
    },
    Column {
        header: "gap",
        names: false,
        show: Show::One(|r| {
            r.gap
                .map_or_else(|| "-".into(), |g| format!("{}%", fixed(100.0 * g, 3)))
        }),
    },
    Column {
        header: "cost",
        names: false,
        show: Show::One(|r| r.cost.map_or_else(|| "-".into(), amount)),
    },
    Column {
        header: "service",
        names: true,
        show: Show::One(|r| r.service.clone()),
    },
    Column {
        header: "new",
        names: false,
        show: Show::One(|r| count(r.new_sites)),
    },
    Column {
        header: "newly cov",
        names: false,
        show: Show::One(|r| opt(r.newly_covered)),
    },
    Column {
        header: "60+",
        names: false,
        show: Show::One(|r| opt(r.newly_covered_60plus)),
    },
    Column {
        header: "share",
        names: false,
        show: Show::BeforeAfter(|r| (share(r.share_before), share(r.share_after))),
    },
    Column {
        header: "p50 min",
        names: false,
        show: Show::BeforeAfter(|r| (row_minutes(r, r.p50_before), row_minutes(r, r.p50_after))),
    },
    Column {
        header: "p90 min",
        names: false,
        show: Show::BeforeAfter(|r| (row_minutes(r, r.p90_before), row_minutes(r, r.p90_after))),
    },
    Column {
        header: "zones 3★+",
        names: false,
        show: Show::BeforeAfter(|r| (count(r.zones_rated_before), count(r.zones_rated_after))),
    },
    Column {
        header: "2SFCA",
        names: false,
        show: Show::BeforeAfter(|r| (index(r.two_sfca_before), index(r.two_sfca_after))),
    },
    Column {
        header: "underserved",
        names: false,
        show: Show::BeforeAfter(|r| (share(r.underserved_before), share(r.underserved_after))),
    },
];

/// The comparison table as text: a line per variant and planned service
/// ([`COMPARISON_COLUMNS`]), a failed variant's line giving its error.
pub fn comparison_text(rows: &[ComparisonRow]) -> String {
    let len = |s: &str| s.chars().count();
    let solved: Vec<&ComparisonRow> = rows.iter().filter(|r| r.error.is_none()).collect();
    // Per column: its width and, for a before → after pair, the width of the "before" part.
    let widths: Vec<(usize, usize)> = COMPARISON_COLUMNS
        .iter()
        .map(|c| {
            let (wide, before) = match c.show {
                Show::One(f) => (solved.iter().map(|r| len(&f(r))).max().unwrap_or(0), 0),
                Show::BeforeAfter(f) => {
                    let pairs: Vec<(String, String)> = solved.iter().map(|r| f(r)).collect();
                    let a = pairs.iter().map(|p| len(&p.0)).max().unwrap_or(0);
                    let b = pairs.iter().map(|p| len(&p.1)).max().unwrap_or(0);
                    (a + 1 + b, a)
                }
            };
            (wide.max(len(c.header)), before)
        })
        .collect();
    let variant_w = rows
        .iter()
        .map(|r| len(&r.variant))
        .chain([widths[0].0])
        .max()
        .unwrap_or(0);
    let pad = |o: &mut String, text: &str, w: usize, left: bool| {
        let _ = if left {
            write!(o, "{text:<w$} ")
        } else {
            write!(o, "{text:>w$} ")
        };
    };
    let mut o = String::new();
    for (k, c) in COMPARISON_COLUMNS.iter().enumerate() {
        let w = if k == 0 { variant_w } else { widths[k].0 };
        pad(&mut o, c.header, w, c.names);
    }
    o = o.trim_end().to_string();
    o.push('\n');
    for r in rows {
        if let Some(e) = &r.error {
            let _ = writeln!(o, "{:<variant_w$} error: {e}", r.variant);
            continue;
        }
        let mut line = String::new();
        for (k, c) in COMPARISON_COLUMNS.iter().enumerate() {
            let (w, before) = if k == 0 { (variant_w, 0) } else { widths[k] };
            match c.show {
                Show::One(f) => pad(&mut line, &f(r), w, c.names),
                Show::BeforeAfter(f) => {
                    let (a, b) = f(r);
                    pad(&mut line, &format!("{a:>before$}→{b}"), w, true);
                }
            }
        }
        o.push_str(line.trim_end());
        o.push('\n');
    }
    o
}

/// The comparison table as CSV (the columns of [`ComparisonRow`]).
pub fn comparison_csv(rows: &[ComparisonRow]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV of UTF-8 fields")
}

//! Human-readable tables, CSV and GeoJSON of gap analyses, plans and plan
//! comparisons, from their [outcomes](crate::outcome).

use std::fmt::Write as _;

use crate::coverage::{GapRow, Speeds};
use crate::outcome::{
    AccessChange, DemandSummary, GapsReport, NetworkSummary, PlanReport, PlannedSite, TiedPlans,
};

mod access;
mod comparison;
mod geojson;
pub use access::{access_csv, access_geojson, access_text};
#[cfg(feature = "maps")]
pub(crate) use comparison::COMPARISON_COLUMNS;
pub use comparison::{comparison_csv, comparison_text};
use geojson::point;
pub use geojson::{gaps_geojson, move_positions, plan_geojson, zones_geojson};

/// Walking minutes, or `>N` where a figure falls beyond the search of `search`
/// minutes: the one marker of "farther than we looked" in every table.
pub(crate) fn minutes(m: Option<f64>, search: f64) -> String {
    m.map_or_else(|| beyond(search), |m| format!("{m:.1}"))
}

/// A gap row's walking minutes: `-` where the service serves nobody (no
/// walk to measure), else as [`minutes`].
fn walk(r: &GapRow, m: Option<f64>, search: f64) -> String {
    if r.served > 0.0 {
        minutes(m, search)
    } else {
        "-".into()
    }
}

/// `>N` for a search of `search` minutes, rounded down to a tenth (so that
/// `>N` stays true) and without a trailing `.0`.
fn beyond(search: f64) -> String {
    // The bound comes from metres and speeds: 8 minutes may be 7.999999999.
    let tenths = (search * 10.0 + 1e-6).floor() / 10.0;
    if tenths.fract() == 0.0 {
        format!(">{tenths:.0}")
    } else {
        format!(">{tenths:.1}")
    }
}

pub(crate) fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| fixed(v, 0))
}

/// `v` with `decimals` decimals, never "-0": a figure that rounds to zero
/// (a bound of -0.0, a change of -0.3 residents) shows as 0.
pub(crate) fn fixed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => s,
    }
}

/// A sum of money or of site costs, shortest form: sums of decimal costs
/// carry binary noise (3.9699999999999998 for 2.5 + 1.47), which six decimals
/// of rounding take away.
pub(crate) fn amount(v: f64) -> String {
    ((v * 1e6).round() / 1e6 + 0.0).to_string()
}

pub(crate) fn pct(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        100.0 * part / whole
    } else {
        100.0
    }
}

fn sizes(o: &mut String, n: &NetworkSummary, d: &DemandSummary) {
    let source = n.osm.as_ref().map_or_else(
        || "from tables".to_string(),
        |osm| {
            format!(
                "{} walkable of {} highway ways",
                osm.walkable_ways, osm.highway_ways
            )
        },
    );
    let _ = writeln!(
        o,
        "Walking network: {} nodes, {} edges, {:.1} km ({source}; {} nodes in cut-off pieces dropped)",
        n.nodes, n.edges, n.length_km, n.dropped_nodes
    );
    let _ = writeln!(
        o,
        "Residents: {:.0} ({} aged 60+) in {} demand points, {} zones on the network; {:.0} in {} points outside its extent are not planned for",
        d.residents,
        opt(d.residents_60plus),
        d.on_network,
        d.zones,
        d.residents_outside,
        d.outside
    );
    if let Some(ids) = &d.outside_zones {
        const SHOWN: usize = 10;
        let mut listed = ids
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if ids.len() > SHOWN {
            let _ = write!(listed, ", … {} more", ids.len() - SHOWN);
        }
        let _ = writeln!(
            o,
            "Zones file: {} demand points in no zone polygon, each planned as its own zone{}; {} in two or more zones, given to the lowest id",
            ids.len(),
            if ids.is_empty() { String::new() } else { format!(" ({listed})") },
            d.ambiguous_zones.unwrap_or(0)
        );
    }
    if let Some(rules) = &d.split_rules {
        let parts: Vec<String> = rules
            .iter()
            .map(|(rule, n)| format!("{n} by {}", rule.replace('_', " ")))
            .collect();
        let _ = writeln!(
            o,
            "Population split onto homes ([allocate]): zones placed {}",
            parts.join(", ")
        );
    }
}

/// The coverage table of gap rows (one per category).
fn coverage_table(o: &mut String, rows: &[GapRow], search: f64) {
    let _ = writeln!(
        o,
        "{:<17} {:<7} {:>5} {:>5} {:>9} {:>7} {:>9} {:>7} {:>6} {:>6} {:>6}",
        "category",
        "class",
        "limit",
        "sites",
        "served",
        "share",
        "60+ cov",
        "of 60+",
        "p50",
        "p90",
        "max"
    );
    for r in rows {
        let _ = writeln!(
            o,
            "{:<17} {:<7} {:>5.0} {:>5} {:>9.0} {:>6.1}% {:>9} {:>7} {:>6} {:>6} {:>6}",
            r.category,
            r.class.to_string(),
            r.walking_limit_min,
            r.facilities,
            r.served,
            100.0 * r.share,
            opt(r.covered_60plus),
            opt(r.residents_60plus),
            walk(r, r.nearest_minutes_p50, search),
            walk(r, r.nearest_minutes_p90, search),
            walk(r, r.nearest_minutes_max, search),
        );
    }
}

/// The walking paces of a table's heading: where the age structure is
/// unknown, everyone walks at the adult pace.
fn paces(speeds: &Speeds, demand: &DemandSummary) -> String {
    let (adult, old) = (speeds.adult_m_s, speeds.elderly_m_s);
    match demand.residents_60plus {
        Some(_) => format!("adults {adult:.1} m/s, aged 60+ {old:.1} m/s"),
        None => format!("adults {adult:.1} m/s, aged 60+ {old:.1} m/s where ages are known, else everyone {adult:.1} m/s"),
    }
}

fn skipped(o: &mut String, skipped: &[String]) {
    for s in skipped {
        let _ = writeln!(o, "left out: {s}");
    }
}

/// The gap analysis as text: sizes, the per-category table for the whole area,
/// and one completeness line per zone.
pub fn gaps_text(r: &GapsReport) -> String {
    let mut o = String::new();
    sizes(&mut o, &r.network, &r.demand);
    let g = &r.gaps;
    let _ = writeln!(
        o,
        "\nCurrent coverage by category ({}; minutes to the nearest facility, resident-weighted; {}: none within the search)",
        paces(&g.speeds, &r.demand),
        beyond(g.search_minutes)
    );
    coverage_table(&mut o, &g.totals, g.search_minutes);
    skipped(&mut o, &g.skipped);
    let _ = writeln!(
        o,
        "\nCompleteness per zone (a category counts when {:.0}% of the residents it serves are within its limit)",
        100.0 * g.rating.present_share
    );
    let _ = writeln!(
        o,
        "{:<12} {:>9} {:>7} {:>7} {:>8}  missing",
        "zone", "residents", "basic", "quality", "rating"
    );
    for z in &g.zones {
        let stars = if z.stars == 0 {
            "-".to_string()
        } else {
            "★".repeat(z.stars as usize)
        };
        let _ = writeln!(
            o,
            "{:<12} {:>9.0} {:>3}/{:<3} {:>3}/{:<3} {:>8}  {}",
            z.zone,
            z.residents,
            z.basic_present,
            z.basic_total,
            z.quality_present,
            z.quality_total,
            stars,
            z.missing.join(", ")
        );
    }
    access::zone_columns(&mut o, &r.access);
    let s = &r.seconds;
    let _ = writeln!(
        o,
        "\nSeconds: network {:.3}, snap {:.3}, travel {:.3}, coverage {:.3}, total {:.3}",
        s.network,
        s.snap,
        s.travel,
        s.coverage,
        s.network + s.snap + s.travel + s.coverage
    );
    o
}

/// The gap rows (zone × category, then the `(all)` totals) as CSV; uncovered
/// ids are joined with `;`.
pub fn gaps_csv(r: &GapsReport) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "zone",
        "category",
        "class",
        "walking_limit_min",
        "facilities",
        "residents",
        "residents_60plus",
        "covered",
        "covered_60plus",
        "served",
        "share",
        "nearest_minutes_p50",
        "nearest_minutes_p90",
        "nearest_minutes_max",
        "uncovered_ids",
        "two_sfca",
        "underserved",
    ];
    w.write_record(header).expect("writing to memory");
    let f = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for row in r.gaps.rows.iter().chain(&r.gaps.totals) {
        let access = access::zone_row(&r.access, &row.category, &row.zone);
        w.write_record([
            row.zone.clone(),
            row.category.clone(),
            row.class.to_string(),
            row.walking_limit_min.to_string(),
            row.facilities.to_string(),
            row.residents.to_string(),
            f(row.residents_60plus),
            row.covered.to_string(),
            f(row.covered_60plus),
            row.served.to_string(),
            row.share.to_string(),
            f(row.nearest_minutes_p50),
            f(row.nearest_minutes_p90),
            f(row.nearest_minutes_max),
            row.uncovered_ids.join(";"),
            f(access.map(|z| z.two_sfca)),
            f(access.map(|z| z.underserved)),
        ])
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV of UTF-8 fields")
}

/// The plan as text: sizes, current coverage, the before/after table per
/// service, the chosen sites, solver figures and stage timings.
pub fn plan_text(r: &PlanReport) -> String {
    let mut o = String::new();
    sizes(&mut o, &r.network, &r.demand);
    let _ = writeln!(
        o,
        "\nCurrent coverage ({}; {}: no facility within the search)",
        paces(&r.speeds, &r.demand),
        beyond(r.search_minutes)
    );
    coverage_table(&mut o, &r.current, r.search_minutes);
    skipped(&mut o, &r.skipped);
    let budget = r
        .budget
        .map_or_else(String::new, |b| format!(", budget {b}"));
    let _ = writeln!(
        o,
        "\nPlan ({:?} objective, residents aged 60+ weigh {}{budget}) among {} candidate sites",
        r.objective_kind, r.elderly_weight, r.candidates
    );
    let _ = writeln!(
        o,
        "{:<17} {:>4} {:>4} {:>9} {:>9} {:>7} {:>9} {:>7} {:>9} {:>9}",
        "service",
        "new",
        "had",
        "served",
        "before",
        "share",
        "after",
        "share",
        "60+ bef.",
        "60+ aft."
    );
    for s in &r.services {
        let _ = writeln!(
            o,
            "{:<17} {:>4} {:>4} {:>9.0} {:>9.0} {:>6.1}% {:>9.0} {:>6.1}% {:>9} {:>9}",
            s.service,
            s.new.len(),
            s.existing.len(),
            s.served,
            s.covered_before,
            pct(s.covered_before, s.served),
            s.covered_after,
            pct(s.covered_after, s.served),
            opt(s.covered_60plus_before),
            opt(s.covered_60plus_after),
        );
    }
    access_changes(&mut o, &r.access);
    let _ = writeln!(o, "\nNew sites:");
    for s in &r.services {
        for site in &s.new {
            let _ = writeln!(
                o,
                "  {:<17} {:>12}  lon {:.6} lat {:.6}  cost {}  reaches {:.0} residents not covered before",
                s.service, site.id, site.lon, site.lat, amount(site.cost), site.newly_reached
            );
        }
        if let Some(max) = s.max_new.filter(|&m| s.new.len() < m) {
            let _ = writeln!(
                o,
                "  {:<17} ({max} allowed; more would add nothing or break the budget)",
                s.service
            );
        }
        if !s.unreachable_ids.is_empty() {
            let _ = writeln!(
                o,
                "  {:<17} no site reaches demand points {}",
                s.service,
                s.unreachable_ids.join(", ")
            );
        }
    }
    let p = &r.presolve;
    let _ = writeln!(
        o,
        "\nObjective {}, bound {}, gap {}%, status {}; cost {} (presolve: {} demand rows -> {}, {} sites -> {})",
        fixed(r.objective, 4), fixed(r.bound, 4), fixed(100.0 * r.gap, 4), r.status, amount(r.cost), p.demand_before, p.demand_after, p.sites_before, p.sites_after
    );
    if let Some(tied) = &r.alternatives {
        tied_text(&mut o, tied);
    }
    let s = &r.seconds;
    let _ = writeln!(
        o,
        "Seconds: network {:.3}, snap {:.3}, travel {:.3}, coverage {:.3}, solve {:.3}, total {:.3}",
        s.network, s.snap, s.travel, s.coverage, s.solve, s.total
    );
    o
}

/// Whether other plans are as good, which, and the sites they all share.
fn tied_text(o: &mut String, t: &TiedPlans) {
    let n = t.plans.len();
    let answer = match (t.exist, t.exhausted, t.more) {
        (false, true, _) => "no (proven)".to_string(),
        (false, false, _) => format!("none found before the search stopped ({})", t.status),
        (true, true, _) => format!("yes, {n} (all of them)"),
        (true, false, true) => format!("yes, more than {n}; {n} listed"),
        (true, false, false) => {
            format!("yes, {n} found before the search stopped ({})", t.status)
        }
    };
    let _ = writeln!(
        o,
        "Other optimal plans exist: {answer} (search {:.3} s)",
        t.seconds
    );
    let names = |sites: &[PlannedSite]| {
        let names: Vec<String> = sites
            .iter()
            .map(|s| format!("{} {}", s.service, s.id))
            .collect();
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    };
    for (k, plan) in t.plans.iter().enumerate() {
        let _ = writeln!(o, "  {}. {}", k + 1, names(plan));
    }
    if t.exist {
        let by = if t.exhausted {
            "every optimal plan".to_string()
        } else {
            format!("the {} optimal plans found", n + 1)
        };
        let _ = writeln!(o, "New sites shared by {by}: {}", names(&t.shared));
    }
}

/// Supply per resident and gravity values: small numbers, in scientific notation.
pub(super) fn index(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:.3e}"))
}

/// A share in per cent, `-` where unknown.
pub(super) fn share(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{}%", fixed(100.0 * v, 1)))
}

/// The planned services' access indices over the area, before → after.
fn access_changes(o: &mut String, changes: &[AccessChange]) {
    if changes.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "\nAccess over the area, before -> after (2SFCA and E2SFCA: supply per resident; underserved: below the threshold before, or nothing in reach)"
    );
    let _ = writeln!(
        o,
        "{:<17} {:>21} {:>21} {:>21} {:>15} {:>15}",
        "service", "2SFCA", "E2SFCA", "gravity", "underserved", "out of reach"
    );
    for c in changes {
        let (a, b) = (&c.before.all, &c.after.all);
        let pair = |x: f64, y: f64| format!("{}->{}", index(Some(x)), index(Some(y)));
        let shares = |x: f64, y: f64| format!("{}->{}", share(Some(x)), share(Some(y)));
        let _ = writeln!(
            o,
            "{:<17} {:>21} {:>21} {:>21} {:>15} {:>15}",
            c.service,
            pair(a.two_sfca, b.two_sfca),
            pair(a.e2sfca, b.e2sfca),
            pair(a.gravity, b.gravity),
            shares(a.underserved, b.underserved),
            shares(a.out_of_reach, b.out_of_reach),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_lose_their_binary_noise() {
        assert_eq!(amount(2.5 + 1.47), "3.97");
        assert_eq!(2.5 + 1.47, 3.9699999999999998);
        assert_eq!(amount(2.0), "2");
        assert_eq!(amount(-0.0), "0");
    }

    #[test]
    fn figures_rounding_to_zero_have_no_sign() {
        assert_eq!(fixed(-0.0, 2), "0.00");
        assert_eq!(fixed(-1e-12, 4), "0.0000");
        assert_eq!(fixed(-0.3, 0), "0");
        assert_eq!(fixed(-0.5001, 0), "-1");
        assert_eq!(fixed(-0.01, 2), "-0.01");
        assert_eq!(opt(Some(-0.2)), "0");
    }

    #[test]
    fn a_service_that_serves_nobody_has_no_walk() {
        let mut row = GapRow {
            zone: "(all)".into(),
            category: "kindergarten".into(),
            class: crate::services::ServiceClass::Quality,
            walking_limit_min: 5.0,
            facilities: 0,
            residents: 10.0,
            residents_60plus: None,
            covered: 0.0,
            covered_60plus: None,
            served: 0.0,
            share: 1.0,
            nearest_minutes_p50: None,
            nearest_minutes_p90: None,
            nearest_minutes_max: None,
            uncovered_ids: Vec::new(),
        };
        assert_eq!(walk(&row, None, 30.0), "-");
        row.served = 4.0;
        assert_eq!(walk(&row, None, 30.0), ">30");
    }

    #[test]
    fn beyond_the_search_names_a_bound_that_holds() {
        assert_eq!(minutes(None, 30.0), ">30");
        assert_eq!(minutes(None, 528.0 / 1.1 / 60.0), ">8");
        assert_eq!(minutes(None, 2.75), ">2.7");
        assert_eq!(minutes(Some(7.25), 30.0), "7.2");
    }
}

//! Stage 6: human-readable tables, CSV and GeoJSON for gap analyses and plans.

use std::fmt::Write as _;

use serde_json::{json, Map, Value};

use crate::compare::ComparisonRow;
use crate::coverage::GapRow;
use crate::scenario::{DemandSummary, GapsReport, NetworkSummary, PlanReport};

fn point(lon: f64, lat: f64, props: Value) -> Value {
    json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props})
}

/// Walking minutes, or `>N` where a figure falls beyond the search of `search`
/// minutes: the one marker of "farther than we looked" in every table.
pub(crate) fn minutes(m: Option<f64>, search: f64) -> String {
    m.map_or_else(|| beyond(search), |m| format!("{m:.1}"))
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
    v.map_or_else(|| "-".into(), |v| format!("{v:.0}"))
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
            minutes(r.nearest_minutes_p50, search),
            minutes(r.nearest_minutes_p90, search),
            minutes(r.nearest_minutes_max, search),
        );
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
        "\nCurrent coverage by category (adults {:.1} m/s, aged 60+ {:.1} m/s; minutes to the nearest facility, resident-weighted; {}: none within the search)",
        g.speeds.adult_m_s, g.speeds.elderly_m_s, beyond(g.search_minutes)
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
    ];
    w.write_record(header).expect("writing to memory");
    let f = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for row in r.gaps.rows.iter().chain(&r.gaps.totals) {
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
        ])
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV of UTF-8 fields")
}

/// The gap analysis as a GeoJSON FeatureCollection of demand points with, per
/// category, the metres to the nearest facility (`<key>_nearest_m`, null
/// beyond the search) and the zone's rating.
pub fn gaps_geojson(r: &GapsReport) -> Value {
    let keys: Vec<&str> = r.gaps.totals.iter().map(|t| t.category.as_str()).collect();
    let features: Vec<Value> = r
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let zone = r.gaps.zones.iter().find(|z| z.zone == p.zone());
            let mut props = Map::new();
            props.insert("id".into(), json!(p.id));
            props.insert("zone".into(), json!(p.zone()));
            props.insert("population".into(), json!(p.population));
            props.insert("stars".into(), json!(zone.map(|z| z.stars)));
            for (k, key) in keys.iter().enumerate() {
                props.insert(format!("{key}_nearest_m"), json!(r.nearest_m[k][i]));
            }
            point(p.lon, p.lat, Value::Object(props))
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

/// The plan as a GeoJSON FeatureCollection: new sites (`kind: "new"`), existing
/// facilities (`kind: "existing"`), both with their `service`, and residents
/// (`kind: "demand"`, with `<service>_before` / `<service>_after`: the share of
/// the residents it serves there that are covered), all as points in WGS 84.
pub fn plan_geojson(report: &PlanReport) -> Value {
    let mut features = Vec::new();
    for s in &report.services {
        for site in &s.new {
            features.push(point(site.lon, site.lat, json!({"kind": "new", "service": s.service, "id": site.id, "cost": site.cost, "newly_reached": site.newly_reached})));
        }
        for site in &s.existing {
            features.push(point(
                site.lon,
                site.lat,
                json!({"kind": "existing", "service": s.service, "id": site.id}),
            ));
        }
    }
    for d in &report.demand_points {
        let mut props = Map::new();
        props.insert("kind".into(), json!("demand"));
        props.insert("id".into(), json!(d.id));
        props.insert("zone".into(), json!(d.zone));
        props.insert("population".into(), json!(d.population));
        props.insert("aged_60_plus".into(), json!(d.aged_60_plus));
        for (k, v) in &d.before {
            props.insert(format!("{k}_before"), json!(v));
        }
        for (k, v) in &d.after {
            props.insert(format!("{k}_after"), json!(v));
        }
        features.push(point(d.lon, d.lat, Value::Object(props)));
    }
    json!({"type": "FeatureCollection", "features": features})
}

/// The plan as text: sizes, current coverage, the before/after table per
/// service, the chosen sites, solver figures and stage timings.
pub fn plan_text(r: &PlanReport) -> String {
    let mut o = String::new();
    sizes(&mut o, &r.network, &r.demand);
    let _ = writeln!(
        o,
        "\nCurrent coverage (adults {:.1} m/s, aged 60+ {:.1} m/s; {}: no facility within the search)",
        r.speeds.adult_m_s,
        r.speeds.elderly_m_s,
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
    let _ = writeln!(o, "\nNew sites:");
    for s in &r.services {
        for site in &s.new {
            let _ = writeln!(
                o,
                "  {:<17} {:>12}  lon {:.6} lat {:.6}  cost {}  reaches {:.0} residents not covered before",
                s.service, site.id, site.lon, site.lat, site.cost, site.newly_reached
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
        "\nObjective {:.4}, bound {:.4}, gap {:.4}%, status {}; cost {} (presolve: {} demand rows -> {}, {} sites -> {})",
        r.objective, r.bound, 100.0 * r.gap, r.status, r.cost, p.demand_before, p.demand_after, p.sites_before, p.sites_after
    );
    let s = &r.seconds;
    let _ = writeln!(
        o,
        "Seconds: network {:.3}, snap {:.3}, travel {:.3}, coverage {:.3}, solve {:.3}, total {:.3}",
        s.network, s.snap, s.travel, s.coverage, s.solve, s.total
    );
    o
}

/// The comparison table as text: a line per variant and planned service.
pub fn comparison_text(rows: &[ComparisonRow]) -> String {
    let mut o = String::new();
    let w = rows
        .iter()
        .map(|r| r.variant.chars().count())
        .max()
        .unwrap_or(0)
        .max(7);
    let _ = writeln!(
        o,
        "{:<w$} {:<10} {:>7} {:>6} {:<16} {:>4} {:>9} {:>7} {:>15} {:>11} {:>11} {:>9}",
        "variant",
        "status",
        "gap",
        "cost",
        "service",
        "new",
        "newly cov",
        "60+",
        "share",
        "p50 min",
        "p90 min",
        "zones 3★+"
    );
    let count = |v: Option<usize>| v.map_or_else(|| "-".into(), |v| v.to_string());
    let share = |v: Option<f64>| v.map_or_else(|| "-".into(), |v| format!("{:.1}%", 100.0 * v));
    for r in rows {
        if let Some(e) = &r.error {
            let _ = writeln!(o, "{:<w$} error: {e}", r.variant);
            continue;
        }
        let search = r.search_minutes.unwrap_or(f64::INFINITY);
        let _ = writeln!(
            o,
            "{:<w$} {:<10} {:>6.3}% {:>6} {:<16} {:>4} {:>9} {:>7} {:>7}→{:>6} {:>5}→{:<5} {:>5}→{:<5} {:>4}→{:<4}",
            r.variant,
            r.status,
            100.0 * r.gap.unwrap_or(0.0),
            r.cost.map_or_else(|| "-".into(), |c| format!("{c}")),
            r.service,
            count(r.new_sites),
            opt(r.newly_covered),
            opt(r.newly_covered_60plus),
            share(r.share_before),
            share(r.share_after),
            minutes(r.p50_before, search),
            minutes(r.p50_after, search),
            minutes(r.p90_before, search),
            minutes(r.p90_after, search),
            count(r.zones_rated_before),
            count(r.zones_rated_after),
        );
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

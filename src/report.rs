//! Stage 6: human-readable tables and GeoJSON for a plan.

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::scenario::PlanReport;

/// The plan as a GeoJSON FeatureCollection: new sites (`kind: "new"`), existing
/// facilities (`kind: "existing"`) and residents (`kind: "demand"`, with
/// `covered_before` / `covered_after`), all as points in WGS 84.
pub fn plan_geojson(report: &PlanReport) -> Value {
    let point = |lon: f64, lat: f64, props: Value| json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props});
    let mut features = Vec::new();
    for s in &report.sites {
        features.push(point(s.lon, s.lat, json!({"kind": "new", "service": report.service, "osm_id": s.osm_id, "newly_reached": s.newly_reached})));
    }
    for s in &report.existing {
        features.push(point(
            s.lon,
            s.lat,
            json!({"kind": "existing", "service": report.service, "osm_id": s.osm_id}),
        ));
    }
    for d in &report.demand_points {
        features.push(point(d.lon, d.lat, json!({"kind": "demand", "id": d.id, "population": d.population, "covered_before": d.covered_before, "covered_after": d.covered_after})));
    }
    json!({"type": "FeatureCollection", "features": features})
}

/// The plan as text: network and demand sizes, current coverage per service,
/// the before/after table, the chosen sites, solver figures and stage timings.
pub fn plan_text(r: &PlanReport) -> String {
    let mut o = String::new();
    let n = &r.network;
    let _ = writeln!(
        o,
        "Walking network: {} nodes, {} edges, {:.1} km ({} walkable of {} highway ways; {} nodes in cut-off pieces dropped)",
        n.nodes, n.edges, n.length_km, n.osm.walkable_ways, n.osm.highway_ways, n.dropped_nodes
    );
    let d = &r.demand;
    let _ = writeln!(
        o,
        "Residents: {:.0} in {} demand points on the network; {:.0} in {} points outside its extent are not planned for",
        d.residents, d.on_network, d.residents_outside, d.outside
    );
    let _ = writeln!(
        o,
        "\nCurrent coverage (walking at {:.1} m/s)",
        r.walking_speed_m_s
    );
    let _ = writeln!(
        o,
        "{:<14} {:>7} {:>10} {:>10} {:>8} {:>10}",
        "service", "limit", "facilities", "covered", "share", "left out"
    );
    for c in &r.current {
        let _ = writeln!(
            o,
            "{:<14} {:>3.0} min {:>10} {:>10.0} {:>7.1}% {:>10.0}",
            c.service,
            c.walking_limit_min,
            c.facilities,
            c.covered,
            100.0 * c.share,
            c.left_out
        );
    }
    let pct = |x: f64| {
        if r.residents > 0.0 {
            100.0 * x / r.residents
        } else {
            0.0
        }
    };
    let _ = writeln!(
        o,
        "\nPlan: {} new {} site(s) among {} candidates, {:.0}-minute walk",
        r.new_sites, r.service, r.candidates, r.walking_limit_min
    );
    let _ = writeln!(
        o,
        "{:<8} {:>10} {:>8} {:>10}",
        "", "covered", "share", "left out"
    );
    for (label, v) in [("before", r.covered_before), ("after", r.covered_after)] {
        let _ = writeln!(
            o,
            "{label:<8} {v:>10.0} {:>7.1}% {:>10.0}",
            pct(v),
            r.residents - v
        );
    }
    let _ = writeln!(o, "\nNew sites:");
    for s in &r.sites {
        let _ = writeln!(
            o,
            "  OSM node {:>11}  lon {:.6} lat {:.6}  reaches {:.0} residents not covered before",
            s.osm_id, s.lon, s.lat, s.newly_reached
        );
    }
    if r.sites.len() < r.new_sites {
        let _ = writeln!(
            o,
            "  ({} requested; more sites would add no coverage)",
            r.new_sites
        );
    }
    let p = &r.presolve;
    let _ = writeln!(
        o,
        "\nObjective {:.0}, bound {:.0}, gap {:.4}%, status {} (presolve: {} demand points -> {} groups, {} sites -> {})",
        r.objective, r.bound, 100.0 * r.gap, r.status, p.demand_before, p.demand_after, p.sites_before, p.sites_after
    );
    let s = &r.seconds;
    let _ = writeln!(
        o,
        "Seconds: network {:.3}, snap {:.3}, travel {:.3}, coverage {:.3}, solve {:.3}, total {:.3}",
        s.network, s.snap, s.travel, s.coverage, s.solve, s.total
    );
    o
}

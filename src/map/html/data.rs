//! What the interactive map of a report draws, as the JSON the page's script
//! reads: per run its shared shapes (streets, residents, zone outlines) and
//! per variant what differs (coverage per point, sites, isochrones, zone
//! figures).
//!
//! The size follows what is drawn, not the inputs' detail: positions are
//! rounded to 5 decimals of a degree (about 1 m); streets are joined into
//! polylines through the nodes where just two edges meet and simplified
//! (Ramer–Douglas–Peucker) with [`TOLERANCE_DEG`], as are isochrones and zone
//! outlines; residents are one entry per demand point, in columns; the
//! variants of a comparison that share a network and demand share one copy.

use std::collections::{BTreeMap, HashMap};

use geo::{LineString, Simplify};
use serde_json::{json, Value};

use crate::coverage::ZoneScore;
use crate::outcome::{
    Area, DemandOutcome, GapsReport, Geometry, PlanReport, Run, Site, ZoneAccess,
};
use crate::report::pct;

/// Simplification tolerance, degrees: 1.5e-5° is 1.7 m north–south, less
/// east–west; below a pixel at the zoom that shows a street's houses.
pub(super) const TOLERANCE_DEG: f64 = 1.5e-5;

/// A coordinate rounded to about a metre.
fn r5(x: f64) -> f64 {
    (x * 1e5).round() / 1e5
}

/// A number rounded to one decimal (residents, metres).
fn r1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A line simplified and flattened to `[lon, lat, lon, lat, …]`.
fn flat_line(points: Vec<(f64, f64)>) -> Vec<f64> {
    let line: LineString<f64> = points.into();
    line.simplify(TOLERANCE_DEG)
        .coords()
        .flat_map(|c| [r5(c.x), r5(c.y)])
        .collect()
}

/// Polylines simplified and flattened.
fn flat_lines(lines: &[Vec<(f64, f64)>]) -> Vec<Vec<f64>> {
    lines.iter().map(|l| flat_line(l.clone())).collect()
}

/// An area simplified, as nested `[[[lon, lat, …flat ring], …rings], …polygons]`;
/// rings that simplify below a triangle are dropped.
fn flat_area(area: &Area) -> Vec<Vec<Vec<f64>>> {
    area.iter()
        .map(|polygon| {
            polygon
                .iter()
                .map(|ring| flat_line(ring.clone()))
                .filter(|ring| ring.len() >= 8)
                .collect::<Vec<_>>()
        })
        .filter(|rings| !rings.is_empty())
        .collect()
}

/// Street segments joined into polylines through nodes where exactly two
/// segments meet, then simplified.
pub(super) fn street_lines(segments: &[[(f64, f64); 2]]) -> Vec<Vec<f64>> {
    // Ends are matched on their rounded position.
    let key = |p: (f64, f64)| ((p.0 * 1e6).round() as i64, (p.1 * 1e6).round() as i64);
    let mut at: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (k, [a, b]) in segments.iter().enumerate() {
        at.entry(key(*a)).or_default().push(k);
        at.entry(key(*b)).or_default().push(k);
    }
    let mut used = vec![false; segments.len()];
    // Walks from `from` along unused segments through degree-2 nodes.
    let extend = |line: &mut Vec<(f64, f64)>, used: &mut Vec<bool>| loop {
        let end = *line.last().expect("a line has points");
        let next = match at.get(&key(end)) {
            Some(ks) if ks.len() == 2 => ks.iter().copied().find(|&k| !used[k]),
            _ => None,
        };
        let Some(k) = next else { break };
        used[k] = true;
        let [a, b] = segments[k];
        line.push(if key(a) == key(end) { b } else { a });
    };
    let mut lines = Vec::new();
    // Lines start where other than two segments meet, so each runs end to end;
    // what is left after that are closed loops.
    let mut order: Vec<usize> = (0..segments.len()).collect();
    order.sort_by_key(|&k| {
        let [a, b] = segments[k];
        at[&key(a)].len() == 2 && at[&key(b)].len() == 2
    });
    for k in order {
        if used[k] {
            continue;
        }
        used[k] = true;
        let [a, b] = segments[k];
        let (a, b) = if at[&key(a)].len() == 2 && at[&key(b)].len() != 2 {
            (b, a)
        } else {
            (a, b)
        };
        // Backwards from `a` first, then forwards from `b`.
        let mut line = vec![b, a];
        extend(&mut line, &mut used);
        line.reverse();
        extend(&mut line, &mut used);
        lines.push(flat_line(line));
    }
    lines
}

/// The shapes a run shares with the other variants of its comparison.
fn shapes(g: &Geometry) -> Value {
    let p = &g.demand_points;
    json!({
        "streets": street_lines(&g.streets),
        "points": {
            "id": p.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
            "zone": p.iter().map(|d| d.zone.as_str()).collect::<Vec<_>>(),
            "lon": p.iter().map(|d| r5(d.lon)).collect::<Vec<_>>(),
            "lat": p.iter().map(|d| r5(d.lat)).collect::<Vec<_>>(),
            "pop": p.iter().map(|d| r1(d.population)).collect::<Vec<_>>(),
            "p60": p.iter().map(|d| d.aged_60_plus.map(r1)).collect::<Vec<_>>(),
        },
        "zones": g.zones.iter().map(|z| json!({
            "zone": z.zone,
            "area": flat_area(&z.area),
            "from_file": z.from_file,
        })).collect::<Vec<_>>(),
    })
}

/// Where two runs draw the same streets, residents and zones.
fn same_shapes(a: &Geometry, b: &Geometry) -> bool {
    let same_point = |p: &DemandOutcome, q: &DemandOutcome| {
        (&p.id, &p.zone, p.lon, p.lat, p.population) == (&q.id, &q.zone, q.lon, q.lat, q.population)
    };
    a.streets == b.streets
        && a.zones == b.zones
        && a.demand_points.len() == b.demand_points.len()
        && a.demand_points
            .iter()
            .zip(&b.demand_points)
            .all(|(p, q)| same_point(p, q))
}

/// Index of `g`'s shapes among `seen`, added if new.
fn shapes_index<'a>(seen: &mut Vec<&'a Geometry>, g: &'a Geometry) -> usize {
    match seen.iter().position(|s| same_shapes(s, g)) {
        Some(k) => k,
        None => {
            seen.push(g);
            seen.len() - 1
        }
    }
}

/// Residents-weighted mean of a per-point share, per zone (in `zones` order).
fn zone_means(
    zones: &[String],
    points: &[DemandOutcome],
    share: impl Fn(&DemandOutcome) -> f64,
) -> Vec<Option<f64>> {
    let mut sums: HashMap<&str, (f64, f64)> = HashMap::new();
    for p in points {
        let e = sums.entry(p.zone.as_str()).or_default();
        e.0 += p.population * share(p);
        e.1 += p.population;
    }
    zones
        .iter()
        .map(|z| {
            sums.get(z.as_str())
                .filter(|s| s.1 > 0.0)
                .map(|s| s.0 / s.1)
        })
        .collect()
}

/// A star rating as text.
fn stars(n: u8) -> String {
    format!(
        "{}{} ({n}★)",
        "★".repeat(n.into()),
        "☆".repeat(5usize.saturating_sub(n.into()))
    )
}

/// One planned variant: per service the colour of each point, the sites and
/// isochrones; per zone the figures the choropleth can show.
fn plan_variant(name: &str, run: &Run<PlanReport>, geo: usize) -> Value {
    let (r, g) = (&run.report, &run.geometry);
    let zones: Vec<String> = g.zones.iter().map(|z| z.zone.clone()).collect();
    let services: Vec<Value> = r
        .services
        .iter()
        .map(|s| {
            let key = s.service.as_str();
            let share = |m: &BTreeMap<String, f64>| m.get(key).copied().unwrap_or(0.0);
            let state: Vec<u8> = g
                .demand_points
                .iter()
                .map(|p| {
                    if share(&p.before) >= 0.5 {
                        0
                    } else if share(&p.after) >= 0.5 {
                        1
                    } else {
                        2
                    }
                })
                .collect();
            let iso = g.isochrones.iter().find(|i| i.service == key);
            let site = |x: &Site| json!([r5(x.lon), r5(x.lat), x.id, x.cost, r1(x.newly_reached)]);
            json!({
                "key": key,
                "title": format!(
                    "{key}: {:.1} % → {:.1} % covered (+{} new), walking limit {:.0} min",
                    pct(s.covered_before, s.served),
                    pct(s.covered_after, s.served),
                    s.new.len(),
                    s.walking_limit_min
                ),
                "limit": s.walking_limit_min,
                "state": state,
                "existing": s.existing.iter().map(site).collect::<Vec<_>>(),
                "new": s.new.iter().map(site).collect::<Vec<_>>(),
                "iso_existing": iso.map(|i| flat_lines(&i.existing)).unwrap_or_default(),
                "iso_new": iso.map(|i| flat_lines(&i.new)).unwrap_or_default(),
                "pace": iso.map(|i| i.speed_m_s),
                "pace_label": iso.map(|i| i.pace.label()),
                "side_m": iso.map(|i| i.street_side_m),
                "zone_share_before": zone_means(&zones, &g.demand_points, |p| share(&p.before).min(1.0)),
                "zone_share_after": zone_means(&zones, &g.demand_points, |p| share(&p.after).min(1.0)),
            })
        })
        .collect();
    let by_zone = |scores: &[ZoneScore]| -> HashMap<String, ZoneScore> {
        scores.iter().map(|z| (z.zone.clone(), z.clone())).collect()
    };
    let (before, after) = (by_zone(&r.zones_before), by_zone(&r.zones_after));
    let stars_of = |m: &HashMap<String, ZoneScore>| -> Vec<Option<u8>> {
        zones.iter().map(|z| m.get(z).map(|s| s.stars)).collect()
    };
    let text: Vec<String> = zones
        .iter()
        .map(|z| match (before.get(z), after.get(z)) {
            (Some(b), Some(a)) => format!(
                "{z}: {} after, {} before; basic {}/{}, quality {}/{} after; missing: {}",
                stars(a.stars),
                stars(b.stars),
                a.basic_present,
                a.basic_total,
                a.quality_present,
                a.quality_total,
                if a.missing.is_empty() {
                    "none".to_string()
                } else {
                    a.missing.join(", ")
                }
            ),
            _ => z.clone(),
        })
        .collect();
    json!({
        "name": name,
        "geo": geo,
        "services": services,
        "metrics": [
            {"name": "stars after", "kind": "stars", "values": stars_of(&after)},
            {"name": "stars before", "kind": "stars", "values": stars_of(&before)},
            {"name": "share covered after", "kind": "share", "service": "zone_share_after"},
            {"name": "share covered before", "kind": "share", "service": "zone_share_before"},
        ],
        "zone_text": text,
    })
}

/// The legend of the residents' colours of a plan.
const PLAN_STATES: [(&str, &str); 3] = [
    ("#1a9641", "covered before"),
    ("#2c7bb6", "newly covered"),
    ("#d7191c", "not covered"),
];

/// The map data of plan variants: `(name, run)` each.
pub(super) fn plans(variants: &[(String, &Run<PlanReport>)]) -> Value {
    let mut seen = Vec::new();
    let drawn: Vec<Value> = variants
        .iter()
        .map(|(name, run)| {
            let geo = shapes_index(&mut seen, &run.geometry);
            plan_variant(name, run, geo)
        })
        .collect();
    json!({
        "kind": "plan",
        "states": PLAN_STATES,
        "geos": seen.iter().map(|g| shapes(g)).collect::<Vec<_>>(),
        "variants": drawn,
    })
}

/// The map data of a gap analysis: per category whether each point's
/// residents reach it (all of them, only those at the adult pace, none),
/// its facilities' isochrones and per zone the completeness figures.
pub(super) fn gaps(run: &Run<GapsReport>) -> Value {
    let (r, g) = (&run.report.gaps, &run.geometry);
    let zones: Vec<String> = g.zones.iter().map(|z| z.zone.clone()).collect();
    let speeds = r.speeds;
    let services: Vec<Value> = r
        .totals
        .iter()
        .map(|t| {
            let key = t.category.as_str();
            let (slow, fast) = (
                t.walking_limit_min * 60.0 * speeds.elderly_m_s.min(speeds.adult_m_s),
                t.walking_limit_min * 60.0 * speeds.elderly_m_s.max(speeds.adult_m_s),
            );
            let state: Vec<u8> = g
                .nearest_m
                .get(key)
                .map(|near| {
                    near.iter()
                        .map(|d| match d {
                            Some(d) if *d <= slow => 0,
                            Some(d) if *d <= fast => 1,
                            _ => 2,
                        })
                        .collect()
                })
                .unwrap_or_else(|| vec![2; g.demand_points.len()]);
            let iso = g.isochrones.iter().find(|i| i.service == key);
            let row = |zone: &str| r.rows.iter().find(|x| x.zone == zone && x.category == key);
            let access = run.report.access.iter().find(|a| a.service == key);
            let index = |f: &dyn Fn(&ZoneAccess, f64) -> Option<f64>| -> Vec<Option<f64>> {
                zones
                    .iter()
                    .map(|z| {
                        let a = access?;
                        f(a.zones.iter().find(|x| &x.zone == z)?, a.threshold)
                    })
                    .collect()
            };
            json!({
                "key": key,
                "title": format!(
                    "{key}: {:.1} % covered, {} facilities, walking limit {:.0} min",
                    100.0 * t.share, t.facilities, t.walking_limit_min
                ),
                "limit": t.walking_limit_min,
                "state": state,
                // A gap map's facilities: id only (no cost, nothing newly reached).
                "existing": g.facilities.get(key).map_or_else(Vec::new, |f| {
                    f.iter().map(|x| json!([r5(x.lon), r5(x.lat), x.id])).collect()
                }),
                "new": [],
                "iso_existing": iso.map(|i| flat_lines(&i.existing)).unwrap_or_default(),
                "iso_new": [],
                "pace": iso.map(|i| i.speed_m_s),
                "pace_label": iso.map(|i| i.pace.label()),
                "side_m": iso.map(|i| i.street_side_m),
                "zone_share": zones.iter().map(|z| row(z).map(|x| x.share)).collect::<Vec<_>>(),
                "zone_p50": zones.iter().map(|z| row(z).and_then(|x| x.nearest_minutes_p50)).collect::<Vec<_>>(),
                // 2SFCA against the area's supply per resident (the
                // underserved threshold by default), and the share below it.
                "zone_2sfca": index(&|x, t| (t > 0.0).then(|| x.two_sfca / t)),
                "zone_underserved": index(&|x, _| (x.residents > 0.0).then_some(x.underserved)),
            })
        })
        .collect();
    let score: HashMap<&str, &ZoneScore> = r.zones.iter().map(|z| (z.zone.as_str(), z)).collect();
    let of = |f: &dyn Fn(&ZoneScore) -> f64| -> Vec<Option<f64>> {
        zones
            .iter()
            .map(|z| score.get(z.as_str()).map(|s| f(s)))
            .collect()
    };
    let share = |present: usize, total: usize| {
        if total == 0 {
            1.0
        } else {
            present as f64 / total as f64
        }
    };
    let text: Vec<String> = zones
        .iter()
        .map(|z| match score.get(z.as_str()) {
            Some(s) => format!(
                "{z}: {}; basic {}/{}, quality {}/{}; {:.0} residents; missing: {}",
                stars(s.stars),
                s.basic_present,
                s.basic_total,
                s.quality_present,
                s.quality_total,
                s.residents,
                if s.missing.is_empty() {
                    "none".to_string()
                } else {
                    s.missing.join(", ")
                }
            ),
            None => z.clone(),
        })
        .collect();
    let variant = json!({
        "name": "gaps",
        "geo": 0,
        "services": services,
        "metrics": [
            {"name": "stars", "kind": "stars", "values": of(&|s| f64::from(s.stars))},
            {"name": "basic categories present", "kind": "share", "values": of(&|s| share(s.basic_present, s.basic_total))},
            {"name": "quality categories present", "kind": "share", "values": of(&|s| share(s.quality_present, s.quality_total))},
            {"name": "share covered", "kind": "share", "service": "zone_share"},
            {"name": "median walk, min", "kind": "minutes", "service": "zone_p50"},
            {"name": "2SFCA, x the threshold", "kind": "ratio", "service": "zone_2sfca"},
            {"name": "share underserved", "kind": "underserved", "service": "zone_underserved"},
        ],
        "zone_text": text,
    });
    json!({
        "kind": "gaps",
        "states": [
            ["#1a9641", "in reach of all (60+ pace too)"],
            ["#fdae61", "in reach at the adult pace only"],
            ["#d7191c", "out of reach"],
        ],
        "geos": [shapes(g)],
        "variants": [variant],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streets_join_through_two_way_nodes_and_not_through_crossings() {
        // A cross: four arms meeting at (0, 0), the east arm in two segments.
        let s = |a: (f64, f64), b: (f64, f64)| [a, b];
        let lines = street_lines(&[
            s((0.0, 0.0), (0.01, 0.0)),
            s((0.01, 0.0), (0.02, 0.001)),
            s((0.0, 0.0), (-0.01, 0.0)),
            s((0.0, 0.0), (0.0, 0.01)),
            s((0.0, -0.01), (0.0, 0.0)),
        ]);
        assert_eq!(lines.len(), 4);
        assert!(lines.contains(&vec![0.0, 0.0, 0.01, 0.0, 0.02, 0.001]));
        // A straight run of short segments simplifies to its two ends.
        let run: Vec<_> = (0..10)
            .map(|i| s((0.001 * i as f64, 0.0), (0.001 * (i + 1) as f64, 0.0)))
            .collect();
        assert_eq!(street_lines(&run), [vec![0.0, 0.0, 0.01, 0.0]]);
    }

    #[test]
    fn a_loop_is_one_closed_line() {
        let sq = [(0.0, 0.0), (0.01, 0.0), (0.01, 0.01), (0.0, 0.01)];
        let segments: Vec<_> = (0..4).map(|i| [sq[i], sq[(i + 1) % 4]]).collect();
        let lines = street_lines(&segments);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].len(), 10);
        assert_eq!(lines[0][..2], lines[0][8..]);
    }
}

//! What the map tests draw.

use std::collections::BTreeMap;

use crate::coverage::Speeds;
use crate::outcome::{
    DemandOutcome, DemandSummary, Geometry, NetworkSummary, Objective, PlanReport, Run,
    ServiceOutcome, Site, StageSeconds,
};
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
pub(super) fn plan() -> Run<PlanReport> {
    let demand_points = vec![
        point("a", 24.940, 300.0, 1.0, 1.0),
        point("b", 24.942, 50.0, 1.0, 1.0),
        point("c", 24.944, 800.0, 0.0, 1.0),
        point("d", 24.946, 120.0, 0.2, 0.8),
        point("e", 24.948, 10.0, 0.0, 0.0),
    ];
    let report = PlanReport {
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
            outside_zones: None,
            ambiguous_zones: None,
            split_rules: None,
        },
        seconds: StageSeconds::default(),
        alternatives: None,
        access: Vec::new(),
    };
    let geometry = Geometry {
        demand_points,
        streets: (0..4)
            .map(|i| {
                let lon = 24.940 + 0.002 * i as f64;
                [(lon, 60.1702), (lon + 0.002, 60.1702)]
            })
            .collect(),
        ..Geometry::default()
    };
    Run { report, geometry }
}

/// Every opening tag is closed, in order (self-closing tags aside).
pub(super) fn assert_balanced(xml: &str) {
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

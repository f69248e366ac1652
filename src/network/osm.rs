//! Reading an OpenStreetMap `.osm.pbf` file into a walking [`Network`] and a list
//! of points of interest (existing shops, pharmacies, clinics …).
//!
//! # Which ways are walkable
//! A way is walkable when it has a `highway` tag and
//! - the value is not one people cannot walk on: `motorway`, `motorway_link`,
//!   `construction`, `proposed`, `planned`, `abandoned`, `disused`, `razed`,
//!   `platform` (a platform outline, not a route), `raceway`, `bus_guideway`,
//!   `busway`, `escape`, `rest_area`, `services`, `no`; local values such as
//!   Helsinki's `trail` count as walkable;
//! - `trunk`, `trunk_link` and `cycleway` need an explicit
//!   `foot=yes|designated|permissive`;
//! - it is not closed to pedestrians: not `foot=no`, not `access=private|no`
//!   (unless `foot` allows walking), not `service=private`, not `area=yes` (an
//!   area's outline is not a walking route).
//!
//! This is OSMnx's and pyrosm's `walk` rule (a deny-list, so unusual tags stay
//! walkable), except that cycleways need explicit foot access.

use std::collections::HashMap;
use std::path::Path;

use osmpbf::{BlobReader, Element, ElementReader};

use super::{Network, NetworkBuilder, Node};
use crate::error::{Error, Result};

/// A tagged OSM node or way that is a potential facility.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Poi {
    /// OSM id (of a node, or of a way for building outlines).
    pub osm_id: i64,
    /// `true` if the POI is a way (its location is the mean of its nodes).
    pub is_way: bool,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// All its tags: it has at least one of `amenity`, `shop`, `healthcare` or
    /// `leisure`, and the rest (`social_facility:for`, `name` …) refine it.
    pub tags: Vec<(String, String)>,
}

impl Poi {
    /// The value of a tag, if present.
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Element counts of the file, for checks against other tools.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OsmStats {
    /// All nodes in the file.
    pub nodes: usize,
    /// All ways in the file.
    pub ways: usize,
    /// All relations in the file.
    pub relations: usize,
    /// Ways with a `highway` tag.
    pub highway_ways: usize,
    /// Ways that pass the walkable rule.
    pub walkable_ways: usize,
    /// Geodesic length in metres of all walkable ways, before dropping cut-off pieces.
    pub walkable_length_m: f64,
    /// Walkable ways referring to nodes absent from the file (clipped extracts), skipped in part.
    pub missing_node_refs: usize,
}

/// The result of reading a PBF file.
#[derive(Debug, Clone)]
pub struct OsmData {
    /// Walking graph (largest connected component).
    pub network: Network,
    /// Points of interest.
    pub pois: Vec<Poi>,
    /// Element counts.
    pub stats: OsmStats,
}

/// A tagged way kept until all node coordinates are known: id, node refs, tags.
type WayPoi = (i64, Vec<i64>, Vec<(String, String)>);

const POI_KEYS: [&str; 4] = ["amenity", "shop", "healthcare", "leisure"];
const FOOT_ALLOWED: [&str; 3] = ["yes", "designated", "permissive"];

/// Whether a way with these tags is walkable (see the module docs for the rule).
///
/// ```
/// use lifecircle::network::is_walkable;
/// assert!(is_walkable(&[("highway", "residential")]));
/// assert!(!is_walkable(&[("highway", "residential"), ("foot", "no")]));
/// assert!(!is_walkable(&[("highway", "motorway")]));
/// assert!(is_walkable(&[("highway", "cycleway"), ("foot", "designated")]));
/// assert!(!is_walkable(&[("highway", "service"), ("access", "private")]));
/// assert!(is_walkable(&[("highway", "trail")]));
/// ```
pub fn is_walkable(tags: &[(&str, &str)]) -> bool {
    let get = |key: &str| tags.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let Some(highway) = get("highway") else {
        return false;
    };
    let foot = get("foot");
    let foot_allowed = foot.is_some_and(|f| FOOT_ALLOWED.contains(&f));
    let kind_ok = match highway {
        "motorway" | "motorway_link" | "construction" | "proposed" | "planned" | "abandoned"
        | "disused" | "razed" | "platform" | "raceway" | "bus_guideway" | "busway" | "escape"
        | "rest_area" | "services" | "no" => false,
        "trunk" | "trunk_link" | "cycleway" => foot_allowed,
        _ => true,
    };
    kind_ok
        && foot != Some("no")
        && (foot_allowed || !matches!(get("access"), Some("private" | "no")))
        && get("service") != Some("private")
        && get("area") != Some("yes")
}

/// Walks the file's block framing (a 4-byte big-endian length, a block
/// header, the block's data) to its last byte. osmpbf takes a file that ends
/// inside a length prefix for one that ends cleanly there, so a 1-byte file
/// would read as an empty map and a cut after the first blocks as a smaller one.
///
/// # Errors
/// [`Error::Pbf`] naming the offset of a cut length prefix or a block that
/// runs past the end, or for an empty or unreadable file.
pub(crate) fn check_framing(path: &Path) -> Result<()> {
    let pbf = |message: String| Error::Pbf {
        path: path.to_path_buf(),
        message,
    };
    let len = std::fs::metadata(path)
        .map_err(|e| pbf(e.to_string()))?
        .len();
    if len == 0 {
        return Err(pbf(
            "the file is empty (0 bytes); a PBF file starts with an OSMHeader block".into(),
        ));
    }
    let mut blocks = BlobReader::seekable_from_path(path).map_err(|e| pbf(e.to_string()))?;
    let (mut start, mut end) = (0, 0);
    while let Some(block) = blocks.next_header_skip_blob() {
        block.map_err(|e| pbf(format!("block at offset {start}: {e}")))?;
        end = blocks
            .seek_raw(std::io::SeekFrom::Current(0))
            .map_err(|e| pbf(e.to_string()))?;
        if end > len {
            return Err(pbf(format!(
                "the block at offset {start} ends at byte {end}, past the end of the file ({len} bytes): the file is truncated"
            )));
        }
        start = end;
    }
    if end < len {
        return Err(pbf(format!(
            "truncated inside the 4-byte length prefix of the block at offset {end}: {} bytes left (the file is {len} bytes)",
            len - end
        )));
    }
    Ok(())
}

/// Reads a PBF file: walkable ways become the network, tagged nodes and ways
/// become POIs.
///
/// # Errors
/// [`Error::Pbf`] for a missing, unreadable, empty, truncated or corrupt
/// file (naming the offset of a cut block);
/// [`Error::EmptyNetwork`] if it holds no walkable way.
pub fn read_pbf(path: impl AsRef<Path>) -> Result<OsmData> {
    let path = path.as_ref();
    let pbf_err = |e: osmpbf::Error| Error::Pbf {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    check_framing(path)?;
    let reader = ElementReader::from_path(path).map_err(pbf_err)?;

    let mut stats = OsmStats::default();
    let mut coords: HashMap<i64, (f64, f64)> = HashMap::new();
    let mut walk_ways: Vec<Vec<i64>> = Vec::new();
    let mut pois = Vec::new();
    let mut way_pois: Vec<WayPoi> = Vec::new();

    fn poi_tags<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<(String, String)> {
        let tags: Vec<_> = tags.map(|(k, v)| (k.to_string(), v.to_string())).collect();
        if tags.iter().any(|(k, _)| POI_KEYS.contains(&k.as_str())) {
            tags
        } else {
            Vec::new()
        }
    }
    let mut on_node = |id: i64, lon: f64, lat: f64, tags: Vec<(String, String)>| {
        stats.nodes += 1;
        coords.insert(id, (lon, lat));
        if !tags.is_empty() {
            pois.push(Poi {
                osm_id: id,
                is_way: false,
                lon,
                lat,
                tags,
            });
        }
    };
    let mut ways = 0;
    let mut relations = 0;
    let mut highway_ways = 0;
    reader
        .for_each(|element| match element {
            Element::Node(n) => on_node(n.id(), n.lon(), n.lat(), poi_tags(n.tags())),
            Element::DenseNode(n) => on_node(n.id(), n.lon(), n.lat(), poi_tags(n.tags())),
            Element::Way(w) => {
                ways += 1;
                let tags: Vec<(&str, &str)> = w.tags().collect();
                if tags.iter().any(|(k, _)| *k == "highway") {
                    highway_ways += 1;
                }
                if is_walkable(&tags) {
                    walk_ways.push(w.refs().collect());
                }
                let t = poi_tags(tags.into_iter());
                if !t.is_empty() {
                    way_pois.push((w.id(), w.refs().collect(), t));
                }
            }
            Element::Relation(_) => relations += 1,
        })
        .map_err(pbf_err)?;
    stats.ways = ways;
    stats.relations = relations;
    stats.highway_ways = highway_ways;
    stats.walkable_ways = walk_ways.len();

    for (osm_id, refs, tags) in way_pois {
        // A closed outline repeats its first node; count it once.
        let open = if refs.len() > 1 && refs.first() == refs.last() {
            &refs[1..]
        } else {
            &refs[..]
        };
        let pts: Vec<_> = open.iter().filter_map(|r| coords.get(r)).collect();
        if pts.is_empty() {
            continue;
        }
        let n = pts.len() as f64;
        pois.push(Poi {
            osm_id,
            is_way: true,
            lon: pts.iter().map(|p| p.0).sum::<f64>() / n,
            lat: pts.iter().map(|p| p.1).sum::<f64>() / n,
            tags,
        });
    }

    let mut builder = NetworkBuilder::new();
    for refs in &walk_ways {
        let mut prev: Option<i64> = None;
        for &r in refs {
            match coords.get(&r) {
                Some(&(lon, lat)) => {
                    builder.add_node(Node { id: r, lon, lat });
                    if let Some(p) = prev {
                        stats.walkable_length_m += builder.add_edge(p, r)?;
                    }
                    prev = Some(r);
                }
                None => {
                    // Clipped extracts cut ways at the border: the way resumes at the next known node.
                    stats.missing_node_refs += 1;
                    prev = None;
                }
            }
        }
    }
    let network = builder.build().map_err(|e| match e {
        Error::EmptyNetwork(_) => Error::EmptyNetwork(format!(
            "{} holds no walkable way ({} ways, {} with a highway tag)",
            path.display(),
            stats.ways,
            stats.highway_ways
        )),
        other => other,
    })?;
    Ok(OsmData {
        network,
        pois,
        stats,
    })
}

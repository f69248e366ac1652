//! Stage 1 of the pipeline: the walking network.
//!
//! - [`osm`]: read an OpenStreetMap PBF into a walking graph and a list of POIs;
//! - [`graph`]: the graph itself, built from OSM or from any edge list;
//! - [`snap`]: attach residents and sites to their nearest network node.

pub mod graph;
pub mod osm;
pub mod snap;

pub use graph::{ComponentReport, Network, NetworkBuilder, Node};
pub use osm::{is_walkable, read_pbf, OsmData, OsmStats, Poi};
pub use snap::{Snapped, Snapper, ATTACH_NODES, ATTACH_SLACK_M};

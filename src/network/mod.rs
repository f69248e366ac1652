//! Stage 1 of the pipeline: the walking network.
//!
//! - [`osm`]: read an OpenStreetMap PBF into a walking graph and a list of POIs;
//! - [`graph`]: the graph itself, built from OSM or from any edge list;
//! - [`tables`]: the same graph from node and edge CSV tables;
//! - [`snap`]: attach residents and sites to their nearest network node.

pub mod graph;
pub mod osm;
pub mod snap;
pub mod tables;

pub use graph::{check_lon_lat, ComponentReport, Network, NetworkBuilder, Node};
pub use osm::{is_walkable, read_pbf, OsmData, OsmStats, Poi};
pub use snap::{Snapped, Snapper, ATTACH_NODES, ATTACH_SLACK_M};
pub use tables::read_network_csv;

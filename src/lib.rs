//! # lifecircle
//!
//! Where to put the next facilities so that every resident, and above all the
//! elderly, reaches daily services within a short walk (China's "15-minute
//! living circle", the "15-minute city" elsewhere).
//!
//! The pipeline, one module per stage:
//! [`network`] (OSM → walking graph, snapping) → [`travel`] (bounded shortest
//! paths → sparse walking times) → [`demand`] and [`services`] (who needs what,
//! within which limit) → [`coverage`] (what exists covers now) and [`access`]
//! (distance decay, 2SFCA family, gravity access) → [`model`]
//! (siting problems on plain data) → [`solve`] (presolve, heuristics, exact MIP
//! with HiGHS) → [`scenario`] (files in: read, snap, plan, plan variants side
//! by side) → [`outcome`] (the results as plain data) → [`report`] (tables,
//! CSV and GeoJSON out) and [`map`] (SVG/PNG maps of a plan, an HTML report
//! comparing plans).
//!
//! # Example: from an edge list to a proven-optimal plan
//! ```
//! use lifecircle::model::MaxCoverage;
//! use lifecircle::network::{NetworkBuilder, Node, Snapper};
//! use lifecircle::solve::{SolveOptions, SolveStatus};
//! use lifecircle::travel::TravelTimes;
//!
//! // A street of 6 nodes, 100 m apart.
//! let mut b = NetworkBuilder::new();
//! for i in 0..6 {
//!     b.add_node(Node { id: i, lon: 24.94 + 0.0018 * i as f64, lat: 60.17 });
//!     if i > 0 { b.add_edge_with_length(i - 1, i, 100.0).unwrap(); }
//! }
//! let net = b.build().unwrap();
//! let snap = Snapper::new(&net);
//!
//! // Residents at both ends, an existing shop at node 0, candidates everywhere.
//! let homes = [(24.9400, 60.17, 300.0), (24.9490, 60.17, 500.0)];
//! let demand: Vec<_> = homes.iter().map(|&(lon, lat, _)| snap.nearest(lon, lat).unwrap()).collect();
//! let weights: Vec<f64> = homes.iter().map(|h| h.2).collect();
//! let sites: Vec<_> = (0..6).map(|v| lifecircle::network::Snapped { node: v, offset_m: 0.0 }).collect();
//!
//! // 3 minutes at 1.1 m/s is 198 m.
//! let travel = TravelTimes::compute(&net, &sites, &demand, 1.1, 180.0).unwrap();
//! let coverage = travel.within(180.0).unwrap();
//! let plan = MaxCoverage::new(coverage, weights).unwrap()
//!     .fixed_open(vec![0]).unwrap()
//!     .new_sites(1).unwrap()
//!     .solve(&SolveOptions::new()).unwrap();
//! assert_eq!(plan.objective, 800.0);
//! assert_eq!(plan.status, SolveStatus::Optimal);
//! assert!(plan.sites.contains(&0) && plan.sites.len() == 2);
//! ```
//!
//! From OpenStreetMap instead: [`network::read_pbf`] gives the network and the
//! existing facilities; [`scenario::Scenario`] runs the whole pipeline from files.
//! Without data at hand, [`district`] generates a synthetic district of any
//! size (streets, buildings with age groups, shops, candidate sites) as such files.
#![deny(missing_docs)]

pub mod access;
pub mod coverage;
pub mod demand;
#[cfg(feature = "district")]
pub mod district;
pub mod error;
pub mod instances;
#[cfg(feature = "maps")]
pub mod map;
pub mod model;
pub mod network;
mod order;
pub mod outcome;
pub mod report;
pub mod scenario;
pub mod services;
pub mod sites;
pub mod solve;
mod tables;
pub mod travel;

pub use error::{Error, Result};

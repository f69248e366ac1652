//! A reproducible **synthetic** district: street grid, residential buildings
//! with age groups, communities, existing shops and candidate sites — for
//! tests, benchmarks and trying the planner at any size when real data are
//! not at hand. It is not a real place; its parameters are calibrated to
//! real figures.
//!
//! # Defaults and their sources
//! | parameter | default | source or assumption |
//! |---|---|---|
//! | residents | 928,334 ([`YANHU_RESIDENTS`]) | Yanhu district of Yuncheng, 2020 census |
//! | aging ratio | 14.71 % aged 60+ (136,570) | same census |
//! | communities | one per 12,215 residents (76 for Yanhu) | Yanhu has 76 communities |
//! | under-6 ratio | 7.2 % | assumption: China's 2020 census has 17.95 % aged 0–14; 6 of those 15 one-year cohorts |
//! | density | 15,000 residents/km² of built-up area | assumption: a mid-sized Chinese city's built-up area, roads, shops and schools included |
//! | block size | 200 m (rows and columns 150–250 m, corners jittered ±20 m) | the "small block, dense network" (小街区、密路网) planning guidance: blocks of 150–300 m |
//! | node spacing | 25 m along streets and footpaths | assumption: like the shape points of mapped streets |
//! | inner footpaths | 2 per block | assumption: estate lanes between building rows |
//! | residents per building | 150 | assumption: 6-storey walk-ups (≈ 90) mixed with high-rises (300+) |
//! | candidate sites | one per 100 residents (9,283 for Yanhu) | assumption: vacant street-front units |
//! | existing shops | [`SHOPS_PER_10K`] | the seed article: a community of 11,000 residents has 140+ shops (all kinds) |
//!
//! # The layout
//! - **Streets**: a grid of blocks whose row heights and column widths vary
//!   and whose corners are jittered. Every fourth grid line is an arterial.
//!   Some local streets are removed (`street_removal`, merging blocks into
//!   larger ones), never an arterial, never a street of a random spanning tree
//!   of the intersections (so the network stays connected) and never a third
//!   side of a block (so its footpaths reach streets at both ends). Two
//!   diagonal avenues cross the grid from corner to corner of their blocks.
//! - **Footpaths**: each block has `lanes` straight footpaths from one street
//!   to the opposite one; a block crossed by a diagonal has none and its
//!   buildings open onto the diagonal.
//! - **Communities**: `communities` contiguous groups of blocks, grown from
//!   random seed blocks by breadth-first search.
//! - **Buildings** (the demand points): in residential blocks (85 %; the
//!   others are schools, offices, parks), each joined by a short path from
//!   its door to the nearest footpath node. Residents are split over the
//!   buildings by largest remainders, so they add up to `residents` exactly;
//!   residents aged 60+ add up to `round(residents × aging_ratio)` and those
//!   under 6 to `round(residents × under_6_ratio)`, but communities differ: one
//!   in five is an old estate with 1.5–2.2 times the district's share of
//!   elderly (where canteens are needed), the others have 0.6–1.3 times it,
//!   and fewer young children where there are more elderly.
//! - **Shops** (existing facilities) and **candidate sites** stand on street
//!   fronts, 6 m off the street, on streets chosen with probability
//!   proportional to length × (3 on an arterial) × (1 + the residents of the
//!   adjacent blocks relative to the mean block).
//! - **Candidate cost**: `1 + 2 × (1 − d / d_max)`, `d` the distance from the
//!   district's centre: 3.0 in the centre, 1.0 at the farthest corner (rents
//!   fall away from the centre). One candidate in four is a community room
//!   that may only host `elderly_canteen`, `elderly_care`, `health_station` or
//!   `kindergarten`; the others may host any service.
//!
//! # Size and graph density
//! Nodes grow with the built-up area (residents / density) and with
//! `1 / node_spacing_m` and `lanes`. With the defaults, 928,334 residents give
//! 1,560 blocks, 6,212 buildings and 52,245 nodes; `.node_spacing_m(3.0)
//! .lanes(3)` gives 527,116 nodes and 533,132 edges (see `benches/README.md`,
//! "District scale"). A neighbourhood of 10,000 residents is 20 blocks.
//!
//! # Reproducibility
//! The generator draws from ChaCha8 seeded with `seed` (an algorithm fixed by
//! `rand_chacha`, unlike `StdRng`), draws integers as `u64` and writes
//! coordinates with 7 decimals: the same parameters give byte-identical
//! files on every run and machine.
//!
//! # Example
//! ```
//! use lifecircle::district::{District, DistrictParams};
//!
//! let params = DistrictParams::new(10_000).aging_ratio(0.2).communities(2).seed(7);
//! let d = District::generate(&params).unwrap();
//! let s = d.summary();
//! assert_eq!((s.residents, s.aged_60_plus, s.communities), (10_000, 2_000, 2));
//! assert_eq!(d.network().unwrap().node_count(), d.nodes.len()); // connected
//!
//! let dir = tempfile::tempdir().unwrap();
//! let scenario = d.write(dir.path()).unwrap();
//! assert!(scenario.ends_with("scenario.toml") && dir.path().join("edges.csv").exists());
//! ```
//!
//! # Complexity
//! Linear in the number of nodes; a 500,000-node district takes about 0.3 s
//! to generate and 0.5 s to write (43 MB of tables).
//!
//! # Files, one job each
//! - `params`: [`DistrictParams`], their ranges and the size they give ([`DistrictSize`]).
//! - `streets`: the block grid, the streets that go, the diagonals and the footpaths.
//! - `communities`: contiguous groups of blocks and their shares of elderly.
//! - `buildings`: the demand points, their doors and their residents by age group.
//! - `shops`: existing facilities and candidate sites on the street fronts.
//! - `write`: the CSV tables and `scenario.toml`, serialised from [`Scenario`](crate::scenario::Scenario).
//! - `polygons`: community outlines with their counts and building footprints
//!   (`communities.geojson`, `buildings.geojson`, `polygons.toml`), for the
//!   split onto buildings.

mod buildings;
mod communities;
mod params;
mod polygons;
mod shops;
mod streets;
mod write;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::demand::DemandPoint;
use crate::error::Result;
use crate::network::snap::LocalProjection;
use crate::network::{Network, NetworkBuilder, Node};
use crate::sites::{CandidateSite, Facility};
use communities::Communities;
use streets::Streets;

pub use params::{
    DistrictParams, DistrictSize, MAX_BYTES, MAX_NODES, RESIDENTS_PER_COMMUNITY, YANHU_AGING_RATIO,
    YANHU_RESIDENTS,
};
pub use shops::SHOPS_PER_10K;
pub use streets::Edge;

/// Counts of a generated district, as printed by `lifecircle generate-district`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DistrictSummary {
    /// Network nodes.
    pub nodes: usize,
    /// Network edges.
    pub edges: usize,
    /// Blocks of the grid.
    pub blocks: usize,
    /// Residential buildings (demand points).
    pub buildings: usize,
    /// Residents.
    pub residents: u64,
    /// Residents aged 60+.
    pub aged_60_plus: u64,
    /// Residents under 6.
    pub under_6: u64,
    /// Communities.
    pub communities: usize,
    /// Existing facilities.
    pub facilities: usize,
    /// Candidate sites.
    pub candidates: usize,
}

/// A generated district (see the module docs).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct District {
    /// The parameters it was generated from.
    pub params: DistrictParams,
    /// Blocks of the grid (columns × rows).
    pub blocks: usize,
    /// Network nodes.
    pub nodes: Vec<Node>,
    /// Network edges, lengths in metres.
    pub edges: Vec<Edge>,
    /// Buildings with residents, age groups and community (`zone`).
    pub buildings: Vec<DemandPoint>,
    /// Existing facilities.
    pub facilities: Vec<Facility>,
    /// Candidate sites with costs.
    pub candidates: Vec<CandidateSite>,
    /// Each block's corners (lon, lat: south-west, south-east, north-west,
    /// north-east) and its community, for [`District::write_polygons`].
    pub block_outlines: Vec<([(f64, f64); 4], String)>,
}

impl District {
    /// Generates a district (see the module docs for the layout).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) for
    /// invalid parameters ([`DistrictParams::validate`]).
    pub fn generate(params: &DistrictParams) -> Result<Self> {
        params.validate()?;
        let p = params;
        // One generator for all stages, drawn from in this order: the files
        // depend on it.
        let mut rng = ChaCha8Rng::seed_from_u64(p.seed);
        let mut streets = Streets::lay_out(p, &mut rng);
        let (nx, ny) = (streets.grid.nx, streets.grid.ny);
        let communities = Communities::grow(p, &mut rng, nx, ny);
        let proj = LocalProjection::new(p.origin.0, p.origin.1);
        let (buildings, block_people) =
            buildings::place(p, &mut rng, &mut streets, &communities, &proj);
        let (facilities, candidates) = shops::place(p, &mut rng, &streets, &block_people, &proj);
        let block_outlines = streets
            .quads
            .iter()
            .zip(&communities.of_block)
            .map(|(q, &c)| (q.map(|corner| lonlat(&proj, corner)), community_id(p, c)))
            .collect();

        let g = &streets.graph;
        let nodes =
            g.xy.iter()
                .enumerate()
                .map(|(i, &q)| {
                    let (lon, lat) = lonlat(&proj, q);
                    Node {
                        id: i as i64 + 1,
                        lon,
                        lat,
                    }
                })
                .collect();
        let edges = g
            .edges
            .iter()
            .map(|e| Edge {
                length_m: (e.length_m * 100.0).round() / 100.0,
                ..*e
            })
            .collect();
        Ok(District {
            params: p.clone(),
            blocks: nx * ny,
            nodes,
            edges,
            buildings,
            facilities,
            candidates,
            block_outlines,
        })
    }

    /// Counts of nodes, edges, residents, communities, facilities and candidates.
    pub fn summary(&self) -> DistrictSummary {
        let sum =
            |f: &dyn Fn(&DemandPoint) -> f64| self.buildings.iter().map(f).sum::<f64>() as u64;
        let mut zones: Vec<&str> = self.buildings.iter().map(DemandPoint::zone).collect();
        zones.sort_unstable();
        zones.dedup();
        DistrictSummary {
            nodes: self.nodes.len(),
            edges: self.edges.len(),
            blocks: self.blocks,
            buildings: self.buildings.len(),
            residents: sum(&|b| b.population),
            aged_60_plus: sum(&|b| b.aged_60_plus.unwrap_or(0.0)),
            under_6: sum(&|b| b.under_6.unwrap_or(0.0)),
            communities: zones.len(),
            facilities: self.facilities.len(),
            candidates: self.candidates.len(),
        }
    }

    /// The walking network, as [`read_network_csv`](crate::network::read_network_csv)
    /// would read it from the written tables.
    ///
    /// # Errors
    /// None in practice (the generator only writes edges between its nodes);
    /// the builder's errors are passed on.
    pub fn network(&self) -> Result<Network> {
        let mut b = NetworkBuilder::new();
        for &node in &self.nodes {
            b.add_node(node);
        }
        for e in &self.edges {
            b.add_edge_with_length(e.source, e.target, e.length_m)?;
        }
        b.build()
    }
}

/// Degrees of a point `q` metres east and north of the origin, to the 7
/// decimals the tables are written with.
fn lonlat(proj: &LocalProjection, q: [f64; 2]) -> (f64, f64) {
    let (lon, lat) = proj.unproject(q[0], q[1]);
    (round7(lon), round7(lat))
}

/// The id of community `c` (`C01` …), zero-padded to the width of the count.
fn community_id(p: &DistrictParams, c: usize) -> String {
    let width = p.communities.to_string().len();
    format!("C{:0width$}", c + 1)
}

fn uniform(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

/// An index below `n`, drawn as `u64` so that it does not depend on the width of `usize`.
fn index(rng: &mut ChaCha8Rng, n: usize) -> usize {
    rng.random_range(0..n as u64) as usize
}

fn shuffle<T>(rng: &mut ChaCha8Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        items.swap(i, index(rng, i + 1));
    }
}

fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

/// A district of 20,000 residents in 3 communities, for the tests.
#[cfg(test)]
fn small(seed: u64) -> District {
    District::generate(&DistrictParams::new(20_000).communities(3).seed(seed)).unwrap()
}

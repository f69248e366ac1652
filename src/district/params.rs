//! What to generate: the parameters, their ranges, and the size they give
//! before anything is built.

use super::shops::SHOPS_PER_10K;
use crate::error::{Error, Result};
use crate::tables::not_lon_lat;

/// Residents of Yanhu district, Yuncheng (2020 census).
pub const YANHU_RESIDENTS: i64 = 928_334;
/// Share of Yanhu's residents aged 60+ (136,570 of 928,334; 2020 census).
pub const YANHU_AGING_RATIO: f64 = 136_570.0 / 928_334.0;
/// Residents per community in Yanhu (76 communities).
pub const RESIDENTS_PER_COMMUNITY: f64 = 928_334.0 / 76.0;

/// What to generate; builder methods set one parameter each, and
/// [`District::generate`](super::District::generate) validates them.
///
/// ```
/// use lifecircle::district::DistrictParams;
/// let p = DistrictParams::new(928_334);
/// assert_eq!(p.communities, 76);
/// assert!((p.aging_ratio - 0.1471).abs() < 1e-4);
/// assert!(DistrictParams::new(-5).validate().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DistrictParams {
    /// Residents in total (≥ 1).
    pub residents: i64,
    /// Share aged 60+ in `[0, 1]`.
    pub aging_ratio: f64,
    /// Share under 6 in `[0, 1]`, at most `1 − aging_ratio`.
    pub under_6_ratio: f64,
    /// Communities (zones), each a contiguous group of blocks.
    pub communities: usize,
    /// Seed of the random generator.
    pub seed: u64,
    /// Mean block side in metres.
    pub block_m: f64,
    /// Residents per km² of built-up area.
    pub density_per_km2: f64,
    /// Distance between consecutive nodes along streets and footpaths, metres.
    pub node_spacing_m: f64,
    /// Inner footpaths per block.
    pub lanes: usize,
    /// Mean residents per building (sets the number of demand points).
    pub residents_per_building: f64,
    /// Share of local street segments removed, in `[0, 0.5]`.
    pub street_removal: f64,
    /// Candidate sites (`None`: one per 100 residents).
    pub candidate_sites: Option<usize>,
    /// Longitude and latitude of the south-west corner (default: Yuncheng).
    pub origin: (f64, f64),
    /// Allow a district whose [estimate](DistrictParams::estimate) exceeds
    /// [`MAX_NODES`] nodes or [`MAX_BYTES`] of files, up to ten times that.
    pub allow_large: bool,
}

/// Nodes a district may have unless [`DistrictParams::allow_large`] is set
/// (four times the 527,116 nodes of the densest graph in `benches/README.md`).
pub const MAX_NODES: u64 = 2_000_000;
/// Bytes of tables a district may write unless [`DistrictParams::allow_large`] is set.
pub const MAX_BYTES: u64 = 200_000_000;
/// How much further [`DistrictParams::allow_large`] goes.
const LARGE_FACTOR: u64 = 10;

/// The size [`DistrictParams::estimate`] expects, before anything is generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct DistrictSize {
    /// Blocks of the grid.
    pub blocks: u64,
    /// Network nodes (street and footpath nodes, one door per building).
    pub nodes: u64,
    /// Network edges.
    pub edges: u64,
    /// Buildings (demand points).
    pub buildings: u64,
    /// Existing facilities and candidate sites.
    pub sites: u64,
    /// Bytes of the CSV tables.
    pub bytes: u64,
}

impl DistrictParams {
    /// Yanhu's aging and under-6 ratios, one community per 12,215 residents
    /// and the other defaults of the module docs.
    pub fn new(residents: i64) -> Self {
        Self {
            residents,
            aging_ratio: YANHU_AGING_RATIO,
            under_6_ratio: 0.072,
            communities: ((residents as f64 / RESIDENTS_PER_COMMUNITY).round() as usize).max(1),
            seed: 2020,
            block_m: 200.0,
            density_per_km2: 15_000.0,
            node_spacing_m: 25.0,
            lanes: 2,
            residents_per_building: 150.0,
            street_removal: 0.1,
            candidate_sites: None,
            origin: (110.98, 35.00),
            allow_large: false,
        }
    }

    /// Sets the share aged 60+.
    pub fn aging_ratio(mut self, ratio: f64) -> Self {
        self.aging_ratio = ratio;
        self
    }

    /// Sets the share under 6.
    pub fn under_6_ratio(mut self, ratio: f64) -> Self {
        self.under_6_ratio = ratio;
        self
    }

    /// Sets the number of communities.
    pub fn communities(mut self, communities: usize) -> Self {
        self.communities = communities;
        self
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the mean block side in metres.
    pub fn block_m(mut self, metres: f64) -> Self {
        self.block_m = metres;
        self
    }

    /// Sets the residential density (residents per km² of built-up area).
    pub fn density_per_km2(mut self, density: f64) -> Self {
        self.density_per_km2 = density;
        self
    }

    /// Sets the spacing of nodes along streets and footpaths in metres.
    pub fn node_spacing_m(mut self, metres: f64) -> Self {
        self.node_spacing_m = metres;
        self
    }

    /// Sets the number of inner footpaths per block.
    pub fn lanes(mut self, lanes: usize) -> Self {
        self.lanes = lanes;
        self
    }

    /// Sets the mean number of residents per building.
    pub fn residents_per_building(mut self, residents: f64) -> Self {
        self.residents_per_building = residents;
        self
    }

    /// Sets the share of local street segments removed.
    pub fn street_removal(mut self, share: f64) -> Self {
        self.street_removal = share;
        self
    }

    /// Sets the number of candidate sites.
    pub fn candidate_sites(mut self, count: usize) -> Self {
        self.candidate_sites = Some(count);
        self
    }

    /// Sets the south-west corner.
    pub fn origin(mut self, lon: f64, lat: f64) -> Self {
        self.origin = (lon, lat);
        self
    }

    /// Allows a district beyond [`MAX_NODES`] or [`MAX_BYTES`] (up to ten times).
    pub fn allow_large(mut self, allow: bool) -> Self {
        self.allow_large = allow;
        self
    }

    /// The size of the district these parameters give, from the layout's
    /// rules (an upper estimate: removed streets and diagonals are ignored;
    /// the defaults estimate 55,300 nodes for 52,245 generated). Call it on
    /// parameters within the ranges of [`DistrictParams::validate`].
    pub fn estimate(&self) -> DistrictSize {
        let (nx, ny) = self.grid();
        let (nx, ny) = (nx as f64, ny as f64);
        let blocks = nx * ny;
        let k1 = self.lanes as f64 + 1.0;
        let segments = nx * (ny + 1.0) + (nx + 1.0) * ny;
        // Each street cut into a multiple of lanes + 1 parts, each footpath into parts of the spacing.
        let street_parts = (self.block_m / self.node_spacing_m).max(k1);
        let lane_parts = (self.block_m / self.node_spacing_m).max(1.0);
        let buildings = (self.residents as f64 / self.residents_per_building).max(blocks * 0.85);
        let network = (nx + 1.0) * (ny + 1.0)
            + segments * (street_parts - 1.0)
            + blocks * self.lanes as f64 * (lane_parts - 1.0);
        let nodes = network + buildings;
        let edges = segments * street_parts + blocks * self.lanes as f64 * lane_parts + buildings;
        let facilities: f64 =
            SHOPS_PER_10K.iter().map(|(_, r)| r).sum::<f64>() * self.residents as f64 / 10_000.0;
        let candidates = self
            .candidate_sites
            .map_or(self.residents as f64 / 100.0, |c| c as f64);
        // Bytes per line of nodes.csv, edges.csv, population.csv, facilities.csv, candidates.csv.
        let bytes =
            nodes * 32.0 + edges * 24.0 + buildings * 60.0 + facilities * 42.0 + candidates * 80.0;
        // Saturating casts: an absurd estimate stays an absurd number, never wraps.
        DistrictSize {
            blocks: blocks as u64,
            nodes: nodes.ceil() as u64,
            edges: edges.ceil() as u64,
            buildings: buildings.ceil() as u64,
            sites: (facilities + candidates).ceil() as u64,
            bytes: bytes.ceil() as u64,
        }
    }

    /// Block columns and rows of the grid: the built-up area
    /// (`residents / density`) in blocks of `block_m`, as square as possible.
    pub(super) fn grid(&self) -> (usize, usize) {
        let area_m2 = self.residents.max(1) as f64 / self.density_per_km2 * 1e6;
        let blocks = (area_m2 / (self.block_m * self.block_m)).ceil().max(1.0) as usize;
        let nx = (blocks as f64).sqrt().ceil() as usize;
        (nx, blocks.div_ceil(nx))
    }

    /// Checks every parameter against its range (below), then the
    /// [estimated size](DistrictParams::estimate) against [`MAX_NODES`] and
    /// [`MAX_BYTES`] (ten times those with `allow_large`), so that nothing
    /// is allocated for a district that would not fit.
    ///
    /// | parameter | range |
    /// |---|---|
    /// | `residents` | 1 to 100,000,000 |
    /// | `aging_ratio`, `under_6_ratio` | 0 to 1, together at most 1 |
    /// | `density_per_km2` | 100 to 200,000 |
    /// | `block_m` | 20 to 5,000 |
    /// | `node_spacing_m` | 1 to `block_m` |
    /// | `lanes` | 1 to 50 |
    /// | `residents_per_building` | 1 to 100,000 |
    /// | `street_removal` | 0 to 0.5 |
    /// | `candidate_sites` | 1 to 10,000,000 |
    /// | `communities` | 1 to the number of blocks |
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the parameter, its value and what
    /// is allowed; for too many communities, how many blocks there are; for
    /// too large a district, its estimated nodes and bytes and the limits.
    ///
    /// ```
    /// use lifecircle::district::DistrictParams;
    /// let dense = DistrictParams::new(928_334).node_spacing_m(1.0).lanes(10);
    /// assert!(dense.estimate().nodes > 3_000_000);
    /// assert!(dense.validate().unwrap_err().to_string().contains("allow_large"));
    /// ```
    pub fn validate(&self) -> Result<()> {
        if !(1..=100_000_000).contains(&self.residents) {
            return Err(Error::param(
                "residents",
                format!("must lie in 1..=100000000, got {}", self.residents),
            ));
        }
        for (name, r) in [
            ("aging_ratio", self.aging_ratio),
            ("under_6_ratio", self.under_6_ratio),
        ] {
            if !(0.0..=1.0).contains(&r) {
                return Err(Error::param(name, format!("must lie in [0, 1], got {r}")));
            }
        }
        let n = self.residents as f64;
        if (n * self.aging_ratio).round() + (n * self.under_6_ratio).round() > n {
            return Err(Error::param(
                "under_6_ratio",
                "aged 60+ and under 6 together exceed the residents",
            ));
        }
        let positive = [
            ("block_m", self.block_m, 20.0, 5_000.0),
            ("density_per_km2", self.density_per_km2, 100.0, 200_000.0),
            ("node_spacing_m", self.node_spacing_m, 1.0, 5_000.0),
            (
                "residents_per_building",
                self.residents_per_building,
                1.0,
                100_000.0,
            ),
        ];
        if let Some((name, v, lo, hi)) = positive
            .iter()
            .find(|(_, v, lo, hi)| !(v.is_finite() && *v > 0.0 && (lo..=hi).contains(&v)))
        {
            let why = if v.is_finite() && *v > 0.0 {
                format!("must lie in {lo}..={hi}, got {v}")
            } else {
                format!("must be > 0, got {v}")
            };
            return Err(Error::param(name, why));
        }
        if self.node_spacing_m > self.block_m {
            return Err(Error::param(
                "node_spacing_m",
                format!(
                    "{} m is longer than a block ({} m)",
                    self.node_spacing_m, self.block_m
                ),
            ));
        }
        if self.lanes == 0 {
            return Err(Error::param(
                "lanes",
                "must be >= 1: buildings open onto footpaths",
            ));
        }
        if self.lanes > 50 {
            return Err(Error::param(
                "lanes",
                format!("must lie in 1..=50, got {}", self.lanes),
            ));
        }
        if !(0.0..=0.5).contains(&self.street_removal) {
            return Err(Error::param(
                "street_removal",
                format!("must lie in [0, 0.5], got {}", self.street_removal),
            ));
        }
        if let Some(message) = not_lon_lat(self.origin.0, self.origin.1) {
            return Err(Error::param("origin", message));
        }
        if self.candidate_sites == Some(0) {
            return Err(Error::param(
                "candidate_sites",
                "must be >= 1: the scenario plans on the candidate table",
            ));
        }
        if let Some(n) = self.candidate_sites.filter(|&n| n > 10_000_000) {
            return Err(Error::param(
                "candidate_sites",
                format!("must lie in 1..=10000000, got {n}"),
            ));
        }
        let size = self.estimate();
        let factor = if self.allow_large { LARGE_FACTOR } else { 1 };
        if size.nodes > MAX_NODES * factor || size.bytes > MAX_BYTES * factor {
            let hint = if self.allow_large {
                "even with allow_large"
            } else {
                "set allow_large (--allow-large) to go up to ten times that"
            };
            return Err(Error::param(
                "district size",
                format!(
                    "these parameters give about {} nodes, {} edges, {} buildings and {} sites in {} MB of tables, beyond the limit of {} nodes and {} MB ({hint}); fewer residents, a larger node_spacing_m, fewer lanes or candidates make it smaller",
                    size.nodes,
                    size.edges,
                    size.buildings,
                    size.sites,
                    size.bytes / 1_000_000,
                    MAX_NODES * factor,
                    MAX_BYTES * factor / 1_000_000
                ),
            ));
        }
        let (nx, ny) = self.grid();
        if self.communities == 0 || self.communities > nx * ny {
            return Err(Error::param(
                "communities",
                format!(
                    "must lie in 1..={} (the blocks of {} residents at {} per km² in blocks of {} m), got {}",
                    nx * ny, self.residents, self.density_per_km2, self.block_m, self.communities
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::district::District;

    #[test]
    fn an_origin_off_the_globe_is_refused() {
        for (lon, lat) in [(f64::NAN, 35.0), (110.0, 95.0)] {
            let err = District::generate(&DistrictParams::new(2_000).origin(lon, lat)).unwrap_err();
            assert!(
                err.to_string().contains("invalid parameter origin"),
                "{err}"
            );
        }
    }

    #[test]
    fn bad_parameters_are_named() {
        let err = |p: DistrictParams| p.validate().unwrap_err().to_string();
        assert!(
            err(DistrictParams::new(-5)).contains("residents: must lie in 1..=100000000, got -5")
        );
        assert!(err(DistrictParams::new(1000).aging_ratio(1.5)).contains("aging_ratio"));
        assert!(err(DistrictParams::new(1000)
            .aging_ratio(0.7)
            .under_6_ratio(0.4))
        .contains("exceed the residents"));
        assert!(err(DistrictParams::new(1000).communities(0)).contains("communities"));
        let e = err(DistrictParams::new(10_000).communities(76));
        assert!(
            e.contains("must lie in 1..=") && e.contains("got 76"),
            "{e}"
        );
        assert!(err(DistrictParams::new(1000).lanes(0)).contains("lanes"));
        assert!(err(DistrictParams::new(1000).candidate_sites(0))
            .contains("candidate_sites: must be >= 1"));
        assert!(err(DistrictParams::new(1000).node_spacing_m(0.0)).contains("node_spacing_m"));
        assert!(District::generate(&DistrictParams::new(0)).is_err());
        // Generation validates first: nothing is built for a district beyond the limits.
        let huge = DistrictParams::new(928_334).node_spacing_m(1.0).lanes(5);
        assert!(District::generate(&huge).is_err());
    }

    #[test]
    fn sizes_beyond_the_limits_are_refused_before_anything_is_built() {
        let err = |p: DistrictParams| p.validate().unwrap_err().to_string();
        for (p, needle) in [
            (
                DistrictParams::new(1_000_000_000_000),
                "residents: must lie in 1..=100000000",
            ),
            (
                DistrictParams::new(928_334).candidate_sites(100_000_000),
                "candidate_sites: must lie in 1..=10000000",
            ),
            (
                DistrictParams::new(928_334).lanes(1_000_000),
                "lanes: must lie in 1..=50",
            ),
            (
                DistrictParams::new(928_334).density_per_km2(1e-9),
                "density_per_km2: must lie in 100..=200000, got 0.000000001",
            ),
            (
                DistrictParams::new(928_334).node_spacing_m(0.001),
                "node_spacing_m: must lie in 1..=5000",
            ),
            (
                DistrictParams::new(928_334).node_spacing_m(1.0).lanes(5),
                "district size: these parameters give about",
            ),
            (
                DistrictParams::new(928_334).candidate_sites(5_000_000),
                "MB of tables, beyond the limit of 2000000 nodes and 200 MB (set allow_large",
            ),
            (
                DistrictParams::new(100_000_000)
                    .node_spacing_m(1.0)
                    .allow_large(true),
                "even with allow_large",
            ),
        ] {
            let e = err(p);
            assert!(e.contains(needle), "{e}");
        }
        // allow_large lets a district past the limit.
        let p = DistrictParams::new(928_334).candidate_sites(5_000_000);
        assert!(p.clone().allow_large(true).validate().is_ok());
        // The estimate is an upper one, and close: within 15 % of the nodes
        // built, and at most twice the bytes (ids are short in small districts).
        for p in [
            DistrictParams::new(20_000).communities(3),
            DistrictParams::new(50_000).node_spacing_m(5.0).lanes(4),
            DistrictParams::new(3_000).residents_per_building(20.0),
        ] {
            let (size, d) = (p.estimate(), District::generate(&p).unwrap());
            let nodes = d.nodes.len() as f64;
            assert!(
                size.nodes as f64 >= nodes && (size.nodes as f64) < 1.15 * nodes,
                "{size:?} for {nodes} nodes"
            );
            let dir = tempfile::tempdir().unwrap();
            d.write(dir.path()).unwrap();
            let bytes: u64 = [
                "nodes.csv",
                "edges.csv",
                "population.csv",
                "facilities.csv",
                "candidates.csv",
            ]
            .iter()
            .map(|f| std::fs::metadata(dir.path().join(f)).unwrap().len())
            .sum();
            assert!(
                size.bytes >= bytes && size.bytes < 2 * bytes,
                "{size:?} for {bytes} bytes"
            );
        }
    }
}

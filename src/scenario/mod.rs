//! Scenario files and the end-to-end pipeline they drive: OSM → walking graph →
//! residents and facilities snapped → walking distances → current coverage and
//! gaps per zone → a plan siting one or several services at once.
//!
//! # File format
//! TOML (or JSON with the same keys, chosen by the `.json` extension). Paths are
//! relative to the scenario file. Only `population` and a network (`osm`, or
//! `network` tables) are required;
//! `lifecircle gaps` needs no `[plan]`, `lifecircle plan` does.
//!
//! ```toml
//! osm = "helsinki.osm.pbf"                 # OpenStreetMap extract (.osm.pbf), or instead:
//! # network = { nodes = "nodes.csv", edges = "edges.csv" }  # lifecircle::network::read_network_csv
//! population = "population_grid_2020.csv"  # CSV, GeoJSON (lifecircle::demand::read_demand) or GeoTIFF
//! # optional, with their defaults:
//! population_crs = "wgs84"                 # or "gcj02" (Amap), "bd09" (Baidu): converted to WGS 84
//!                                          # (a raster's too: a GCJ-02 grid labelled EPSG:4326)
//! population_bands = ["population", "aged_60_plus", "under_6"]  # a GeoTIFF population (.tif): what
//!                                          # each band counts (lifecircle::demand::read_population_raster;
//!                                          # default ["population"]); cells are demand points at their
//!                                          # centres, or with [allocate] zones split onto the buildings
//! zones = "communities.geojson"            # zone polygons (lifecircle::demand::read_zones); default: none,
//!                                          # the residents' `zone` column
//! zones_crs = "wgs84"
//! facilities_crs = "wgs84"
//! output_crs = "wgs84"                     # or "gcj02": the GeoJSON outputs for Amap
//! catalogue = "services.toml"              # default: the built-in catalogue (lifecircle::services)
//! facilities = "existing.csv"              # id, service, lon, lat: facilities OSM lacks
//! osm_facilities = true                    # also take existing facilities from OSM tags
//! aging_ratio = 0.1471                     # share aged 60+ where the table has no count (default: none)
//! under_6_ratio = 0.072                    # share under 6 where the table has no count (default: none)
//! walking_speed_m_s = 1.1                  # adults
//! elderly_walking_speed_m_s = 0.9          # residents aged 60+
//! max_snap_m = 200.0                       # residents farther from any street are left out (and reported)
//! search_minutes = 30.0                    # how far (adult pace) to look for the nearest facility,
//!                                          # at least each analysed service's walking limit
//! gap_services = ["pharmacy", "elderly_canteen"]  # default: every service of the catalogue
//! [allocate]                               # split the population file's polygons (grid cells or
//!                                          # zones with counts, lifecircle::demand::read_zone_polygons)
//!                                          # onto the homes inside (lifecircle::demand::allocate)
//! buildings = "buildings.geojson"          # default: the buildings of `osm`
//! buildings_crs = "wgs84"
//! default_levels = 1.0                     # levels of a building without building:levels
//! residential = ["apartments", "house"]    # building=* values that are homes (default: RESIDENTIAL_KINDS)
//! non_residential = ["retail"]             # and that are not (default: NON_RESIDENTIAL_KINDS)
//! residential_landuse = ["residential"]    # landuse=* under which other buildings are homes
//! non_residential_landuse = ["commercial"] # and under which they are not (default: NON_RESIDENTIAL_LANDUSE)
//! [rating]                                 # lifecircle::coverage::RatingRules
//! present_share = 0.9
//!
//! [access]                                 # lifecircle access, and the gap report's access columns
//! threshold = 0.002                        # 2SFCA supply per resident below which residents are
//!                                          # underserved (default: each service's area-wide ratio)
//! nearest_n = 3                            # facilities in the nearest-N average time
//! gravity = { kind = "exponential", beta = 0.003, cutoff_s = 900 }  # lifecircle::access::Decay, seconds;
//! # e2sfca, gaussian, three_step likewise (default: each service's limit, see AccessParams::new)
//!
//! [plan]
//! new_sites = { elderly_canteen = 2, health_station = 1 }  # services to site, at most this many each
//! services = ["pharmacy"]                  # more services to site, with no count limit
//! budget = 3.0                             # total cost of new sites (default: none)
//! objective = "coverage"                   # or "equity" (best worst zone share), "min_cost" (full coverage),
//!                                          # "gradual" (decay-weighted coverage), "attendance" (ArcGIS's
//!                                          # Maximize Attendance), "target_ratio" (served at a supply ratio)
//! decay = { kind = "linear", cutoff_s = 600 }  # gradual/attendance (default: linear to each service's limit)
//! target = 0.5                             # target_ratio: supply per resident served (capacity units)
//! elderly_weight = 1.0                     # weight of a resident aged 60+ in the objective ("elderly first": 2)
//! candidates = "intersections"             # or "all_nodes"
//! candidate_sites = "sites.csv"            # instead: id, lon, lat[, cost][, services][, capacity]
//! candidate_sites_crs = "wgs84"
//! site_cost = 1.0                          # cost of a candidate without its own
//! capacity = { barber = 150 }              # residents one facility serves (overrides the catalogue)
//! time_limit_s = 60.0                      # MIP time limit
//! ```
//!
//! A scenario file may also list variants (`[[variant]]` tables merged key by
//! key into these keys, so a variant's `[plan]` adds to the base's and cannot
//! drop a service from it; and a `[grid]`): see [`variants`]. Here they
//! are ignored.
//!
//! Residents aged 60+ reach a facility at their own pace, so a resident of a
//! grid cell may be covered while an older neighbour is not; where the age
//! structure is unknown (no column, no ratio), everyone walks at the adult pace
//! and services for an age group are refused.
//!
//! # Layout
//! `format` holds the file's serde types (re-exported here), `prepare` reads,
//! checks, snaps and measures the inputs and runs the gap analysis, `plan`
//! runs the `[plan]` on prepared inputs (candidates, age-group rows, the
//! joint model, the solve, the outcomes), and [`variants`] runs plan variants
//! of one file side by side. What they produce is plain data in
//! [`crate::outcome`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::error::{Error, Result};
use crate::outcome::{GapsReport, Geometry, PlanReport, Run, Site};

mod access;
mod format;
mod plan;
mod prepare;
mod shapes;
pub mod variants;

pub(crate) use format::read_scenario_table;
pub use format::{
    AccessSpec, AllocateSpec, Candidates, NetworkTables, Objective, PlanSpec, Scenario,
};
use prepare::CurrentGaps;

impl Scenario {
    /// Reads a scenario from a TOML or JSON file; relative paths in it are
    /// resolved against the file's folder. Variants (`[[variant]]`, `[grid]`)
    /// are ignored: this is the base scenario ([`variants`] runs them).
    ///
    /// # Errors
    /// [`Error::Io`] if unreadable, [`Error::BadRecord`] naming the file and the
    /// parser's message (unknown keys included) if malformed.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let (mut table, dir) = read_scenario_table(path.as_ref())?;
        for key in ["variant", "grid", "max_variants"] {
            table.remove(key);
        }
        Self::from_table(table, &dir, &path.as_ref().display().to_string())
    }

    /// A scenario from its keys (as in a file), relative paths resolved against `dir`.
    ///
    /// # Errors
    /// [`Error::BadRecord`] naming `source` and the offending key.
    pub fn from_table(table: toml::Table, dir: &Path, source: &str) -> Result<Self> {
        let mut s: Scenario =
            toml::Value::Table(table)
                .try_into()
                .map_err(|e: toml::de::Error| {
                    Error::record(source, "scenario", e.message().to_string())
                })?;
        let rebase = |p: &mut PathBuf| *p = dir.join(&*p);
        s.osm.as_mut().map(rebase);
        if let Some(t) = s.network.as_mut() {
            rebase(&mut t.nodes);
            rebase(&mut t.edges);
        }
        rebase(&mut s.population);
        s.zones.as_mut().map(rebase);
        if let Some(a) = s.allocate.as_mut() {
            a.buildings.as_mut().map(rebase);
        }
        s.catalogue.as_mut().map(rebase);
        s.facilities.as_mut().map(rebase);
        if let Some(plan) = s.plan.as_mut() {
            plan.candidate_sites.as_mut().map(rebase);
        }
        Ok(s)
    }

    /// Current coverage and gaps per zone and category, and each zone's
    /// completeness rating.
    ///
    /// # Errors
    /// Any error of the stages: unreadable files, invalid population, a
    /// residents table none of whose points lies on the walking network, a
    /// facility that cannot be snapped, a service needing an age group the
    /// residents table lacks.
    pub fn gaps(&self) -> Result<Run<GapsReport>> {
        let spec = self.access.clone().unwrap_or_default();
        spec.validate()?;
        // The plan plays no part here, so a plan under construction does not stop the gap table.
        let p = Scenario {
            plan: None,
            ..self.clone()
        }
        .prepare(&[])?;
        let services = self.gap_services(&p.catalogue);
        let CurrentGaps {
            report: gaps,
            nearest_m,
            ..
        } = p.current_gaps(&services, self)?;
        // Distances of the services the table kept (skipped ones have no column).
        let nearest_m = services
            .iter()
            .zip(nearest_m)
            .filter(|(s, _)| gaps.totals.iter().any(|t| t.category == s.key))
            .map(|(s, near)| (s.key.clone(), near))
            .collect();
        let (access, _) = p.access(self, &spec, false)?;
        let isochrones = services
            .iter()
            .filter(|s| gaps.totals.iter().any(|t| t.category == s.key))
            .map(|s| p.service_isochrones(s, self.speeds(), &[]))
            .collect::<Result<_>>()?;
        let mut facilities: BTreeMap<String, Vec<Site>> = BTreeMap::new();
        for (key, site, _) in &p.facilities {
            if gaps.totals.iter().any(|t| &t.category == key) {
                facilities
                    .entry(key.clone())
                    .or_default()
                    .push(site.clone());
            }
        }
        let t_coverage = Instant::now();
        let seconds = p.seconds(t_coverage, t_coverage);
        Ok(Run {
            report: GapsReport {
                gaps,
                network: p.network_summary(),
                demand: p.demand_summary(),
                seconds,
                access,
            },
            geometry: Geometry {
                demand_points: p.demand_points(),
                streets: p.streets(),
                nearest_m,
                isochrones,
                zones: p.zone_outlines(),
                facilities,
            },
        })
    }

    /// Runs the whole pipeline: gaps of the gap services over the whole area,
    /// then the plan.
    ///
    /// # Errors
    /// Any error of the stages, and [`Error::InvalidParameter`] if the scenario
    /// has no `[plan]`.
    pub fn run(&self) -> Result<Run<PlanReport>> {
        self.plan_prepared(&self.prepare(&[])?)
    }
}

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
//! population = "population_grid_2020.csv"  # CSV or GeoJSON (lifecircle::demand::read_demand)
//! # optional, with their defaults:
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
//! [rating]                                 # lifecircle::coverage::RatingRules
//! present_share = 0.9
//!
//! [plan]
//! new_sites = { elderly_canteen = 2, health_station = 1 }  # services to site, at most this many each
//! services = ["pharmacy"]                  # more services to site, with no count limit
//! budget = 3.0                             # total cost of new sites (default: none)
//! objective = "coverage"                   # or "equity" (best worst zone share), "min_cost" (full coverage)
//! elderly_weight = 1.0                     # weight of a resident aged 60+ in the objective ("elderly first": 2)
//! candidates = "intersections"             # or "all_nodes"
//! candidate_sites = "sites.csv"            # instead: id, lon, lat[, cost][, services][, capacity]
//! site_cost = 1.0                          # cost of a candidate without its own
//! capacity = { barber = 150 }              # residents one facility serves (overrides the catalogue)
//! time_limit_s = 60.0                      # MIP time limit
//! ```
//!
//! A scenario file may also list variants (`[[variant]]` tables merged key by
//! key into these keys, so a variant's `[plan]` adds to the base's and cannot
//! drop a service from it; and a `[grid]`): see [`crate::compare`]. Here they
//! are ignored.
//!
//! Residents aged 60+ reach a facility at their own pace, so a resident of a
//! grid cell may be covered while an older neighbour is not; where the age
//! structure is unknown (no column, no ratio), everyone walks at the adult pace
//! and services for an age group are refused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::coverage::{
    within_limit, GapPoint, GapReport, GapRow, RatingRules, ServiceReach, Speeds, ZoneScore,
};
use crate::demand::{read_demand, snap_demand, AgeRatios, DemandPoint, Residents};
use crate::error::{finite_non_negative, Error, Result};
use crate::model::{CoverageSets, JointObjective, JointPlan, JointService, JointSolution};
use crate::network::{read_network_csv, read_pbf, Network, OsmStats, Snapped, Snapper};
use crate::services::{Catalogue, Service};
use crate::sites::{read_candidates_csv, read_facilities_csv, CandidateSite};
use crate::solve::{total, PresolveStats, SolveOptions, SolveStatus};
use crate::travel::TravelTimes;

/// Where new facilities may be placed when no candidate table is given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Candidates {
    /// Street intersections (nodes where three or more walkable edges meet).
    #[default]
    Intersections,
    /// Every node of the walking network.
    AllNodes,
}

/// What a plan optimises.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Most residents covered once the plan is built, those the existing
    /// facilities already cover included (weighted by `elderly_weight`;
    /// summed over the planned services).
    #[default]
    Coverage,
    /// The best worst-off zone: maximise the smallest covered share over zones
    /// and services, then coverage.
    Equity,
    /// The cheapest plan covering everyone the candidates can reach.
    MinCost,
}

/// A planning scenario (see the module docs for the file format).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// OpenStreetMap extract (or give `network`).
    #[serde(default)]
    pub osm: Option<PathBuf>,
    /// Node and edge tables, instead of `osm`.
    #[serde(default)]
    pub network: Option<NetworkTables>,
    /// Residents table (CSV or GeoJSON).
    pub population: PathBuf,
    /// Service catalogue file (`None`: the built-in one).
    #[serde(default)]
    pub catalogue: Option<PathBuf>,
    /// Existing facilities from a table.
    #[serde(default)]
    pub facilities: Option<PathBuf>,
    /// Whether existing facilities are also taken from OSM tags.
    #[serde(default = "yes")]
    pub osm_facilities: bool,
    /// Share aged 60+ where the residents table has no count.
    #[serde(default)]
    pub aging_ratio: Option<f64>,
    /// Share under 6 where the residents table has no count.
    #[serde(default)]
    pub under_6_ratio: Option<f64>,
    /// Adult walking speed in metres per second.
    #[serde(default = "default_speed")]
    pub walking_speed_m_s: f64,
    /// Walking speed of residents aged 60+.
    #[serde(default = "default_elderly_speed")]
    pub elderly_walking_speed_m_s: f64,
    /// Snapping tolerance in metres.
    #[serde(default = "default_snap")]
    pub max_snap_m: f64,
    /// How far to search for the nearest facility, in minutes at adult pace.
    /// The search goes at least as far as the walking limit of every service
    /// analysed (at either pace); reports give the search used.
    #[serde(default = "default_search")]
    pub search_minutes: f64,
    /// Services in the gap table (`None`: the whole catalogue). The zones'
    /// stars rate only these: with a few listed, they are not the living
    /// circle's rating (a zone with only a pharmacy rates ★★★ on
    /// `["pharmacy"]`).
    #[serde(default)]
    pub gap_services: Option<Vec<String>>,
    /// Completeness rating rules.
    #[serde(default)]
    pub rating: RatingRules,
    /// What to site.
    #[serde(default)]
    pub plan: Option<PlanSpec>,
}

/// A walking network given as tables (see [`read_network_csv`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkTables {
    /// `id,lon,lat`.
    pub nodes: PathBuf,
    /// `source,target[,length_m]`.
    pub edges: PathBuf,
}

/// The `[plan]` table of a scenario.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanSpec {
    /// Services to site with the most new facilities each.
    #[serde(default)]
    pub new_sites: BTreeMap<String, usize>,
    /// Services to site with no count limit.
    #[serde(default)]
    pub services: Vec<String>,
    /// Total cost of the new sites.
    #[serde(default)]
    pub budget: Option<f64>,
    /// What to optimise.
    #[serde(default)]
    pub objective: Objective,
    /// Weight of a resident aged 60+ relative to others.
    #[serde(default = "default_one")]
    pub elderly_weight: f64,
    /// Candidate nodes when there is no candidate table (`None`:
    /// intersections); refused beside `candidate_sites`, which it could not change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidates: Option<Candidates>,
    /// Candidate table.
    #[serde(default)]
    pub candidate_sites: Option<PathBuf>,
    /// Cost of a candidate without its own.
    #[serde(default = "default_one")]
    pub site_cost: f64,
    /// Capacity per service, overriding the catalogue.
    #[serde(default)]
    pub capacity: BTreeMap<String, f64>,
    /// MIP time limit in seconds.
    #[serde(default = "default_time_limit")]
    pub time_limit_s: f64,
}

fn yes() -> bool {
    true
}
fn default_speed() -> f64 {
    Speeds::default().adult_m_s
}
fn default_elderly_speed() -> f64 {
    Speeds::default().elderly_m_s
}
fn default_snap() -> f64 {
    200.0
}
fn default_search() -> f64 {
    30.0
}
fn default_one() -> f64 {
    1.0
}
fn default_time_limit() -> f64 {
    60.0
}

impl PlanSpec {
    /// A plan of `count` new facilities of one service, defaults elsewhere.
    pub fn new_sites(service: &str, count: usize) -> Self {
        Self {
            new_sites: BTreeMap::from([(service.to_string(), count)]),
            services: Vec::new(),
            budget: None,
            objective: Objective::Coverage,
            elderly_weight: 1.0,
            candidates: None,
            candidate_sites: None,
            site_cost: 1.0,
            capacity: BTreeMap::new(),
            time_limit_s: default_time_limit(),
        }
    }
}

/// Size of the walking network.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NetworkSummary {
    /// Nodes kept.
    pub nodes: usize,
    /// Edges kept.
    pub edges: usize,
    /// Total walkable length in km.
    pub length_km: f64,
    /// Nodes dropped in components cut off from the main network.
    pub dropped_nodes: usize,
    /// Element counts of the OSM file (`None`: the network came from tables).
    pub osm: Option<OsmStats>,
}

/// Residents on and off the network.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DemandSummary {
    /// Demand points read.
    pub points: usize,
    /// Demand points on the network.
    pub on_network: usize,
    /// Residents on the network (the planning population).
    pub residents: f64,
    /// Residents aged 60+ on the network (`None`: unknown for some point).
    pub residents_60plus: Option<f64>,
    /// Demand points outside the network's extent.
    pub outside: usize,
    /// Residents outside, not planned for.
    pub residents_outside: f64,
    /// Zones (communities).
    pub zones: usize,
}

/// A facility location on the map.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Site {
    /// Its id: the OSM node id of a network node, `node/…` or `way/…` for an
    /// OSM facility, or the id in the user's table.
    pub id: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// Cost (new sites; 0 for existing ones).
    pub cost: f64,
    /// Served residents within its walking limit that existing facilities leave out.
    pub newly_reached: f64,
}

/// A new site and the service it gets.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NewSite {
    /// Service key.
    pub service: String,
    /// The site.
    #[serde(flatten)]
    pub site: Site,
}

/// One service of a plan: what existed, what is new, who is covered.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ServiceOutcome {
    /// Service key.
    pub service: String,
    /// Walking limit, minutes.
    pub walking_limit_min: f64,
    /// Residents one facility serves (`None`: no limit).
    pub capacity: Option<f64>,
    /// Most new facilities allowed.
    pub max_new: Option<usize>,
    /// Existing facilities.
    pub existing: Vec<Site>,
    /// New facilities.
    pub new: Vec<Site>,
    /// Residents the service serves (weighted by its demand groups).
    pub served: f64,
    /// Of them, covered by the existing facilities (within their limit and, under a
    /// capacity, within what they can serve).
    pub covered_before: f64,
    /// Of them, covered once the plan is built (served, under a capacity).
    pub covered_after: f64,
    /// Residents aged 60+ covered before (`None`: ages unknown).
    pub covered_60plus_before: Option<f64>,
    /// Residents aged 60+ covered after.
    pub covered_60plus_after: Option<f64>,
    /// Demand points with served residents no site can reach within the limit.
    pub unreachable_ids: Vec<String>,
}

/// A demand point with its coverage before and after the plan.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DemandOutcome {
    /// Demand point id.
    pub id: String,
    /// Zone.
    pub zone: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// Residents.
    pub population: f64,
    /// Residents aged 60+.
    pub aged_60_plus: Option<f64>,
    /// Per planned service, the share of its served residents here covered before.
    pub before: BTreeMap<String, f64>,
    /// The same once the plan is built.
    pub after: BTreeMap<String, f64>,
}

/// Seconds per pipeline stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct StageSeconds {
    /// Reading the PBF and building the graph.
    pub network: f64,
    /// Reading residents and sites, snapping them.
    pub snap: f64,
    /// Bounded shortest paths.
    pub travel: f64,
    /// Current coverage and gap tables.
    pub coverage: f64,
    /// Presolve, heuristic and MIP.
    pub solve: f64,
    /// Everything.
    pub total: f64,
}

/// Everything a plan run produces.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlanReport {
    /// What was optimised.
    pub objective_kind: Objective,
    /// Objective value: weighted residents covered (coverage), smallest zone
    /// share (equity) or cost (min_cost).
    pub objective: f64,
    /// Proven bound on the objective.
    pub bound: f64,
    /// Relative optimality gap.
    pub gap: f64,
    /// Solver status.
    pub status: SolveStatus,
    /// Total cost of the new sites.
    pub cost: f64,
    /// Budget (`None`: none).
    pub budget: Option<f64>,
    /// Weight of a resident aged 60+.
    pub elderly_weight: f64,
    /// Walking speeds.
    pub speeds: Speeds,
    /// Candidate sites considered.
    pub candidates: usize,
    /// Per planned service.
    pub services: Vec<ServiceOutcome>,
    /// Every new site with its service: `services[..].new` in one list.
    pub sites: Vec<NewSite>,
    /// Served residents covered before, summed over the planned services.
    pub covered_before: f64,
    /// The same once the plan is built.
    pub covered_after: f64,
    /// Presolve sizes.
    pub presolve: PresolveStats,
    /// Current coverage of the gap services (and the planned ones) over the whole area.
    pub current: Vec<GapRow>,
    /// The same once the plan is built. It counts residents within the limit
    /// of a facility, so under a capacity it can exceed what the plan serves
    /// (`services[..].covered_after`).
    pub after: Vec<GapRow>,
    /// Completeness of each zone now.
    pub zones_before: Vec<ZoneScore>,
    /// Completeness of each zone once the plan is built.
    pub zones_after: Vec<ZoneScore>,
    /// Gap services left out of the tables, with why.
    pub skipped: Vec<String>,
    /// How far the nearest facility was searched, minutes at the faster pace
    /// (the scenario's `search_minutes`, widened to the walking limits of the
    /// services analysed): `None` minutes in `current` and `after` mean "farther".
    pub search_minutes: f64,
    /// Network size.
    pub network: NetworkSummary,
    /// Demand size.
    pub demand: DemandSummary,
    /// Seconds per stage.
    pub seconds: StageSeconds,
    /// Demand points with their coverage (for maps; not in the JSON summary).
    #[serde(skip)]
    pub demand_points: Vec<DemandOutcome>,
    /// Streets of the walking network, one `[(lon, lat), (lon, lat)]` segment
    /// per edge (for maps, which would otherwise have to read the PBF again;
    /// not in the JSON summary).
    #[serde(skip)]
    pub streets: Vec<[(f64, f64); 2]>,
}

/// A gap analysis with the sizes of its inputs.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GapsReport {
    /// Tables per zone and category.
    pub gaps: GapReport,
    /// Network size.
    pub network: NetworkSummary,
    /// Demand size.
    pub demand: DemandSummary,
    /// Seconds per stage (no solve).
    pub seconds: StageSeconds,
    /// Demand points on the network, in the order of the gap analysis (for maps).
    #[serde(skip)]
    pub points: Vec<DemandPoint>,
    /// Per gap service and demand point, metres to the nearest facility (for maps).
    #[serde(skip)]
    pub nearest_m: Vec<Vec<Option<f64>>>,
}

/// A scenario file's keys (TOML, or JSON by the `.json` extension) and its folder.
pub(crate) fn read_scenario_table(path: &Path) -> Result<(toml::Table, PathBuf)> {
    let text = crate::tables::read_text(path)?;
    let name = path.display().to_string();
    let table: toml::Table = if path.extension().is_some_and(|e| e == "json") {
        // Through toml::Value, which refuses a repeated key as TOML does: a
        // toml::Table, a plain map, would silently keep the last one.
        let value: toml::Value = serde_json::from_str(&text)
            .map_err(|e| Error::record(&name, format!("line {}", e.line()), e.to_string()))?;
        match value {
            toml::Value::Table(t) => t,
            other => {
                return Err(Error::record(
                    &name,
                    "file",
                    format!(
                        "must be a JSON object of scenario keys, got a {}",
                        other.type_str()
                    ),
                ))
            }
        }
    } else {
        toml::from_str(&text).map_err(|e| Error::record(&name, "toml", e.to_string()))?
    };
    // Absolute, so that a scenario shipped to another process (a Dask worker) still finds its files.
    // A bare file name (`plan s.toml`) has the empty path as its parent.
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    let dir =
        std::path::absolute(parent.unwrap_or(Path::new("."))).map_err(|e| Error::io(path, e))?;
    Ok((table, dir))
}

/// Inputs read, snapped and measured: what both `gaps` and `plan` start from.
pub(crate) struct Prepared {
    network: Network,
    osm_stats: Option<OsmStats>,
    catalogue: Catalogue,
    people: Vec<DemandPoint>,
    /// Indices into `people` of the points on the network.
    inside: Vec<usize>,
    snapped: Vec<Vec<Snapped>>,
    outside: Vec<usize>,
    residents: Vec<Residents>,
    zones: Vec<String>,
    zone_of: Vec<usize>,
    /// Existing facilities: (service key, site).
    facilities: Vec<(String, Site, Vec<Snapped>)>,
    /// Metres from each facility (row) to each demand point, up to the search distance.
    facility_m: TravelTimes,
    t0: Instant,
    t_network: Instant,
    t_snap: Instant,
    t_travel: Instant,
}

impl Scenario {
    /// A scenario over these files with every default and no plan.
    pub fn new(osm: impl Into<PathBuf>, population: impl Into<PathBuf>) -> Self {
        Self {
            osm: Some(osm.into()),
            network: None,
            population: population.into(),
            catalogue: None,
            facilities: None,
            osm_facilities: true,
            aging_ratio: None,
            under_6_ratio: None,
            walking_speed_m_s: default_speed(),
            elderly_walking_speed_m_s: default_elderly_speed(),
            max_snap_m: default_snap(),
            search_minutes: default_search(),
            gap_services: None,
            rating: RatingRules::default(),
            plan: None,
        }
    }

    /// Reads a scenario from a TOML or JSON file; relative paths in it are
    /// resolved against the file's folder. Variants (`[[variant]]`, `[grid]`)
    /// are ignored: this is the base scenario ([`crate::compare`] runs them).
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
        s.catalogue.as_mut().map(rebase);
        s.facilities.as_mut().map(rebase);
        if let Some(plan) = s.plan.as_mut() {
            plan.candidate_sites.as_mut().map(rebase);
        }
        Ok(s)
    }

    fn speeds(&self) -> Speeds {
        Speeds {
            adult_m_s: self.walking_speed_m_s,
            elderly_m_s: self.elderly_walking_speed_m_s,
        }
    }

    fn ratios(&self) -> AgeRatios {
        AgeRatios {
            aged_60_plus: self.aging_ratio,
            under_6: self.under_6_ratio,
        }
    }

    /// The catalogue with the plan's capacity overrides, and the checks that
    /// need nothing but the scenario itself.
    fn validate(&self) -> Result<Catalogue> {
        self.speeds().validate()?;
        self.ratios().validate()?;
        self.rating.validate()?;
        for (name, v) in [
            ("max_snap_m", self.max_snap_m),
            ("search_minutes", self.search_minutes),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::param(name, format!("must be > 0, got {v}")));
            }
        }
        let catalogue = match &self.catalogue {
            Some(path) => Catalogue::from_file(path)?,
            None => Catalogue::default(),
        };
        for key in self.gap_services.iter().flatten() {
            catalogue.get(key)?;
        }
        if let Some(plan) = &self.plan {
            if plan.new_sites.is_empty() && plan.services.is_empty() {
                return Err(Error::param(
                    "plan",
                    "names no service: give new_sites or services",
                ));
            }
            for key in plan.new_sites.keys().chain(&plan.services) {
                catalogue.get(key)?;
            }
            // Listed in both, one of the two would be ignored.
            if let Some(key) = plan
                .services
                .iter()
                .find(|k| plan.new_sites.contains_key(*k))
            {
                return Err(Error::param(
                    "plan.services",
                    format!("{key:?} is also in new_sites: list it once (new_sites caps its count, services does not)"),
                ));
            }
            if let (Some(kind), Some(path)) = (plan.candidates, &plan.candidate_sites) {
                return Err(Error::param(
                    "plan.candidates",
                    format!(
                        "candidates = {} picks network nodes, but candidate_sites = {:?} gives the candidates: give one of the two",
                        serde_json::to_string(&kind).expect("an enum serialises"),
                        path.display().to_string()
                    ),
                ));
            }
            for (key, &cap) in &plan.capacity {
                let mut svc = catalogue
                    .get(key)
                    .map_err(|_| Error::param("plan.capacity", format!("unknown service {key:?}")))?
                    .clone();
                svc.capacity = Some(cap);
                svc.validate()?;
            }
            for (name, v) in [
                ("plan.time_limit_s", plan.time_limit_s),
                ("plan.elderly_weight", plan.elderly_weight),
            ] {
                if !(v.is_finite() && v > 0.0) {
                    return Err(Error::param(name, format!("must be > 0, got {v}")));
                }
            }
            if !(finite_non_negative(plan.site_cost)) {
                return Err(Error::param(
                    "plan.site_cost",
                    format!("must be >= 0, got {}", plan.site_cost),
                ));
            }
        }
        Ok(catalogue)
    }

    /// How far to walk from facilities, in metres: the nearest-facility search,
    /// and never less than any of these services' walking limits at either
    /// pace, so that coverage is never cut short by the search.
    fn search_m(&self, catalogue: &Catalogue, keys: &[&str]) -> f64 {
        let speeds = self.speeds();
        catalogue
            .services
            .iter()
            .filter(|s| keys.contains(&s.key.as_str()))
            .map(|s| speeds.reach_m(s.walking_limit_min))
            .fold(self.search_minutes * 60.0 * speeds.adult_m_s, f64::max)
    }

    /// Services whose gaps are analysed.
    fn gap_services<'c>(&self, catalogue: &'c Catalogue) -> Vec<&'c Service> {
        match &self.gap_services {
            Some(keys) => keys.iter().filter_map(|k| catalogue.get(k).ok()).collect(),
            None => catalogue.services.iter().collect(),
        }
    }

    /// Reads, snaps and measures everything the gap table and the plans share:
    /// facilities of the gap services, of this scenario's plan and of `extra`
    /// services (other plans that will reuse the result).
    pub(crate) fn prepare(&self, extra: &[String]) -> Result<Prepared> {
        let catalogue = self.validate()?;
        let t0 = Instant::now();
        let (network, pois, osm_stats) =
            match (&self.osm, &self.network) {
                (Some(path), None) => {
                    let osm = read_pbf(path)?;
                    (osm.network, osm.pois, Some(osm.stats))
                }
                (None, Some(t)) => (read_network_csv(&t.nodes, &t.edges)?, Vec::new(), None),
                _ => return Err(Error::param(
                    "osm",
                    "give exactly one of `osm` (a PBF file) and `network` (node and edge tables)",
                )),
            };
        let net = &network;
        let t_network = Instant::now();

        let people = read_demand(&self.population)?;
        let snapper = Snapper::new(net);
        let on_net = snap_demand(&people, net, &snapper, self.max_snap_m);
        if on_net.inside.is_empty() {
            // Every coverage figure would be 0 of 0 residents.
            return Err(Error::record(
                self.population.display().to_string(),
                "file",
                format!(
                    "none of its {} demand points lies on the walking network (inside its extent, within max_snap_m = {} m of a node); coordinates are lon, lat in degrees (WGS 84)",
                    people.len(),
                    self.max_snap_m
                ),
            ));
        }
        let ratios = self.ratios();
        let residents: Vec<Residents> = on_net
            .inside
            .iter()
            .map(|&i| people[i].residents(&ratios))
            .collect();
        let mut zones: Vec<String> = Vec::new();
        let mut zone_index: std::collections::HashMap<String, usize> =
            std::collections::HashMap::new();
        let zone_of: Vec<usize> = on_net
            .inside
            .iter()
            .map(|&i| {
                let z = people[i].zone().to_string();
                *zone_index.entry(z.clone()).or_insert_with(|| {
                    zones.push(z);
                    zones.len() - 1
                })
            })
            .collect();

        // Every existing facility of a service we report on or plan for.
        let mut keys: Vec<&str> = self
            .gap_services(&catalogue)
            .iter()
            .map(|s| s.key.as_str())
            .collect();
        if let Some(plan) = &self.plan {
            keys.extend(
                plan.new_sites
                    .keys()
                    .chain(&plan.services)
                    .map(String::as_str),
            );
        }
        keys.extend(extra.iter().map(String::as_str));
        let mut facilities = Vec::new();
        let site = |id: String, lon: f64, lat: f64| Site {
            id,
            lon,
            lat,
            cost: 0.0,
            newly_reached: 0.0,
        };
        for svc in catalogue
            .services
            .iter()
            .filter(|s| keys.contains(&s.key.as_str()))
        {
            if !self.osm_facilities {
                continue;
            }
            for poi in pois.iter().filter(|p| svc.matches(p)) {
                let id = format!("{}/{}", if poi.is_way { "way" } else { "node" }, poi.osm_id);
                let label = format!("{} facility OSM {id}", svc.key);
                let snapped = snapper.attach_site(&label, poi.lon, poi.lat, self.max_snap_m)?;
                facilities.push((svc.key.clone(), site(id, poi.lon, poi.lat), snapped));
            }
        }
        if let Some(path) = &self.facilities {
            for f in read_facilities_csv(path, &catalogue)? {
                if keys.contains(&f.service.as_str()) {
                    let label = format!("{} facility {}", f.service, f.id);
                    let snapped = snapper.attach_site(&label, f.lon, f.lat, self.max_snap_m)?;
                    facilities.push((f.service.clone(), site(f.id, f.lon, f.lat), snapped));
                }
            }
        }
        let t_snap = Instant::now();

        // At 1 m/s the "seconds" are metres, so one matrix serves both walking speeds.
        let sources: Vec<&[Snapped]> = facilities.iter().map(|f| f.2.as_slice()).collect();
        let search_m = self.search_m(&catalogue, &keys);
        let facility_m = TravelTimes::compute(net, &sources, &on_net.snapped, 1.0, search_m)?;
        let t_travel = Instant::now();
        Ok(Prepared {
            catalogue,
            people,
            inside: on_net.inside,
            snapped: on_net.snapped,
            outside: on_net.outside,
            residents,
            zones,
            zone_of,
            facilities,
            facility_m,
            network,
            osm_stats,
            t0,
            t_network,
            t_snap,
            t_travel,
        })
    }

    /// Current coverage and gaps per zone and category, and each zone's
    /// completeness rating.
    ///
    /// # Errors
    /// Any error of the stages: unreadable files, invalid population, a
    /// residents table none of whose points lies on the walking network, a
    /// facility that cannot be snapped, a service needing an age group the
    /// residents table lacks.
    pub fn gaps(&self) -> Result<GapsReport> {
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
        // Distances of the services the table kept, in its order (skipped ones have no column).
        let nearest_m = services
            .iter()
            .zip(nearest_m)
            .filter(|(s, _)| gaps.totals.iter().any(|t| t.category == s.key))
            .map(|(_, near)| near)
            .collect();
        let t_coverage = Instant::now();
        let seconds = p.seconds(t_coverage, t_coverage);
        Ok(GapsReport {
            gaps,
            network: p.network_summary(),
            demand: p.demand_summary(),
            seconds,
            points: p.inside.iter().map(|&i| p.people[i].clone()).collect(),
            nearest_m,
        })
    }

    /// Runs the whole pipeline: gaps of the gap services over the whole area,
    /// then the plan.
    ///
    /// # Errors
    /// Any error of the stages, and [`Error::InvalidParameter`] if the scenario
    /// has no `[plan]`.
    pub fn run(&self) -> Result<PlanReport> {
        self.plan_prepared(&self.prepare(&[])?)
    }

    /// The plan on inputs already prepared (by this scenario, or by one that
    /// differs from it only in its `[plan]` and listed its services as extra).
    pub(crate) fn plan_prepared(&self, p: &Prepared) -> Result<PlanReport> {
        self.validate()?;
        let plan = self
            .plan
            .as_ref()
            .ok_or_else(|| Error::param("plan", "the scenario has no [plan] table"))?;
        let speeds = self.speeds();
        let net = &p.network;
        // Planned services in catalogue order; the gap analysis covers them too.
        let planned: Vec<&Service> = p
            .catalogue
            .services
            .iter()
            .filter(|s| plan.new_sites.contains_key(&s.key) || plan.services.contains(&s.key))
            .collect();
        let mut analysed = self.gap_services(&p.catalogue);
        for svc in &planned {
            if !analysed.iter().any(|a| a.key == svc.key) {
                analysed.push(svc);
            }
        }
        let CurrentGaps {
            report: before,
            nearest_m: before_m,
            search_m,
        } = p.current_gaps(&analysed, self)?;
        let t_coverage = Instant::now();

        let candidates: Vec<CandidateSite> = match &plan.candidate_sites {
            Some(path) => read_candidates_csv(path, &p.catalogue, plan.site_cost)?,
            None => (0..net.node_count())
                .filter(|&v| plan.candidates == Some(Candidates::AllNodes) || net.degree(v) >= 3)
                .map(|v| {
                    let n = net.node(v);
                    CandidateSite {
                        id: n.id.to_string(),
                        lon: n.lon,
                        lat: n.lat,
                        cost: plan.site_cost,
                        services: None,
                        capacity: None,
                    }
                })
                .collect(),
        };
        let snapper = Snapper::new(net);
        let cand_snapped = candidates
            .iter()
            .map(|c| {
                snapper.attach_site(
                    &format!("candidate site {}", c.id),
                    c.lon,
                    c.lat,
                    self.max_snap_m,
                )
            })
            .collect::<Result<Vec<_>>>()?;
        let reach_m = planned
            .iter()
            .map(|s| speeds.reach_m(s.walking_limit_min))
            .fold(0.0, f64::max);
        let cand_m = TravelTimes::compute(net, &cand_snapped, &p.snapped, 1.0, reach_m)?;
        let t_candidates = Instant::now();

        // Sites: the planned services' existing facilities, then the candidates.
        let existing: Vec<usize> = (0..p.facilities.len())
            .filter(|&r| planned.iter().any(|s| s.key == p.facilities[r].0))
            .collect();
        let n_sites = existing.len() + candidates.len();
        let n = p.inside.len();
        let mut splits = Vec::with_capacity(planned.len());
        let mut joint = Vec::with_capacity(planned.len());
        for svc in &planned {
            let split = p.split(svc)?;
            let cover = |dists: &mut dyn Iterator<Item = (usize, f64)>| -> Vec<usize> {
                // Row 2i: the residents aged 60+ of point i; row 2i+1: the others.
                let mut rows = Vec::new();
                for (i, d) in dists {
                    if within_limit(d, svc.walking_limit_min, speeds.elderly_m_s) {
                        rows.push(2 * i);
                    }
                    if within_limit(d, svc.walking_limit_min, speeds.adult_m_s) {
                        rows.push(2 * i + 1);
                    }
                }
                rows
            };
            let mut sets: Vec<Vec<usize>> = Vec::with_capacity(n_sites);
            let mut fixed = Vec::new();
            for (k, &r) in existing.iter().enumerate() {
                let mine = p.facilities[r].0 == svc.key;
                sets.push(if mine {
                    cover(&mut p.facility_m.row(r))
                } else {
                    Vec::new()
                });
                if mine {
                    fixed.push(k);
                }
            }
            for (c, cand) in candidates.iter().enumerate() {
                sets.push(if cand.hosts(&svc.key) {
                    cover(&mut cand_m.row(c))
                } else {
                    Vec::new()
                });
            }
            // Candidates that may take this service, as site indices (after the existing ones).
            let hosting: Vec<usize> = (0..candidates.len())
                .filter(|&c| candidates[c].hosts(&svc.key))
                .collect();
            let weights: Vec<f64> = split
                .iter()
                .flat_map(|&(old, rest)| [old * plan.elderly_weight, rest])
                .collect();
            joint.push(JointService {
                name: svc.key.clone(),
                coverage: CoverageSets::from_sets(2 * n, sets)?,
                weights,
                // A capacity counts residents, whatever their weight.
                loads: split.iter().flat_map(|&(old, rest)| [old, rest]).collect(),
                zones: (0..2 * n).map(|row| p.zone_of[row / 2]).collect(),
                max_new: plan.new_sites.get(&svc.key).copied(),
                fixed_open: fixed,
                hosts: Some(hosting.iter().map(|&c| existing.len() + c).collect()),
                capacity: plan.capacity.get(&svc.key).copied().or(svc.capacity),
                site_capacity: hosting
                    .iter()
                    .filter_map(|&c| candidates[c].capacity.map(|cap| (existing.len() + c, cap)))
                    .collect(),
            });
            splits.push(split);
        }
        let mut costs = vec![0.0; existing.len()];
        costs.extend(candidates.iter().map(|c| c.cost));
        let objective = match plan.objective {
            Objective::Coverage => JointObjective::Coverage,
            Objective::Equity => JointObjective::MinShare,
            Objective::MinCost => JointObjective::MinCost,
        };
        let mut model = JointPlan::new(n_sites, joint)?.objective(objective);
        model = match plan.budget {
            Some(b) => model.budget(costs.clone(), b)?,
            None => model.site_costs(costs.clone())?,
        };
        let options = SolveOptions::new().time_limit(plan.time_limit_s)?;
        let solution = model.solve(&options)?;
        let t_solve = Instant::now();

        // The gap analysis once the plan is built: walking from the new sites
        // as far as the search goes, not only to the walking limit.
        let n_existing = existing.len();
        let new_sites: Vec<(usize, usize)> = solution
            .services
            .iter()
            .enumerate()
            .flat_map(|(s, plan)| plan.new_sites.iter().map(move |&j| (s, j - n_existing)))
            .collect();
        let sources: Vec<&[Snapped]> = new_sites
            .iter()
            .map(|&(_, c)| cand_snapped[c].as_slice())
            .collect();
        let from_new = TravelTimes::compute(net, &sources, &p.snapped, 1.0, search_m)?;
        let after_m: Vec<Vec<Option<f64>>> = analysed
            .iter()
            .zip(&before_m)
            .map(|(svc, near)| {
                let rows: Vec<usize> = (0..new_sites.len())
                    .filter(|&r| planned[new_sites[r].0].key == svc.key)
                    .collect();
                let new = from_new.nearest(&rows);
                near.iter()
                    .zip(new)
                    .map(|(&a, b)| match (a, b) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    })
                    .collect()
            })
            .collect();
        let added: Vec<usize> = analysed
            .iter()
            .map(|svc| {
                new_sites
                    .iter()
                    .filter(|&&(s, _)| planned[s].key == svc.key)
                    .count()
            })
            .collect();
        let after = p.gap_report(&analysed, &after_m, &added, search_m, self)?;

        let (services, demand_points) =
            p.outcomes(&model, &solution, &splits, &existing, &candidates, &options)?;
        let network = p.network_summary();
        let demand = p.demand_summary();
        Ok(PlanReport {
            objective_kind: plan.objective,
            objective: solution.objective,
            bound: solution.bound,
            gap: solution.gap,
            status: solution.status,
            cost: solution.cost,
            budget: plan.budget,
            elderly_weight: plan.elderly_weight,
            speeds,
            candidates: candidates.len(),
            sites: services
                .iter()
                .flat_map(|s| {
                    s.new.iter().map(|site| NewSite {
                        service: s.service.clone(),
                        site: site.clone(),
                    })
                })
                .collect(),
            covered_before: services.iter().map(|s| s.covered_before).sum(),
            covered_after: services.iter().map(|s| s.covered_after).sum(),
            services,
            presolve: solution.presolve,
            current: before.totals,
            after: after.totals,
            zones_before: before.zones,
            zones_after: after.zones,
            skipped: before.skipped,
            search_minutes: before.search_minutes,
            network,
            demand,
            seconds: {
                // Walking from the candidates is travel, though it runs after the coverage tables.
                let mut s = p.seconds(t_coverage, t_solve);
                let candidates_s = (t_candidates - t_coverage).as_secs_f64();
                s.travel += candidates_s;
                s.solve -= candidates_s;
                s
            },
            demand_points,
            streets: net
                .edges()
                .map(|(a, b, _)| {
                    let (a, b) = (net.node(a), net.node(b));
                    [(a.lon, a.lat), (b.lon, b.lat)]
                })
                .collect(),
        })
    }
}

/// Share of each demand row that the existing facilities serve: those within
/// reach, or — under a capacity — what they can serve with no new facility
/// (the plan's own model, so that before and after count alike).
fn baseline(js: &JointService, n_sites: usize, options: &SolveOptions) -> Result<Vec<f64>> {
    if js.capacity.is_none() && js.site_capacity.is_empty() {
        let covered = js.coverage.covered(&js.fixed_open);
        return Ok(covered
            .into_iter()
            .map(|c| f64::from(u8::from(c)))
            .collect());
    }
    let alone = JointService {
        max_new: Some(0),
        hosts: Some(Vec::new()),
        ..js.clone()
    };
    let solution = JointPlan::new(n_sites, vec![alone])?.solve(options)?;
    Ok(solution.services[0].served.clone())
}

/// What the existing facilities cover ([`Prepared::current_gaps`]).
struct CurrentGaps {
    report: GapReport,
    /// Per service, metres from each demand point to its nearest facility.
    nearest_m: Vec<Vec<Option<f64>>>,
    /// How far they were searched.
    search_m: f64,
}

impl Prepared {
    /// The gap analysis of `services` by the existing facilities, with each
    /// one's nearest-facility distances and the search in metres. Inputs
    /// prepared for other variants too may have been searched farther (their
    /// services walk longer): the distances are cut back to the search this
    /// scenario makes for `services`, so that it reports what it would alone.
    fn current_gaps(&self, services: &[&Service], scenario: &Scenario) -> Result<CurrentGaps> {
        let keys: Vec<&str> = services.iter().map(|s| s.key.as_str()).collect();
        let search_m = scenario.search_m(&self.catalogue, &keys);
        let nearest_m: Vec<Vec<Option<f64>>> = services
            .iter()
            .map(|s| self.nearest_m(&s.key, search_m))
            .collect();
        let added = vec![0; services.len()];
        let report = self.gap_report(services, &nearest_m, &added, search_m, scenario)?;
        Ok(CurrentGaps {
            report,
            nearest_m,
            search_m,
        })
    }

    /// The gap analysis of `services` given each one's nearest-facility
    /// distances, searched up to `search_m` metres, with `added` new
    /// facilities of each besides the existing ones.
    fn gap_report(
        &self,
        services: &[&Service],
        nearest_m: &[Vec<Option<f64>>],
        added: &[usize],
        search_m: f64,
        scenario: &Scenario,
    ) -> Result<GapReport> {
        let reach: Vec<ServiceReach<'_>> = services
            .iter()
            .zip(nearest_m)
            .zip(added)
            .map(|((s, near), &added)| ServiceReach {
                service: s,
                nearest_m: near.clone(),
                facilities: self.facilities.iter().filter(|f| f.0 == s.key).count() + added,
            })
            .collect();
        GapReport::compute(
            &self.zones,
            &self.gap_points(),
            &reach,
            scenario.speeds(),
            &scenario.rating,
            scenario.speeds().reach_minutes(search_m),
        )
    }

    /// Metres from each demand point to the nearest existing facility of a
    /// service, `None` beyond `search_m` (which may be shorter than the
    /// preparation searched).
    fn nearest_m(&self, key: &str, search_m: f64) -> Vec<Option<f64>> {
        let rows: Vec<usize> = (0..self.facilities.len())
            .filter(|&r| self.facilities[r].0 == key)
            .collect();
        self.facility_m
            .nearest(&rows)
            .into_iter()
            .map(|d| d.filter(|&d| d <= search_m))
            .collect()
    }

    fn gap_points(&self) -> Vec<GapPoint> {
        self.inside
            .iter()
            .enumerate()
            .map(|(k, &i)| GapPoint {
                id: self.people[i].id.clone(),
                zone: self.zone_of[k],
                residents: self.residents[k],
            })
            .collect()
    }

    /// Per demand point, the served weight of its residents aged 60+ and of the rest.
    fn split(&self, svc: &Service) -> Result<Vec<(f64, f64)>> {
        self.residents
            .iter()
            .zip(&self.inside)
            .map(|(r, &i)| {
                svc.serves.split(r).map_err(|m| {
                    Error::record(
                        "demand",
                        &self.people[i].id,
                        format!("service {}: {m}", svc.key),
                    )
                })
            })
            .collect()
    }

    /// Per planned service, the sites and the coverage before and after; per
    /// demand point, its covered shares.
    fn outcomes(
        &self,
        model: &JointPlan,
        solution: &JointSolution,
        splits: &[Vec<(f64, f64)>],
        existing: &[usize],
        candidates: &[CandidateSite],
        options: &SolveOptions,
    ) -> Result<(Vec<ServiceOutcome>, Vec<DemandOutcome>)> {
        let n = self.inside.len();
        let mut points: Vec<DemandOutcome> = self
            .inside
            .iter()
            .enumerate()
            .map(|(k, &i)| DemandOutcome {
                id: self.people[i].id.clone(),
                zone: self.zones[self.zone_of[k]].clone(),
                lon: self.people[i].lon,
                lat: self.people[i].lat,
                population: self.people[i].population,
                aged_60_plus: self.residents[k].aged_60_plus,
                before: BTreeMap::new(),
                after: BTreeMap::new(),
            })
            .collect();
        let mut out = Vec::with_capacity(model.services.len());
        for (s, js) in model.services.iter().enumerate() {
            let svc = self.catalogue.get(&js.name)?;
            let plan = &solution.services[s];
            let before = baseline(js, model.n_sites, options)?;
            let split = &splits[s];
            let ages_known = self.residents.iter().all(|r| r.aged_60_plus.is_some());
            let sum = |f: &dyn Fn(usize) -> f64| (0..n).map(f).sum::<f64>();
            let served_before = |row: usize| before[row];
            let covered_before =
                sum(&|i| split[i].0 * served_before(2 * i) + split[i].1 * served_before(2 * i + 1));
            let covered_after =
                sum(&|i| split[i].0 * plan.served[2 * i] + split[i].1 * plan.served[2 * i + 1]);
            let old = |i: usize| self.residents[i].aged_60_plus.unwrap_or(0.0);
            let covered_60_before = sum(&|i| old(i) * served_before(2 * i));
            let covered_60_after = sum(&|i| old(i) * plan.served[2 * i]);
            for (i, p) in points.iter_mut().enumerate() {
                let w = split[i].0 + split[i].1;
                let share = |a: f64, b: f64| {
                    if w > 0.0 {
                        (split[i].0 * a + split[i].1 * b) / w
                    } else {
                        1.0
                    }
                };
                p.before.insert(
                    svc.key.clone(),
                    share(served_before(2 * i), served_before(2 * i + 1)),
                );
                p.after.insert(
                    svc.key.clone(),
                    share(plan.served[2 * i], plan.served[2 * i + 1]),
                );
            }
            let reached = |site: usize| -> f64 {
                js.coverage
                    .site(site)
                    .iter()
                    .map(|&row| row as usize)
                    .map(|row| {
                        let w = if row % 2 == 0 {
                            split[row / 2].0
                        } else {
                            split[row / 2].1
                        };
                        w * (1.0 - before[row])
                    })
                    .sum()
            };
            let new = plan
                .new_sites
                .iter()
                .map(|&j| {
                    let c = &candidates[j - existing.len()];
                    Site {
                        id: c.id.clone(),
                        lon: c.lon,
                        lat: c.lat,
                        cost: c.cost,
                        newly_reached: reached(j),
                    }
                })
                .collect();
            let mut unreachable_ids: Vec<String> = plan
                .uncoverable
                .iter()
                .map(|&row| self.people[self.inside[row / 2]].id.clone())
                .collect();
            unreachable_ids.dedup();
            out.push(ServiceOutcome {
                service: svc.key.clone(),
                walking_limit_min: svc.walking_limit_min,
                capacity: js.capacity,
                max_new: js.max_new,
                existing: js
                    .fixed_open
                    .iter()
                    .map(|&k| self.facilities[existing[k]].1.clone())
                    .collect(),
                new,
                served: sum(&|i| split[i].0 + split[i].1),
                covered_before,
                covered_after,
                covered_60plus_before: ages_known.then_some(covered_60_before),
                covered_60plus_after: ages_known.then_some(covered_60_after),
                unreachable_ids,
            });
        }
        Ok((out, points))
    }

    fn network_summary(&self) -> NetworkSummary {
        let net: &Network = &self.network;
        NetworkSummary {
            nodes: net.node_count(),
            edges: net.edge_count(),
            length_km: net.total_length_m() / 1000.0,
            dropped_nodes: net.component_report().dropped_nodes,
            osm: self.osm_stats.clone(),
        }
    }

    fn demand_summary(&self) -> DemandSummary {
        DemandSummary {
            points: self.people.len(),
            on_network: self.inside.len(),
            residents: total(self.residents.iter().map(|r| r.total)),
            residents_60plus: self
                .residents
                .iter()
                .map(|r| r.aged_60_plus)
                .collect::<Option<Vec<f64>>>()
                .map(total),
            outside: self.outside.len(),
            residents_outside: total(self.outside.iter().map(|&i| self.people[i].population)),
            zones: self.zones.len(),
        }
    }

    fn seconds(&self, t_coverage: Instant, t_solve: Instant) -> StageSeconds {
        StageSeconds {
            network: (self.t_network - self.t0).as_secs_f64(),
            snap: (self.t_snap - self.t_network).as_secs_f64(),
            travel: (self.t_travel - self.t_snap).as_secs_f64(),
            coverage: (t_coverage - self.t_travel).as_secs_f64(),
            solve: (t_solve - t_coverage).as_secs_f64(),
            total: (t_solve - self.t0).as_secs_f64(),
        }
    }
}

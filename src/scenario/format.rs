//! The scenario file's types, read and written with serde (the format is in
//! the [module docs](super)), and the reader of its keys.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::access::Decay;
use crate::coverage::{RatingRules, Speeds};
use crate::demand::{AllocationRules, Band, Crs};
use crate::error::{Error, Result};
pub use crate::outcome::Objective;
pub use crate::sites::Candidates;

/// A planning scenario (see the [module docs](crate::scenario) for the file format).
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
    /// Coordinate system of the residents table (`None`: WGS 84).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population_crs: Option<Crs>,
    /// What each band of a GeoTIFF `population` counts, in file order
    /// ([`read_population_raster`](crate::demand::read_population_raster);
    /// `None`: one `population` band).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population_bands: Option<Vec<Band>>,
    /// Zone polygons (GeoJSON, [`read_zones`](crate::demand::read_zones)):
    /// each resident point's zone is the polygon holding it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones: Option<PathBuf>,
    /// Coordinate system of the zones file (`None`: WGS 84).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones_crs: Option<Crs>,
    /// Split the population file's polygons (zones or grid cells with
    /// counts) onto the residential buildings inside them
    /// ([`allocate`](crate::demand::allocate); `None`: each record is one
    /// demand point, a polygon at its centroid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocate: Option<AllocateSpec>,
    /// Service catalogue file (`None`: the built-in one).
    #[serde(default)]
    pub catalogue: Option<PathBuf>,
    /// Existing facilities from a table.
    #[serde(default)]
    pub facilities: Option<PathBuf>,
    /// Coordinate system of the facilities table (`None`: WGS 84).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facilities_crs: Option<Crs>,
    /// Coordinate system of the GeoJSON outputs (`None`: WGS 84; `gcj02` to
    /// overlay them on Amap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_crs: Option<Crs>,
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
    /// Accessibility options (`lifecircle access` and the gap report's access columns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<AccessSpec>,
    /// What to site.
    #[serde(default)]
    pub plan: Option<PlanSpec>,
}

/// The `[access]` table of a scenario: the decays of the indices and who is
/// underserved. Decays are in seconds and apply to every service analysed;
/// `None` keeps [`AccessParams::new`](crate::access::AccessParams::new)'s
/// default for the service's walking limit.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessSpec {
    /// 2SFCA supply per resident below which a resident is underserved
    /// (`None`: each service's area-wide ratio, total supply over the residents it serves).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// `N` of the nearest-N average time (`None`: 3, GOAT's closest average).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nearest_n: Option<usize>,
    /// E2SFCA steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e2sfca: Option<Decay>,
    /// Gaussian 2SFCA kernel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gaussian: Option<Decay>,
    /// 3SFCA decay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub three_step: Option<Decay>,
    /// Gravity decay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gravity: Option<Decay>,
}

/// The `[allocate]` table of a scenario: where the buildings come from and
/// which of them are homes ([`AllocationRules`]; its keys, flattened).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocateSpec {
    /// Buildings GeoJSON ([`read_buildings_geojson`](crate::demand::read_buildings_geojson));
    /// `None`: the buildings of the scenario's `osm` extract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buildings: Option<PathBuf>,
    /// Coordinate system of the buildings file (`None`: WGS 84).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buildings_crs: Option<Crs>,
    /// Levels of a building without `building:levels`.
    #[serde(default = "default_one")]
    pub default_levels: f64,
    /// `building=*` values that are homes (`None`: [`RESIDENTIAL_KINDS`](crate::demand::RESIDENTIAL_KINDS)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residential: Option<Vec<String>>,
    /// `building=*` values that are not (`None`: [`NON_RESIDENTIAL_KINDS`](crate::demand::NON_RESIDENTIAL_KINDS)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_residential: Option<Vec<String>>,
    /// `landuse=*` values under which other buildings are homes (`None`: `residential`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residential_landuse: Option<Vec<String>>,
    /// `landuse=*` values under which they are not (`None`: [`NON_RESIDENTIAL_LANDUSE`](crate::demand::NON_RESIDENTIAL_LANDUSE)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_residential_landuse: Option<Vec<String>>,
}

impl AllocateSpec {
    /// Buildings from this file, every rule at its default.
    pub fn buildings(path: impl Into<PathBuf>) -> Self {
        Self {
            buildings: Some(path.into()),
            buildings_crs: None,
            default_levels: default_one(),
            residential: None,
            non_residential: None,
            residential_landuse: None,
            non_residential_landuse: None,
        }
    }

    /// The rules these keys give.
    pub fn rules(&self) -> AllocationRules {
        let d = AllocationRules::default();
        AllocationRules {
            default_levels: self.default_levels,
            residential: self.residential.clone().unwrap_or(d.residential),
            non_residential: self.non_residential.clone().unwrap_or(d.non_residential),
            residential_landuse: self
                .residential_landuse
                .clone()
                .unwrap_or(d.residential_landuse),
            non_residential_landuse: self
                .non_residential_landuse
                .clone()
                .unwrap_or(d.non_residential_landuse),
        }
    }
}

/// A walking network given as tables (see [`read_network_csv`](crate::network::read_network_csv)).
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
    /// Coordinate system of the candidate table (`None`: WGS 84).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate_sites_crs: Option<Crs>,
    /// Cost of a candidate without its own.
    #[serde(default = "default_one")]
    pub site_cost: f64,
    /// Capacity per service, overriding the catalogue.
    #[serde(default)]
    pub capacity: BTreeMap<String, f64>,
    /// MIP time limit in seconds.
    #[serde(default = "default_time_limit")]
    pub time_limit_s: f64,
    /// How a walk counts for `objective = "gradual"` (seconds; default:
    /// linear to each service's walking limit) or `"attendance"` (linear,
    /// power or exponential cut at the walking limit; default linear).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decay: Option<Decay>,
    /// Supply per resident served that a facility must keep, for
    /// `objective = "target_ratio"` (in the unit of `[access] threshold`:
    /// capacity per resident).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    /// Also look for other optimal plans, listing up to this many
    /// ([`crate::model::alternatives`]; `None`: do not look). Each search
    /// takes up to `time_limit_s` again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternatives: Option<usize>,
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
            candidate_sites_crs: None,
            site_cost: 1.0,
            capacity: BTreeMap::new(),
            time_limit_s: default_time_limit(),
            decay: None,
            target: None,
            alternatives: None,
        }
    }
}

impl Scenario {
    /// A scenario over these files with every default and no plan.
    pub fn new(osm: impl Into<PathBuf>, population: impl Into<PathBuf>) -> Self {
        Self {
            osm: Some(osm.into()),
            network: None,
            population: population.into(),
            population_crs: None,
            population_bands: None,
            zones: None,
            zones_crs: None,
            allocate: None,
            catalogue: None,
            facilities: None,
            facilities_crs: None,
            output_crs: None,
            osm_facilities: true,
            aging_ratio: None,
            under_6_ratio: None,
            walking_speed_m_s: default_speed(),
            elderly_walking_speed_m_s: default_elderly_speed(),
            max_snap_m: default_snap(),
            search_minutes: default_search(),
            gap_services: None,
            rating: RatingRules::default(),
            access: None,
            plan: None,
        }
    }
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

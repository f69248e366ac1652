//! What maps and GeoJSON draw of a run, kept apart from the summaries.

use std::collections::BTreeMap;

/// Where the residents and the streets of a run are: what maps and GeoJSON
/// draw, kept out of the JSON summaries ([`PlanReport`](super::PlanReport),
/// [`GapsReport`](super::GapsReport)) because a district's streets and
/// demand points weigh megabytes.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Geometry {
    /// Demand points on the network, in the order of the analysis, each with
    /// its covered shares per planned service (none in a gap analysis, which
    /// plans nothing).
    pub demand_points: Vec<DemandOutcome>,
    /// Streets of the walking network, one `[(lon, lat), (lon, lat)]` segment
    /// per edge (maps would otherwise have to read the PBF again).
    pub streets: Vec<[(f64, f64); 2]>,
    /// Per service of a gap analysis's table (none in a plan): metres from
    /// each demand point, in the order of `demand_points`, to its nearest
    /// facility, `None` beyond the search.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub nearest_m: BTreeMap<String, Vec<Option<f64>>>,
}

/// A demand point with its coverage before and after the plan.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
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

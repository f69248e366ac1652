//! Accessibility per zone: what `lifecircle access` reports.

use super::{DemandSummary, NetworkSummary, StageSeconds};

/// Every access index of the gap services, per zone.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AccessReport {
    /// One entry per service analysed.
    pub services: Vec<ServiceAccess>,
    /// Gap services left out, with why (an age group the residents lack).
    pub skipped: Vec<String>,
    /// Network size.
    pub network: NetworkSummary,
    /// Demand size.
    pub demand: DemandSummary,
    /// Seconds per stage (`coverage`: the indices).
    pub seconds: StageSeconds,
}

/// One service's indices.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ServiceAccess {
    /// Service key.
    pub service: String,
    /// Its walking limit, minutes: the 2SFCA catchment and the cumulative limit.
    pub walking_limit_min: f64,
    /// Existing facilities.
    pub facilities: usize,
    /// Supply of each existing facility: the service's capacity (in a plan,
    /// its `[plan] capacity`), or 1 (indices then count facilities). A plan's
    /// new sites count their candidate's own capacity where it has one.
    pub supply_each: f64,
    /// The service has no facility: every index is 0 for that reason.
    pub no_facility: bool,
    /// Residents whose 2SFCA ratio is below this count as underserved: by
    /// default the area's ratio (total supply / residents served).
    pub threshold: f64,
    /// `N` of the nearest-N average time ([`ZoneAccess::nearest_min`]).
    pub nearest_n: usize,
    /// Per zone, in the order of the gap table.
    pub zones: Vec<ZoneAccess>,
    /// The whole area.
    pub all: ZoneAccess,
    /// Per demand point on the network, in the order of the analysis
    /// (`zone` holds the point's id): filled by `lifecircle access`, empty in
    /// the gap report's columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<ZoneAccess>,
}

/// Resident-weighted means of each index over a zone's residents (the 60+
/// at their pace, the others at the adult pace), and who is left behind.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ZoneAccess {
    /// Zone (`(all)` for the whole area), or the demand point's id in
    /// [`ServiceAccess::points`].
    pub zone: String,
    /// Residents the service serves.
    pub residents: f64,
    /// 2SFCA: supply per resident within the limit.
    pub two_sfca: f64,
    /// E2SFCA (PySAL's step weights on thirds of the limit).
    pub e2sfca: f64,
    /// Gaussian 2SFCA.
    pub gaussian_2sfca: f64,
    /// 3SFCA.
    pub three_sfca: f64,
    /// Gravity (Hansen) access, GOAT's modified Gaussian decay.
    pub gravity: f64,
    /// Supply within the limit.
    pub cumulative: f64,
    /// Mean minutes to the [`ServiceAccess::nearest_n`] nearest facilities,
    /// over the residents who have that many in reach (`None`: nobody has).
    pub nearest_min: Option<f64>,
    /// Share of residents with no facility within the limit.
    pub out_of_reach: f64,
    /// Share of residents whose 2SFCA ratio is below the service's threshold,
    /// or who have no facility in reach.
    pub underserved: f64,
}

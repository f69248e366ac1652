//! What maps and GeoJSON draw of a run, kept apart from the summaries.

use std::collections::BTreeMap;

use crate::coverage::Pace;

use super::Site;

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
    /// Per planned service of a plan (per gap service of a gap analysis), the
    /// area its facilities reach on foot within its walking limit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub isochrones: Vec<ServiceIsochrones>,
    /// The outline of each zone, in the order of the zone tables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<ZoneOutline>,
    /// Per service of a gap analysis's table (none in a plan, whose
    /// services list theirs): its existing facilities.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facilities: BTreeMap<String, Vec<Site>>,
}

/// An area as polygons of `(lon, lat)` rings: each polygon its outer ring,
/// then its holes; rings are closed (the last position repeats the first).
pub type Area = Vec<Vec<Vec<(f64, f64)>>>;

/// What one service's facilities reach on foot within its walking limit:
/// the streets reached ([`crate::access::isochrone::reached_streets`]), from
/// one search started at all of them. Widened by `street_side_m` on each side
/// (a stroke `2 × street_side_m` wide with round caps and joins, as the maps
/// draw them) they are the union of the facilities' isochrones.
///
/// ```
/// use lifecircle::coverage::Pace;
/// use lifecircle::outcome::ServiceIsochrones;
///
/// let reach = ServiceIsochrones {
///     service: "pharmacy".into(),
///     minutes: 8.0,
///     pace: Pace::Adult,
///     speed_m_s: 1.1,
///     street_side_m: 50.0,
///     existing: vec![vec![(24.94, 60.17), (24.95, 60.17)]],
///     new: Vec::new(),
/// };
/// assert_eq!(reach.existing[0].len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ServiceIsochrones {
    /// Service key.
    pub service: String,
    /// The walking limit, minutes.
    pub minutes: f64,
    /// Whose pace: that of the residents the service serves
    /// ([`Speeds::pace_of`](crate::coverage::Speeds::pace_of)).
    #[serde(default)]
    pub pace: Pace,
    /// The speed of that pace, m/s.
    pub speed_m_s: f64,
    /// How far either side of a reached street the isochrone extends, metres.
    pub street_side_m: f64,
    /// Streets reached from the existing facilities, as `(lon, lat)`
    /// polylines (empty: no facility, or none in reach of the network).
    pub existing: Vec<Vec<(f64, f64)>>,
    /// Streets reached from the new sites of the plan (empty in a gap analysis).
    pub new: Vec<Vec<(f64, f64)>>,
}

/// Where a zone lies.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ZoneOutline {
    /// Zone id, as in the zone tables.
    pub zone: String,
    /// Its outline.
    pub area: Area,
    /// Whether `area` is the zone's polygon from the zones file; otherwise it
    /// is drawn around its demand points (see [`crate::scenario`]).
    pub from_file: bool,
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

/// How the residents of a demand point fare for one planned service: the
/// three colours of the maps (`lifecircle::map`) and of the Python
/// `PlanReport.explore()`.
///
/// A point counts as covered when at least half of the residents the
/// service serves there are within its walking limit: the shares differ from
/// 0 and 1 only where residents aged 60+, who walk slower, are out of reach
/// while the others are not, so the class follows the majority.
///
/// # Example
/// ```
/// use std::collections::BTreeMap;
/// use lifecircle::outcome::{DemandOutcome, Reach};
///
/// let point = DemandOutcome {
///     id: "a".into(),
///     zone: "z".into(),
///     lon: 24.94,
///     lat: 60.17,
///     population: 120.0,
///     aged_60_plus: Some(30.0),
///     before: BTreeMap::from([("pharmacy".to_string(), 0.2)]),
///     after: BTreeMap::from([("pharmacy".to_string(), 0.8)]),
/// };
/// assert_eq!(point.reach("pharmacy"), Reach::New);
/// assert_eq!(Reach::New.label(), "newly covered");
/// // A service the plan does not cover here (or does not plan) leaves the point uncovered.
/// assert_eq!(point.reach("canteen"), Reach::Uncovered);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reach {
    /// Covered by the existing facilities.
    Before,
    /// Covered once the plan's new sites are built.
    New,
    /// Still out of reach.
    Uncovered,
}

impl Reach {
    /// Every class, in the order of the maps' legends.
    pub const ALL: [Reach; 3] = [Reach::Before, Reach::New, Reach::Uncovered];

    /// The legend's words: "covered before", "newly covered", "not covered".
    pub fn label(self) -> &'static str {
        match self {
            Reach::Before => "covered before",
            Reach::New => "newly covered",
            Reach::Uncovered => "not covered",
        }
    }
}

impl DemandOutcome {
    /// How this point's residents fare for `service` (see [`Reach`]).
    pub fn reach(&self, service: &str) -> Reach {
        let share = |m: &BTreeMap<String, f64>| m.get(service).copied().unwrap_or(0.0);
        if share(&self.before) >= 0.5 {
            Reach::Before
        } else if share(&self.after) >= 0.5 {
            Reach::New
        } else {
            Reach::Uncovered
        }
    }
}

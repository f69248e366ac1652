//! What a plan run produces: the plan's summary with its services and sites.

use crate::coverage::{GapRow, Speeds, ZoneScore};
use crate::solve::{PresolveStats, SolveStatus};

use super::{DemandSummary, NetworkSummary, ServiceAccess, StageSeconds};

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
    /// Gradual coverage: most residents weighted by the `[plan] decay` of
    /// their walk to the nearest facility (default: linear to the service's
    /// walking limit), each planned service on its own
    /// ([`GradualCoverage`](crate::model::GradualCoverage)).
    Gradual,
    /// ArcGIS's "Maximize Attendance": gradual coverage with the walking
    /// limit as impedance cutoff and one of ArcGIS's transformations
    /// (`[plan] decay` linear, power or exponential; default linear).
    Attendance,
    /// Most residents served by a facility in reach whose supply per
    /// resident served reaches `[plan] target`, under the capacities
    /// ([`TargetRatio`](crate::model::TargetRatio)).
    TargetRatio,
}

impl Objective {
    /// The name in scenario files and reports.
    pub fn name(self) -> &'static str {
        match self {
            Objective::Coverage => "coverage",
            Objective::Equity => "equity",
            Objective::MinCost => "min_cost",
            Objective::Gradual => "gradual",
            Objective::Attendance => "attendance",
            Objective::TargetRatio => "target_ratio",
        }
    }
}

/// One planned service's access indices with the existing facilities and
/// once the plan is built (the scenario's `[access]` options; zone rows, no
/// point rows).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AccessChange {
    /// Service key.
    pub service: String,
    /// With the existing facilities.
    pub before: ServiceAccess,
    /// With the new ones too, each of the same supply.
    pub after: ServiceAccess,
}

/// A facility location on the map.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NewSite {
    /// Service key.
    pub service: String,
    /// The site.
    #[serde(flatten)]
    pub site: Site,
}

/// One service of a plan: what existed, what is new, who is covered.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
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

/// The summary of a plan run: what the CLI prints as JSON (`lifecircle plan
/// --json`) and Python as `PlanReport.summary`. What its maps draw is apart,
/// in the run's [`Geometry`](super::Geometry).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlanReport {
    /// What was optimised.
    pub objective_kind: Objective,
    /// Objective value: weighted residents covered (coverage), smallest zone
    /// share (equity), cost (min_cost), decay-weighted residents (gradual,
    /// attendance) or residents served at the target ratio (target_ratio).
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
    /// Other optimal plans, when asked for (`[plan] alternatives`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternatives: Option<TiedPlans>,
    /// Per planned service, its access indices before and after.
    #[serde(default)]
    pub access: Vec<AccessChange>,
}

/// A new facility named by its service and site id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlannedSite {
    /// Service key.
    pub service: String,
    /// Site id, as in [`Site::id`].
    pub id: String,
}

/// Plans as good as the one reported (see [`crate::model::alternatives`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TiedPlans {
    /// Whether another optimal plan exists (false with `exhausted`: proven none).
    pub exist: bool,
    /// Whether `plans` lists every other optimal plan.
    pub exhausted: bool,
    /// Whether more optimal plans exist than the ones listed.
    pub more: bool,
    /// Objectives within this of the plan's are tied.
    pub tolerance: f64,
    /// The other optimal plans, their new facilities each, at most as many as asked for.
    pub plans: Vec<Vec<PlannedSite>>,
    /// New facilities in the reported plan and in every plan listed: in every
    /// optimal plan when `exhausted`.
    pub shared: Vec<PlannedSite>,
    /// How the search ended (`optimal`: it finished).
    pub status: SolveStatus,
    /// Seconds the search took.
    pub seconds: f64,
}

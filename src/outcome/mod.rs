//! What a run produces, as plain data. The summaries are what the CLI prints
//! as JSON and Python reads: a plan's [`PlanReport`], a gap analysis's
//! [`GapsReport`], their parts, and the rows comparing plan variants
//! ([`ComparisonRow`]). Apart from them, a run's [`Geometry`] holds what maps
//! and GeoJSON draw (demand points with their coverage, streets, distances).
//!
//! The scenario pipeline fills these types ([`Scenario::run`] gives a
//! [`Run`] of a [`PlanReport`], [`Scenario::gaps`] one of a [`GapsReport`]);
//! [`crate::report`] and [`crate::map`] read them and nothing above them.
//!
//! [`Scenario::run`]: crate::scenario::Scenario::run
//! [`Scenario::gaps`]: crate::scenario::Scenario::gaps

use crate::coverage::GapReport;
use crate::network::OsmStats;

mod access;
mod comparison;
mod geometry;
mod plan;

pub use access::{AccessReport, ServiceAccess, ZoneAccess};
pub use comparison::{comparison_rows, report_rows, ComparisonRow, VariantOutcome, VariantResult};
pub use geometry::{Area, DemandOutcome, Geometry, Reach, ServiceIsochrones, ZoneOutline};
pub use plan::{
    AccessChange, NewSite, Objective, PlanReport, PlannedSite, ServiceOutcome, Site, TiedPlans,
};

/// A run's summary and the geometry its maps draw.
///
/// It serialises as one object with the report's keys and the geometry's:
/// what Python reads, and what it reads back when unpickling a report. The
/// CLI's JSON summary is the report alone.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Run<R> {
    /// The summary.
    #[serde(flatten)]
    pub report: R,
    /// What maps and GeoJSON draw.
    #[serde(flatten)]
    pub geometry: Geometry,
}

/// Size of the walking network.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
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
    /// With a zones file: ids of the demand points in no zone polygon
    /// (planned for all the same, each its own zone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outside_zones: Option<Vec<String>>,
    /// With a zones file: points on a shared boundary or in overlapping
    /// zones, given to the zone with the lowest id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ambiguous_zones: Option<usize>,
    /// With `[allocate]`: how many zones each rule placed, by the rule's
    /// name (`floor_area`, `street_length`, `centroid`, `no_residents`;
    /// [`SplitRule`](crate::demand::SplitRule)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split_rules: Option<std::collections::BTreeMap<String, usize>>,
}

/// Seconds per pipeline stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
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

/// A gap analysis with the sizes of its inputs: what the CLI prints as JSON
/// (`lifecircle gaps --json`). What its maps draw is in the run's [`Geometry`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GapsReport {
    /// Tables per zone and category.
    pub gaps: GapReport,
    /// Network size.
    pub network: NetworkSummary,
    /// Demand size.
    pub demand: DemandSummary,
    /// Seconds per stage (no solve).
    pub seconds: StageSeconds,
    /// Access indices per zone of the services in the table with the
    /// scenario's `[access]` options (no per-point rows: `lifecircle access`).
    #[serde(default)]
    pub access: Vec<ServiceAccess>,
}

//! Siting models on plain data: demand weights, site costs and sparse coverage
//! sets. Nothing here knows about OSM, files or Python; each model validates its
//! input when built, solves through [`crate::solve`] and keeps the contract of
//! [`SitingModel`] (solve within the options, price any plan independently).
//! [`ModelKind`] is the one place that picks a model by name.

mod checks;
mod flow;
pub mod gradual;
pub mod joint;
pub mod kind;
pub mod max_coverage;
pub mod p_center;
pub mod p_median;
pub mod p_sites;
pub mod set_cover;
mod siting;
pub mod target_ratio;
pub mod ties;

// The plain-data instance types live in `crate::instances`; they stay
// reachable here, where the README, the docs and Python have always found them.
pub use crate::instances::{CostMatrix, CoverageSets};
pub use gradual::GradualCoverage;
pub use joint::{JointObjective, JointPlan, JointService, JointSolution, ServicePlan};
pub use kind::{ModelInput, ModelKind, ModelParam, ReachInput};
pub use max_coverage::MaxCoverage;
pub use p_center::PCenter;
pub use p_median::PMedian;
pub use p_sites::{PCosts, PSites};
pub use set_cover::SetCover;
pub use siting::{Goal, SitingModel};
pub use target_ratio::TargetRatio;
pub use ties::{alternatives, Alternatives};

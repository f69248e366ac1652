//! Siting models on plain data: demand weights, site costs and sparse coverage
//! sets. Nothing here knows about OSM, files or Python; each model validates its
//! input when built and solves through [`crate::solve`].

pub mod cost_matrix;
pub mod coverage_sets;
pub mod joint;
pub mod kind;
pub mod max_coverage;
pub mod p_center;
pub mod p_median;
pub mod set_cover;

pub use cost_matrix::CostMatrix;
pub use coverage_sets::CoverageSets;
pub use joint::{JointObjective, JointPlan, JointService, JointSolution, ServicePlan};
pub use kind::{ModelInput, ModelKind, ModelParam};
pub use max_coverage::MaxCoverage;
pub use p_center::PCenter;
pub use p_median::PMedian;
pub use set_cover::SetCover;

//! Siting models on plain data: demand weights, site costs and sparse coverage
//! sets. Nothing here knows about OSM, files or Python; each model validates its
//! input when built and solves through [`crate::solve`].

pub mod coverage_sets;
pub mod max_coverage;
pub mod set_cover;

pub use coverage_sets::CoverageSets;
pub use max_coverage::MaxCoverage;
pub use set_cover::SetCover;

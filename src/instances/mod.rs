//! Plain-data problem instances, the bottom layer every stage and model may
//! use: dense demand × site costs ([`CostMatrix`], an `ndarray` array), sparse
//! coverage ([`CoverageSets`]), sparse walking times ([`ReachTimes`]),
//! and the readers of instance files (OR-Library
//! p-median instances, cost matrices and weight lists, the input of
//! `lifecircle solve`). Nothing here knows about models, solvers or the
//! pipeline's stages: it uses only [`crate::error`] and the low-level readers.

pub mod cost_matrix;
pub mod coverage_sets;
mod files;
mod orlib;
pub mod reach;

pub use cost_matrix::{CostMatrix, MAX_DENSE_CELLS};
pub use coverage_sets::CoverageSets;
pub use files::{read_cost_csv, read_numbers};
pub use orlib::{parse_orlib, read_orlib, OrlibInstance};
pub use reach::{read_times_csv, ReachTimes};

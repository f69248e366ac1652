//! How models are solved: presolve (merge demand, drop dominated sites),
//! heuristics for warm starts, the exact MIP through good_lp + HiGHS, and the
//! [`Solution`] every model returns with its bound, gap, status and timings.

pub(crate) mod benders;
pub mod heuristic;
pub mod interrupt;
pub(crate) mod lagrangian;
pub(crate) mod median_lists;
pub(crate) mod mip;
pub mod presolve;
mod solution;

pub use presolve::PresolveStats;
pub(crate) use solution::{finite_figures, relative_gap, seconds, total, Deadline};
pub use solution::{Solution, SolveOptions, SolveStatus, Timings};

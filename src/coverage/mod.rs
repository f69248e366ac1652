//! Stage 4: what existing facilities cover now, and who is left out — per
//! service, per zone (community) and per age group — and how complete each
//! zone's living circle is (查缺补漏: find what is missing).
//!
//! # Files, one job each
//! - `summary`: [`CoverageSummary`], current coverage of one service by a set of open sites.
//! - `speeds`: [`Speeds`], the adults' and the elderly's paces, and the test of a walk against a limit.
//! - `gaps`: [`GapReport`], the gap table per zone and category with walking-time percentiles.
//! - `stars`: [`RatingRules`] and [`ZoneScore`], when a category is present and a zone's stars.

mod gaps;
mod speeds;
mod stars;
mod summary;

pub use gaps::{GapPoint, GapReport, GapRow, ServiceReach};
pub(crate) use speeds::within_limit;
pub use speeds::Speeds;
pub use stars::{RatingRules, StarLevel, ZoneScore};
pub use summary::CoverageSummary;

//! Stage 4: what existing facilities cover now, and who is left out — per
//! service, per zone (community) and per age group — and how complete each
//! zone's living circle is (查缺补漏: find what is missing).
//!
//! # Files, one job each
//! - `summary`: [`CoverageSummary`], current coverage of one service by a set of open sites.
//! - `speeds`: [`Speeds`], the adults' and the elderly's paces, the test of a walk against a limit, and a plan's demand rows by age ([`rows_within`]).
//! - `gaps`: [`GapReport`], the gap table per zone and category with walking-time percentiles.
//! - `assign`: [`nearest_open`] and [`nearest_reached`], who walks to which open site under a cost model's plan (dense costs, sparse walking times).
//! - `stars`: [`RatingRules`] and [`ZoneScore`], when a category is present and a zone's stars.

mod assign;
mod gaps;
mod speeds;
mod stars;
mod summary;

pub use assign::{nearest_open, nearest_reached};
pub use gaps::{GapPoint, GapReport, GapRow, ServiceReach};
pub use speeds::{rows_within, site_rows, within_limit, Pace, Speeds};
pub use stars::{RatingRules, StarLevel, ZoneScore};
pub use summary::CoverageSummary;

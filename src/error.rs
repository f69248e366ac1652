//! The one error type of the crate.
//!
//! Every variant names the offending record (a file, a demand point, a site, a
//! node) so that a planner can find and fix the input; the CLI prints the
//! message and exits with a non-zero code, the Python layer maps each variant
//! to an exception.

use std::path::PathBuf;

/// Result alias used throughout the crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Everything that can go wrong between raw input and a solved plan.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// The OpenStreetMap PBF file is missing, truncated or not a PBF file.
    #[error("cannot read OSM PBF {path}: {message}")]
    Pbf {
        /// The file.
        path: PathBuf,
        /// What the reader reported.
        message: String,
    },
    /// The input holds no walkable street, so nothing can be reached.
    #[error("the walking network is empty: {0}")]
    EmptyNetwork(String),
    /// A table (population grid, cost matrix, scenario …) is malformed.
    #[error("{source_name}, record {record}: {message}")]
    BadRecord {
        /// The file or table.
        source_name: String,
        /// The record: a line number, an id or a column.
        record: String,
        /// What is wrong with it and what was expected.
        message: String,
    },
    /// An input (a population raster) is in a coordinate system that
    /// lifecircle does not convert, e.g. a projected grid: the message says
    /// which are read and how to reproject.
    #[error("{source_name}: unsupported coordinate system {}: {message}", epsg_name(.epsg))]
    UnsupportedCrs {
        /// The file.
        source_name: String,
        /// Its EPSG code (`None`: it has none, e.g. a user-defined system).
        epsg: Option<u16>,
        /// What it is and what is supported.
        message: String,
    },
    /// A population or weight is NaN, infinite or negative.
    #[error("demand point {id}: population must be a finite number >= 0, got {value}")]
    InvalidPopulation {
        /// The demand point's id.
        id: String,
        /// The value found.
        value: f64,
    },
    /// An edge or a site refers to a node that the network does not hold.
    #[error("unknown node {id}")]
    UnknownNode {
        /// The node id as given.
        id: String,
    },
    /// A site lies farther from every walkable street than the snapping
    /// tolerance: move it, or raise the tolerance. When pieces of the network
    /// were cut off (only the largest connected one is kept), the message says
    /// so: the site may lie on one, and connecting it is the fix.
    #[error("site {id} at ({lon:.6}, {lat:.6}) is {distance_m:.0} m from the nearest walkable node (tolerance {max_m:.0} m){}", cut_off_hint(.dropped_nodes))]
    SiteNotSnapped {
        /// The site's id.
        id: String,
        /// Longitude.
        lon: f64,
        /// Latitude.
        lat: f64,
        /// Distance to the nearest node in metres (infinite if the network is empty).
        distance_m: f64,
        /// The tolerance in metres.
        max_m: f64,
        /// Nodes of the input dropped in pieces cut off from the main network:
        /// the site may lie on one.
        dropped_nodes: usize,
    },
    /// More new sites were asked for than there are candidates.
    #[error("asked for {requested} new sites but only {available} candidate sites exist")]
    TooManySites {
        /// Sites requested.
        requested: usize,
        /// Candidate sites available.
        available: usize,
    },
    /// A parameter is out of range (negative walking limit, unknown service …).
    #[error("invalid parameter {name}: {message}")]
    InvalidParameter {
        /// The parameter.
        name: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// No set of sites satisfies the constraints, e.g. demand points that no
    /// candidate site reaches within the limit in a covering model.
    #[error("infeasible: {message}")]
    Infeasible {
        /// Why, naming the records that make it infeasible.
        message: String,
        /// Indices of the demand points that cannot be served, when that is the reason.
        demand: Vec<usize>,
    },
    /// The MIP solver failed for a reason other than infeasibility.
    #[error("solver error: {0}")]
    Solver(String),
    /// The run was stopped on request (Ctrl-C; see [`crate::solve::interrupt`]).
    #[error("interrupted")]
    Interrupted,
    /// A map could not be drawn or encoded (see [`crate::map`]); the message
    /// is the drawing backend's. Check the map size in [`crate::map::MapStyle`].
    #[error("cannot draw the map: {0}")]
    Map(String),
}

/// A site on a street that was dropped as cut off is "far from any walkable
/// node" only because of the drop: say so, since moving it is not the fix.
fn cut_off_hint(dropped_nodes: &usize) -> String {
    match dropped_nodes {
        0 => String::new(),
        n => format!("; {n} nodes in pieces cut off from the main network were dropped, and the site may lie on one of them: connect it, or move the site"),
    }
}

fn epsg_name(epsg: &Option<u16>) -> String {
    match epsg {
        Some(code) => format!("EPSG:{code}"),
        None => "(no EPSG code)".into(),
    }
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn param(name: &str, message: impl Into<String>) -> Self {
        Error::InvalidParameter {
            name: name.to_string(),
            message: message.into(),
        }
    }

    pub(crate) fn record(
        source_name: impl Into<String>,
        record: impl ToString,
        message: impl Into<String>,
    ) -> Self {
        Error::BadRecord {
            source_name: source_name.into(),
            record: record.to_string(),
            message: message.into(),
        }
    }
}

/// The largest total a model accepts: a cost, the sum of the weights, the sum
/// of the site costs, a p-median's worst weighted cost (every demand point at
/// its farthest site). Every objective and bound a solve reports is then at
/// most this, so no sum overflows to infinity, integers stay exact (f64 holds
/// them exactly up to 9e15) and HiGHS, which takes 1e20 for infinite, sees
/// ordinary numbers. Inputs beyond it are refused, naming the field and
/// record: scale them (thousands of residents, minutes instead of seconds).
pub const MAX_TOTAL: f64 = 1e15;

/// The first index at which the running sum of `values` exceeds
/// [`MAX_TOTAL`], with the sum there.
pub(crate) fn total_over_limit(values: impl IntoIterator<Item = f64>) -> Option<(usize, f64)> {
    let mut sum = 0.0;
    for (k, v) in values.into_iter().enumerate() {
        sum += v;
        if sum > MAX_TOTAL {
            return Some((k, sum));
        }
    }
    None
}

/// Refuses values whose running total exceeds [`MAX_TOTAL`] (the bound the
/// models put on every total, far above any city's population), naming the
/// record where it does (`record(k)` for the `k`-th value). Larger totals would
/// print as `inf` residents and a `NaN%` share.
///
/// # Errors
/// [`Error::BadRecord`] naming `source` and the record.
pub(crate) fn check_total(
    source: &str,
    what: &str,
    values: impl IntoIterator<Item = f64>,
    record: impl Fn(usize) -> String,
) -> Result<()> {
    // The sum stops at the value that passes the bound: `last` is that value.
    let mut last = f64::NAN;
    match total_over_limit(values.into_iter().inspect(|&v| last = v)) {
        Some((k, total)) => {
            let v = last;
            Err(Error::record(
                source,
                record(k),
                format!("{what} {v:e} brings the total to {total:e}, above the largest total accepted ({MAX_TOTAL:e})"),
            ))
        }
        None => Ok(()),
    }
}

/// Whether a count, weight, cost or length is usable: a number, finite, not
/// negative. The one rule every check of such inputs applies.
pub(crate) fn finite_non_negative(x: f64) -> bool {
    x.is_finite() && x >= 0.0
}

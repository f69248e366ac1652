//! Options for a solve and what every solve returns.

use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// How to solve: time limit, accepted optimality gap, memory limit, threads.
///
/// # Example
/// ```
/// use lifecircle::solve::SolveOptions;
/// let opts = SolveOptions::new().time_limit(30.0).unwrap().mip_gap(0.001).unwrap();
/// assert_eq!(opts.time_limit_s, 30.0);
/// assert!(SolveOptions::new().time_limit(-1.0).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SolveOptions {
    /// Wall-clock limit for the whole solve in seconds (default 600): one
    /// deadline shared by every phase (presolve, heuristics, Lagrangian
    /// bounds, each MIP), each taking only the time left. When it is hit the
    /// best plan found so far is returned with status [`SolveStatus::TimeLimit`].
    /// The solve ends within about max(0.5 s, 5 %) of the limit.
    pub time_limit_s: f64,
    /// Relative optimality gap at which the MIP may stop (default 0: prove optimality).
    pub mip_gap: f64,
    /// Threads for HiGHS; `None` lets HiGHS decide.
    pub threads: Option<u32>,
    /// Print the solver log (to standard error, never standard output).
    pub verbose: bool,
    /// Resident memory of the whole process, in MiB, beyond which the MIP
    /// stops (default 4096). It is polled (`/proc/self/statm`, Linux) at most
    /// every 0.1 s when HiGHS calls back, which it does not do inside the LP
    /// solves of its branch-and-bound (pmed36's root LP runs 26 s unpolled);
    /// when it is exceeded the best plan so far is returned with status
    /// [`SolveStatus::MemoryLimit`]. HiGHS's
    /// branch-and-bound tree is what grows: the inputs themselves are not
    /// counted against it until the MIP runs. Elsewhere than Linux it is not
    /// enforced.
    ///
    /// Estimate, for planning the limit: a dense `n x m` cost matrix takes
    /// 8·n·m bytes, and a p-median solve about 3x that again (the sorted site
    /// lists of its Lagrangian and cost levels, 12·n·m, and the MIP of the
    /// sites left, ~100 bytes per non-zero); coverage models hold a few
    /// copies of their sparse coverage, tens of bytes per (demand, site) pair
    /// within reach (from the data structures; not measured). Then HiGHS's tree grows with
    /// time: OR-Library pmed36 (800 x 800) peaks at 64 MB with a 10 s limit,
    /// 131 MB with 15 s, 134 MB with 20 s (`/usr/bin/time -v`, 2 cores).
    #[serde(default = "default_memory_limit_mb")]
    pub memory_limit_mb: f64,
}

fn default_memory_limit_mb() -> f64 {
    4096.0
}

impl Default for SolveOptions {
    fn default() -> Self {
        Self {
            time_limit_s: 600.0,
            mip_gap: 0.0,
            threads: None,
            verbose: false,
            memory_limit_mb: default_memory_limit_mb(),
        }
    }
}

impl SolveOptions {
    /// The defaults: 600 s, exact (gap 0), HiGHS's own thread choice, quiet,
    /// 4096 MiB.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the time limit in seconds.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `seconds` is positive (it may be infinite).
    pub fn time_limit(mut self, seconds: f64) -> Result<Self> {
        self.time_limit_s = seconds;
        self.validate()?;
        Ok(self)
    }

    /// Sets the relative gap at which the solver may stop.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `0 <= gap < 1`.
    pub fn mip_gap(mut self, gap: f64) -> Result<Self> {
        self.mip_gap = gap;
        self.validate()?;
        Ok(self)
    }

    /// Sets the memory limit in MiB (see [`memory_limit_mb`](Self::memory_limit_mb)).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `mb` is positive (it may be infinite).
    pub fn memory_limit(mut self, mb: f64) -> Result<Self> {
        self.memory_limit_mb = mb;
        self.validate()?;
        Ok(self)
    }

    /// Checks options whose fields were set directly, as the builders do;
    /// every model's `solve` calls it first.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `time_limit` unless it is positive
    /// (it may be infinite), `mip_gap` unless `0 <= gap < 1`, or
    /// `memory_limit` unless it is positive.
    ///
    /// # Example
    /// ```
    /// use lifecircle::solve::SolveOptions;
    /// let options = SolveOptions { time_limit_s: -1.0, ..SolveOptions::new() };
    /// assert!(options.validate().unwrap_err().to_string().contains("time_limit"));
    /// ```
    pub fn validate(&self) -> Result<()> {
        let seconds = self.time_limit_s;
        if seconds.is_nan() || seconds <= 0.0 {
            return Err(Error::param(
                "time_limit",
                format!("must be > 0 seconds, got {seconds}"),
            ));
        }
        let gap = self.mip_gap;
        if !(0.0..1.0).contains(&gap) {
            return Err(Error::param(
                "mip_gap",
                format!("must be in [0, 1), got {gap}"),
            ));
        }
        let mb = self.memory_limit_mb;
        if mb.is_nan() || mb <= 0.0 {
            return Err(Error::param(
                "memory_limit",
                format!("must be > 0 MiB, got {mb}"),
            ));
        }
        Ok(())
    }

    /// Sets the number of solver threads.
    pub fn threads(mut self, threads: u32) -> Self {
        self.threads = Some(threads.max(1));
        self
    }

    /// Turns the solver log on or off.
    pub fn verbose(mut self, verbose: bool) -> Self {
        self.verbose = verbose;
        self
    }
}

/// How a solve ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SolveStatus {
    /// Proven optimal: the bound equals the objective.
    Optimal,
    /// Stopped because the gap fell below the requested [`SolveOptions::mip_gap`].
    GapLimit,
    /// Stopped at the time limit; the plan is the best found, the bound says how far it may be from optimal.
    TimeLimit,
    /// Stopped at [`SolveOptions::memory_limit_mb`]; the plan is the best
    /// found, the bound says how far it may be from optimal.
    MemoryLimit,
}

impl SolveStatus {
    /// The status of a plan with this gap, the caller having asked for
    /// `requested`: a model that stopped at the caller's gap may say
    /// "optimal" when nothing ran out, but then only a gap of 0 is proven.
    /// Asked for 0, "optimal" stands: what gap is left is the solver's
    /// tolerance (HiGHS's absolute 1e-6), not a stop short of the optimum.
    pub(crate) fn at_gap(self, gap: f64, requested: f64) -> Self {
        match self {
            SolveStatus::Optimal if gap > 0.0 && requested > 0.0 => SolveStatus::GapLimit,
            other => other,
        }
    }
}

impl std::fmt::Display for SolveStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SolveStatus::Optimal => "optimal",
            SolveStatus::GapLimit => "gap_limit",
            SolveStatus::TimeLimit => "time_limit",
            SolveStatus::MemoryLimit => "memory_limit",
        })
    }
}

/// Seconds spent in each phase of a solve.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Timings {
    /// Reduction of the instance (merging demand, dropping dominated sites).
    pub presolve_s: f64,
    /// Heuristic warm start.
    pub heuristic_s: f64,
    /// Building and solving the MIP.
    pub mip_s: f64,
    /// Everything.
    pub total_s: f64,
}

/// The answer of every model: which sites, how good, how sure.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Solution {
    /// Open sites (0-based site indices, sorted), fixed-open sites included.
    pub sites: Vec<usize>,
    /// Objective value of `sites`, recomputed from the model's data.
    pub objective: f64,
    /// Best proven bound on the optimum (upper bound when maximising, lower when minimising).
    pub bound: f64,
    /// Gap `|bound - objective| / max(|objective|, 1)`: relative for an
    /// objective of 1 or more, absolute below it, so a plan worth 0 beside a
    /// bound of 3 has gap 3 (not a division by zero). Under 1e-9 of that
    /// denominator it is rounding and reported as 0.
    pub gap: f64,
    /// How the solve ended.
    pub status: SolveStatus,
    /// Instance size before and after presolve.
    pub presolve: super::PresolveStats,
    /// Time per phase.
    pub timings: Timings,
}

impl Solution {
    /// A solution whose gap is derived from its objective and bound, and its
    /// status from that gap and the caller's ([`SolveStatus::at_gap`]).
    ///
    /// # Errors
    /// [`Error::Solver`] for a non-finite objective or bound ([`finite_figures`]).
    pub(crate) fn new(
        sites: Vec<usize>,
        objective: f64,
        bound: f64,
        status: SolveStatus,
        requested_gap: f64,
        presolve: super::PresolveStats,
        timings: Timings,
    ) -> Result<Self> {
        // An empty float sum is -0.0 in Rust; a plan covering nothing reports 0.
        let (objective, bound) = (objective + 0.0, bound + 0.0);
        finite_figures(objective, bound)?;
        let gap = relative_gap(objective, bound);
        Ok(Self {
            sites,
            objective,
            bound,
            gap,
            status: status.at_gap(gap, requested_gap),
            presolve,
            timings,
        })
    }
}

/// The sum of `values`, starting from +0.0: Rust's float `Sum` starts from
/// -0.0, so an empty sum would be reported as "-0" (no cost, nobody outside).
pub(crate) fn total(values: impl IntoIterator<Item = f64>) -> f64 {
    values.into_iter().fold(0.0, |a, b| a + b)
}

/// The gap of [`Solution::gap`]: `|bound - objective| / max(|objective|, 1)`,
/// 0 below 1e-9 of that denominator.
pub(crate) fn relative_gap(objective: f64, bound: f64) -> f64 {
    let diff = (bound - objective).abs();
    let scale = objective.abs().max(1.0);
    if diff <= 1e-9 * scale {
        0.0
    } else {
        diff / scale
    }
}

/// Refuses a non-finite objective or bound, so that no answer ever says
/// "optimal" (or anything) beside `inf` or `NaN`. The models' inputs are
/// bounded ([`crate::error::MAX_TOTAL`]) and every bound they compute is
/// finite, so this is the guard of last resort, not a path users should see.
///
/// # Errors
/// [`Error::Solver`] naming the figure.
pub(crate) fn finite_figures(objective: f64, bound: f64) -> Result<()> {
    if objective.is_finite() && bound.is_finite() {
        return Ok(());
    }
    Err(Error::Solver(format!(
        "the solve produced objective {objective} and bound {bound}; every figure must be finite (inputs within {:e})",
        crate::error::MAX_TOTAL
    )))
}

pub(crate) fn seconds(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// The one deadline of a solve, from its start and the options' time limit.
/// Every phase stops at it (or at an interrupt, [`super::interrupt`]), so
/// the phases share the limit instead of each taking all of it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline(Instant);

impl Deadline {
    pub fn new(start: Instant, options: &SolveOptions) -> Self {
        // An infinite limit is a deadline in 30 years: Instant + inf panics.
        Deadline(start + Duration::from_secs_f64(options.time_limit_s.min(1e9)))
    }

    /// No deadline, for the public heuristics that run to the end.
    pub fn never() -> Self {
        Deadline(Instant::now() + Duration::from_secs_f64(1e9))
    }

    /// Seconds left (0 when passed).
    pub fn left_s(&self) -> f64 {
        self.0
            .saturating_duration_since(Instant::now())
            .as_secs_f64()
    }

    /// Whether a loop should stop: the deadline passed or a stop was requested.
    pub fn over(&self) -> bool {
        Instant::now() >= self.0 || super::interrupt::requested()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gap_of_a_zero_objective_is_absolute() {
        // Before: 1 / 1e-9 = 1e9, printed as "100000000000.0000%".
        assert_eq!(relative_gap(0.0, 1.0), 1.0);
        assert_eq!(relative_gap(0.5, 0.75), 0.25);
        assert_eq!(relative_gap(200.0, 100.0), 0.5);
        assert_eq!(relative_gap(0.0, 1e-12), 0.0);
        assert_eq!(relative_gap(0.0, 0.0), 0.0);
    }

    #[test]
    fn a_solution_with_a_non_finite_figure_is_refused() {
        let make = |objective, bound| {
            Solution::new(
                vec![0],
                objective,
                bound,
                SolveStatus::Optimal,
                0.0,
                super::super::PresolveStats::default(),
                Timings::default(),
            )
        };
        for (objective, bound) in [
            (f64::INFINITY, f64::INFINITY),
            (f64::INFINITY, f64::NEG_INFINITY),
            (1.0, f64::NEG_INFINITY),
            (f64::NAN, 1.0),
        ] {
            let err = make(objective, bound).unwrap_err();
            assert!(matches!(err, Error::Solver(_)), "{err}");
        }
        let ok = make(0.0, 0.0).unwrap();
        assert_eq!((ok.gap, ok.status), (0.0, SolveStatus::Optimal));
    }

    #[test]
    fn an_empty_total_is_plus_zero() {
        let none: [f64; 0] = [];
        assert!(total(none).is_sign_positive());
        assert!(
            none.iter().sum::<f64>().is_sign_negative(),
            "Rust's Sum starts at -0.0"
        );
        assert_eq!(total([1.5, 2.0]), 3.5);
    }
}

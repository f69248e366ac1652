//! The one place that talks to the MIP solver: a plain sparse MIP is handed to
//! HiGHS through good_lp, and the answer comes back with its proven bound.
//!
//! good_lp builds the model; the solve itself goes through the `highs` model that
//! good_lp produces, because good_lp's own solution type drops HiGHS's dual
//! bound, and every answer of ours must state its gap.
//!
//! While HiGHS runs, its callback (C API, `highs-sys`) is polled by HiGHS
//! between simplex iterations, IPM iterations and branch-and-bound steps; it
//! asks HiGHS to stop when [`super::interrupt`] was requested (the solve then
//! returns [`Error::Interrupted`]) or when the process's resident memory
//! exceeds [`SolveOptions::memory_limit_mb`] (the best plan so far is returned
//! with [`SolveStatus::MemoryLimit`]). With `verbose`, the same callback
//! receives HiGHS's log and writes it to standard error, so that standard
//! output stays the caller's (one JSON object, say).

use std::ffi::{c_char, c_int, c_void, CStr};
use std::io::Write;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::time::Instant;

use good_lp::{constraint, variable, Expression, ProblemVariables, SolverModel, Variable};
use highs::HighsModelStatus;
use highs_sys::{HighsCallbackDataIn, HighsCallbackDataOut};

use super::solution::{Deadline, SolveOptions, SolveStatus};
use crate::error::{Error, Result};

/// Objective direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sense {
    Maximise,
    Minimise,
}

/// A column: objective coefficient, bounds, integrality.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Col {
    pub cost: f64,
    pub lower: f64,
    pub upper: f64,
    pub integer: bool,
}

impl Col {
    pub fn binary(cost: f64) -> Self {
        Col {
            cost,
            lower: 0.0,
            upper: 1.0,
            integer: true,
        }
    }
    pub fn continuous(cost: f64, lower: f64, upper: f64) -> Self {
        Col {
            cost,
            lower,
            upper,
            integer: false,
        }
    }
}

/// A row `lower <= sum(coef * x) <= upper` (either side may be infinite).
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub lower: f64,
    pub upper: f64,
    pub coefs: Vec<(usize, f64)>,
}

/// A mixed-integer program in plain data.
#[derive(Debug, Clone)]
pub(crate) struct Mip {
    pub sense: Sense,
    pub cols: Vec<Col>,
    pub rows: Vec<Row>,
    /// A feasible starting point (one value per column), e.g. from a heuristic.
    pub start: Option<Vec<f64>>,
    /// HiGHS's `mip_lp_age_limit` (default 10): how many rounds a cut may stay
    /// inactive in the LP before it is dropped; `None` keeps the default. Set
    /// covering uses 20. Measured on the 2,000 x 500 random instances of
    /// `benches/compare_spopt.py` (LP iterations, which HiGHS reproduces run
    /// to run): 183k -> 67k (seed 7), 332k -> 437k (seed 8), 234k -> 85k
    /// (seed 9). For maximal coverage it made seeds 7-9 slower, so it stays off.
    /// HiGHS's tree size swings by tens of percent with any perturbation.
    pub cut_age_limit: Option<u32>,
    /// Whether HiGHS's presolve may probe. Probing runs inside presolve,
    /// where HiGHS calls no interrupt callback and checks its clock rarely:
    /// on the p-median radius formulation of OR-Library pmed36 (20k rows) it
    /// took 8 s and 700 MB to remove 743 rows, overran the time limit by 1.2 s
    /// and ignored Ctrl-C for all of it. Off there, on elsewhere.
    pub probing: bool,
}

/// The `cut_age_limit` used for set covering.
pub(crate) const COVERAGE_CUT_AGE: u32 = 20;

/// What HiGHS returned.
#[derive(Debug, Clone)]
pub(crate) struct MipResult {
    pub values: Vec<f64>,
    pub bound: f64,
    pub status: SolveStatus,
}

/// Solves `mip` within the time left before `deadline`.
pub(crate) fn solve(mip: &Mip, options: &SolveOptions, deadline: Deadline) -> Result<MipResult> {
    // HiGHS ends a model without columns with status ModelEmpty, not
    // Optimal (every site fixed and nobody in reach, say): its one plan is
    // answered here, or refused if a row excludes it.
    if mip.cols.is_empty() {
        if mip.rows.iter().any(|r| r.lower > 0.0 || r.upper < 0.0) {
            return Err(Error::Infeasible {
                message: "the solver proved that no plan satisfies the constraints".into(),
                demand: Vec::new(),
            });
        }
        return Ok(MipResult {
            values: Vec::new(),
            bound: 0.0,
            status: SolveStatus::Optimal,
        });
    }
    let (result, reported) = run(mip, options, deadline, mip.start.as_deref())?;
    // HiGHS 1.16 can hand back the warm start instead of its own optimum when
    // presolve solves the model outright (seen on Swain-55 set covering: objective
    // 5 reported, the start's 7 sites returned). The columns must agree with
    // the objective HiGHS reports; if they do not, solve again without the start.
    let from_columns: f64 = mip
        .cols
        .iter()
        .zip(&result.values)
        .map(|(c, v)| c.cost * v)
        .sum();
    if mip.start.is_some() && (from_columns - reported).abs() > 1e-6 * reported.abs().max(1.0) {
        return run(mip, options, deadline, None).map(|(r, _)| r);
    }
    Ok(result)
}

/// Builds the model, solves it once, returns the result and HiGHS's own objective value.
fn run(
    mip: &Mip,
    options: &SolveOptions,
    deadline: Deadline,
    start: Option<&[f64]>,
) -> Result<(MipResult, f64)> {
    let mut vars = ProblemVariables::new();
    let xs: Vec<Variable> = mip
        .cols
        .iter()
        .map(|c| {
            let v = variable().min(c.lower).max(c.upper);
            vars.add(if c.integer { v.integer() } else { v })
        })
        .collect();
    let objective: Expression = mip
        .cols
        .iter()
        .zip(&xs)
        .filter(|(c, _)| c.cost != 0.0)
        .map(|(c, &x)| c.cost * x)
        .sum();
    let unsolved = match mip.sense {
        Sense::Maximise => vars.maximise(objective),
        Sense::Minimise => vars.minimise(objective),
    };
    let mut problem = unsolved.using(good_lp::solvers::highs::highs);
    for row in &mip.rows {
        let expr: Expression = row.coefs.iter().map(|&(i, a)| a * xs[i]).sum();
        if row.lower == row.upper {
            problem.add_constraint(constraint::eq(expr, row.lower));
            continue;
        }
        if row.lower.is_finite() {
            problem.add_constraint(constraint::geq(expr.clone(), row.lower));
        }
        if row.upper.is_finite() {
            problem.add_constraint(constraint::leq(expr, row.upper));
        }
    }
    let mut model = problem
        .try_into_inner()
        .map_err(|e| Error::Solver(e.to_string()))?;
    let watch = Watch::new(options);
    if options.verbose {
        model.set_option("output_flag", true);
        model.set_option("log_to_console", false);
    }
    // SAFETY: `watch` outlives every HiGHS call on this model (it is dropped
    // after `solved`), and `on_event` only reads it through shared references.
    unsafe {
        let highs = model.as_mut_ptr();
        highs_sys::Highs_setCallback(highs, Some(on_event), &watch as *const Watch as *mut c_void);
        for kind in [
            highs_sys::kHighsCallbackMipInterrupt,
            highs_sys::kHighsCallbackSimplexInterrupt,
            highs_sys::kHighsCallbackIpmInterrupt,
        ] {
            highs_sys::Highs_startCallback(highs, kind);
        }
        if options.verbose {
            highs_sys::Highs_startCallback(highs, highs_sys::kHighsCallbackLogging);
        }
    }
    // HiGHS's default relative gap (1e-4) would let it call a plan optimal
    // that is not: ask for the caller's gap (0 unless they chose one).
    model.set_option("mip_rel_gap", options.mip_gap);
    if let Some(age) = mip.cut_age_limit {
        model.set_option("mip_lp_age_limit", age as i32);
    }
    if !mip.probing {
        // HiGHS's presolve rule bit for probing (its log names it: 2^15).
        model.set_option("presolve_rule_off", 1 << 15);
    }
    if let Some(t) = options.threads {
        model.set_option("threads", t as i32);
    }
    if let Some(start) = start {
        model
            .try_set_solution(Some(start), None, None, None)
            .map_err(|e| Error::Solver(format!("rejected warm start: {e:?}")))?;
    }
    // The time left is taken here, after the model was built: building a
    // large one takes seconds, which HiGHS's own clock would not count.
    model.set_option("time_limit", deadline.left_s().max(1e-3));
    let solved = model.try_solve();
    if watch.stopped() == Stop::Interrupted {
        return Err(Error::Interrupted);
    }
    let solved = solved.map_err(|e| Error::Solver(format!("HiGHS failed: {e:?}")))?;

    let status = match solved.status() {
        HighsModelStatus::Optimal => {
            // HiGHS's own gap; below 1e-9 it is rounding, as `relative_gap` has it.
            let gap = solved.mip_gap();
            let gap = if gap.is_finite() && gap > 1e-9 {
                gap
            } else {
                0.0
            };
            SolveStatus::Optimal.at_gap(gap, options.mip_gap)
        }
        HighsModelStatus::ReachedMemoryLimit => SolveStatus::MemoryLimit,
        HighsModelStatus::ReachedInterrupt if watch.stopped() == Stop::OverMemory => {
            SolveStatus::MemoryLimit
        }
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ReachedSolutionLimit => SolveStatus::TimeLimit,
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
            return Err(Error::Infeasible {
                message: "the solver proved that no plan satisfies the constraints".into(),
                demand: Vec::new(),
            })
        }
        other => return Err(Error::Solver(format!("HiGHS ended with status {other:?}"))),
    };
    if solved.primal_solution_status() != highs::HighsSolutionStatus::Feasible {
        return Err(Error::Solver(match status {
            SolveStatus::MemoryLimit => format!(
                "no feasible plan found before the memory limit of {} MiB",
                options.memory_limit_mb
            ),
            _ => format!(
                "no feasible plan found before the limit of {} s",
                options.time_limit_s
            ),
        }));
    }
    let objective = solved.objective_value();
    let has_integers = mip.cols.iter().any(|c| c.integer);
    let bound = match solved.double_info_value(c"mip_dual_bound") {
        Ok(b) if has_integers && b.is_finite() => b,
        _ if status == SolveStatus::Optimal => objective,
        _ => match mip.sense {
            Sense::Maximise => f64::INFINITY,
            Sense::Minimise => f64::NEG_INFINITY,
        },
    };
    let result = MipResult {
        values: solved.get_solution().columns().to_vec(),
        bound,
        status,
    };
    Ok((result, objective))
}

/// Why the callback asked HiGHS to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Running = 0,
    Interrupted = 1,
    OverMemory = 2,
}

/// Resident memory is read at most this often (nanoseconds): reading
/// `/proc/self/statm` costs microseconds, HiGHS calls back every iteration.
const MEMORY_POLL_NS: u64 = 100_000_000;

/// What the callback needs, shared with HiGHS through its user-data pointer.
/// Atomics only: HiGHS may call back from more than one thread.
struct Watch {
    limit_bytes: f64,
    started: Instant,
    next_poll_ns: AtomicU64,
    stopped: AtomicU8,
}

impl Watch {
    fn new(options: &SolveOptions) -> Self {
        Watch {
            limit_bytes: options.memory_limit_mb * 1024.0 * 1024.0,
            started: Instant::now(),
            next_poll_ns: AtomicU64::new(0),
            stopped: AtomicU8::new(Stop::Running as u8),
        }
    }

    fn stopped(&self) -> Stop {
        match self.stopped.load(Ordering::SeqCst) {
            1 => Stop::Interrupted,
            2 => Stop::OverMemory,
            _ => Stop::Running,
        }
    }

    /// Whether HiGHS should stop now; the first reason found sticks.
    fn should_stop(&self) -> bool {
        if self.stopped() != Stop::Running {
            return true;
        }
        let reason = if super::interrupt::requested() {
            Stop::Interrupted
        } else if self.over_memory() {
            Stop::OverMemory
        } else {
            return false;
        };
        self.stopped.store(reason as u8, Ordering::SeqCst);
        true
    }

    fn over_memory(&self) -> bool {
        if self.limit_bytes.is_infinite() {
            return false;
        }
        let now = self.started.elapsed().as_nanos() as u64;
        if now < self.next_poll_ns.load(Ordering::Relaxed) {
            return false;
        }
        self.next_poll_ns
            .store(now + MEMORY_POLL_NS, Ordering::Relaxed);
        resident_bytes().is_some_and(|b| b as f64 > self.limit_bytes)
    }
}

/// The process's resident set size, from `/proc/self/statm` (Linux only).
pub(crate) fn resident_bytes() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
        let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        Some(pages * u64::try_from(page).ok()?)
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// HiGHS's callback: the log to standard error, and the stop requests.
/// It must not unwind into C, so any panic is caught and ignored.
unsafe extern "C" fn on_event(
    kind: c_int,
    message: *const c_char,
    _out: *const HighsCallbackDataOut,
    data_in: *mut HighsCallbackDataIn,
    user: *mut c_void,
) {
    let _ = std::panic::catch_unwind(|| {
        // SAFETY: `user` is the `Watch` that `run` registered and keeps alive.
        let watch = unsafe { &*(user as *const Watch) };
        if kind == highs_sys::kHighsCallbackLogging {
            if !message.is_null() {
                // SAFETY: HiGHS passes a NUL-terminated message.
                let text = unsafe { CStr::from_ptr(message) };
                let _ = std::io::stderr().write_all(text.to_bytes());
            }
        } else if !data_in.is_null() && watch.should_stop() {
            // SAFETY: HiGHS passes its input struct for the interrupt callbacks.
            unsafe { (*data_in).user_interrupt = 1 };
        }
    });
}

/// A linear program kept alive in HiGHS between solves, for cut loops: rows
/// are added to the solved LP and HiGHS re-solves from its last basis (dual
/// simplex), which a model rebuilt through good_lp each round could not do.
/// HiGHS's C API directly (good_lp has no way to add a row to a solved
/// model); quiet, single-threaded, presolve off (a warm start skips it anyway).
pub(crate) struct Lp {
    highs: *mut c_void,
    n_cols: usize,
    /// Each row's lower bound (one per row), for its slack at an optimum.
    lowers: Vec<f64>,
}

/// An LP's optimum: column values, reduced costs, each row's slack (its
/// activity above its lower bound) and the objective.
#[derive(Debug, Clone)]
pub(crate) struct LpOptimum {
    pub values: Vec<f64>,
    pub reduced_costs: Vec<f64>,
    pub row_slacks: Vec<f64>,
    pub objective: f64,
}

impl Lp {
    /// A minimisation LP over `cols` (their `integer` flags are ignored).
    pub fn new(cols: &[Col]) -> Self {
        // SAFETY: Highs_create has no preconditions; the pointer is owned
        // by this value and destroyed once, in `drop`.
        let highs = unsafe { highs_sys::Highs_create() };
        let mut lp = Lp {
            highs,
            n_cols: 0,
            lowers: Vec::new(),
        };
        // SAFETY: `highs` is a live instance, the option names are NUL-terminated.
        unsafe {
            highs_sys::Highs_setBoolOptionValue(highs, c"output_flag".as_ptr(), 0);
            // No `threads` here: HiGHS's scheduler is global to the process, and
            // setting a count other than the one a MIP solved earlier started
            // makes every run fail ("scheduler has already been initialized").
            highs_sys::Highs_setStringOptionValue(highs, c"presolve".as_ptr(), c"off".as_ptr());
        }
        for c in cols {
            // SAFETY: a column with no matrix entries (null arrays of length 0).
            unsafe {
                highs_sys::Highs_addCol(
                    highs,
                    c.cost,
                    c.lower,
                    c.upper,
                    0,
                    std::ptr::null(),
                    std::ptr::null(),
                );
            }
        }
        lp.n_cols = cols.len();
        lp
    }

    /// Number of rows added so far.
    pub fn n_rows(&self) -> usize {
        self.lowers.len()
    }

    /// Adds rows `lower <= Σ coef·x`, given as (lower, coefficients).
    pub fn add_rows(&mut self, rows: &[Row]) -> Result<()> {
        let (mut starts, mut index, mut value) = (Vec::new(), Vec::new(), Vec::new());
        for row in rows {
            starts.push(index.len() as c_int);
            for &(j, a) in &row.coefs {
                if j >= self.n_cols {
                    return Err(Error::Solver(format!("LP row names column {j}")));
                }
                index.push(j as c_int);
                value.push(a);
            }
        }
        let lower: Vec<f64> = rows.iter().map(|r| r.lower).collect();
        let upper: Vec<f64> = rows.iter().map(|r| r.upper).collect();
        // SAFETY: the arrays hold `rows.len()` bounds and starts and
        // `index.len()` entries, every index a column of the LP.
        let status = unsafe {
            highs_sys::Highs_addRows(
                self.highs,
                rows.len() as c_int,
                lower.as_ptr(),
                upper.as_ptr(),
                index.len() as c_int,
                starts.as_ptr(),
                index.as_ptr(),
                value.as_ptr(),
            )
        };
        if status == highs_sys::kHighsStatusError {
            return Err(Error::Solver("HiGHS refused the LP rows".into()));
        }
        self.lowers.extend(lower);
        Ok(())
    }

    /// Deletes the rows marked `true` (one flag per row); the others keep
    /// their order, and HiGHS keeps its basis for them.
    pub fn delete_rows(&mut self, delete: &[bool]) -> Result<()> {
        if delete.len() != self.n_rows() {
            return Err(Error::Solver(format!(
                "{} row flags for {} LP rows",
                delete.len(),
                self.n_rows()
            )));
        }
        let mut mask: Vec<c_int> = delete.iter().map(|&d| c_int::from(d)).collect();
        // SAFETY: `mask` holds one entry per row of the LP, as HiGHS reads it
        // (and overwrites it with the rows' new positions).
        let status = unsafe { highs_sys::Highs_deleteRowsByMask(self.highs, mask.as_mut_ptr()) };
        if status == highs_sys::kHighsStatusError {
            return Err(Error::Solver("HiGHS refused to delete LP rows".into()));
        }
        let mut keep = delete.iter().map(|&d| !d);
        self.lowers.retain(|_| keep.next().unwrap_or(true));
        Ok(())
    }

    /// Changes a column's bounds (a site fixed open or closed).
    pub fn set_bounds(&mut self, col: usize, lower: f64, upper: f64) {
        // SAFETY: `col` is checked against the columns.
        if col < self.n_cols {
            unsafe { highs_sys::Highs_changeColBounds(self.highs, col as c_int, lower, upper) };
        }
    }

    /// Solves within `seconds`, from the last basis.
    pub fn solve(&mut self, seconds: f64) -> Result<LpEnd> {
        // SAFETY: `highs` is live; the solution arrays have the model's sizes.
        unsafe {
            highs_sys::Highs_setDoubleOptionValue(
                self.highs,
                c"time_limit".as_ptr(),
                seconds.max(1e-3),
            );
            // HiGHS's clock adds up over runs and its time limit is checked
            // against that total: without this, a branch-and-cut whose LP
            // re-solves had used 60 s in all stopped 60 s before its deadline.
            highs_sys::Highs_zeroAllClocks(self.highs);
            let run = highs_sys::Highs_run(self.highs);
            match highs_sys::Highs_getModelStatus(self.highs) {
                highs_sys::kHighsModelStatusInfeasible => return Ok(LpEnd::Infeasible),
                status if run == highs_sys::kHighsStatusError => {
                    return Err(Error::Solver(format!(
                        "HiGHS failed on the LP (model status {status})"
                    )))
                }
                highs_sys::kHighsModelStatusOptimal => {}
                highs_sys::kHighsModelStatusTimeLimit
                | highs_sys::kHighsModelStatusIterationLimit
                | highs_sys::kHighsModelStatusInterrupt => return Ok(LpEnd::Stopped),
                other => {
                    return Err(Error::Solver(format!(
                        "HiGHS ended the LP with status {other}"
                    )))
                }
            }
            let mut values = vec![0.0; self.n_cols];
            let mut reduced_costs = vec![0.0; self.n_cols];
            let mut row_values = vec![0.0; self.n_rows()];
            let mut row_duals = vec![0.0; self.n_rows()];
            highs_sys::Highs_getSolution(
                self.highs,
                values.as_mut_ptr(),
                reduced_costs.as_mut_ptr(),
                row_values.as_mut_ptr(),
                row_duals.as_mut_ptr(),
            );
            let row_slacks = row_values
                .iter()
                .zip(&self.lowers)
                .map(|(v, lo)| v - lo)
                .collect();
            Ok(LpEnd::Optimal(LpOptimum {
                values,
                reduced_costs,
                row_slacks,
                objective: highs_sys::Highs_getObjectiveValue(self.highs),
            }))
        }
    }
}

/// How an LP solve ended.
#[derive(Debug, Clone)]
pub(crate) enum LpEnd {
    Optimal(LpOptimum),
    Infeasible,
    /// The time limit (or an iteration limit) came first.
    Stopped,
}

impl Drop for Lp {
    fn drop(&mut self) {
        // SAFETY: created by Highs_create in `new`, destroyed only here.
        unsafe { highs_sys::Highs_destroy(self.highs) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn soon() -> Deadline {
        Deadline::new(Instant::now(), &SolveOptions::default())
    }

    #[test]
    fn knapsack_is_solved_with_its_bound() {
        // max 5a + 4b + 3c  s.t. 2a + 3b + c <= 5: {a, b} weighs 5 and is worth 9, the optimum.
        let mip = Mip {
            sense: Sense::Maximise,
            cols: vec![Col::binary(5.0), Col::binary(4.0), Col::binary(3.0)],
            rows: vec![Row {
                lower: f64::NEG_INFINITY,
                upper: 5.0,
                coefs: vec![(0, 2.0), (1, 3.0), (2, 1.0)],
            }],
            start: Some(vec![1.0, 0.0, 0.0]),
            cut_age_limit: None,
            probing: true,
        };
        let r = solve(&mip, &SolveOptions::default(), soon()).unwrap();
        assert_eq!(r.status, SolveStatus::Optimal);
        assert_eq!(
            r.values.iter().map(|v| v.round()).collect::<Vec<_>>(),
            vec![1.0, 1.0, 0.0]
        );
        assert!((r.bound - 9.0).abs() < 1e-6);
    }

    #[test]
    fn infeasible_is_an_error() {
        let mip = Mip {
            sense: Sense::Minimise,
            cols: vec![Col::binary(1.0)],
            rows: vec![Row {
                lower: 2.0,
                upper: f64::INFINITY,
                coefs: vec![(0, 1.0)],
            }],
            start: None,
            cut_age_limit: None,
            probing: true,
        };
        assert!(matches!(
            solve(&mip, &SolveOptions::default(), soon()),
            Err(Error::Infeasible { .. })
        ));
    }

    #[test]
    fn a_program_without_columns_is_answered_or_refused_by_its_rows() {
        let empty = |lower: f64| Mip {
            sense: Sense::Maximise,
            cols: Vec::new(),
            rows: vec![Row {
                lower,
                upper: 0.0,
                coefs: Vec::new(),
            }],
            start: Some(Vec::new()),
            cut_age_limit: None,
            probing: true,
        };
        let r = solve(&empty(f64::NEG_INFINITY), &SolveOptions::default(), soon()).unwrap();
        assert_eq!(
            (r.status, r.bound, r.values.len()),
            (SolveStatus::Optimal, 0.0, 0)
        );
        assert!(matches!(
            solve(&empty(1.0), &SolveOptions::default(), soon()),
            Err(Error::Infeasible { .. })
        ));
    }

    #[test]
    fn lp_rows_added_after_a_solve_are_honoured() {
        // min x + y with x, y in [0, 10]: 0; then x + 2y >= 4 makes it 2.
        let mut lp = Lp::new(&[Col::continuous(1.0, 0.0, 10.0); 2]);
        let optimum = |lp: &mut Lp| match lp.solve(10.0).unwrap() {
            LpEnd::Optimal(opt) => opt,
            other => panic!("{other:?}"),
        };
        assert_eq!(optimum(&mut lp).objective, 0.0);
        lp.add_rows(&[Row {
            lower: 4.0,
            upper: f64::INFINITY,
            coefs: vec![(0, 1.0), (1, 2.0)],
        }])
        .unwrap();
        let opt = optimum(&mut lp);
        assert!((opt.objective - 2.0).abs() < 1e-9);
        assert!((opt.values[1] - 2.0).abs() < 1e-9);
        // y's reduced cost is 0 (basic), x's is 1 - 1/2.
        assert!((opt.reduced_costs[0] - 0.5).abs() < 1e-9);
        assert_eq!(lp.n_rows(), 1);
        lp.set_bounds(1, 0.0, 1.0);
        lp.set_bounds(0, 0.0, 1.0);
        assert!(matches!(lp.solve(10.0).unwrap(), LpEnd::Infeasible));
    }

    #[test]
    fn lp_rows_report_their_slack_and_can_be_deleted() {
        // min x + y: x >= 1 binds, x + y >= 0.5 is slack by 2.5, y >= 2 binds.
        let mut lp = Lp::new(&[Col::continuous(1.0, 0.0, 10.0); 2]);
        let row = |lower: f64, coefs: Vec<(usize, f64)>| Row {
            lower,
            upper: f64::INFINITY,
            coefs,
        };
        lp.add_rows(&[
            row(1.0, vec![(0, 1.0)]),
            row(0.5, vec![(0, 1.0), (1, 1.0)]),
            row(2.0, vec![(1, 1.0)]),
        ])
        .unwrap();
        let optimum = |lp: &mut Lp| match lp.solve(10.0).unwrap() {
            LpEnd::Optimal(opt) => opt,
            other => panic!("{other:?}"),
        };
        let opt = optimum(&mut lp);
        assert!((opt.objective - 3.0).abs() < 1e-9);
        let slacks: Vec<f64> = opt
            .row_slacks
            .iter()
            .map(|s| (s * 1e9).round() / 1e9)
            .collect();
        assert_eq!(slacks, vec![0.0, 2.5, 0.0]);
        // Without the slack row nothing changes; without y >= 2, y drops to 0.
        lp.delete_rows(&[false, true, false]).unwrap();
        assert_eq!(lp.n_rows(), 2);
        assert!((optimum(&mut lp).objective - 3.0).abs() < 1e-9);
        lp.delete_rows(&[false, true]).unwrap();
        let opt = optimum(&mut lp);
        assert!((opt.objective - 1.0).abs() < 1e-9);
        assert_eq!(opt.row_slacks.len(), 1);
        assert!(lp.delete_rows(&[true, true]).is_err());
    }
}

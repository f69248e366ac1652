//! The one place that talks to the MIP solver: a plain sparse MIP is handed to
//! HiGHS through good_lp, and the answer comes back with its proven bound.
//!
//! good_lp builds the model; the solve itself goes through the `highs` model that
//! good_lp produces, because good_lp's own solution type drops HiGHS's dual
//! bound, and every answer of ours must state its gap.

use good_lp::{constraint, variable, Expression, ProblemVariables, SolverModel, Variable};
use highs::HighsModelStatus;

use super::solution::{SolveOptions, SolveStatus};
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

pub(crate) fn solve(mip: &Mip, options: &SolveOptions) -> Result<MipResult> {
    let (result, reported) = run(mip, options, mip.start.as_deref())?;
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
        return run(mip, options, None).map(|(r, _)| r);
    }
    Ok(result)
}

/// Builds the model, solves it once, returns the result and HiGHS's own objective value.
fn run(mip: &Mip, options: &SolveOptions, start: Option<&[f64]>) -> Result<(MipResult, f64)> {
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
    if options.verbose {
        model.set_option("output_flag", true);
        model.set_option("log_to_console", true);
    }
    model.set_option("time_limit", options.time_limit_s);
    // HiGHS's default relative gap (1e-4) would let it call a plan optimal
    // that is not: ask for the caller's gap (0 unless they chose one).
    model.set_option("mip_rel_gap", options.mip_gap);
    if let Some(age) = mip.cut_age_limit {
        model.set_option("mip_lp_age_limit", age as i32);
    }
    if let Some(t) = options.threads {
        model.set_option("threads", t as i32);
    }
    if let Some(start) = start {
        model
            .try_set_solution(Some(start), None, None, None)
            .map_err(|e| Error::Solver(format!("rejected warm start: {e:?}")))?;
    }
    let solved = model
        .try_solve()
        .map_err(|e| Error::Solver(format!("HiGHS failed: {e:?}")))?;

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
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedMemoryLimit => SolveStatus::TimeLimit,
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
            return Err(Error::Infeasible {
                message: "the solver proved that no plan satisfies the constraints".into(),
                demand: Vec::new(),
            })
        }
        other => return Err(Error::Solver(format!("HiGHS ended with status {other:?}"))),
    };
    if solved.primal_solution_status() != highs::HighsSolutionStatus::Feasible {
        return Err(Error::Solver(format!(
            "no feasible plan found before the limit of {} s",
            options.time_limit_s
        )));
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

#[cfg(test)]
mod tests {
    use super::*;

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
        };
        let r = solve(&mip, &SolveOptions::default()).unwrap();
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
        };
        assert!(matches!(
            solve(&mip, &SolveOptions::default()),
            Err(Error::Infeasible { .. })
        ));
    }
}

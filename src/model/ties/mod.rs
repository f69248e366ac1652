//! Tied optima: whether plans other than the one a solve returned reach the
//! same objective, up to `k` of them, and the sites they all share.
//!
//! # Method
//! Each model states itself as one MIP over every plan it allows
//! ([`SitingModel::program`]): no dominated site is dropped, because a
//! dominated site (covering a subset of another's demand at no lower cost)
//! can be part of a plan exactly as good, the very alternative asked for.
//! The objective becomes a row held at the optimum, within the
//! [tolerance](tie_tolerance), and the MIP only has to find a feasible
//! point. Each plan found is excluded by a no-good cut and the MIP is solved
//! again, until `k` plans are found (then once more, to know whether the list
//! is complete) or the MIP is infeasible: then every optimal plan is listed.
//!
//! # Which plans count
//! A plan is its set of new sites (for a [`JointPlan`](super::JointPlan),
//! (service, site) pairs), read without idle sites: a site whose removal
//! leaves the objective unchanged is dropped, so "at most 3 new sites" does
//! not list every way to add a useless third site to a 2-site optimum (it
//! lists the 2-site plan). Plans are minimal optimal plans. With that, the cut
//! for a plan `S` is `Σ_{j∈S} y_j ≤ |S| − 1`: it excludes `S` and every plan
//! containing it, which are `S` plus idle sites, whatever the number of sites
//! a plan opens (a count of at most `p`, or a budget). Under a capacity
//! (a [`JointPlan`](super::JointPlan) service with capacities) a facility
//! that serves nobody is dropped, but one whose load others could take is
//! kept: there a listed plan may hold more facilities than it needs.
//!
//! Every plan listed is priced by [`SitingModel::objective_of`], from the
//! model's data, and equals the optimum within the tolerance.
//!
//! # Example
//! ```
//! use lifecircle::model::{alternatives, CoverageSets, MaxCoverage};
//! use lifecircle::solve::SolveOptions;
//!
//! // Sites 0 and 1 cover the same two residents: two optimal plans.
//! let cov = CoverageSets::from_sets(3, vec![vec![0, 1], vec![0, 1], vec![2]]).unwrap();
//! let model = MaxCoverage::new(cov, vec![1.0, 1.0, 1.0]).unwrap().new_sites(1).unwrap();
//! let options = SolveOptions::new();
//! let sol = model.solve(&options).unwrap();
//! let alt = alternatives(&model, &sol.sites, 5, &options).unwrap();
//! assert!(alt.exists() && alt.exhausted);
//! assert_eq!(alt.plans.len(), 1);
//! assert!(alt.shared.is_empty()); // {0} and {1} share no site
//! ```

pub(crate) mod programs;

use std::borrow::Borrow;
use std::time::Instant;

use super::{Goal, SitingModel};
use crate::error::{Error, Result};
use crate::solve::mip::{self, Mip, Row};
use crate::solve::{seconds, Deadline, SolveOptions, SolveStatus};

/// The absolute tolerance below which two objectives are tied: HiGHS's
/// absolute optimality tolerance (1e-6, `mip_abs_gap`, which the proof of
/// the optimum itself allows), or 1e-9 of the objective where that is
/// larger (floating-point sums of thousands of residents).
pub fn tie_tolerance(optimum: f64) -> f64 {
    (1e-9 * optimum.abs()).max(1e-6)
}

/// A model as one MIP over all its plans, for [`alternatives`]. Built by
/// [`SitingModel::program`]; its contents are the crate's own.
pub struct Program<'a, P: ?Sized + ToOwned> {
    /// The MIP whose objective (plus `constant`) is the model's objective.
    pub(crate) mip: Mip,
    /// What the objective has besides the MIP's columns (demand that fixed
    /// sites cover, their costs).
    pub(crate) constant: f64,
    /// The binary column of each plan element, with its (service, site).
    pub(crate) elements: Vec<(usize, usize, usize)>,
    /// The plan in the MIP's values, without idle sites.
    pub(crate) decode: Decode<'a, P>,
    /// The indices in `elements` of a plan's elements.
    pub(crate) keys: Keys<'a, P>,
}

/// How a [`Program`] reads a plan from the MIP's values.
pub(crate) type Decode<'a, P> = Box<dyn Fn(&[f64]) -> Result<<P as ToOwned>::Owned> + 'a>;
/// How a [`Program`] names a plan's elements.
pub(crate) type Keys<'a, P> = Box<dyn Fn(&P) -> Vec<usize> + 'a>;

/// The plans as good as a given optimum: [`alternatives`].
#[derive(Debug, Clone, PartialEq)]
pub struct Alternatives<P> {
    /// The optimum, priced by [`SitingModel::objective_of`] from the plan given.
    pub optimum: f64,
    /// The tolerance within which the plans listed equal it ([`tie_tolerance`]).
    pub tolerance: f64,
    /// Other optimal plans, at most `k`, in the order found.
    pub plans: Vec<P>,
    /// Whether `plans` holds every other optimal plan (the MIP proved that no
    /// further one exists). When false, more may exist (`more`) or the time
    /// ran out (`status`).
    pub exhausted: bool,
    /// Whether a further optimal plan, beyond the `k` listed, was found.
    pub more: bool,
    /// The (service, site) pairs open in the given plan and every plan listed
    /// (service 0 for single-service models), fixed sites left out. Shared by
    /// every optimal plan when `exhausted`; otherwise only by those found.
    pub shared: Vec<(usize, usize)>,
    /// [`SolveStatus::Optimal`] when the search ended (listed `k`, or proved
    /// there are no more); [`SolveStatus::TimeLimit`] or
    /// [`SolveStatus::MemoryLimit`] when it stopped short.
    pub status: SolveStatus,
    /// MIP solves run.
    pub solves: usize,
    /// Seconds spent in all.
    pub total_s: f64,
}

impl<P> Alternatives<P> {
    /// Whether another optimal plan than the one given exists (as far as the
    /// search went: false with `exhausted` is proven).
    pub fn exists(&self) -> bool {
        !self.plans.is_empty()
    }

    /// The sites of [`shared`](Self::shared), sorted, each once.
    pub fn shared_sites(&self) -> Vec<usize> {
        let mut sites: Vec<usize> = self.shared.iter().map(|&(_, j)| j).collect();
        sites.sort_unstable();
        sites.dedup();
        sites
    }
}

/// Other plans of `model` as good as `plan`: at most `k` of them, whether the
/// list is complete, and the sites every plan found shares (see the
/// [module docs](self) for which plans count and how they are found).
/// `plan` should be optimal, as a solve returning
/// [`SolveStatus::Optimal`] gives it; the options' time limit covers the
/// whole search.
///
/// # Errors
/// [`Error::InvalidParameter`] naming `alternatives` for `k` = 0, naming
/// `plan` when a better plan exists (the plan was not optimal) or whatever
/// [`SitingModel::objective_of`] refuses; bad options; [`Error::Solver`] if
/// HiGHS fails; [`Error::Interrupted`].
pub fn alternatives<M>(
    model: &M,
    plan: &M::Plan,
    k: usize,
    options: &SolveOptions,
) -> Result<Alternatives<<M::Plan as ToOwned>::Owned>>
where
    M: SitingModel + ?Sized,
{
    options.validate()?;
    if k == 0 {
        return Err(Error::param("alternatives", "must be at least 1"));
    }
    let t0 = Instant::now();
    let deadline = Deadline::new(t0, options);
    let optimum = model.objective_of(plan)?;
    let tolerance = tie_tolerance(optimum);
    let program = model.program()?;
    let mut mip = held(
        &program,
        model.goal(),
        optimum - program.constant,
        tolerance,
    );
    let given = (program.keys)(plan);
    let mut found: Vec<Vec<usize>> = vec![given.clone()];
    let mut plans = Vec::new();
    let (mut exhausted, mut more, mut status, mut solves) = (false, false, SolveStatus::Optimal, 0);
    let mut trimmed = false;
    mip.rows.push(cut(&program, &given));
    while !given.is_empty() {
        solves += 1;
        let values = match mip::solve(&mip, options, deadline) {
            Ok(r) => r.values,
            Err(Error::Infeasible { .. }) => {
                exhausted = true;
                break;
            }
            // No feasible point before the limit: the search stops short.
            Err(Error::Solver(_)) if deadline.left_s() <= 0.0 => {
                status = SolveStatus::TimeLimit;
                break;
            }
            Err(e) => return Err(e),
        };
        let other = (program.decode)(&values)?;
        let value = model.objective_of(other.borrow())?;
        let keys = (program.keys)(other.borrow());
        if better(model.goal(), value, optimum, tolerance) {
            return Err(Error::param(
                "plan",
                format!("is not optimal: another plan has objective {value} against {optimum}"),
            ));
        }
        let last = keys.is_empty();
        mip.rows.push(cut(&program, &keys));
        let tied = (value - optimum).abs() <= tolerance;
        if tied && !trimmed && keys.iter().all(|e| given.contains(e)) {
            // The given plan without its idle sites: the same plan.
            trimmed = true;
            found[0] = keys;
        } else if tied && !found.contains(&keys) {
            // (A plan a little worse, which the held row's rounding lets
            // through, is not tied.)
            if plans.len() == k {
                more = true;
                break;
            }
            found.push(keys);
            plans.push(other);
        }
        if last {
            // The empty plan's cut excludes every plan.
            exhausted = true;
            break;
        }
    }
    if given.is_empty() {
        // Nothing to decide: no other plan.
        exhausted = true;
    }
    let shared = (0..program.elements.len())
        .filter(|e| found.iter().all(|keys| keys.contains(e)))
        .map(|e| (program.elements[e].1, program.elements[e].2))
        .collect();
    Ok(Alternatives {
        optimum,
        tolerance,
        plans,
        exhausted,
        more,
        shared,
        status,
        solves,
        total_s: seconds(t0.elapsed()),
    })
}

/// The program's MIP as a feasibility problem: no objective, a row holding
/// it (`value`, the optimum less the constant) within `tolerance`.
fn held<P: ?Sized + ToOwned>(
    program: &Program<'_, P>,
    goal: Goal,
    value: f64,
    tolerance: f64,
) -> Mip {
    let mut mip = program.mip.clone();
    let coefs: Vec<(usize, f64)> = mip
        .cols
        .iter()
        .enumerate()
        .filter(|(_, c)| c.cost != 0.0)
        .map(|(i, c)| (i, c.cost))
        .collect();
    mip.cols.iter_mut().for_each(|c| c.cost = 0.0);
    mip.start = None;
    mip.rows.push(match goal {
        Goal::Maximise => Row {
            lower: value - tolerance,
            upper: f64::INFINITY,
            coefs,
        },
        Goal::Minimise => Row {
            lower: f64::NEG_INFINITY,
            upper: value + tolerance,
            coefs,
        },
    });
    mip
}

/// The no-good cut `Σ_{e∈keys} y_e ≤ |keys| − 1`.
fn cut<P: ?Sized + ToOwned>(program: &Program<'_, P>, keys: &[usize]) -> Row {
    Row {
        lower: f64::NEG_INFINITY,
        upper: keys.len() as f64 - 1.0,
        coefs: keys.iter().map(|&e| (program.elements[e].0, 1.0)).collect(),
    }
}

/// Whether `value` beats `optimum` by more than `tolerance`.
fn better(goal: Goal, value: f64, optimum: f64, tolerance: f64) -> bool {
    match goal {
        Goal::Maximise => value > optimum + tolerance,
        Goal::Minimise => value < optimum - tolerance,
    }
}

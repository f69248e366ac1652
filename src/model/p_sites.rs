//! The instance p-median and p-center share: demand × site costs (dense, or
//! sparse walking times with a penalty for the unreached, [`PCosts`]),
//! demand weights, the number of sites to open and the sites open already.
//! One struct, one set of checks; the two models differ only in their
//! objective (the marker `O`, [`Median`] or [`Center`]) and in how they solve.
//!
//! # Walking times with a cutoff
//! Planners cap "reachable" (a 15-minute walk): walking times are computed
//! up to a cutoff and only those pairs are stored ([`ReachTimes`]). A demand
//! point then pays, under a plan, its walk to the nearest open site in reach,
//! or `unreachable` when no open site is in reach — the rule of Python's
//! `from_geodataframe` (`unreachable_minutes`, by default three times the
//! cutoff). A stored walk longer than `unreachable` counts as `unreachable`:
//! it is no better than not being reached. So for p-median every resident
//! left beyond the cutoff adds `unreachable` to the total, and for p-center
//! the optimal radius is at most `unreachable` (it equals it exactly when
//! `p` sites cannot bring every weighted point within reach).

use std::borrow::Cow;
use std::marker::PhantomData;

use super::checks::{check_some_open, distinct_if_not, validate_counts};
use crate::error::{total_over_limit, Error, Result, MAX_TOTAL};
use crate::instances::coverage_sets::check_weights;
use crate::instances::{CostMatrix, ReachTimes};
use crate::solve::{benders, SolveOptions};

/// Open `p` sites (besides the fixed ones) over dense or sparse costs, for
/// the objective `O`: [`PMedian`](super::PMedian) or [`PCenter`](super::PCenter).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PSites<O> {
    /// Demand × site costs.
    pub costs: PCosts,
    /// Weight of each demand point (p-center: only whether it is positive matters).
    pub weights: Vec<f64>,
    /// Sites to open besides the fixed ones.
    pub p: usize,
    /// Sites open whatever the solver decides.
    pub fixed_open: Vec<usize>,
    #[serde(skip)]
    objective: PhantomData<O>,
}

/// The objective of a [`PSites`] problem, and what it checks beyond the
/// fields both models check.
pub trait PObjective: Clone {
    /// Checks the instance for this objective (default: nothing more).
    ///
    /// # Errors
    /// What the objective refuses.
    fn check(_costs: &PCosts, _weights: &[f64]) -> Result<()> {
        Ok(())
    }
}

/// The p-median objective: total weighted cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Median;

/// The p-center objective: the longest cost of a demand point of positive weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Center;

impl PObjective for Median {
    /// `Σ_i weight_i × max_j cost_ij` (the cost of the worst plan; on
    /// walking times, `unreachable` for every point) at most [`MAX_TOTAL`]:
    /// then no cost of a plan or of the MIP can overflow.
    fn check(costs: &PCosts, weights: &[f64]) -> Result<()> {
        let worst = (0..costs.n_demand()).map(|i| weights[i] * costs.worst(i));
        match total_over_limit(worst) {
            Some((i, sum)) => Err(Error::param(
                "weights",
                format!(
                    "weight x largest cost summed over the demand points reaches {sum:e} by demand point {i}, above the limit of {MAX_TOTAL:e}: scale the costs or the weights down"
                ),
            )),
            None => Ok(()),
        }
    }
}

impl PObjective for Center {}

impl<O: PObjective> PSites<O> {
    /// A problem opening `p` sites.
    ///
    /// # Errors
    /// Bad weights; for p-median, [`Error::InvalidParameter`] naming
    /// `weights` if `Σ_i weight_i × max_j cost_ij` exceeds
    /// [`MAX_TOTAL`] (the cost of the worst plan: then no cost can
    /// overflow); [`Error::TooManySites`] if `p` exceeds the sites. (`p = 0`
    /// is allowed when sites are fixed open; solving with no open site is an error.)
    pub fn new(costs: CostMatrix, weights: Vec<f64>, p: usize) -> Result<Self> {
        Self::on(PCosts::Dense(costs), weights, p)
    }

    /// A problem opening `p` sites on sparse walking times: a demand point
    /// with no open site in reach pays `unreachable` (see the [module
    /// docs](self)). No dense demand × site table is built, here or in the solve.
    ///
    /// # Errors
    /// As [`new`](Self::new) (with `unreachable` as every point's largest
    /// cost); [`Error::InvalidParameter`] naming `unreachable` if it is not
    /// finite and `>= 0`.
    ///
    /// # Example
    /// ```
    /// use lifecircle::instances::ReachTimes;
    /// use lifecircle::model::{PCenter, PMedian};
    /// use lifecircle::solve::SolveOptions;
    ///
    /// // Three residents, two sites; resident 2 reaches no site within the cutoff.
    /// let times = ReachTimes::from_triplets(3, 2, [(0, 0, 60.0), (1, 0, 300.0), (1, 1, 120.0)]).unwrap();
    /// let median = PMedian::on_reach(times.clone(), 2700.0, vec![1.0; 3], 1).unwrap();
    /// let sol = median.solve(&SolveOptions::new()).unwrap();
    /// assert_eq!((sol.sites, sol.objective), (vec![0], 60.0 + 300.0 + 2700.0));
    /// let center = PCenter::on_reach(times, 2700.0, vec![1.0, 1.0, 0.0], 1).unwrap();
    /// assert_eq!(center.solve(&SolveOptions::new()).unwrap().objective, 300.0);
    /// ```
    pub fn on_reach(
        times: ReachTimes,
        unreachable: f64,
        weights: Vec<f64>,
        p: usize,
    ) -> Result<Self> {
        Self::on(PCosts::Reach { times, unreachable }, weights, p)
    }

    fn on(costs: PCosts, weights: Vec<f64>, p: usize) -> Result<Self> {
        let s = Self {
            costs,
            weights,
            p,
            fixed_open: Vec::new(),
            objective: PhantomData,
        };
        s.validate()?;
        Ok(s)
    }

    /// Forces sites open (they do not count towards `p`).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for an unknown site; [`Error::TooManySites`].
    pub fn fixed_open(mut self, mut sites: Vec<usize>) -> Result<Self> {
        sites.sort_unstable();
        sites.dedup();
        self.fixed_open = sites;
        self.validate()?;
        Ok(self)
    }

    /// Checks every field, so that a problem whose public fields were set
    /// directly is refused as the builders would refuse it.
    pub(super) fn validate(&self) -> Result<()> {
        self.costs.check(&self.fixed_open)?;
        check_weights(&self.weights, self.costs.n_demand())?;
        validate_counts(self.costs.n_sites(), self.p, &self.fixed_open)?;
        O::check(&self.costs, &self.weights)
    }

    /// The problem as a solve starts it: options and fields checked, fixed
    /// sites sorted without repeats (a list set directly may hold them in any
    /// order), and some site to open.
    pub(super) fn ready(&self, options: &SolveOptions) -> Result<Cow<'_, Self>> {
        options.validate()?;
        self.validate()?;
        let s = match distinct_if_not(&self.fixed_open) {
            Some(fixed_open) => Cow::Owned(Self {
                fixed_open,
                ..self.clone()
            }),
            None => Cow::Borrowed(self),
        };
        check_some_open(s.p, &s.fixed_open)?;
        Ok(s)
    }

    /// Demand points of positive weight: the only ones either objective counts.
    pub(super) fn clients(&self) -> Vec<usize> {
        (0..self.costs.n_demand())
            .filter(|&i| self.weights[i] > 0.0)
            .collect()
    }
}

/// The costs of a [`PSites`] problem.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum PCosts {
    /// Every demand × site cost.
    Dense(CostMatrix),
    /// Walking times within a cutoff; a demand point with no open site in
    /// reach pays `unreachable` (see the [module docs](self)).
    Reach {
        /// The pairs in reach.
        times: ReachTimes,
        /// What a demand point pays with no open site in reach, in the times' unit.
        unreachable: f64,
    },
}

impl From<CostMatrix> for PCosts {
    fn from(costs: CostMatrix) -> Self {
        PCosts::Dense(costs)
    }
}

impl PCosts {
    /// Number of demand points.
    pub fn n_demand(&self) -> usize {
        match self {
            PCosts::Dense(c) => c.n_demand(),
            PCosts::Reach { times, .. } => times.n_demand(),
        }
    }

    /// Number of sites.
    pub fn n_sites(&self) -> usize {
        match self {
            PCosts::Dense(c) => c.n_sites(),
            PCosts::Reach { times, .. } => times.n_sites(),
        }
    }

    /// The dense matrix, if the costs are dense.
    pub fn dense(&self) -> Option<&CostMatrix> {
        match self {
            PCosts::Dense(c) => Some(c),
            PCosts::Reach { .. } => None,
        }
    }

    /// `unreachable` finite and `>= 0`, fixed sites among the sites.
    fn check(&self, fixed: &[usize]) -> Result<()> {
        match self {
            PCosts::Reach { unreachable, .. } if !unreachable.is_finite() || *unreachable < 0.0 => {
                Err(Error::param(
                    "unreachable",
                    format!("must be a finite number >= 0, got {unreachable}"),
                ))
            }
            PCosts::Reach { times, .. } => times.check_sites("fixed_open", fixed),
            PCosts::Dense(_) => Ok(()),
        }
    }

    /// The most demand point `i` pays under a plan that opens some site.
    pub(super) fn worst(&self, i: usize) -> f64 {
        match self {
            PCosts::Dense(c) => c.row(i).iter().copied().fold(0.0, f64::max),
            PCosts::Reach { unreachable, .. } => *unreachable,
        }
    }

    /// What demand point `i` pays at site `j` (on walking times, `O(sites in reach)`).
    pub fn cost(&self, i: usize, j: usize) -> f64 {
        match self {
            PCosts::Dense(c) => c.cost(i, j),
            PCosts::Reach { times, unreachable } => times
                .of_demand(i)
                .find(|p| p.0 == j)
                .map_or(*unreachable, |p| p.1.min(*unreachable)),
        }
    }

    /// What demand point `i` pays under the plan `open` (`mask[j]` for
    /// every open site `j`): its nearest open site's cost, infinite if none
    /// is open (dense) or `unreachable` if none is in reach (sparse).
    pub(super) fn served(&self, i: usize, open: &[usize], mask: &[bool]) -> f64 {
        match self {
            PCosts::Dense(c) => open
                .iter()
                .map(|&j| c.cost(i, j))
                .fold(f64::INFINITY, f64::min),
            PCosts::Reach { times, unreachable } => times
                .of_demand(i)
                .find(|p| mask[p.0])
                .map_or(*unreachable, |p| p.1.min(*unreachable)),
        }
    }

    /// The costs demand point `i` may pay at a site, with the site: every
    /// site (dense), or the sites in reach, nearest first, capped at
    /// `unreachable`, which any other site costs (sparse).
    pub(super) fn pairs(&self, i: usize) -> Box<dyn Iterator<Item = (usize, f64)> + '_> {
        match self {
            PCosts::Dense(c) => Box::new(c.row(i).iter().copied().enumerate()),
            PCosts::Reach { times, unreachable } => {
                Box::new(times.of_demand(i).map(|(j, t)| (j, t.min(*unreachable))))
            }
        }
    }

    /// What a site outside [`pairs`](Self::pairs) costs (infinite for dense
    /// costs, which list every site).
    pub(super) fn beyond(&self) -> f64 {
        match self {
            PCosts::Dense(_) => f64::INFINITY,
            PCosts::Reach { unreachable, .. } => *unreachable,
        }
    }
}

/// A plan as a mask over the sites, for [`PCosts::served`].
pub(super) fn mask(n_sites: usize, open: &[usize]) -> Vec<bool> {
    let mut mask = vec![false; n_sites];
    open.iter().for_each(|&j| mask[j] = true);
    mask
}

impl<O: PObjective> PSites<O> {
    /// The decomposition's clients on walking times: each positive-weight
    /// point's sites in reach cheaper than its cap, nearest first; the cap is
    /// `unreachable`, or the walk to its nearest fixed site (nothing farther
    /// is ever paid).
    pub(super) fn reach_clients(
        &self,
        times: &ReachTimes,
        unreachable: f64,
    ) -> Vec<benders::Client> {
        let fixed = mask(times.n_sites(), &self.fixed_open);
        let clients = self.clients().into_iter().map(|i| {
            let cap = times
                .of_demand(i)
                .find(|p| fixed[p.0])
                .map_or(unreachable, |p| p.1.min(unreachable));
            let (sites, costs) = times
                .of_demand(i)
                .take_while(|p| p.1 < cap)
                .map(|(j, t)| (j as u32, t))
                .unzip();
            benders::Client {
                weight: self.weights[i],
                sites,
                costs,
                cap,
            }
        });
        clients.collect()
    }
}

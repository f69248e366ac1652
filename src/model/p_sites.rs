//! The instance p-median and p-center share: dense demand × site costs,
//! demand weights, the number of sites to open and the sites open already.
//! One struct, one constructor and one set of checks; the two models differ
//! only in their objective (the marker `O`, [`Median`] or [`Center`]) and in
//! how they solve.

use std::borrow::Cow;
use std::marker::PhantomData;

use super::checks::{check_some_open, distinct_if_not, validate_counts};
use crate::error::{total_over_limit, Error, Result, MAX_TOTAL};
use crate::instances::coverage_sets::check_weights;
use crate::instances::CostMatrix;
use crate::solve::SolveOptions;

/// Open `p` sites (besides the fixed ones) over dense costs, for the
/// objective `O`: [`PMedian`](super::PMedian) or [`PCenter`](super::PCenter).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PSites<O> {
    /// Demand × site costs.
    pub costs: CostMatrix,
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
    fn check(_costs: &CostMatrix, _weights: &[f64]) -> Result<()> {
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
    /// `Σ_i weight_i × max_j cost_ij` (the cost of the worst plan) at most
    /// [`MAX_TOTAL`]: then no cost of a plan or of the MIP can overflow.
    fn check(costs: &CostMatrix, weights: &[f64]) -> Result<()> {
        let worst = (0..costs.n_demand())
            .map(|i| weights[i] * costs.row(i).iter().copied().fold(0.0, f64::max));
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

//! The contract every siting model keeps: [`SitingModel`]. A model is plain
//! data checked when built; it solves within [`SolveOptions`] and prices any
//! plan from its own data, so a caller (the CLI, Python, a test, a benchmark)
//! can check an answer without trusting the solver that produced it.

use super::checks::{check_plan, site_cost};
use super::ties::Program;
use super::{
    JointObjective, JointPlan, JointSolution, MaxCoverage, PCenter, PMedian, ServicePlan, SetCover,
};
use crate::error::{Error, Result};
use crate::solve::{Solution, SolveOptions};

/// Which way a model's objective goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// Smaller is better (cost, walking time).
    Minimise,
    /// Larger is better (covered weight, a share).
    Maximise,
}

/// A siting model: solve it, and price any plan independently of the solve.
///
/// # Example
/// ```
/// use lifecircle::model::{CoverageSets, MaxCoverage, SitingModel};
/// use lifecircle::solve::SolveOptions;
///
/// let cov = CoverageSets::from_sets(3, vec![vec![0, 1], vec![2]]).unwrap();
/// let model = MaxCoverage::new(cov, vec![1.0, 1.0, 5.0]).unwrap().new_sites(1).unwrap();
/// let sol = SitingModel::solve(&model, &SolveOptions::new()).unwrap();
/// assert_eq!(model.objective_of(MaxCoverage::plan_of(&sol)).unwrap(), sol.objective);
/// assert_eq!(model.objective_of(&[0]).unwrap(), 2.0);
/// assert!(model.objective_of(&[0, 1]).is_err()); // two new sites, one allowed
/// ```
pub trait SitingModel {
    /// A plan the model can price: the open sites, fixed ones included
    /// (`[usize]`), or one [`ServicePlan`] per service for a [`JointPlan`].
    type Plan: ?Sized + PartialEq + ToOwned;
    /// What a solve returns: the plan, its objective recomputed from the
    /// model's data, the proven bound, the gap and how the solve ended.
    type Solution;

    /// Whether the objective is minimised or maximised.
    fn goal(&self) -> Goal;

    /// Solves to proven optimality, or until the options' time, gap or
    /// memory limit (then the best plan found, with its true objective).
    ///
    /// # Errors
    /// Whatever the model's builders refuse (for fields set directly), bad
    /// [`SolveOptions`], [`Error::Infeasible`] where no plan exists,
    /// [`Error::Solver`] if HiGHS fails, [`Error::Interrupted`].
    fn solve(&self, options: &SolveOptions) -> Result<Self::Solution>;

    /// The plan a solution holds, as [`objective_of`](Self::objective_of) takes it.
    fn plan_of(solution: &Self::Solution) -> &Self::Plan
    where
        Self: Sized;

    /// The objective of `plan`, computed from the model's data alone (never
    /// from what a solver reported): what a solve returning this plan reports.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `sites` for a plan the model does
    /// not allow (an unknown site, a fixed site left out, more new sites than
    /// allowed, over the budget); [`Error::Infeasible`] for a covering plan
    /// that leaves a demand point uncovered.
    fn objective_of(&self, plan: &Self::Plan) -> Result<f64>;

    /// The model as one MIP over every plan it allows, for
    /// [`alternatives`](super::alternatives) (see [`super::ties`]).
    ///
    /// # Errors
    /// What the model's builders refuse, for fields set directly.
    fn program(&self) -> Result<Program<'_, Self::Plan>>;
}

impl SitingModel for PMedian {
    type Plan = [usize];
    type Solution = Solution;

    fn goal(&self) -> Goal {
        Goal::Minimise
    }

    fn solve(&self, options: &SolveOptions) -> Result<Solution> {
        PMedian::solve(self, options)
    }

    fn plan_of(solution: &Solution) -> &[usize] {
        &solution.sites
    }

    fn objective_of(&self, sites: &[usize]) -> Result<f64> {
        check_plan(self.costs.n_sites(), &self.fixed_open, Some(self.p), sites)?;
        Ok(self.cost_of(sites))
    }

    fn program(&self) -> Result<Program<'_, Self::Plan>> {
        self.validate()?;
        self.exact_program()
    }
}

impl SitingModel for PCenter {
    type Plan = [usize];
    type Solution = Solution;

    fn goal(&self) -> Goal {
        Goal::Minimise
    }

    fn solve(&self, options: &SolveOptions) -> Result<Solution> {
        PCenter::solve(self, options)
    }

    fn plan_of(solution: &Solution) -> &[usize] {
        &solution.sites
    }

    fn objective_of(&self, sites: &[usize]) -> Result<f64> {
        check_plan(self.costs.n_sites(), &self.fixed_open, Some(self.p), sites)?;
        Ok(self.radius_of(sites))
    }

    fn program(&self) -> Result<Program<'_, Self::Plan>> {
        self.validate()?;
        self.exact_program()
    }
}

impl SitingModel for MaxCoverage {
    type Plan = [usize];
    type Solution = Solution;

    fn goal(&self) -> Goal {
        Goal::Maximise
    }

    fn solve(&self, options: &SolveOptions) -> Result<Solution> {
        MaxCoverage::solve(self, options)
    }

    fn plan_of(solution: &Solution) -> &[usize] {
        &solution.sites
    }

    fn objective_of(&self, sites: &[usize]) -> Result<f64> {
        let n = self.coverage.n_sites();
        check_plan(n, &self.fixed_open, self.new_sites, sites)?;
        if let Some(budget) = self.budget {
            let new = distinct(sites).into_iter();
            let new = new.filter(|j| !self.fixed_open.contains(j));
            check_spent(new.map(|j| site_cost(self.costs.as_deref(), j)), budget)?;
        }
        Ok(self.coverage.covered_weight(sites, &self.weights))
    }

    fn program(&self) -> Result<Program<'_, Self::Plan>> {
        self.validate()?;
        self.exact_program()
    }
}

impl SitingModel for SetCover {
    type Plan = [usize];
    type Solution = Solution;

    fn goal(&self) -> Goal {
        Goal::Minimise
    }

    fn solve(&self, options: &SolveOptions) -> Result<Solution> {
        SetCover::solve(self, options)
    }

    fn plan_of(solution: &Solution) -> &[usize] {
        &solution.sites
    }

    fn objective_of(&self, sites: &[usize]) -> Result<f64> {
        let n = self.coverage.n_sites();
        check_plan(n, &self.fixed_open, None, sites)?;
        let covered = self.coverage.covered(sites);
        let left: Vec<usize> = (0..covered.len()).filter(|&i| !covered[i]).collect();
        if let Some(&i) = left.first() {
            return Err(Error::Infeasible {
                message: format!(
                    "the plan leaves {} demand point(s) uncovered, demand point {i} first",
                    left.len()
                ),
                demand: left,
            });
        }
        let costs = distinct(sites).into_iter();
        Ok(costs.map(|j| site_cost(self.costs.as_deref(), j)).sum())
    }

    fn program(&self) -> Result<Program<'_, Self::Plan>> {
        self.validate()?;
        self.exact_program()
    }
}

impl SitingModel for JointPlan {
    type Plan = [ServicePlan];
    type Solution = JointSolution;

    fn goal(&self) -> Goal {
        match self.objective {
            JointObjective::MinCost => Goal::Minimise,
            JointObjective::Coverage | JointObjective::MinShare => Goal::Maximise,
        }
    }

    fn solve(&self, options: &SolveOptions) -> Result<JointSolution> {
        JointPlan::solve(self, options)
    }

    fn plan_of(solution: &JointSolution) -> &[ServicePlan] {
        &solution.services
    }

    fn objective_of(&self, services: &[ServicePlan]) -> Result<f64> {
        self.price(services)
    }

    fn program(&self) -> Result<Program<'_, Self::Plan>> {
        self.exact_program()
    }
}

/// `sites` sorted without repeats.
fn distinct(sites: &[usize]) -> Vec<usize> {
    let mut sites = sites.to_vec();
    sites.sort_unstable();
    sites.dedup();
    sites
}

/// Refuses a plan whose new sites cost more than the budget (beyond the
/// rounding of the solver's feasibility tolerance).
pub(super) fn check_spent(costs: impl Iterator<Item = f64>, budget: f64) -> Result<()> {
    let spent = crate::solve::total(costs);
    if spent > budget + 1e-9 * budget.max(1.0) {
        return Err(Error::param(
            "sites",
            format!("the new sites cost {spent}, above the budget of {budget}"),
        ));
    }
    Ok(())
}

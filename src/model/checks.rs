//! The rules the models' builders share: site costs and a budget, the count
//! of sites to open beside the fixed ones, and whether a plan keeps them (for
//! [`SitingModel::objective_of`](super::SitingModel::objective_of)). One copy
//! each, so that a rule cannot differ between two models.

use crate::error::{finite_non_negative, total_over_limit, Error, Result, MAX_TOTAL};

/// A site's cost: its entry in `costs`, or 1 for every site without costs
/// (the budget then counts sites).
pub(crate) fn site_cost(costs: Option<&[f64]>, site: usize) -> f64 {
    costs.map_or(1.0, |c| c[site])
}

/// Checks a budget: a number >= 0 that pays for the cheapest of the sites
/// that can open (`new`, priced by [`site_cost`]). With no site to open a
/// budget constrains nothing and is accepted.
pub(crate) fn check_budget(
    budget: f64,
    costs: Option<&[f64]>,
    new: impl Iterator<Item = usize>,
) -> Result<()> {
    let cheapest = new
        .map(|j| site_cost(costs, j))
        .fold(f64::INFINITY, f64::min);
    if budget.is_nan() || budget < 0.0 {
        return Err(Error::param(
            "budget",
            format!("must be a number >= 0, got {budget}"),
        ));
    }
    if cheapest.is_finite() && budget < cheapest {
        return Err(Error::param(
            "budget",
            format!("{budget} is below the cheapest candidate site ({cheapest})"),
        ));
    }
    Ok(())
}

/// Checks site costs: one per site, finite, non-negative.
pub(crate) fn check_costs(costs: &[f64], n_sites: usize) -> Result<()> {
    if costs.len() != n_sites {
        return Err(Error::param(
            "costs",
            format!("{} costs for {n_sites} sites", costs.len()),
        ));
    }
    if let Some(j) = costs.iter().position(|c| !finite_non_negative(*c)) {
        return Err(Error::param(
            "costs",
            format!(
                "site {j} has cost {}; costs must be finite and >= 0",
                costs[j]
            ),
        ));
    }
    match total_over_limit(costs.iter().copied()) {
        Some((j, sum)) => Err(Error::param(
            "costs",
            format!("they sum to {sum:e} by site {j}, above the limit of {MAX_TOTAL:e}: scale them down"),
        )),
        None => Ok(()),
    }
}

/// Checks `p` and the fixed sites against the number of sites.
pub(crate) fn validate_counts(n_sites: usize, p: usize, fixed: &[usize]) -> Result<()> {
    if let Some(j) = fixed.iter().find(|&&j| j >= n_sites) {
        return Err(Error::param(
            "fixed_open",
            format!("site {j} does not exist (there are {n_sites} sites)"),
        ));
    }
    let distinct = distinct_if_not(fixed).map_or(fixed.len(), |f| f.len());
    let available = n_sites - distinct;
    if p > available {
        return Err(Error::TooManySites {
            requested: p,
            available,
        });
    }
    Ok(())
}

/// Sites sorted without repeats, or `None` if `sites` already is: the
/// builders store fixed sites so, and a list set directly is made so at solve.
pub(crate) fn distinct_if_not(sites: &[usize]) -> Option<Vec<usize>> {
    if sites.is_sorted_by(|a, b| a < b) {
        return None;
    }
    let mut sites = sites.to_vec();
    sites.sort_unstable();
    sites.dedup();
    Some(sites)
}

/// At solve time: some site must be open.
pub(crate) fn check_some_open(p: usize, fixed: &[usize]) -> Result<()> {
    if p == 0 && fixed.is_empty() {
        return Err(Error::param(
            "p",
            "must be at least 1 when no site is fixed open",
        ));
    }
    Ok(())
}

/// Checks a plan against its model: every site exists, every fixed site is
/// open, and at most `max_new` others are (`None`: any number).
///
/// # Errors
/// [`Error::InvalidParameter`] naming `sites`.
pub(crate) fn check_plan(
    n_sites: usize,
    fixed: &[usize],
    max_new: Option<usize>,
    sites: &[usize],
) -> Result<()> {
    let problem = if let Some(j) = sites.iter().find(|&&j| j >= n_sites) {
        format!("site {j} does not exist (there are {n_sites} sites)")
    } else if let Some(j) = fixed.iter().find(|j| !sites.contains(j)) {
        format!("site {j} is fixed open but not in the plan")
    } else {
        let new = new_in_plan(fixed, sites);
        match max_new {
            Some(p) if new.len() > p => format!("{} new sites, at most {p} allowed", new.len()),
            _ => return Ok(()),
        }
    };
    Err(Error::param("sites", problem))
}

/// Checks the limits of a model that opens at most `new_sites` sites and/or
/// stays within a budget, beside the fixed ones: the fixed sites exist, `p`
/// leaves enough sites, costs and budget as [`check_costs`] and [`check_budget`].
pub(crate) fn check_limits(
    n_sites: usize,
    fixed: &[usize],
    new_sites: Option<usize>,
    costs: Option<&[f64]>,
    budget: Option<f64>,
) -> Result<()> {
    validate_counts(n_sites, new_sites.unwrap_or(0), fixed)?;
    if let Some(costs) = costs {
        check_costs(costs, n_sites)?;
    }
    if let Some(b) = budget {
        check_budget(b, costs, (0..n_sites).filter(|j| !fixed.contains(j)))?;
    }
    Ok(())
}

/// [`check_plan`], then the budget: the new sites of `sites` cost at most `budget`.
pub(crate) fn check_plan_limits(
    n_sites: usize,
    fixed: &[usize],
    new_sites: Option<usize>,
    costs: Option<&[f64]>,
    budget: Option<f64>,
    sites: &[usize],
) -> Result<()> {
    check_plan(n_sites, fixed, new_sites, sites)?;
    if let Some(budget) = budget {
        let new = new_in_plan(fixed, sites);
        super::siting::check_spent(new.into_iter().map(|j| site_cost(costs, j)), budget)?;
    }
    Ok(())
}

/// The sites of a plan that are not fixed open, each once, in order.
fn new_in_plan(fixed: &[usize], sites: &[usize]) -> Vec<usize> {
    let mut new: Vec<usize> = sites
        .iter()
        .copied()
        .filter(|j| !fixed.contains(j))
        .collect();
    new.sort_unstable();
    new.dedup();
    new
}

/// The builders of a model with `new_sites`, `costs`, `budget` and
/// `fixed_open` fields and a `validate` method (maximal coverage, gradual
/// coverage, the target ratio): each sets its fields and validates the
/// whole, so a builder can never accept what another would refuse.
macro_rules! open_site_builders {
    () => {
        /// Opens at most `p` new sites.
        ///
        /// # Errors
        /// [`Error::TooManySites`](crate::Error::TooManySites) if `p`
        /// exceeds the sites that are not fixed open.
        pub fn new_sites(mut self, p: usize) -> crate::error::Result<Self> {
            self.new_sites = Some(p);
            self.validate()?;
            Ok(self)
        }

        /// Forces sites open (existing facilities): they do not count
        /// towards `p` or the budget. A site given twice counts once.
        ///
        /// # Errors
        /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) for
        /// an unknown site.
        pub fn fixed_open(mut self, mut sites: Vec<usize>) -> crate::error::Result<Self> {
            sites.sort_unstable();
            sites.dedup();
            self.fixed_open = sites;
            self.validate()?;
            Ok(self)
        }

        /// Gives each site a cost and caps the cost of the new sites.
        ///
        /// # Errors
        /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) for a
        /// cost count mismatch, a negative or NaN cost, a negative or NaN
        /// budget, or a budget below the cheapest site that is not fixed
        /// open (with every site fixed open, any budget is accepted).
        pub fn budget(mut self, costs: Vec<f64>, budget: f64) -> crate::error::Result<Self> {
            self.costs = Some(costs);
            self.budget = Some(budget);
            self.validate()?;
            Ok(self)
        }
    };
}
pub(crate) use open_site_builders;

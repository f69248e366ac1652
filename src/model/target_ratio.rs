//! Equity on the supply ratio, with room: open at most `p` new sites so that
//! the most residents get a place at a facility within the walking limit
//! whose supply per resident served stays at or above a target.
//!
//! 2SFCA measures a facility's room as its ratio `R_j = S_j / (demand in its
//! catchment)`, and planners ask that the ratio a resident sees reach a
//! target `τ` (say 4 places per 100 residents aged 60+). "Within 15 minutes"
//! alone ignores whether the facility has room; here a resident counts only
//! if served by an open facility in reach whose load keeps `S_j / load_j ≥ τ`,
//! i.e. a facility of supply `S_j` serves at most `S_j / τ` residents. It is
//! the 2SFCA ratio computed over the residents a facility actually serves,
//! so supply is never counted twice (2SFCA credits a facility's supply to
//! every catchment it lies in) — the capacitated maximal covering problem of
//! Current & Storbeck (1988), ArcGIS's "Maximize Capacitated Coverage".
//!
//! # Formulation
//! With `y_j` open, `x_ij ≥ 0` the residents of demand point `i` served by
//! site `j` (pairs with `t_ij ≤ limit` only), `w_i` the residents:
//!
//! `max Σ x_ij` subject to `Σ_j x_ij ≤ w_i` (each resident served once),
//! `Σ_i x_ij ≤ (S_j / τ) y_j` (room; a constant for fixed sites),
//! `x_ij ≤ w_i y_j` (served only by an open site; implied by the room row,
//! but it tightens the LP), `Σ y_j ≤ p`, `Σ c_j y_j ≤ B`, `y` binary.
//!
//! Residents are divisible (a demand point's residents may be shared among
//! sites, as they are many people), so only `y` is integer. For fixed `y`
//! the rest is a transportation problem: a plan's value is the maximum flow
//! from the demand points through the pairs in reach to the open sites'
//! room, which [`objective_of`](SitingModel::objective_of) computes by
//! Dinic's algorithm, without the MIP solver.
//!
//! # Complexity
//! One binary per site that is not fixed, one continuous column and one
//! tightening row per pair in reach, one row per demand point and per site.
//! Pricing a plan: a maximum flow over the pairs to open sites.
//!
//! # Example
//! ```
//! use lifecircle::instances::ReachTimes;
//! use lifecircle::model::{SitingModel, TargetRatio};
//! use lifecircle::solve::{SolveOptions, SolveStatus};
//!
//! // 60 and 40 residents aged 60+; site 0 (2 places) reaches both, site 1 (3 places) only the 40.
//! let reach = ReachTimes::from_triplets(2, 2, [(0, 0, 300.0), (1, 0, 500.0), (1, 1, 200.0)]).unwrap();
//! // 4 places per 100 residents: site 0 serves at most 50, site 1 at most 75.
//! let model = TargetRatio::new(reach, vec![60.0, 40.0], vec![2.0, 3.0], 0.04, 900.0)
//!     .unwrap()
//!     .new_sites(1)
//!     .unwrap();
//! let sol = model.solve(&SolveOptions::new()).unwrap();
//! assert_eq!(sol.sites, vec![0]);
//! assert!((sol.objective - 50.0).abs() < 1e-9);
//! assert_eq!(sol.status, SolveStatus::Optimal);
//! assert!((model.objective_of(&[1]).unwrap() - 40.0).abs() < 1e-9);
//! ```

use std::time::Instant;

use super::checks::{
    check_limits, check_plan_limits, distinct_if_not, open_site_builders, site_cost,
};
use super::flow::max_flow;
use super::ties::programs::{le, Sites};
use super::ties::Program;
use super::{Goal, SitingModel};
use crate::error::{total_over_limit, Error, Result, MAX_TOTAL};
use crate::instances::coverage_sets::check_weights;
use crate::instances::ReachTimes;
use crate::solve::mip::{self, Col, Sense};
use crate::solve::{
    interrupt, seconds, total, Deadline, PresolveStats, Solution, SolveOptions, Timings,
};

/// The target-ratio problem on sparse walking times.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TargetRatio {
    /// Walking times by demand point.
    pub reach: ReachTimes,
    /// Residents of each demand point (those the service is for).
    pub weights: Vec<f64>,
    /// Supply of each site (places, beds), `> 0`.
    pub capacities: Vec<f64>,
    /// Supply per resident served that a facility must keep, `> 0`.
    pub target: f64,
    /// Walking limit: a resident is served only by a site this close.
    pub limit: f64,
    /// At most this many sites besides the fixed ones (`None`: no count limit).
    pub new_sites: Option<usize>,
    /// Cost of each site (`None`: all cost 1).
    pub costs: Option<Vec<f64>>,
    /// Total cost allowed for the new sites (`None`: no budget).
    pub budget: Option<f64>,
    /// Sites open whatever the solver decides (existing facilities).
    pub fixed_open: Vec<usize>,
}

impl TargetRatio {
    /// A problem with no limit yet; add [`new_sites`](Self::new_sites) or a [`budget`](Self::budget).
    ///
    /// # Errors
    /// [`Error::InvalidPopulation`] for a NaN/negative weight;
    /// [`Error::InvalidParameter`] naming `capacities` (a count that does not
    /// match, a capacity that is not finite and `> 0`), `target` (not finite
    /// and `> 0`) or `limit` (NaN, negative, or beyond the times' limit).
    pub fn new(
        reach: ReachTimes,
        weights: Vec<f64>,
        capacities: Vec<f64>,
        target: f64,
        limit: f64,
    ) -> Result<Self> {
        let s = Self {
            reach,
            weights,
            capacities,
            target,
            limit,
            new_sites: None,
            costs: None,
            budget: None,
            fixed_open: Vec::new(),
        };
        s.validate()?;
        Ok(s)
    }

    open_site_builders!();

    /// Checks every field, so that a problem whose public fields were set
    /// directly is refused as the builders would refuse it.
    pub(crate) fn validate(&self) -> Result<()> {
        let m = self.reach.n_sites();
        check_weights(&self.weights, self.reach.n_demand())?;
        if self.capacities.len() != m {
            return Err(Error::param(
                "capacities",
                format!("{} capacities for {m} sites", self.capacities.len()),
            ));
        }
        if let Some(j) = self
            .capacities
            .iter()
            .position(|c| !(c.is_finite() && *c > 0.0))
        {
            return Err(Error::param(
                "capacities",
                format!(
                    "site {j} has capacity {}; a capacity must be finite and > 0 (leave a site without room out of the candidates)",
                    self.capacities[j]
                ),
            ));
        }
        if !(self.target.is_finite() && self.target > 0.0) {
            return Err(Error::param(
                "target",
                format!("must be a finite number > 0, got {}", self.target),
            ));
        }
        if let Some((j, sum)) = total_over_limit(self.capacities.iter().map(|c| c / self.target)) {
            return Err(Error::param(
                "capacities",
                format!("capacity / target sums to {sum:e} by site {j}, above {MAX_TOTAL:e}"),
            ));
        }
        if self.limit.is_nan() || self.limit < 0.0 {
            return Err(Error::param(
                "limit",
                format!("must be a number >= 0, got {}", self.limit),
            ));
        }
        self.reach.check_reach("limit", self.limit)?;
        self.reach.check_sites("fixed_open", &self.fixed_open)?;
        let fixed = distinct_if_not(&self.fixed_open).unwrap_or_else(|| self.fixed_open.clone());
        check_limits(
            m,
            &fixed,
            self.new_sites,
            self.costs.as_deref(),
            self.budget,
        )
    }

    /// Residents a site serves at most: its supply over the target.
    pub fn room(&self, site: usize) -> f64 {
        self.capacities[site] / self.target
    }

    /// Residents served by the sites `open` (the maximum flow, module docs).
    ///
    /// # Panics
    /// If a field set directly is shorter than the instance.
    pub fn served_by(&self, open: &[usize]) -> f64 {
        self.served_each(open).iter().sum()
    }

    /// Residents of each demand point served by the sites `open`, in one
    /// maximum flow (which of several equal flows is not specified; their
    /// sum is [`served_by`](Self::served_by)).
    ///
    /// # Panics
    /// As [`served_by`](Self::served_by).
    pub fn served_each(&self, open: &[usize]) -> Vec<f64> {
        let m = self.reach.n_sites();
        let mut room = vec![0.0; m];
        open.iter()
            .filter(|&&j| j < m)
            .for_each(|&j| room[j] = self.room(j));
        let pairs: Vec<(usize, usize)> = (0..self.reach.n_demand())
            .flat_map(|i| {
                self.reach
                    .of_demand(i)
                    .take_while(|&(_, t)| t <= self.limit)
                    .filter(|&(j, _)| room[j] > 0.0)
                    .map(move |(j, _)| (i, j))
            })
            .collect();
        max_flow(&self.weights, &room, &pairs).1
    }

    /// The MIP of the module docs.
    fn formulation(&self) -> Program<'_, [usize]> {
        let sites = Sites::new(self.reach.n_sites(), &self.fixed_open, |_| 0.0);
        let first = sites.cols.len();
        let (mut cols, mut rows) = (Vec::new(), Vec::new());
        let mut load: Vec<Vec<(usize, f64)>> = vec![Vec::new(); self.reach.n_sites()];
        for i in 0..self.reach.n_demand() {
            let w = self.weights[i];
            if w <= 0.0 {
                continue;
            }
            let mut served = Vec::new();
            for (j, _) in self
                .reach
                .of_demand(i)
                .take_while(|&(_, t)| t <= self.limit)
            {
                let x = first + cols.len();
                cols.push(Col::continuous(1.0, 0.0, w));
                served.push((x, 1.0));
                load[j].push((x, 1.0));
                if let Some(y) = sites.col[j] {
                    rows.push(le(vec![(x, 1.0), (y, -w)], 0.0));
                }
            }
            if !served.is_empty() {
                rows.push(le(served, w));
            }
        }
        for (j, mut coefs) in load.into_iter().enumerate() {
            if coefs.is_empty() {
                continue;
            }
            match sites.col[j] {
                Some(y) => {
                    coefs.push((y, -self.room(j)));
                    rows.push(le(coefs, 0.0));
                }
                None => rows.push(le(coefs, self.room(j))),
            }
        }
        if let Some(p) = self.new_sites {
            rows.push(le(sites.sum(|_| 1.0), p as f64));
        }
        if let Some(budget) = self.budget {
            let cost = |j| site_cost(self.costs.as_deref(), j);
            rows.push(le(sites.sum(cost), budget));
        }
        sites.program(self, Sense::Maximise, cols, rows, 0.0)
    }

    /// Solves to proven optimality (or until the options' limits).
    ///
    /// # Errors
    /// What the builders report, for fields set directly; bad
    /// [`SolveOptions`]; [`Error::Solver`] if HiGHS fails.
    pub fn solve(&self, options: &SolveOptions) -> Result<Solution> {
        options.validate()?;
        self.validate()?;
        let t0 = Instant::now();
        let deadline = Deadline::new(t0, options);
        // Serving nobody is feasible for every plan, so HiGHS needs no start.
        let program = self.formulation();
        let t1 = Instant::now();
        interrupt::check()?;
        let result = mip::solve(&program.mip, options, deadline)?;
        let t2 = Instant::now();
        let mut sites =
            distinct_if_not(&self.fixed_open).unwrap_or_else(|| self.fixed_open.clone());
        sites.extend(
            program
                .elements
                .iter()
                .filter(|&&(col, _, _)| result.values[col] > 0.5)
                .map(|&(_, _, j)| j),
        );
        sites.sort_unstable();
        let objective = self.served_by(&sites);
        let most = total(self.weights.iter().copied());
        let bound = result.bound.min(most).max(objective);
        Solution::new(
            sites,
            objective,
            bound,
            result.status,
            options.mip_gap,
            PresolveStats {
                demand_before: self.reach.n_demand(),
                demand_after: self.weights.iter().filter(|&&w| w > 0.0).count(),
                sites_before: self.reach.n_sites(),
                sites_after: program.elements.len(),
            },
            Timings {
                presolve_s: seconds(t1 - t0),
                heuristic_s: 0.0,
                mip_s: seconds(t2 - t1),
                total_s: seconds(t2 - t0),
            },
        )
    }
}

impl SitingModel for TargetRatio {
    type Plan = [usize];
    type Solution = Solution;

    fn goal(&self) -> Goal {
        Goal::Maximise
    }

    fn solve(&self, options: &SolveOptions) -> Result<Solution> {
        TargetRatio::solve(self, options)
    }

    fn plan_of(solution: &Solution) -> &[usize] {
        &solution.sites
    }

    fn objective_of(&self, sites: &[usize]) -> Result<f64> {
        check_plan_limits(
            self.reach.n_sites(),
            &self.fixed_open,
            self.new_sites,
            self.costs.as_deref(),
            self.budget,
            sites,
        )?;
        Ok(self.served_by(sites))
    }

    fn program(&self) -> Result<Program<'_, Self::Plan>> {
        self.validate()?;
        Ok(self.formulation())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reach() -> ReachTimes {
        ReachTimes::from_triplets(2, 2, [(0, 0, 100.0), (1, 1, 800.0)]).unwrap()
    }

    #[test]
    fn bad_capacity_target_or_limit_is_named() {
        let cases = [
            (vec![1.0, 0.0], 0.1, 900.0, "site 1 has capacity 0"),
            (vec![1.0], 0.1, 900.0, "1 capacities for 2 sites"),
            (vec![1.0, 1.0], 0.0, 900.0, "target"),
            (vec![1.0, 1.0], f64::NAN, 900.0, "target"),
            (vec![1.0, 1.0], 0.1, -1.0, "limit"),
        ];
        for (caps, target, limit, says) in cases {
            let e = TargetRatio::new(reach(), vec![1.0, 1.0], caps, target, limit)
                .unwrap_err()
                .to_string();
            assert!(e.contains(says), "{says}: {e}");
        }
        let bounded = reach().with_limit(900.0).unwrap();
        let e = TargetRatio::new(bounded, vec![1.0, 1.0], vec![1.0, 1.0], 0.1, 1200.0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("beyond the 900"), "{e}");
    }

    #[test]
    fn a_resident_beyond_the_limit_is_not_served() {
        let m = TargetRatio::new(reach(), vec![3.0, 5.0], vec![10.0, 10.0], 0.5, 600.0)
            .unwrap()
            .new_sites(2)
            .unwrap();
        let sol = m.solve(&SolveOptions::new()).unwrap();
        assert_eq!(sol.objective, 3.0);
        assert_eq!(m.objective_of(&[1]).unwrap(), 0.0);
    }
}

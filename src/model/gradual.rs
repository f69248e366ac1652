//! Gradual (decay-weighted) coverage: open at most `p` new sites (and/or stay
//! within a budget) so that `Σ_i w_i f(t_i)` is largest, where `t_i` is the
//! walk from demand point `i` to its nearest open site and `f` a [`Decay`]
//! (0 beyond its cutoff, and 0 with no open site in reach). A resident next
//! door counts 1, one at the cutoff 0, and one in between a share: coverage
//! that fades with the walk instead of stopping at a limit (Church & Roberts
//! 1983; Berman, Krass & Drezner 2003, "gradual covering"). Sites fixed open
//! (existing facilities) count and cost nothing.
//!
//! # Maximize Attendance
//! ArcGIS's location-allocation problem type "Maximize Attendance" chooses
//! facilities "such that as much demand weight as possible is allocated to
//! facilities while assuming the demand weight decreases in relation to the
//! distance between the facility and the demand point"; a demand point is
//! allocated to its nearest chosen facility, and one beyond the impedance
//! cutoff of every facility is not allocated (ArcGIS Pro documentation,
//! `LocationAllocationProblemType`, "Impedance cutoff"). Its objective is
//! therefore this one, `Σ_i w_i f(t_i)` over the nearest facility, with `f`
//! the share attending: the two are one model and differ only in where `f`
//! comes from. ArcGIS writes its impedance transformations as costs — linear
//! `impedance`, power `impedance^β`, exponential `e^(β·impedance)` — and
//! the share as a decreasing function of them; the pages we could consult do
//! not print that share, so `attendance` (in [`ModelKind`](super::ModelKind))
//! takes the reading stated there: linear is `1 - t / cutoff` (the default),
//! power `(t / min_s)^-β` flat below `min_s` (ArcGIS's `t^-β` is infinite at
//! `t = 0`), exponential `e^(-β t)`, each 0 beyond the impedance cutoff. The
//! mechanism is this one struct either way.
//!
//! # Formulation
//! `f` must not grow with the walk ([`Decay::check_non_increasing`]), so
//! `f` at the nearest open site is the largest `f` over the open sites. For
//! each demand point `i` of positive weight, its sites in reach are grouped
//! by their value into levels `v_i^1 > v_i^2 > … > v_i^K > 0` (sites at
//! equal value share a level: a step decay gives as many levels as steps).
//! A fixed site caps the levels: beyond the first level holding a fixed
//! site nothing counts, and its value is the floor `v_i^{K+1}` (0 without).
//! In the radius/level form of p-median (Elloumi 2010; García, Labbé &
//! Marín 2011), `z_i^k = 1` means "no open site at levels 1..k":
//!
//! `max Σ_i w_i (v_i^1 − Σ_k (v_i^k − v_i^{k+1}) z_i^k)` subject to
//! `z_i^1 + Σ_{j ∈ L_i^1} y_j ≥ 1`, `z_i^k − z_i^{k−1} + Σ_{j ∈ L_i^k} y_j ≥ 0`,
//! `Σ y_j ≤ p`, `Σ c_j y_j ≤ B`, `y` binary, `0 ≤ z ≤ 1`.
//!
//! Every `z` has a negative objective coefficient, so at an optimum each sits
//! at its lower bound, which is exactly "no open site so far". A greedy plan
//! (largest gain first) is the warm start.
//!
//! # Complexity
//! One binary per site that is not fixed, one continuous column and one row
//! per (demand point, level): at most the number of stored pairs, far fewer
//! with a step decay. Building is `O(nnz log nnz)`; the greedy start
//! `O(p · nnz)`; pricing a plan `O(nnz)`.
//!
//! # Example
//! ```
//! use lifecircle::instances::{Decay, ReachTimes};
//! use lifecircle::model::{GradualCoverage, SitingModel};
//! use lifecircle::solve::{SolveOptions, SolveStatus};
//!
//! // Three demand points, three sites; site 0 exists already.
//! let reach = ReachTimes::from_triplets(3, 3, [
//!     (0, 0, 600.0), (0, 1, 150.0), (1, 1, 300.0), (1, 2, 0.0), (2, 2, 450.0),
//! ]).unwrap();
//! let model = GradualCoverage::new(reach, vec![10.0, 4.0, 4.0], Decay::Linear { cutoff_s: 600.0 })
//!     .unwrap()
//!     .fixed_open(vec![0]).unwrap()
//!     .new_sites(1).unwrap();
//! let sol = model.solve(&SolveOptions::new()).unwrap();
//! // Site 1: 10 × 0.75 + 4 × 0.5 = 9.5; site 2: 10 × 0 + 4 × 1 + 4 × 0.25 = 5.
//! assert_eq!(sol.sites, vec![0, 1]);
//! assert_eq!(sol.objective, 9.5);
//! assert_eq!(sol.status, SolveStatus::Optimal);
//! assert_eq!(model.objective_of(&[0, 2]).unwrap(), 5.0);
//! ```

use std::time::Instant;

use super::checks::{
    check_limits, check_plan_limits, distinct_if_not, open_site_builders, site_cost,
};
use super::ties::programs::{ge, le, Sites};
use super::ties::Program;
use super::{Goal, SitingModel};
use crate::error::{Error, Result};
use crate::instances::coverage_sets::check_weights;
use crate::instances::{Decay, ReachTimes};
use crate::solve::mip::{self, Col, Sense};
use crate::solve::{
    interrupt, seconds, total, Deadline, PresolveStats, Solution, SolveOptions, Timings,
};

/// A gradual-coverage (or attendance) problem on sparse walking times.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GradualCoverage {
    /// Walking times by demand point.
    pub reach: ReachTimes,
    /// Weight (residents) of each demand point.
    pub weights: Vec<f64>,
    /// How a walk counts; must not grow with the walk.
    pub decay: Decay,
    /// At most this many sites besides the fixed ones (`None`: no count limit).
    pub new_sites: Option<usize>,
    /// Cost of each site (`None`: all cost 1).
    pub costs: Option<Vec<f64>>,
    /// Total cost allowed for the new sites (`None`: no budget).
    pub budget: Option<f64>,
    /// Sites open whatever the solver decides (existing facilities).
    pub fixed_open: Vec<usize>,
}

/// One demand point's levels: its value with no site of the levels open
/// (`floor`), and each level's value and sites, best first.
struct Levels {
    weight: f64,
    floor: f64,
    levels: Vec<(f64, Vec<usize>)>,
}

impl GradualCoverage {
    /// A problem with no limit yet; add [`new_sites`](Self::new_sites) or a [`budget`](Self::budget).
    ///
    /// # Errors
    /// [`Error::InvalidPopulation`](crate::Error::InvalidPopulation) for a
    /// NaN/negative weight; [`Error::InvalidParameter`](crate::Error::InvalidParameter)
    /// for a weight count that does not match, an invalid decay, one that
    /// grows with the walk, or one whose cutoff goes beyond the times' limit.
    pub fn new(reach: ReachTimes, weights: Vec<f64>, decay: Decay) -> Result<Self> {
        let s = Self {
            reach,
            weights,
            decay,
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
        check_weights(&self.weights, self.reach.n_demand())?;
        self.decay.validate()?;
        self.decay.check_non_increasing()?;
        self.reach
            .check_reach("decay cutoff_s", self.decay.cutoff_s())?;
        self.reach.check_sites("fixed_open", &self.fixed_open)?;
        let fixed = distinct_if_not(&self.fixed_open).unwrap_or_else(|| self.fixed_open.clone());
        check_limits(
            self.reach.n_sites(),
            &fixed,
            self.new_sites,
            self.costs.as_deref(),
            self.budget,
        )
    }

    /// `Σ_i w_i f(t_i)` of a plan, `t_i` the walk to its nearest site in `open`.
    ///
    /// # Panics
    /// If `weights` (set directly) is shorter than the demand points.
    pub fn value_of(&self, open: &[usize]) -> f64 {
        let n = self.reach.n_sites();
        let mut is_open = vec![false; n];
        open.iter()
            .filter(|&&j| j < n)
            .for_each(|&j| is_open[j] = true);
        total((0..self.reach.n_demand()).map(|i| {
            let nearest = self.reach.of_demand(i).find(|&(j, _)| is_open[j]);
            nearest.map_or(0.0, |(_, t)| self.weights[i] * self.decay.weight(t))
        }))
    }

    /// Each positive-weight demand point's levels (module docs), fixed sites capping them.
    fn levels(&self, fixed: &[usize]) -> Vec<Levels> {
        (0..self.reach.n_demand())
            .filter(|&i| self.weights[i] > 0.0)
            .map(|i| {
                let mut levels: Vec<(f64, Vec<usize>)> = Vec::new();
                let mut floor = 0.0;
                for (j, t) in self.reach.of_demand(i) {
                    let v = self.decay.weight(t);
                    if v <= 0.0 {
                        break;
                    }
                    if fixed.binary_search(&j).is_ok() {
                        floor = v;
                        break;
                    }
                    match levels.last_mut() {
                        Some((last, sites)) if *last == v => sites.push(j),
                        _ => levels.push((v, vec![j])),
                    }
                }
                // Levels no better than the floor change nothing.
                levels.retain(|(v, _)| *v > floor);
                Levels {
                    weight: self.weights[i],
                    floor,
                    levels,
                }
            })
            .collect()
    }

    /// The MIP of the module docs, with the levels it was built from.
    fn formulation(&self) -> (Program<'_, [usize]>, Vec<Levels>) {
        let sites = Sites::new(self.reach.n_sites(), &self.fixed_open, |_| 0.0);
        let all = self.levels(&sites.fixed);
        let first = sites.cols.len();
        let (mut cols, mut rows, mut constant) = (Vec::new(), Vec::new(), 0.0);
        for c in &all {
            let Some(&(best, _)) = c.levels.first() else {
                constant += c.weight * c.floor;
                continue;
            };
            constant += c.weight * best;
            for (k, (v, at)) in c.levels.iter().enumerate() {
                let next = c.levels.get(k + 1).map_or(c.floor, |l| l.0);
                let z = first + cols.len();
                cols.push(Col::continuous(-c.weight * (v - next), 0.0, 1.0));
                let mut coefs = vec![(z, 1.0)];
                coefs.extend(at.iter().filter_map(|&j| sites.col[j].map(|y| (y, 1.0))));
                if k == 0 {
                    rows.push(ge(coefs, 1.0));
                } else {
                    coefs.push((z - 1, -1.0));
                    rows.push(ge(coefs, 0.0));
                }
            }
        }
        if let Some(p) = self.new_sites {
            rows.push(le(sites.sum(|_| 1.0), p as f64));
        }
        if let Some(budget) = self.budget {
            let cost = |j| site_cost(self.costs.as_deref(), j);
            rows.push(le(sites.sum(cost), budget));
        }
        (
            sites.program(self, Sense::Maximise, cols, rows, constant),
            all,
        )
    }

    /// The greedy plan (new sites only): each step opens the affordable site
    /// of largest gain over the levels, until the count or budget is spent
    /// or nothing gains.
    fn greedy(&self, all: &[Levels], fixed: &[usize], deadline: Deadline) -> Vec<usize> {
        let n = self.reach.n_sites();
        let mut of_site: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        for (c, l) in all.iter().enumerate() {
            for (v, at) in &l.levels {
                at.iter().for_each(|&j| of_site[j].push((c, *v)));
            }
        }
        let mut value: Vec<f64> = all.iter().map(|l| l.floor).collect();
        let (mut open, mut left) = (Vec::new(), self.budget.unwrap_or(f64::INFINITY));
        let p = self.new_sites.unwrap_or(usize::MAX);
        let mut closed: Vec<bool> = (0..n).map(|j| fixed.binary_search(&j).is_ok()).collect();
        while open.len() < p && !deadline.over() {
            let gain = |j: usize| -> f64 {
                total(
                    of_site[j]
                        .iter()
                        .map(|&(c, v)| all[c].weight * (v - value[c]).max(0.0)),
                )
            };
            let best = (0..n)
                .filter(|&j| !closed[j] && site_cost(self.costs.as_deref(), j) <= left)
                .map(|j| (gain(j), j))
                .filter(|&(g, _)| g > 0.0)
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
            let Some((_, j)) = best else { break };
            closed[j] = true;
            left -= site_cost(self.costs.as_deref(), j);
            of_site[j]
                .iter()
                .for_each(|&(c, v)| value[c] = value[c].max(v));
            open.push(j);
        }
        open
    }

    /// Solves to proven optimality (or until the options' limits).
    ///
    /// # Errors
    /// What the builders report, for fields set directly; bad
    /// [`SolveOptions`]; [`Error::Solver`](crate::Error::Solver) if HiGHS fails.
    pub fn solve(&self, options: &SolveOptions) -> Result<Solution> {
        options.validate()?;
        self.validate()?;
        let t0 = Instant::now();
        let deadline = Deadline::new(t0, options);
        let (mut program, all) = self.formulation();
        let fixed = {
            let mut f = self.fixed_open.clone();
            f.sort_unstable();
            f.dedup();
            f
        };
        let t1 = Instant::now();
        interrupt::check()?;
        let start = self.greedy(&all, &fixed, deadline);
        program.mip.start = Some(self.start_values(&program, &all, &start));
        let t2 = Instant::now();
        interrupt::check()?;
        let result = match mip::solve(&program.mip, options, deadline) {
            // HiGHS refuses some starts of tiny programs; the greedy plan is
            // still compared with its answer below.
            Err(Error::Solver(m)) if m.starts_with("rejected warm start") => {
                program.mip.start = None;
                mip::solve(&program.mip, options, deadline)?
            }
            other => other?,
        };
        let t3 = Instant::now();
        let mut sites = fixed;
        sites.extend(
            program
                .elements
                .iter()
                .filter(|&&(col, _, _)| result.values[col] > 0.5)
                .map(|&(_, _, j)| j),
        );
        sites.sort_unstable();
        let mut objective = self.value_of(&sites);
        let start_value = self.value_of(&[&start[..], &self.fixed_open].concat());
        if start_value > objective {
            // HiGHS stopped (a limit) before it matched its own start.
            sites = [&start[..], &self.fixed_open].concat();
            sites.sort_unstable();
            sites.dedup();
            objective = start_value;
        }
        let most = total(
            all.iter()
                .map(|l| l.weight * l.levels.first().map_or(l.floor, |b| b.0)),
        );
        let bound = (result.bound + program.constant).min(most).max(objective);
        let mut in_reach = vec![false; self.reach.n_sites()];
        all.iter()
            .flat_map(|l| l.levels.iter().flat_map(|(_, at)| at))
            .for_each(|&j| in_reach[j] = true);
        Solution::new(
            sites,
            objective,
            bound,
            result.status,
            options.mip_gap,
            PresolveStats {
                demand_before: self.reach.n_demand(),
                demand_after: all.iter().filter(|l| !l.levels.is_empty()).count(),
                sites_before: program.elements.len(),
                sites_after: in_reach.iter().filter(|&&r| r).count(),
            },
            Timings {
                presolve_s: seconds(t1 - t0),
                heuristic_s: seconds(t2 - t1),
                mip_s: seconds(t3 - t2),
                total_s: seconds(t3 - t0),
            },
        )
    }

    /// The MIP's values for the plan `open` (new sites): `y`, then each `z`.
    fn start_values(
        &self,
        program: &Program<'_, [usize]>,
        all: &[Levels],
        open: &[usize],
    ) -> Vec<f64> {
        let mut v = vec![0.0; program.mip.cols.len()];
        for &(col, _, j) in &program.elements {
            if open.contains(&j) {
                v[col] = 1.0;
            }
        }
        let mut z = program.elements.len();
        for l in all {
            let mut none_yet = 1.0;
            for (_, at) in &l.levels {
                if at.iter().any(|j| open.contains(j)) {
                    none_yet = 0.0;
                }
                v[z] = none_yet;
                z += 1;
            }
        }
        v
    }
}

impl SitingModel for GradualCoverage {
    type Plan = [usize];
    type Solution = Solution;

    fn goal(&self) -> Goal {
        Goal::Maximise
    }

    fn solve(&self, options: &SolveOptions) -> Result<Solution> {
        GradualCoverage::solve(self, options)
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
        Ok(self.value_of(sites))
    }

    fn program(&self) -> Result<Program<'_, Self::Plan>> {
        self.validate()?;
        Ok(self.formulation().0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reach() -> ReachTimes {
        ReachTimes::from_triplets(2, 2, [(0, 0, 100.0), (1, 1, 800.0)])
            .unwrap()
            .with_limit(900.0)
            .unwrap()
    }

    #[test]
    fn a_decay_beyond_the_times_or_growing_is_refused() {
        let e = GradualCoverage::new(reach(), vec![1.0, 1.0], Decay::Linear { cutoff_s: 1200.0 })
            .unwrap_err()
            .to_string();
        assert!(e.contains("decay cutoff_s") && e.contains("900"), "{e}");
        let rising: Decay = "step:300=0.2,900=1".parse().unwrap();
        let e = GradualCoverage::new(reach(), vec![1.0, 1.0], rising)
            .unwrap_err()
            .to_string();
        assert!(e.contains("decay step 1 weight"), "{e}");
    }

    #[test]
    fn beyond_the_cutoff_counts_nothing() {
        let m = GradualCoverage::new(reach(), vec![3.0, 5.0], Decay::Linear { cutoff_s: 600.0 })
            .unwrap()
            .new_sites(2)
            .unwrap();
        let sol = m.solve(&SolveOptions::new()).unwrap();
        assert_eq!(sol.objective, 3.0 * (1.0 - 100.0 / 600.0));
        assert_eq!(m.objective_of(&[1]).unwrap(), 0.0);
        assert!(m.objective_of(&[0, 1, 2]).is_err());
    }
}

//! The solve of a [`JointPlan`]: one uncapacitated service maximising
//! coverage goes to [`MaxCoverage`]; every other plan is presolved, built as
//! one MIP and warm-started from the greedy, with a second MIP for equity
//! (the most weight among the plans with the best share).

use std::time::Instant;

use super::{JointObjective, JointPlan, JointSolution, ServicePlan};
use crate::error::{Error, Result};
use crate::instances::CoverageSets;
use crate::model::MaxCoverage;
use crate::solve::mip::{self, Col};
use crate::solve::{
    finite_figures, interrupt, relative_gap, seconds, total, Deadline, SolveOptions, SolveStatus,
    Timings,
};

impl JointPlan {
    /// Solves the plan exactly (within the options' time limit and gap).
    ///
    /// For [`JointObjective::MinShare`] the objective, bound and gap are those
    /// of the share; the second MIP only picks, among plans with that share,
    /// one covering the most weight (if the first MIP was not proven optimal,
    /// or the second one fails, its plan is returned as it is).
    ///
    /// # Errors
    /// [`Error::Infeasible`] when no plan within the limits covers every
    /// coverable row ([`JointObjective::MinCost`]), naming the capacitated
    /// services whose capacity falls short; [`Error::Solver`] if HiGHS fails.
    pub fn solve(&self, options: &SolveOptions) -> Result<JointSolution> {
        options.validate()?;
        self.validate()?;
        if let Some(solution) = self.solve_as_max_coverage(options)? {
            return Ok(solution);
        }
        let t0 = Instant::now();
        let deadline = Deadline::new(t0, options);
        let prep = self.prepare();
        interrupt::check()?;
        let t1 = Instant::now();
        let (mut model, layout) = self.build(&prep);
        model.start = self.greedy_start(&prep, &layout, model.cols.len());
        let t2 = Instant::now();

        let result = match mip::solve(&model, options, deadline) {
            Err(Error::Infeasible { .. }) if self.objective == JointObjective::MinCost => {
                return Err(self.explain_infeasible(options, deadline));
            }
            other => other?,
        };
        let values = match (self.objective, layout.t) {
            (JointObjective::MinShare, Some(t)) if result.status == SolveStatus::Optimal => {
                // Phase 2: the most weight among the plans with the best share.
                for (s, d) in prep.services.iter().enumerate() {
                    for (g, cols) in d.groups.iter().zip(&layout.served[s]) {
                        cols.clone().for_each(|c| model.cols[c].cost = g.weight);
                    }
                }
                model.cols[t] = Col::continuous(0.0, result.values[t] * (1.0 - 1e-9), 1.0);
                let mut start = result.values.clone();
                model
                    .cols
                    .iter()
                    .zip(&mut start)
                    .filter(|(c, _)| c.integer)
                    .for_each(|(_, v)| *v = v.round());
                model.start = Some(start);
                match mip::solve(&model, options, deadline) {
                    Ok(second) => second.values,
                    Err(Error::Interrupted) => return Err(Error::Interrupted),
                    Err(_) => result.values,
                }
            }
            _ => result.values,
        };
        let t3 = Instant::now();

        let services = self.extract(&prep, &layout, &values);
        let mut sites_opened: Vec<usize> = services
            .iter()
            .flat_map(|p| p.new_sites.iter().copied())
            .collect();
        sites_opened.sort_unstable();
        sites_opened.dedup();
        let cost = total(sites_opened.iter().map(|&j| self.cost(j)));
        // Each bound is capped by what no plan can pass (all the weight, a
        // share of 1, a cost of 0) when the MIP stopped without one.
        let (objective, bound) = match self.objective {
            JointObjective::Coverage => {
                let objective: f64 = services.iter().map(|p| p.covered).sum();
                let constant: f64 = prep.services.iter().flat_map(|d| &d.zone_covered).sum();
                let most: f64 = services.iter().map(|p| p.weight).sum();
                (
                    objective,
                    (result.bound + constant).min(most).max(objective),
                )
            }
            JointObjective::MinShare => {
                let objective = self.min_share(&services);
                (objective, result.bound.min(1.0).max(objective))
            }
            JointObjective::MinCost => (cost, result.bound.max(0.0).min(cost)),
        };
        finite_figures(objective, bound)?;
        let gap = relative_gap(objective, bound);
        Ok(JointSolution {
            services,
            cost,
            sites_opened,
            objective,
            bound,
            gap,
            status: result.status.at_gap(gap, options.mip_gap),
            presolve: prep.stats,
            timings: Timings {
                presolve_s: seconds(t1 - t0),
                heuristic_s: seconds(t2 - t1),
                mip_s: seconds(t3 - t2),
                total_s: seconds(t3 - t0),
            },
        })
    }

    /// One uncapacitated service maximising coverage is maximal coverage:
    /// [`MaxCoverage`]'s Lagrangian bound and site dropping carry it to city
    /// size, where this module's general MIP would not. `None` for other plans.
    fn solve_as_max_coverage(&self, options: &SolveOptions) -> Result<Option<JointSolution>> {
        let [s] = self.services.as_slice() else {
            return Ok(None);
        };
        if self.objective != JointObjective::Coverage || s.capacitated() {
            return Ok(None);
        }
        let n = self.n_sites;
        let (fixed, new) = (s.fixed_mask(n), s.new_mask(n));
        // A site that may not host the service covers nothing for it.
        let sets = (0..n)
            .map(|j| match fixed[j] || new[j] {
                true => s.coverage.site(j).iter().map(|&i| i as usize).collect(),
                false => Vec::new(),
            })
            .collect();
        let coverage = CoverageSets::from_sets(s.weights.len(), sets)?;
        let mut model = MaxCoverage::new(coverage.clone(), s.weights.clone())?
            .fixed_open(s.fixed_open.clone())?;
        if let Some(p) = s.max_new {
            model = model.new_sites(p)?;
        }
        if let Some(budget) = self.budget {
            model = model.budget((0..n).map(|j| self.cost(j)).collect(), budget)?;
        }
        let sol = model.solve(options)?;
        let new_sites: Vec<usize> = sol.sites.iter().copied().filter(|&j| !fixed[j]).collect();
        let open = coverage.covered(&sol.sites);
        let served: Vec<f64> = open.iter().map(|&c| f64::from(u8::from(c))).collect();
        let reachable = coverage.covered(&(0..n).collect::<Vec<_>>());
        let cost = total(new_sites.iter().map(|&j| self.cost(j)));
        Ok(Some(JointSolution {
            services: vec![ServicePlan {
                name: s.name.clone(),
                covered: s.weights.iter().zip(&served).map(|(w, v)| w * v).sum(),
                weight: s.weights.iter().sum(),
                uncoverable: (0..s.weights.len())
                    .filter(|&i| s.weights[i] > 0.0 && !reachable[i])
                    .collect(),
                new_sites: new_sites.clone(),
                served,
            }],
            cost,
            sites_opened: new_sites,
            objective: sol.objective,
            bound: sol.bound,
            gap: sol.gap,
            status: sol.status,
            presolve: sol.presolve,
            timings: sol.timings,
        }))
    }
}

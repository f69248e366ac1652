//! The `[plan]` objectives that weigh the walk or the room: gradual coverage
//! (`objective = "gradual"`), ArcGIS's Maximize Attendance (`"attendance"`)
//! and the target ratio (`"target_ratio"`). Each planned service is its own
//! model ([`GradualCoverage`], [`TargetRatio`]) on the walking seconds of its
//! age rows (the 60+ at their pace), over its existing facilities (fixed
//! open) and the candidates that may host it; the answers are put together
//! as a [`JointSolution`], so that the plan's outcomes, gap tables and maps
//! are those of every other objective.
//!
//! Services share nothing in these models, so a `budget` (which several
//! services would share) is taken with one planned service only.

use crate::coverage::site_rows;
use crate::error::{Error, Result};
use crate::instances::{Decay, ReachTimes};
use crate::model::kind::attendance_decay;
use crate::model::{GradualCoverage, JointService, JointSolution, ServicePlan, TargetRatio};
use crate::outcome::Objective;
use crate::solve::{relative_gap, PresolveStats, Solution, SolveOptions, SolveStatus, Timings};

use super::{baseline, AgeSplit, Planner, Sites};

/// One planned service's model, over its own sites (`local` → the plan's site index).
enum WalkModel {
    Gradual(GradualCoverage),
    Ratio(TargetRatio),
}

impl WalkModel {
    fn solve(&self, options: &SolveOptions) -> Result<Solution> {
        match self {
            WalkModel::Gradual(m) => m.solve(options),
            WalkModel::Ratio(m) => m.solve(options),
        }
    }
}

impl Planner<'_> {
    /// How far a planned service's walks count under the plan's objective, in seconds.
    fn walk_reach_s(&self, limit_min: f64) -> Result<f64> {
        Ok(match self.plan.objective {
            Objective::Gradual => self.decay(limit_min * 60.0)?.cutoff_s(),
            _ => limit_min * 60.0,
        })
    }

    /// The decay of `gradual` and `attendance` for a walking limit of `limit_s`.
    fn decay(&self, limit_s: f64) -> Result<Decay> {
        let named = |e: Error| Error::param("plan.decay", e.to_string());
        match self.plan.objective {
            Objective::Attendance => {
                attendance_decay(limit_s, self.plan.decay.clone()).map_err(named)
            }
            _ => {
                let d = self
                    .plan
                    .decay
                    .clone()
                    .unwrap_or(Decay::Linear { cutoff_s: limit_s });
                d.validate().map_err(named)?;
                Ok(d)
            }
        }
    }

    /// The longest walk, in minutes at the faster pace, that the planned
    /// services' models count: what the candidates are walked from.
    pub(super) fn reach_minutes(&self) -> Result<f64> {
        let mut most = 0.0f64;
        for s in &self.planned {
            let reach_s = if self.plan.objective.by_walk() {
                self.walk_reach_s(s.walking_limit_min)?
            } else {
                s.walking_limit_min * 60.0
            };
            most = most.max(reach_s / 60.0);
        }
        Ok(most)
    }

    /// Solves the plan's objective service by service; with the share of
    /// each demand row served before the plan (the same model with only the
    /// existing facilities, so that before and after count alike).
    pub(super) fn solve_by_walk(
        &self,
        services: &[JointService],
        splits: &[AgeSplit],
        sites: &Sites,
        options: &SolveOptions,
    ) -> Result<(JointSolution, Vec<Vec<f64>>)> {
        if self.plan.budget.is_some() && services.len() > 1 {
            return Err(Error::param(
                "plan.budget",
                format!(
                    "objective {} sites each service on its own, so a budget is taken with one planned service, not {}",
                    self.plan.objective.name(),
                    services.len()
                ),
            ));
        }
        let costs = sites.costs();
        let (mut plans, mut befores, mut solutions) = (Vec::new(), Vec::new(), Vec::new());
        for (js, split) in services.iter().zip(splits) {
            let (model, local) = self.walk_model(js, split, sites, &costs)?;
            let sol = model.solve(options)?;
            let fixed = |k: usize| js.fixed_open.contains(&local[k]);
            let mut new: Vec<usize> = sol
                .sites
                .iter()
                .filter(|&&k| !fixed(k))
                .map(|&k| local[k])
                .collect();
            new.sort_unstable();
            let (before, served) = match &model {
                WalkModel::Ratio(m) => {
                    let k_fixed: Vec<usize> = (0..local.len()).filter(|&k| fixed(k)).collect();
                    let share = |open: &[usize]| -> Vec<f64> {
                        m.served_each(open)
                            .iter()
                            .zip(&m.weights)
                            .map(|(s, w)| if *w > 0.0 { (s / w).min(1.0) } else { 0.0 })
                            .collect()
                    };
                    (share(&k_fixed), share(&sol.sites))
                }
                WalkModel::Gradual(_) => {
                    let open: Vec<usize> = js.fixed_open.iter().chain(&new).copied().collect();
                    (
                        baseline(js, sites.count(), options)?,
                        served_with(js, &open, sites.count(), options)?,
                    )
                }
            };
            let mut reachable = js.fixed_open.clone();
            reachable.extend(js.hosts.iter().flatten());
            let in_reach = js.coverage.covered(&reachable);
            plans.push(ServicePlan {
                name: js.name.clone(),
                new_sites: new,
                covered: js.weights.iter().zip(&served).map(|(w, s)| w * s).sum(),
                weight: js.weights.iter().sum(),
                served,
                uncoverable: (0..js.weights.len())
                    .filter(|&r| js.weights[r] > 0.0 && !in_reach[r])
                    .collect(),
            });
            befores.push(before);
            solutions.push(sol);
        }
        let mut sites_opened: Vec<usize> = plans.iter().flat_map(|p| p.new_sites.clone()).collect();
        sites_opened.sort_unstable();
        sites_opened.dedup();
        let objective: f64 = solutions.iter().map(|s| s.objective).sum();
        let bound: f64 = solutions.iter().map(|s| s.bound).sum();
        let status = solutions
            .iter()
            .map(|s| s.status)
            .find(|&s| s != SolveStatus::Optimal)
            .unwrap_or(SolveStatus::Optimal);
        let sum = |f: fn(&Solution) -> f64| solutions.iter().map(f).sum::<f64>();
        let count = |f: fn(&PresolveStats) -> usize| solutions.iter().map(|s| f(&s.presolve)).sum();
        let solution = JointSolution {
            cost: plans
                .iter()
                .flat_map(|p| &p.new_sites)
                .map(|&j| costs[j])
                .sum(),
            services: plans,
            sites_opened,
            objective,
            bound,
            gap: relative_gap(objective, bound),
            status,
            presolve: PresolveStats {
                demand_before: count(|p| p.demand_before),
                demand_after: count(|p| p.demand_after),
                sites_before: count(|p| p.sites_before),
                sites_after: count(|p| p.sites_after),
            },
            timings: Timings {
                presolve_s: sum(|s| s.timings.presolve_s),
                heuristic_s: sum(|s| s.timings.heuristic_s),
                mip_s: sum(|s| s.timings.mip_s),
                total_s: sum(|s| s.timings.total_s),
            },
        };
        Ok((solution, befores))
    }

    /// The model of one planned service over its existing facilities and
    /// the candidates hosting it; and the plan's site index of each of its sites.
    fn walk_model(
        &self,
        js: &JointService,
        split: &[(f64, f64)],
        sites: &Sites,
        costs: &[f64],
    ) -> Result<(WalkModel, Vec<usize>)> {
        let p = self.p;
        let svc = p.catalogue.get(&js.name)?;
        let limit_s = svc.walking_limit_min * 60.0;
        let reach_s = self.walk_reach_s(svc.walking_limit_min)?;
        let searched_s = self.speeds.reach_minutes(p.facility_m.limit_s()) * 60.0;
        if reach_s > searched_s * (1.0 + 1e-12) {
            return Err(Error::param(
                "plan.decay",
                format!(
                    "{} counts walks of up to {reach_s} s, but facilities were searched only {searched_s} s away at the faster pace: raise search_minutes",
                    svc.key
                ),
            ));
        }
        let mut local = js.fixed_open.clone();
        local.extend(js.hosts.iter().flatten());
        let mut triplets = Vec::new();
        for (k, &j) in local.iter().enumerate() {
            let metres: Box<dyn Iterator<Item = (usize, f64)>> =
                match j.checked_sub(sites.existing.len()) {
                    None => Box::new(p.facility_m.row(sites.existing[j])),
                    Some(c) => Box::new(sites.metres.row(c)),
                };
            for (row, minutes) in site_rows(metres, reach_s / 60.0, self.speeds, true) {
                triplets.push((row, k, (minutes * 60.0).min(reach_s)));
            }
        }
        let reach = ReachTimes::from_triplets(2 * split.len(), local.len(), triplets)?
            .with_limit(reach_s)?;
        let fixed: Vec<usize> = (0..js.fixed_open.len()).collect();
        let local_costs: Vec<f64> = local.iter().map(|&j| costs[j]).collect();
        let model = match self.plan.objective {
            Objective::TargetRatio => {
                let target = self.plan.target.ok_or_else(|| {
                    Error::param(
                        "plan.target",
                        "objective target_ratio needs target (supply per resident served)",
                    )
                })?;
                let capacity = |j: usize| {
                    let own = js.site_capacity.iter().find(|c| c.0 == j).map(|c| c.1);
                    own.or(js.capacity).ok_or_else(|| {
                        Error::param(
                            "plan.capacity",
                            format!("objective target_ratio needs the capacity of {} ([plan] capacity, the catalogue or the candidate's)", svc.key),
                        )
                    })
                };
                let capacities = local
                    .iter()
                    .map(|&j| capacity(j))
                    .collect::<Result<Vec<_>>>()?;
                // A capacity counts residents, whatever their weight.
                let mut m = TargetRatio::new(reach, js.loads.clone(), capacities, target, limit_s)?
                    .fixed_open(fixed)?;
                if let Some(n) = js.max_new {
                    m = m.new_sites(n)?;
                }
                if let Some(b) = self.plan.budget {
                    m = m.budget(local_costs, b)?;
                }
                WalkModel::Ratio(m)
            }
            _ => {
                let decay = self.decay(limit_s)?;
                let mut m =
                    GradualCoverage::new(reach, js.weights.clone(), decay)?.fixed_open(fixed)?;
                if let Some(n) = js.max_new {
                    m = m.new_sites(n)?;
                }
                if let Some(b) = self.plan.budget {
                    m = m.budget(local_costs, b)?;
                }
                WalkModel::Gradual(m)
            }
        };
        Ok((model, local))
    }
}

impl Objective {
    /// Whether the objective is one of this module's (a model per service on walking times).
    pub(crate) fn by_walk(self) -> bool {
        matches!(
            self,
            Objective::Gradual | Objective::Attendance | Objective::TargetRatio
        )
    }
}

/// Share of each demand row covered (served, under a capacity) with the
/// sites `open` and no other: the plan's joint model with nothing left to choose.
fn served_with(
    js: &JointService,
    open: &[usize],
    n_sites: usize,
    options: &SolveOptions,
) -> Result<Vec<f64>> {
    baseline(
        &JointService {
            fixed_open: open.to_vec(),
            ..js.clone()
        },
        n_sites,
        options,
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::outcome::PlanReport;
    use crate::scenario::Scenario;

    fn demo(objective: Objective, edit: impl FnOnce(&mut crate::scenario::PlanSpec)) -> Scenario {
        let mut s = Scenario::from_file(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("data/helsinki/centroids.toml"),
        )
        .unwrap();
        let plan = s.plan.as_mut().unwrap();
        plan.objective = objective;
        edit(plan);
        s
    }

    fn run(s: &Scenario) -> PlanReport {
        s.run().unwrap().report
    }

    #[test]
    fn a_unit_step_to_the_limit_is_max_coverage_and_a_fading_walk_counts_less() {
        // The joint MCLP (an independent model) gives the coverage optimum.
        let coverage = run(&demo(Objective::Coverage, |_| {}));
        let step = run(&demo(Objective::Gradual, |p| {
            p.decay = Some(Decay::two_step(8.0 * 60.0));
        }));
        assert_eq!(step.status, SolveStatus::Optimal);
        assert!(
            (step.objective - coverage.objective).abs() <= 1e-6 * coverage.objective,
            "{} vs {}",
            step.objective,
            coverage.objective
        );
        let linear = run(&demo(Objective::Attendance, |_| {}));
        assert_eq!(linear.objective_kind, Objective::Attendance);
        assert!(linear.objective < coverage.objective && linear.objective > 0.0);
        assert!(linear.bound >= linear.objective && linear.gap == 0.0);
        assert_eq!(linear.services[0].new.len(), 2);
        // The plan's access indices: the new pharmacies are counted after, not before.
        let a = &linear.access[0];
        assert_eq!(a.after.facilities, a.before.facilities + 2);
        assert_eq!(a.after.threshold, a.before.threshold);
        assert!(a.after.all.out_of_reach <= a.before.all.out_of_reach);
        assert!(a.after.all.underserved <= a.before.all.underserved + 1e-12);
        assert!(a.after.all.cumulative > a.before.all.cumulative);
        let row = &crate::outcome::report_rows("linear", &linear)[0];
        assert_eq!(row.two_sfca_after, Some(a.after.all.two_sfca));
        assert_eq!(row.underserved_before, Some(a.before.all.underserved));
        let text = crate::report::plan_text(&linear);
        assert!(
            text.contains("Access over the area, before -> after"),
            "{text}"
        );
    }

    #[test]
    fn the_target_ratio_serves_whom_the_room_allows() {
        // Room for everyone: the target ratio serves whom coverage covers.
        let coverage = run(&demo(Objective::Coverage, |_| {}));
        let roomy = run(&demo(Objective::TargetRatio, |p| {
            p.capacity.insert("pharmacy".into(), 1e6);
            p.target = Some(1.0);
        }));
        assert!(
            (roomy.objective - coverage.objective).abs() <= 1e-6 * coverage.objective,
            "{} vs {}",
            roomy.objective,
            coverage.objective
        );
        // 50 places at 1 per resident: each pharmacy serves at most 50.
        let tight = run(&demo(Objective::TargetRatio, |p| {
            p.capacity.insert("pharmacy".into(), 50.0);
            p.target = Some(1.0);
        }));
        let s = &tight.services[0];
        let open = (s.existing.len() + s.new.len()) as f64;
        assert!(tight.objective <= 50.0 * open + 1e-6, "{}", tight.objective);
        assert!((s.covered_after - tight.objective).abs() <= 1e-6 * tight.objective.max(1.0));
        assert!(s.covered_before <= 50.0 * s.existing.len() as f64 + 1e-6);
    }

    #[test]
    fn bad_objective_settings_are_named() {
        let err = |s: Scenario| s.run().unwrap_err().to_string();
        let e = err(demo(Objective::TargetRatio, |p| {
            p.capacity.insert("pharmacy".into(), 50.0);
        }));
        assert!(e.contains("plan.target"), "{e}");
        let e = err(demo(Objective::TargetRatio, |p| p.target = Some(0.5)));
        assert!(e.contains("plan.capacity") && e.contains("pharmacy"), "{e}");
        let e = err(demo(Objective::TargetRatio, |p| {
            p.capacity.insert("pharmacy".into(), 50.0);
            p.target = Some(-1.0);
        }));
        assert!(e.contains("target"), "{e}");
        let e = err(demo(Objective::Gradual, |p| {
            p.decay = Some(Decay::Linear { cutoff_s: f64::NAN });
        }));
        assert!(e.contains("plan.decay"), "{e}");
        let e = err(demo(Objective::Attendance, |p| {
            p.decay = Some(Decay::Gaussian { cutoff_s: 480.0 });
        }));
        assert!(
            e.contains("plan.decay") && e.contains("linear, power or exponential"),
            "{e}"
        );
        let e = err(demo(Objective::Gradual, |p| {
            p.decay = Some(Decay::Linear { cutoff_s: 7200.0 });
        }));
        assert!(e.contains("raise search_minutes"), "{e}");
        let e = err(demo(Objective::Gradual, |p| {
            p.new_sites.insert("supermarket".into(), 1);
            p.budget = Some(2.0);
        }));
        assert!(e.contains("plan.budget"), "{e}");
        let e = err(demo(Objective::Gradual, |p| p.alternatives = Some(2)));
        assert!(e.contains("plan.alternatives"), "{e}");
    }
}

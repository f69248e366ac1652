//! A scenario's `[plan]` on prepared inputs, one step per function: the
//! candidate sites, the demand rows by age group, one joint service per
//! planned service, the solve, the gap analysis once the plan is built, and
//! the outcomes.
//!
//! Each demand point `i` is two demand rows of the joint model, as its
//! residents aged 60+ walk at their own pace: row `2i` holds them, row
//! `2i + 1` the others ([`elderly_row`], [`others_row`], [`point_of`]).

use std::time::Instant;

use crate::coverage::{site_rows, GapReport, Speeds};
use crate::error::{Error, Result};
use crate::model::{
    alternatives, CoverageSets, JointObjective, JointPlan, JointService, JointSolution, ServicePlan,
};
use crate::network::{Snapped, Snapper};
use crate::outcome::{
    AccessChange, DemandOutcome, Geometry, NewSite, Objective, PlanReport, PlannedSite, Run,
    ServiceIsochrones, ServiceOutcome, Site, TiedPlans,
};
use crate::services::Service;
use crate::sites::{read_candidates_csv, CandidateSite};
use crate::solve::{SolveOptions, SolveStatus};
use crate::travel::TravelTimes;

use super::access::NewFacilities;
use super::prepare::{CurrentGaps, Prepared};
use super::{PlanSpec, Scenario};

mod siting;

/// Per demand point, the served weight of its residents aged 60+ and of the
/// rest (a service for the 60+ serves only the first).
type AgeSplit = Vec<(f64, f64)>;

/// The demand row of the residents aged 60+ of demand point `i`.
fn elderly_row(i: usize) -> usize {
    2 * i
}

/// The demand row of the other residents of demand point `i`.
fn others_row(i: usize) -> usize {
    2 * i + 1
}

/// The demand point of a demand row.
fn point_of(row: usize) -> usize {
    row / 2
}

impl Scenario {
    /// The plan on inputs already prepared (by this scenario, or by one that
    /// differs from it only in its `[plan]` and listed its services as extra).
    pub(super) fn plan_prepared(&self, p: &Prepared) -> Result<Run<PlanReport>> {
        self.validate()?;
        let plan = self
            .plan
            .as_ref()
            .ok_or_else(|| Error::param("plan", "the scenario has no [plan] table"))?;
        let planner = Planner::new(self, plan, p);
        let before = p.current_gaps(&planner.analysed, self)?;
        let t_coverage = Instant::now();
        let sites = planner.sites()?;
        let t_candidates = Instant::now();
        let (model, splits) = planner.model(&sites)?;
        let options = SolveOptions::new().time_limit(plan.time_limit_s)?;
        let (solution, baselines) = if plan.objective.by_walk() {
            if plan.alternatives.is_some() {
                return Err(Error::param(
                    "plan.alternatives",
                    format!(
                        "other optimal plans are looked for under the joint objectives, not {}",
                        plan.objective.name()
                    ),
                ));
            }
            planner.solve_by_walk(&model.services, &splits, &sites, &options)?
        } else {
            let solution = model.solve(&options)?;
            let baselines = (model.services.iter())
                .map(|js| baseline(js, model.n_sites, &options))
                .collect::<Result<Vec<_>>>()?;
            (solution, baselines)
        };
        let t_solve = Instant::now();
        let alternatives = plan
            .alternatives
            .map(|k| tied_plans(&model, &solution, &sites, k, &options))
            .transpose()?;
        let (new_sites, from_new) = planner.walk_from_new(&before, &sites, &solution)?;
        let after = planner.gaps_after(&before, &new_sites, &from_new)?;
        let access = planner.access_changes(&splits, &new_sites, &from_new, &sites)?;
        let (services, demand_points) =
            planner.outcomes(&model, &solution, &splits, &baselines, &sites)?;
        let isochrones = planner.isochrones(&model, &solution, &sites)?;
        let mut seconds = p.seconds(t_coverage, t_solve);
        // Walking from the candidates is travel, though it runs after the coverage tables.
        let candidates_s = (t_candidates - t_coverage).as_secs_f64();
        seconds.travel += candidates_s;
        seconds.solve -= candidates_s;
        Ok(Run {
            report: PlanReport {
                objective_kind: plan.objective,
                objective: solution.objective,
                bound: solution.bound,
                gap: solution.gap,
                status: solution.status,
                cost: solution.cost,
                budget: plan.budget,
                elderly_weight: plan.elderly_weight,
                speeds: planner.speeds,
                candidates: sites.candidates.len(),
                sites: services
                    .iter()
                    .flat_map(|s| {
                        s.new.iter().map(|site| NewSite {
                            service: s.service.clone(),
                            site: site.clone(),
                        })
                    })
                    .collect(),
                covered_before: services.iter().map(|s| s.covered_before).sum(),
                covered_after: services.iter().map(|s| s.covered_after).sum(),
                services,
                presolve: solution.presolve,
                current: before.report.totals,
                after: after.totals,
                zones_before: before.report.zones,
                zones_after: after.zones,
                skipped: before.report.skipped,
                search_minutes: before.report.search_minutes,
                network: p.network_summary(),
                demand: p.demand_summary(),
                seconds,
                alternatives,
                access,
            },
            geometry: Geometry {
                demand_points,
                streets: p.streets(),
                isochrones,
                zones: p.zone_outlines(),
                ..Geometry::default()
            },
        })
    }
}

/// A plan in the making: the scenario, its `[plan]`, the prepared inputs and
/// the services it sites and analyses.
struct Planner<'a> {
    scenario: &'a Scenario,
    plan: &'a PlanSpec,
    p: &'a Prepared,
    speeds: Speeds,
    /// The planned services, in catalogue order.
    planned: Vec<&'a Service>,
    /// The services of the gap tables: the gap services, then the planned
    /// ones not among them.
    analysed: Vec<&'a Service>,
}

/// The sites of the joint model: the planned services' existing facilities
/// (sites `0..existing.len()`), then the candidates.
struct Sites {
    /// Rows of [`Prepared::facilities`] of the planned services.
    existing: Vec<usize>,
    candidates: Vec<CandidateSite>,
    /// Where each candidate joins the network.
    snapped: Vec<Vec<Snapped>>,
    /// Metres from each candidate to each demand point, up to the longest
    /// walking limit of the planned services (or decay cutoff, with
    /// `objective = "gradual"`).
    metres: TravelTimes,
}

impl Sites {
    fn count(&self) -> usize {
        self.existing.len() + self.candidates.len()
    }

    /// The candidate at site index `j` (one after the existing facilities).
    fn candidate(&self, j: usize) -> usize {
        j - self.existing.len()
    }

    /// Site costs: none for the existing facilities.
    fn costs(&self) -> Vec<f64> {
        let mut costs = vec![0.0; self.existing.len()];
        costs.extend(self.candidates.iter().map(|c| c.cost));
        costs
    }
}

impl<'a> Planner<'a> {
    fn new(scenario: &'a Scenario, plan: &'a PlanSpec, p: &'a Prepared) -> Self {
        // Planned services in catalogue order; the gap analysis covers them too.
        let planned: Vec<&Service> = p
            .catalogue
            .services
            .iter()
            .filter(|s| plan.new_sites.contains_key(&s.key) || plan.services.contains(&s.key))
            .collect();
        let mut analysed = scenario.gap_services(&p.catalogue);
        for svc in &planned {
            if !analysed.iter().any(|a| a.key == svc.key) {
                analysed.push(svc);
            }
        }
        Self {
            scenario,
            plan,
            p,
            speeds: scenario.speeds(),
            planned,
            analysed,
        }
    }

    /// Where new facilities may go: the candidate table, or network nodes
    /// (intersections unless `candidates = "all_nodes"`).
    fn candidates(&self) -> Result<Vec<CandidateSite>> {
        let (net, plan) = (&self.p.network, self.plan);
        Ok(match &plan.candidate_sites {
            Some(path) => {
                let crs = plan.candidate_sites_crs.unwrap_or_default();
                let mut sites = read_candidates_csv(path, &self.p.catalogue, plan.site_cost)?;
                for c in &mut sites {
                    (c.lon, c.lat) = crs.to_wgs84(c.lon, c.lat);
                }
                sites
            }
            None => (plan.candidates.unwrap_or_default().nodes(net).into_iter())
                .map(|v| {
                    let n = net.node(v);
                    CandidateSite {
                        id: n.id.to_string(),
                        lon: n.lon,
                        lat: n.lat,
                        cost: plan.site_cost,
                        services: None,
                        capacity: None,
                    }
                })
                .collect(),
        })
    }

    /// The sites of the model: the planned services' existing facilities and
    /// the candidates, snapped, with the walk from each candidate.
    fn sites(&self) -> Result<Sites> {
        let p = self.p;
        let candidates = self.candidates()?;
        let snapper = Snapper::new(&p.network);
        let snapped = candidates
            .iter()
            .map(|c| {
                snapper.attach_site(
                    &format!("candidate site {}", c.id),
                    c.lon,
                    c.lat,
                    self.scenario.max_snap_m,
                )
            })
            .collect::<Result<Vec<_>>>()?;
        let reach_m = self.speeds.reach_m(self.reach_minutes()?);
        let metres = TravelTimes::compute(&p.network, &snapped, &p.snapped, 1.0, reach_m)?;
        let existing = (0..p.facilities.len())
            .filter(|&r| self.planned.iter().any(|s| s.key == p.facilities[r].0))
            .collect();
        Ok(Sites {
            existing,
            candidates,
            snapped,
            metres,
        })
    }

    /// The demand rows within `svc`'s walking limit of a site, given the
    /// site's metres to each demand point: the residents aged 60+ at their
    /// pace, the others at the adult pace ([`crate::coverage::site_rows`]).
    fn age_rows(&self, svc: &Service, metres: impl Iterator<Item = (usize, f64)>) -> Vec<usize> {
        site_rows(metres, svc.walking_limit_min, self.speeds, true)
            .map(|(row, _)| row)
            .collect()
    }

    /// The joint model's service for `svc`, whose residents split by age as
    /// `split` says: the rows each site covers (its own existing facilities
    /// fixed open, candidates that may host it), the rows' weights and loads.
    fn joint_service(
        &self,
        svc: &Service,
        split: &[(f64, f64)],
        sites: &Sites,
    ) -> Result<JointService> {
        let (p, plan) = (self.p, self.plan);
        let n = p.inside.len();
        let mut sets: Vec<Vec<usize>> = Vec::with_capacity(sites.count());
        let mut fixed = Vec::new();
        for (k, &r) in sites.existing.iter().enumerate() {
            let mine = p.facilities[r].0 == svc.key;
            sets.push(if mine {
                self.age_rows(svc, p.facility_m.row(r))
            } else {
                Vec::new()
            });
            if mine {
                fixed.push(k);
            }
        }
        for (c, cand) in sites.candidates.iter().enumerate() {
            sets.push(if cand.hosts(&svc.key) {
                self.age_rows(svc, sites.metres.row(c))
            } else {
                Vec::new()
            });
        }
        // Candidates that may take this service, as site indices (after the existing ones).
        let n_existing = sites.existing.len();
        let hosting: Vec<usize> = (0..sites.candidates.len())
            .filter(|&c| sites.candidates[c].hosts(&svc.key))
            .collect();
        Ok(JointService {
            name: svc.key.clone(),
            coverage: CoverageSets::from_sets(2 * n, sets)?,
            weights: split
                .iter()
                .flat_map(|&(old, rest)| [old * plan.elderly_weight, rest])
                .collect(),
            // A capacity counts residents, whatever their weight.
            loads: split.iter().flat_map(|&(old, rest)| [old, rest]).collect(),
            zones: (0..2 * n).map(|row| p.zone_of[point_of(row)]).collect(),
            max_new: plan.new_sites.get(&svc.key).copied(),
            fixed_open: fixed,
            hosts: Some(hosting.iter().map(|&c| n_existing + c).collect()),
            capacity: plan.capacity.get(&svc.key).copied().or(svc.capacity),
            site_capacity: hosting
                .iter()
                .filter_map(|&c| {
                    sites.candidates[c]
                        .capacity
                        .map(|cap| (n_existing + c, cap))
                })
                .collect(),
        })
    }

    /// The joint model of every planned service over `sites`, with the
    /// objective, costs and budget of the plan; and per planned service, the
    /// age split of its served residents.
    fn model(&self, sites: &Sites) -> Result<(JointPlan, Vec<AgeSplit>)> {
        let mut splits = Vec::with_capacity(self.planned.len());
        let mut joint = Vec::with_capacity(self.planned.len());
        for svc in &self.planned {
            let split = self.p.split_by_age(svc)?;
            joint.push(self.joint_service(svc, &split, sites)?);
            splits.push(split);
        }
        let objective = match self.plan.objective {
            // Objectives on the walk are solved service by service
            // ([`siting`]); the joint model gives their coverage tables.
            Objective::Coverage
            | Objective::Gradual
            | Objective::Attendance
            | Objective::TargetRatio => JointObjective::Coverage,
            Objective::Equity => JointObjective::MinShare,
            Objective::MinCost => JointObjective::MinCost,
        };
        let model = JointPlan::new(sites.count(), joint)?.objective(objective);
        let model = match self.plan.budget {
            Some(b) => model.budget(sites.costs(), b)?,
            None => model.site_costs(sites.costs())?,
        };
        Ok((model, splits))
    }

    /// The (planned service, candidate) of each new site, and the metres
    /// from each (a row each) as far as the search of `before` goes, not
    /// only to the walking limit.
    fn walk_from_new(
        &self,
        before: &CurrentGaps,
        sites: &Sites,
        solution: &JointSolution,
    ) -> Result<(Vec<(usize, usize)>, TravelTimes)> {
        let p = self.p;
        let new_sites: Vec<(usize, usize)> = solution
            .services
            .iter()
            .enumerate()
            .flat_map(|(s, plan)| plan.new_sites.iter().map(move |&j| (s, sites.candidate(j))))
            .collect();
        let sources: Vec<&[Snapped]> = new_sites
            .iter()
            .map(|&(_, c)| sites.snapped[c].as_slice())
            .collect();
        let from_new =
            TravelTimes::compute(&p.network, &sources, &p.snapped, 1.0, before.search_m)?;
        Ok((new_sites, from_new))
    }

    /// Per planned service, the access indices of the scenario's `[access]`
    /// options with its existing facilities and with its new ones too
    /// (rows of `from_new`); the same threshold for both, so that the
    /// underserved shares compare.
    fn access_changes(
        &self,
        splits: &[AgeSplit],
        new_sites: &[(usize, usize)],
        from_new: &TravelTimes,
        sites: &Sites,
    ) -> Result<Vec<AccessChange>> {
        let mut spec = self.scenario.access.clone().unwrap_or_default();
        spec.validate()?;
        self.planned
            .iter()
            .zip(splits)
            .enumerate()
            .map(|(s, (svc, split))| {
                let before = self
                    .p
                    .service_access(self.scenario, svc, split, &spec, None)?;
                spec.threshold = self
                    .scenario
                    .access
                    .as_ref()
                    .and_then(|a| a.threshold)
                    .or(Some(before.threshold));
                let rows: Vec<usize> = (0..new_sites.len())
                    .filter(|&r| new_sites[r].0 == s)
                    .collect();
                let new = NewFacilities {
                    walks: from_new,
                    capacity: rows
                        .iter()
                        .map(|&r| sites.candidates[new_sites[r].1].capacity)
                        .collect(),
                    rows: &rows,
                };
                let after = self
                    .p
                    .service_access(self.scenario, svc, split, &spec, Some(new))?;
                Ok(AccessChange {
                    service: svc.key.clone(),
                    before,
                    after,
                })
            })
            .collect()
    }

    /// The gap analysis once the plan is built, with the walks `from_new`
    /// of the `new_sites` ([`walk_from_new`](Self::walk_from_new)).
    fn gaps_after(
        &self,
        before: &CurrentGaps,
        new_sites: &[(usize, usize)],
        from_new: &TravelTimes,
    ) -> Result<GapReport> {
        let p = self.p;
        // The new sites of an analysed service, as rows of `from_new`.
        let of = |svc: &Service| -> Vec<usize> {
            (0..new_sites.len())
                .filter(|&r| self.planned[new_sites[r].0].key == svc.key)
                .collect()
        };
        let after_m: Vec<Vec<Option<f64>>> = self
            .analysed
            .iter()
            .zip(&before.nearest_m)
            .map(|(svc, near)| {
                let new = from_new.nearest(&of(svc));
                near.iter()
                    .zip(new)
                    .map(|(&a, b)| match (a, b) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    })
                    .collect()
            })
            .collect();
        let added: Vec<usize> = self.analysed.iter().map(|svc| of(svc).len()).collect();
        p.gap_report(
            &self.analysed,
            &after_m,
            &added,
            before.search_m,
            self.scenario,
        )
    }

    /// Per planned service, the sites and the coverage before (the share of
    /// each demand row served, `baselines`) and after; per demand point, its
    /// covered shares.
    fn outcomes(
        &self,
        model: &JointPlan,
        solution: &JointSolution,
        splits: &[AgeSplit],
        baselines: &[Vec<f64>],
        sites: &Sites,
    ) -> Result<(Vec<ServiceOutcome>, Vec<DemandOutcome>)> {
        let mut points = self.p.demand_points();
        let mut out = Vec::with_capacity(model.services.len());
        for (s, js) in model.services.iter().enumerate() {
            let svc = self.p.catalogue.get(&js.name)?;
            let served = &solution.services[s].served;
            let before = &baselines[s];
            let split = &splits[s];
            for (i, point) in points.iter_mut().enumerate() {
                let share = |served: &[f64]| {
                    let (old, rest) = split[i];
                    let w = old + rest;
                    if w > 0.0 {
                        (old * served[elderly_row(i)] + rest * served[others_row(i)]) / w
                    } else {
                        1.0
                    }
                };
                point.before.insert(svc.key.clone(), share(before));
                point.after.insert(svc.key.clone(), share(served));
            }
            out.push(self.service_outcome(svc, js, &solution.services[s], split, before, sites));
        }
        Ok((out, points))
    }

    /// Per planned service, what its existing facilities and its new sites
    /// reach within its walking limit (see [`super::shapes`]).
    fn isochrones(
        &self,
        model: &JointPlan,
        solution: &JointSolution,
        sites: &Sites,
    ) -> Result<Vec<ServiceIsochrones>> {
        model
            .services
            .iter()
            .zip(&solution.services)
            .map(|(js, plan)| {
                let new: Vec<&[Snapped]> = plan
                    .new_sites
                    .iter()
                    .map(|&j| sites.snapped[sites.candidate(j)].as_slice())
                    .collect();
                let svc = self.p.catalogue.get(&js.name)?;
                self.p.service_isochrones(svc, self.speeds, &new)
            })
            .collect()
    }

    /// A planned service (`svc`, `js` in the model) once solved as `plan`
    /// says: its existing and new sites and whom it covers, given the age
    /// `split` of its served residents and the share of each demand row
    /// covered `before`.
    fn service_outcome(
        &self,
        svc: &Service,
        js: &JointService,
        plan: &ServicePlan,
        split: &[(f64, f64)],
        before: &[f64],
        sites: &Sites,
    ) -> ServiceOutcome {
        let p = self.p;
        let n = p.inside.len();
        let sum = |f: &dyn Fn(usize) -> f64| (0..n).map(f).sum::<f64>();
        let covered = |served: &[f64]| {
            sum(&|i| split[i].0 * served[elderly_row(i)] + split[i].1 * served[others_row(i)])
        };
        let ages_known = p.residents.iter().all(|r| r.aged_60_plus.is_some());
        let old = |i: usize| p.residents[i].aged_60_plus.unwrap_or(0.0);
        let covered_60 = |served: &[f64]| sum(&|i| old(i) * served[elderly_row(i)]);
        // Served residents within reach of a site that the existing facilities leave out.
        let reached = |site: usize| -> f64 {
            js.coverage
                .site(site)
                .iter()
                .map(|&row| row as usize)
                .map(|row| {
                    let i = point_of(row);
                    let w = if row == elderly_row(i) {
                        split[i].0
                    } else {
                        split[i].1
                    };
                    w * (1.0 - before[row])
                })
                .sum()
        };
        let new = plan
            .new_sites
            .iter()
            .map(|&j| {
                let c = &sites.candidates[sites.candidate(j)];
                Site {
                    id: c.id.clone(),
                    lon: c.lon,
                    lat: c.lat,
                    cost: c.cost,
                    newly_reached: reached(j),
                }
            })
            .collect();
        let mut unreachable_ids: Vec<String> = plan
            .uncoverable
            .iter()
            .map(|&row| p.people[p.inside[point_of(row)]].id.clone())
            .collect();
        unreachable_ids.dedup();
        ServiceOutcome {
            service: svc.key.clone(),
            walking_limit_min: svc.walking_limit_min,
            capacity: js.capacity,
            max_new: js.max_new,
            existing: js
                .fixed_open
                .iter()
                .map(|&k| p.facilities[sites.existing[k]].1.clone())
                .collect(),
            new,
            served: sum(&|i| split[i].0 + split[i].1),
            covered_before: covered(before),
            covered_after: covered(&plan.served),
            covered_60plus_before: ages_known.then_some(covered_60(before)),
            covered_60plus_after: ages_known.then_some(covered_60(&plan.served)),
            unreachable_ids,
        }
    }
}

/// Share of each demand row that the existing facilities serve: those within
/// reach, or — under a capacity — what they can serve with no new facility
/// (the plan's own model, so that before and after count alike).
fn baseline(js: &JointService, n_sites: usize, options: &SolveOptions) -> Result<Vec<f64>> {
    if js.capacity.is_none() && js.site_capacity.is_empty() {
        let covered = js.coverage.covered(&js.fixed_open);
        return Ok(covered
            .into_iter()
            .map(|c| f64::from(u8::from(c)))
            .collect());
    }
    let alone = JointService {
        max_new: Some(0),
        hosts: Some(Vec::new()),
        ..js.clone()
    };
    let solution = JointPlan::new(n_sites, vec![alone])?.solve(options)?;
    Ok(solution.services[0].served.clone())
}

/// Other plans as good as `solution`, at most `k`, named by service and
/// site id. Only a proven optimum has ties to look for.
fn tied_plans(
    model: &JointPlan,
    solution: &JointSolution,
    sites: &Sites,
    k: usize,
    options: &SolveOptions,
) -> Result<TiedPlans> {
    if solution.status != SolveStatus::Optimal {
        return Err(Error::param(
            "alternatives",
            format!(
                "other optimal plans are looked for beside a proven optimum; the solve ended with status {}",
                solution.status
            ),
        ));
    }
    let found = alternatives(model, &solution.services, k, options)?;
    let named = |s: usize, j: usize| PlannedSite {
        service: model.services[s].name.clone(),
        id: sites.candidates[sites.candidate(j)].id.clone(),
    };
    let plans = found.plans.iter().map(|plan| {
        let new = plan.iter().enumerate();
        new.flat_map(|(s, p)| p.new_sites.iter().map(move |&j| named(s, j)))
            .collect()
    });
    Ok(TiedPlans {
        exist: found.exists(),
        exhausted: found.exhausted,
        more: found.more,
        tolerance: found.tolerance,
        plans: plans.collect(),
        shared: found.shared.iter().map(|&(s, j)| named(s, j)).collect(),
        status: found.status,
        seconds: found.total_s,
    })
}

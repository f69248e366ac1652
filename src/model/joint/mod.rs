//! Joint siting of several services (elderly canteen, health station, …) over
//! one shared list of candidate sites. A site opened once can host several
//! services and its cost is paid once, so the services are planned together
//! rather than one after the other.
//!
//! # Formulation
//! Binary `x_j` (candidate site `j` opened, cost `c_j`) and `y_sj` (a new
//! facility of service `s` at site `j`) with `y_sj ≤ x_j`,
//! `Σ_j y_sj ≤ max_new_s` and `Σ_j c_j x_j ≤ B`. Sites already hosting a
//! service (fixed) are constants: open for it and free.
//! - Uncapacitated service: `0 ≤ z_si ≤ 1`, `z_si ≤ Σ_{j covers i} y_sj`; row
//!   `i` is covered `z_si`.
//! - Capacitated service (capacity `K_sj` of its facility at site `j`: the
//!   site's own value, else the service's): `0 ≤ a_sij ≤ y_sj` (`≤ 1` for a
//!   fixed `j`), `Σ_j a_sij ≤ 1`, `Σ_i l_si a_sij ≤ K_sj y_sj` (`≤ K_sj` for a
//!   fixed `j`; no such row where `K_sj` is unlimited), where `l_si` is the
//!   row's load (its residents; its weight `w_si` unless given); row `i` is
//!   served `Σ_j a_sij`.
//!
//! The [`JointObjective`] maximises the covered weight; or maximises the
//! smallest covered share over (service, zone) pairs and then, with that share
//! held, the covered weight (two MIPs); or minimises the cost of covering every
//! row that some site can cover.
//!
//! # Presolve
//! Demand that fixed sites already cover is a constant (uncapacitated
//! services; capacitated ones, if a fixed site of unlimited capacity covers
//! it). A candidate site is dropped when another one, no dearer, may host
//! every service it may host and covers a superset of its remaining demand
//! for each: any plan using it can use the other instead. Sites that may
//! host a capacitated service are never dropped this way, because two
//! facilities have twice the capacity of one. Rows of a service reached by the
//! same kept sites (and in the same zone, for equity; with the same weight per
//! unit of load, under a capacity) are merged.
//!
//! # Complexity
//! Presolve is near-linear in the number of (site, demand) pairs of all
//! services. The MIP has a binary per kept site and per (service, kept site
//! that may host it), and a column per merged row (uncapacitated) or per
//! (merged row, site reaching it) (capacitated). A lazy greedy gives the warm start.
//!
//! # Example
//! ```
//! use lifecircle::model::{CoverageSets, JointPlan, JointService};
//! use lifecircle::solve::{SolveOptions, SolveStatus};
//!
//! // Four candidate sites; the two services have their own residents (rows).
//! let canteen = CoverageSets::from_sets(3, vec![vec![0, 1], vec![], vec![2], vec![0]]).unwrap();
//! let health = CoverageSets::from_sets(3, vec![vec![], vec![0, 1], vec![2], vec![0]]).unwrap();
//! let services = vec![
//!     JointService::new("elderly_canteen", canteen, vec![5.0, 5.0, 8.0]),
//!     JointService::new("health_station", health, vec![6.0, 6.0, 7.0]),
//! ];
//! // The budget pays for one site: site 2 hosts both services (8 + 7).
//! let plan = JointPlan::new(4, services).unwrap().budget(vec![1.0; 4], 1.0).unwrap();
//! let sol = plan.solve(&SolveOptions::new()).unwrap();
//! assert_eq!(sol.sites_opened, vec![2]);
//! assert_eq!(sol.objective, 15.0);
//! assert_eq!(sol.services[1].new_sites, vec![2]);
//! assert_eq!(sol.status, SolveStatus::Optimal);
//! ```

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::ops::Range;
use std::time::Instant;

use super::coverage_sets::{check_weights, CoverageSets};
use super::max_coverage::{check_budget, check_costs, site_cost, MaxCoverage};
use crate::error::{finite_non_negative, total_over_limit, Error, Result, MAX_TOTAL};
use crate::order::TotalF64;
use crate::solve::mip::{self, Col, Mip, MipResult, Row, Sense};
use crate::solve::presolve::is_subset;
use crate::solve::{
    finite_figures, interrupt, relative_gap, seconds, total, Deadline, PresolveStats, SolveOptions,
    SolveStatus, Timings,
};

/// One service of a [`JointPlan`]: its demand rows, existing facilities and limits.
///
/// The builder methods only record values; [`JointPlan::new`] checks them
/// and names the service in its errors.
///
/// # Example
/// ```
/// use lifecircle::model::{CoverageSets, JointService};
///
/// let cov = CoverageSets::from_sets(2, vec![vec![0], vec![0, 1], vec![1]]).unwrap();
/// let canteen = JointService::new("elderly_canteen", cov, vec![40.0, 25.0])
///     .fixed_open(vec![0])     // an existing canteen at site 0
///     .hosts(vec![1, 2])       // new canteens only at sites 1 and 2
///     .max_new(1)
///     .capacity(50.0);         // residents one canteen can serve
/// assert_eq!(canteen.max_new, Some(1));
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct JointService {
    /// Name used in errors and reports, e.g. `"elderly_canteen"`; unique within a plan.
    pub name: String,
    /// Which of this service's demand rows each candidate site covers.
    pub coverage: CoverageSets,
    /// Weight of each demand row in the objective (residents, possibly
    /// pre-weighted by the caller: the 60+ count double for "elderly first").
    pub weights: Vec<f64>,
    /// Capacity each demand row takes when served, e.g. its residents where
    /// `weights` are pre-weighted; empty: its weight. A facility's capacity
    /// counts people, not priorities. Under a capacity, rows merge only with
    /// the same weight per unit of load: a few distinct ratios (a scenario's
    /// two ages) keep the model small, a different ratio on every row does not.
    #[serde(default)]
    pub loads: Vec<f64>,
    /// Zone (community) of each demand row, for [`JointObjective::MinShare`];
    /// empty: all rows form one zone.
    pub zones: Vec<usize>,
    /// At most this many new facilities of this service (`None`: no count limit).
    pub max_new: Option<usize>,
    /// Sites already hosting this service: open, free, not counted in `max_new`.
    pub fixed_open: Vec<usize>,
    /// Sites that may host a new facility of this service (`None`: every site).
    pub hosts: Option<Vec<usize>>,
    /// Load (residents) one facility can serve, existing ones included (`None`: uncapacitated).
    pub capacity: Option<f64>,
    /// Load the facility at a particular site (candidate or fixed) can
    /// serve, as `(site, capacity)`: it overrides [`capacity`](Self::capacity)
    /// there. The service is capacitated if either is set; a site with no
    /// value of its own, under no `capacity`, has an unlimited facility.
    ///
    /// # Example
    /// ```
    /// use lifecircle::model::{CoverageSets, JointPlan, JointService};
    /// use lifecircle::solve::SolveOptions;
    ///
    /// // 100 residents that either site reaches; only one site may open.
    /// let cov = CoverageSets::from_sets(2, vec![vec![0, 1], vec![0, 1]]).unwrap();
    /// let canteen = JointService::new("elderly_canteen", cov, vec![50.0, 50.0])
    ///     .max_new(1)
    ///     .capacity(30.0)                 // a typical plot: 30 residents
    ///     .site_capacity(vec![(1, 80.0)]); // site 1 is a large plot
    /// let sol = JointPlan::new(2, vec![canteen]).unwrap().solve(&SolveOptions::new()).unwrap();
    /// assert_eq!(sol.sites_opened, vec![1]);
    /// assert!((sol.objective - 80.0).abs() < 1e-6);
    /// ```
    #[serde(default)]
    pub site_capacity: Vec<(usize, f64)>,
}

impl JointService {
    /// A service with no existing facility, no limit and no capacity.
    pub fn new(name: impl Into<String>, coverage: CoverageSets, weights: Vec<f64>) -> Self {
        Self {
            name: name.into(),
            coverage,
            weights,
            loads: Vec::new(),
            zones: Vec::new(),
            max_new: None,
            fixed_open: Vec::new(),
            hosts: None,
            capacity: None,
            site_capacity: Vec::new(),
        }
    }

    /// Sets the capacity each demand row takes (default: its weight).
    pub fn loads(mut self, loads: Vec<f64>) -> Self {
        self.loads = loads;
        self
    }

    /// Capacity row `i` takes when served.
    fn load(&self, i: usize) -> f64 {
        self.loads.get(i).copied().unwrap_or(self.weights[i])
    }

    /// Sets the zone of each demand row.
    pub fn zones(mut self, zones: Vec<usize>) -> Self {
        self.zones = zones;
        self
    }

    /// Allows at most `count` new facilities.
    pub fn max_new(mut self, count: usize) -> Self {
        self.max_new = Some(count);
        self
    }

    /// Sets the sites that already host this service.
    pub fn fixed_open(mut self, sites: Vec<usize>) -> Self {
        self.fixed_open = sites;
        self
    }

    /// Restricts new facilities to these sites.
    pub fn hosts(mut self, sites: Vec<usize>) -> Self {
        self.hosts = Some(sites);
        self
    }

    /// Sets the load (residents) one facility can serve.
    pub fn capacity(mut self, capacity: f64) -> Self {
        self.capacity = Some(capacity);
        self
    }

    /// Sets the load the facility at each listed site can serve, overriding
    /// [`capacity`](Self::capacity) there.
    pub fn site_capacity(mut self, caps: Vec<(usize, f64)>) -> Self {
        self.site_capacity = caps;
        self
    }

    /// Whether some facility of the service has a capacity.
    fn capacitated(&self) -> bool {
        self.capacity.is_some() || !self.site_capacity.is_empty()
    }

    /// Load the service's facility at each site can serve (`None`: unlimited).
    fn capacities(&self, n_sites: usize) -> Vec<Option<f64>> {
        let mut caps = vec![self.capacity; n_sites];
        self.site_capacity
            .iter()
            .for_each(|&(j, c)| caps[j] = Some(c));
        caps
    }

    fn validate(&self, n_sites: usize) -> Result<()> {
        let name = &self.name;
        if self.coverage.n_sites() != n_sites {
            return Err(Error::param(
                &format!("coverage of {name}"),
                format!(
                    "{} sites, but the plan has {n_sites}",
                    self.coverage.n_sites()
                ),
            ));
        }
        let n_rows = self.coverage.n_demand();
        check_weights(&self.weights, n_rows).map_err(|e| match e {
            Error::InvalidPopulation { id, value } => Error::InvalidPopulation {
                id: format!("{id} of {name}"),
                value,
            },
            Error::InvalidParameter { message, .. } => {
                Error::param(&format!("weights of {name}"), message)
            }
            other => other,
        })?;
        if !self.loads.is_empty() {
            let problem = if self.loads.len() != n_rows {
                Some(format!(
                    "{} loads for {n_rows} demand rows",
                    self.loads.len()
                ))
            } else {
                (0..n_rows)
                    .find(|&i| {
                        let load = self.loads[i];
                        !(finite_non_negative(load) && (load > 0.0 || self.weights[i] <= 0.0))
                    })
                    .map(|i| {
                        format!(
                            "row {i} has load {}; loads must be finite, >= 0, and > 0 where the weight is",
                            self.loads[i]
                        )
                    })
                    .or_else(|| {
                        total_over_limit(self.loads.iter().copied()).map(|(i, sum)| {
                            format!("they sum to {sum:e} by row {i}, above the limit of {MAX_TOTAL:e}: scale them down")
                        })
                    })
            };
            if let Some(problem) = problem {
                return Err(Error::param(&format!("loads of {name}"), problem));
            }
        }
        if !self.zones.is_empty() && self.zones.len() != n_rows {
            return Err(Error::param(
                &format!("zones of {name}"),
                format!("{} zones for {n_rows} demand rows", self.zones.len()),
            ));
        }
        self.coverage
            .check_sites(&format!("fixed_open of {name}"), &self.fixed_open)?;
        if let Some(hosts) = &self.hosts {
            self.coverage
                .check_sites(&format!("hosts of {name}"), hosts)?;
        }
        if let Some(c) = self.capacity.filter(|c| !(c.is_finite() && *c > 0.0)) {
            return Err(Error::param(
                "capacity",
                format!("capacity of {name} must be > 0, got {c}"),
            ));
        }
        let mut listed = HashSet::new();
        for &(j, c) in &self.site_capacity {
            let problem = if j >= n_sites {
                format!("site {j} does not exist (there are {n_sites} sites)")
            } else if !(c.is_finite() && c > 0.0) {
                format!("capacity at site {j} must be a finite number > 0, got {c}")
            } else if !listed.insert(j) {
                format!("site {j} is listed more than once")
            } else {
                continue;
            };
            return Err(Error::param(&format!("site_capacity of {name}"), problem));
        }
        let available = self.new_mask(n_sites).iter().filter(|&&h| h).count();
        match self.max_new {
            Some(requested) if requested > available => Err(Error::TooManySites {
                requested,
                available,
            }),
            _ => Ok(()),
        }
    }

    fn fixed_mask(&self, n_sites: usize) -> Vec<bool> {
        let mut mask = vec![false; n_sites];
        self.fixed_open.iter().for_each(|&j| mask[j] = true);
        mask
    }

    /// Sites that may take a new facility: allowed, and not hosting one already.
    fn new_mask(&self, n_sites: usize) -> Vec<bool> {
        let fixed = self.fixed_mask(n_sites);
        let mut mask = vec![self.hosts.is_none(); n_sites];
        self.hosts.iter().flatten().for_each(|&j| mask[j] = true);
        mask.iter_mut().zip(&fixed).for_each(|(m, &f)| *m &= !f);
        mask
    }

    /// Zones renumbered `0..n_zones`, so that any ids the caller uses stay cheap.
    fn zone_ids(&self) -> (Vec<usize>, usize) {
        if self.zones.is_empty() {
            return (vec![0; self.weights.len()], 1);
        }
        let mut index = HashMap::new();
        let ids = self
            .zones
            .iter()
            .map(|&z| {
                let next = index.len();
                *index.entry(z).or_insert(next)
            })
            .collect();
        (ids, index.len())
    }
}

/// What a [`JointPlan`] optimises.
///
/// # Example
/// ```
/// use lifecircle::model::{CoverageSets, JointObjective, JointPlan, JointService};
/// use lifecircle::solve::SolveOptions;
///
/// // Zone 0 holds rows 0 and 1 (10 residents each), zone 1 holds row 2 (1 resident).
/// let cov = CoverageSets::from_sets(3, vec![vec![0, 1], vec![0, 2]]).unwrap();
/// let service = JointService::new("health_station", cov, vec![10.0, 10.0, 1.0])
///     .zones(vec![0, 0, 1])
///     .max_new(1);
/// let plan = JointPlan::new(2, vec![service]).unwrap();
/// let most = plan.clone().solve(&SolveOptions::new()).unwrap();
/// assert_eq!(most.services[0].new_sites, vec![0]); // 20 residents, zone 1 left out
/// let fair = plan.objective(JointObjective::MinShare).solve(&SolveOptions::new()).unwrap();
/// assert_eq!(fair.services[0].new_sites, vec![1]); // half of each zone
/// assert_eq!(fair.objective, 0.5);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JointObjective {
    /// Maximise the weight covered over all services (served weight when capacitated).
    #[default]
    Coverage,
    /// Maximise the smallest covered share over all (service, zone) pairs with
    /// positive weight; then, with that share held, the covered weight.
    MinShare,
    /// Minimise the cost of the sites opened so that every positive-weight row
    /// that a fixed or allowed site covers is covered (fully served, if capacitated).
    MinCost,
}

/// Several services sited together over one list of candidate sites.
///
/// # Example
/// ```
/// use lifecircle::model::{CoverageSets, JointObjective, JointPlan, JointService};
/// use lifecircle::solve::SolveOptions;
///
/// // The cheapest sites that give every resident both services.
/// let canteen = CoverageSets::from_sets(2, vec![vec![0], vec![1], vec![0, 1]]).unwrap();
/// let health = CoverageSets::from_sets(1, vec![vec![0], vec![], vec![]]).unwrap();
/// let plan = JointPlan::new(3, vec![
///     JointService::new("elderly_canteen", canteen, vec![30.0, 20.0]),
///     JointService::new("health_station", health, vec![50.0]),
/// ]).unwrap()
/// .site_costs(vec![1.0, 1.0, 1.5]).unwrap()
/// .objective(JointObjective::MinCost);
/// let sol = plan.solve(&SolveOptions::new()).unwrap();
/// assert_eq!(sol.sites_opened, vec![0, 1]); // site 0 hosts both services
/// assert_eq!(sol.cost, 2.0);
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct JointPlan {
    /// The services, each with its own demand rows over the shared sites.
    pub services: Vec<JointService>,
    /// Number of candidate sites.
    pub n_sites: usize,
    /// Cost of opening each site, paid once however many services it hosts (`None`: all 1).
    pub site_costs: Option<Vec<f64>>,
    /// Total cost allowed for the sites opened (`None`: no budget).
    pub budget: Option<f64>,
    /// What to optimise.
    pub objective: JointObjective,
}

impl JointPlan {
    /// Maximal coverage of `services` over `n_sites` candidate sites, with no budget.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the service for no services, a
    /// duplicate name, a coverage of another size, a zone count mismatch, an
    /// unknown fixed or host site, a capacity that is not a number `> 0`, or a
    /// site capacity for an unknown site, not a finite number `> 0`, or given
    /// twice for one site;
    /// [`Error::InvalidPopulation`] for a NaN/negative weight;
    /// [`Error::TooManySites`] if `max_new` exceeds the sites that may host the service.
    pub fn new(n_sites: usize, services: Vec<JointService>) -> Result<Self> {
        let plan = Self {
            services,
            n_sites,
            site_costs: None,
            budget: None,
            objective: JointObjective::Coverage,
        };
        plan.validate()?;
        Ok(plan)
    }

    /// Gives each site a cost (for [`JointObjective::MinCost`] or a budget).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a count mismatch or a negative/NaN cost.
    pub fn site_costs(mut self, costs: Vec<f64>) -> Result<Self> {
        self.site_costs = Some(costs);
        self.validate()?;
        Ok(self)
    }

    /// Gives each site a cost and caps the total cost of the sites opened.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a cost count mismatch, a negative or NaN
    /// cost, a negative or NaN budget, or a budget below the cheapest site that
    /// may host a new facility.
    pub fn budget(mut self, costs: Vec<f64>, budget: f64) -> Result<Self> {
        self.site_costs = Some(costs);
        self.budget = Some(budget);
        self.validate()?;
        Ok(self)
    }

    /// Sets what to optimise.
    pub fn objective(mut self, objective: JointObjective) -> Self {
        self.objective = objective;
        self
    }

    fn validate(&self) -> Result<()> {
        if self.services.is_empty() {
            return Err(Error::param("services", "at least one service is needed"));
        }
        let mut names = HashSet::new();
        for s in &self.services {
            s.validate(self.n_sites)?;
            if !names.insert(s.name.as_str()) {
                return Err(Error::param(
                    "services",
                    format!("the name {} is used by more than one service", s.name),
                ));
            }
        }
        if let Some(costs) = &self.site_costs {
            check_costs(costs, self.n_sites)?;
        }
        if let Some(b) = self.budget {
            let masks: Vec<Vec<bool>> = self
                .services
                .iter()
                .map(|s| s.new_mask(self.n_sites))
                .collect();
            let new = (0..self.n_sites).filter(|&j| masks.iter().any(|m| m[j]));
            check_budget(b, self.site_costs.as_deref(), new)?;
        }
        Ok(())
    }

    fn cost(&self, site: usize) -> f64 {
        site_cost(self.site_costs.as_deref(), site)
    }

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

        let result = match solve_mip(&model, options, deadline) {
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
                match solve_mip(&model, options, deadline) {
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

    /// Removes demand that fixed sites settle, drops dominated sites, merges rows.
    fn prepare(&self) -> Prepared {
        let n = self.n_sites;
        let raws: Vec<Raw> = self.services.iter().map(|s| Raw::new(s, n)).collect();

        let size: Vec<usize> = (0..n)
            .map(|j| raws.iter().map(|r| r.rows_of[j].len()).sum())
            .collect();
        let locked = |j: usize| {
            self.services
                .iter()
                .zip(&raws)
                .any(|(s, r)| s.capacitated() && !r.rows_of[j].is_empty())
        };
        // Dominators come first in this order (no dearer, at least as much
        // demand, lower index among equals), so checking the kept ones suffices.
        let mut order: Vec<usize> = (0..n).filter(|&j| size[j] > 0).collect();
        order.sort_by(|&a, &b| {
            self.cost(a)
                .total_cmp(&self.cost(b))
                .then(size[b].cmp(&size[a]))
                .then(a.cmp(&b))
        });
        let mut kept = vec![false; n];
        for &j in &order {
            let dominated = !locked(j) && {
                // A dominator must reach the row of j that the fewest sites reach.
                let (s, i) = raws
                    .iter()
                    .enumerate()
                    .flat_map(|(s, r)| r.rows_of[j].iter().map(move |&i| (s, i as usize)))
                    .min_by_key(|&(s, i)| raws[s].by_demand[i].len())
                    .expect("sites in the order serve some row");
                raws[s].by_demand[i].iter().any(|&k| {
                    let k = k as usize;
                    k != j
                        && kept[k]
                        && self.cost(k) <= self.cost(j)
                        && raws.iter().all(|r| is_subset(&r.rows_of[j], &r.rows_of[k]))
                })
            };
            kept[j] = !dominated;
        }

        let share = self.objective == JointObjective::MinShare;
        let services: Vec<ServiceDemand> = self
            .services
            .iter()
            .zip(raws)
            .map(|(s, raw)| ServiceDemand::new(s, raw, &kept, share))
            .collect();
        let stats = PresolveStats {
            demand_before: self
                .services
                .iter()
                .map(|s| s.weights.iter().filter(|&&w| w > 0.0).count())
                .sum(),
            demand_after: services.iter().map(|d| d.groups.len()).sum(),
            sites_before: (0..n)
                .filter(|&j| services.iter().any(|d| d.new[j]))
                .count(),
            sites_after: kept.iter().filter(|&&k| k).count(),
        };
        Prepared {
            sites: (0..n).filter(|&j| kept[j]).collect(),
            services,
            stats,
        }
    }

    /// The MIP of the formulation, with the objective of `self.objective`
    /// (phase 1 for equity).
    fn build(&self, prep: &Prepared) -> (Mip, Layout) {
        let n = self.n_sites;
        let coverage = self.objective == JointObjective::Coverage;
        let full = self.objective == JointObjective::MinCost;
        let le = |coefs: Vec<(usize, f64)>, upper: f64| Row {
            lower: f64::NEG_INFINITY,
            upper,
            coefs,
        };
        let mut cols = Vec::new();
        let mut rows = Vec::new();

        let mut x_col = vec![usize::MAX; n];
        for &j in &prep.sites {
            x_col[j] = cols.len();
            cols.push(Col::binary(if full { self.cost(j) } else { 0.0 }));
        }
        if let Some(budget) = self.budget {
            if prep.sites.iter().map(|&j| self.cost(j)).sum::<f64>() > budget {
                let coefs = prep.sites.iter().map(|&j| (x_col[j], self.cost(j)));
                rows.push(le(coefs.collect(), budget));
            }
        }
        let t = (self.objective == JointObjective::MinShare).then(|| {
            cols.push(Col::continuous(1.0, 0.0, 1.0));
            cols.len() - 1
        });

        let mut layout = Layout {
            y: Vec::new(),
            served: Vec::new(),
            t,
        };
        let mut y_col = vec![usize::MAX; n];
        for (s, d) in self.services.iter().zip(&prep.services) {
            let mut y = Vec::with_capacity(d.candidates.len());
            for &j in &d.candidates {
                y_col[j] = cols.len();
                cols.push(Col::binary(0.0));
                rows.push(le(vec![(y_col[j], 1.0), (x_col[j], -1.0)], 0.0));
                y.push((j, y_col[j]));
            }
            if let Some(p) = s.max_new.filter(|&p| p < y.len()) {
                rows.push(le(y.iter().map(|&(_, c)| (c, 1.0)).collect(), p as f64));
            }

            let mut served = Vec::with_capacity(d.groups.len());
            match d.capacitated {
                false => {
                    for g in &d.groups {
                        let z = cols.len();
                        let lower = if full { 1.0 } else { 0.0 };
                        cols.push(Col::continuous(
                            if coverage { g.weight } else { 0.0 },
                            lower,
                            1.0,
                        ));
                        let mut coefs = vec![(z, 1.0)];
                        coefs.extend(g.sites.iter().map(|&j| (y_col[j as usize], -1.0)));
                        rows.push(le(coefs, 0.0));
                        served.push(z..z + 1);
                    }
                }
                true => {
                    let mut load: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
                    for g in &d.groups {
                        let first = cols.len();
                        for &j in &g.sites {
                            let (a, j) = (cols.len(), j as usize);
                            cols.push(Col::continuous(
                                if coverage { g.weight } else { 0.0 },
                                0.0,
                                1.0,
                            ));
                            load[j].push((a, g.load));
                            if !d.fixed[j] {
                                // Implied by a capacity row, if the site gets one; it
                                // tightens the relaxation.
                                rows.push(le(vec![(a, 1.0), (y_col[j], -1.0)], 0.0));
                            }
                        }
                        rows.push(Row {
                            lower: if full { 1.0 } else { f64::NEG_INFINITY },
                            upper: 1.0,
                            coefs: (first..cols.len()).map(|a| (a, 1.0)).collect(),
                        });
                        served.push(first..cols.len());
                    }
                    for (j, mut coefs) in load.into_iter().enumerate() {
                        // A site of unlimited capacity, or one that can reach
                        // less than its capacity, never binds.
                        let Some(cap) = d.capacity[j] else {
                            continue;
                        };
                        if coefs.iter().map(|&(_, w)| w).sum::<f64>() <= cap {
                            continue;
                        }
                        let upper = if d.fixed[j] {
                            cap
                        } else {
                            coefs.push((y_col[j], -cap));
                            0.0
                        };
                        rows.push(le(coefs, upper));
                    }
                }
            }

            if let Some(t) = t {
                let mut zone_rows: Vec<Vec<(usize, f64)>> = vec![Vec::new(); d.zone_weight.len()];
                for (g, cols) in d.groups.iter().zip(&served) {
                    zone_rows[g.zone].extend(cols.clone().map(|c| (c, g.weight)));
                }
                // In shares of the zone's weight, not in weights: HiGHS drops
                // coefficients below 1e-9, which would leave `t` free in a zone
                // of tiny weights (a zone of weight 2e-308 read as share 1).
                for (z, mut coefs) in zone_rows.into_iter().enumerate() {
                    let weight = d.zone_weight[z];
                    if weight > 0.0 {
                        coefs.iter_mut().for_each(|(_, w)| *w /= weight);
                        coefs.push((t, -1.0));
                        rows.push(Row {
                            lower: -d.zone_covered[z] / weight,
                            upper: f64::INFINITY,
                            coefs,
                        });
                    }
                }
            }
            d.candidates.iter().for_each(|&j| y_col[j] = usize::MAX);
            layout.y.push(y);
            layout.served.push(served);
        }
        let sense = if full {
            Sense::Minimise
        } else {
            Sense::Maximise
        };
        let model = Mip {
            sense,
            cols,
            rows,
            start: None,
            cut_age_limit: None,
            probing: true,
        };
        (model, layout)
    }

    /// A feasible plan to start the MIP from: new facilities added one at a
    /// time by weight gained per unit of cost (lazy greedy), within the counts
    /// and the budget. `None` if it does not satisfy a cost model's covering rows.
    fn greedy_start(&self, prep: &Prepared, layout: &Layout, n_cols: usize) -> Option<Vec<f64>> {
        let n = self.n_sites;
        let mut state: Vec<GreedyService> = prep
            .services
            .iter()
            .map(|d| GreedyService::new(d, n))
            .collect();
        let budget = self.budget.unwrap_or(f64::INFINITY);
        let limit: Vec<usize> = self
            .services
            .iter()
            .map(|s| s.max_new.unwrap_or(usize::MAX))
            .collect();
        let ratio = |gain: f64, cost: f64| {
            if cost > 0.0 {
                gain / cost
            } else {
                f64::INFINITY
            }
        };

        let mut heap = BinaryHeap::new();
        for (s, d) in prep.services.iter().enumerate() {
            for &j in &d.candidates {
                let gain = state[s].gain(j);
                heap.push(Candidate::new(ratio(gain, self.cost(j)), gain, s, j));
            }
        }
        let mut x_open = vec![false; n];
        let mut count = vec![0; self.services.len()];
        let mut spent = 0.0;
        while let Some(c) = heap.pop() {
            let (Reverse(s), Reverse(j)) = (c.service, c.site);
            let extra = if x_open[j] { 0.0 } else { self.cost(j) };
            if state[s].open[j] || count[s] >= limit[s] || spent + extra > budget {
                continue;
            }
            let gain = state[s].gain(j);
            if gain <= 0.0 {
                continue;
            }
            let fresh = Candidate::new(ratio(gain, extra), gain, s, j);
            if heap.peek().is_some_and(|top| *top > fresh) {
                heap.push(fresh);
                continue;
            }
            state[s].add(&prep.services[s], j);
            count[s] += 1;
            if !x_open[j] {
                x_open[j] = true;
                spent += extra;
                // Other services may now use this site for free.
                for (s2, d) in prep.services.iter().enumerate() {
                    let reaches = !state[s2].groups_at[j].is_empty();
                    if s2 != s && d.new[j] && reaches && !state[s2].open[j] {
                        let gain = state[s2].gain(j);
                        heap.push(Candidate::new(f64::INFINITY, gain, s2, j));
                    }
                }
            }
        }

        let mut values = vec![0.0; n_cols];
        let mut shares = Vec::new();
        for ((greedy, d), (y, served)) in state
            .iter()
            .zip(&prep.services)
            .zip(layout.y.iter().zip(&layout.served))
        {
            for &(j, col) in y {
                if greedy.open[j] {
                    values[col] = 1.0;
                }
            }
            let mut zone_served = d.zone_covered.clone();
            for (k, (group, cols)) in d.groups.iter().zip(served).enumerate() {
                let fraction = 1.0 - greedy.left[k] / group.load;
                match &greedy.flows {
                    None => values[cols.start] = fraction,
                    Some(flows) => {
                        for (c, f) in cols.clone().zip(&flows[k]) {
                            values[c] = f / group.load;
                        }
                    }
                }
                if self.objective == JointObjective::MinCost && fraction < 1.0 - 1e-9 {
                    return None;
                }
                zone_served[group.zone] += group.weight * fraction;
            }
            shares.extend(
                zone_served
                    .iter()
                    .zip(&d.zone_weight)
                    .filter(|(_, &w)| w > 0.0)
                    .map(|(s, w)| s / w),
            );
        }
        for (p, &j) in prep.sites.iter().enumerate() {
            if x_open[j] {
                values[p] = 1.0;
            }
        }
        if let Some(t) = layout.t {
            let share = shares.into_iter().fold(1.0, f64::min);
            values[t] = (share - 1e-12).clamp(0.0, 1.0);
        }
        Some(values)
    }

    /// Each service's plan from the MIP's columns, recomputed from the model's
    /// data; new facilities that add nothing are left out.
    fn extract(&self, prep: &Prepared, layout: &Layout, values: &[f64]) -> Vec<ServicePlan> {
        let value = |c: usize| values.get(c).copied().unwrap_or(0.0);
        self.services
            .iter()
            .zip(&prep.services)
            .zip(layout.y.iter().zip(&layout.served))
            .map(|((s, d), (y, served_cols))| {
                let n_rows = s.weights.len();
                let mut new: Vec<usize> = y
                    .iter()
                    .filter(|&&(_, c)| value(c) > 0.5)
                    .map(|&(j, _)| j)
                    .collect();
                let mut served = vec![0.0; n_rows];
                match d.capacitated {
                    false => {
                        // Drop facilities whose every row another open site also covers.
                        let mut reach = vec![0u32; n_rows];
                        let fixed = (0..self.n_sites).filter(|&j| d.fixed[j]);
                        for j in fixed.chain(new.iter().copied()) {
                            s.coverage
                                .site(j)
                                .iter()
                                .for_each(|&i| reach[i as usize] += 1);
                        }
                        new.retain(|&j| {
                            let rows = s.coverage.site(j);
                            let redundant = rows
                                .iter()
                                .all(|&i| s.weights[i as usize] <= 0.0 || reach[i as usize] > 1);
                            if redundant {
                                rows.iter().for_each(|&i| reach[i as usize] -= 1);
                            }
                            !redundant
                        });
                        for (v, &r) in served.iter_mut().zip(&reach) {
                            *v = f64::from(u8::from(r > 0));
                        }
                    }
                    true => {
                        let flow = |c: usize| value(c).clamp(0.0, 1.0);
                        let mut load = vec![0.0; self.n_sites];
                        for (g, cols) in d.groups.iter().zip(served_cols) {
                            for (&j, c) in g.sites.iter().zip(cols.clone()) {
                                load[j as usize] += g.load * flow(c);
                            }
                        }
                        // A facility serving next to nothing adds nothing.
                        let total: f64 = d.groups.iter().map(|g| g.load).sum();
                        new.retain(|&j| load[j] > 1e-9 * d.capacity[j].unwrap_or(total));
                        let mut open = d.fixed.clone();
                        new.iter().for_each(|&j| open[j] = true);
                        let open_sites: Vec<usize> =
                            (0..self.n_sites).filter(|&j| open[j]).collect();
                        let reached = s.coverage.covered(&open_sites);
                        for i in 0..n_rows {
                            served[i] = match d.group_of[i] {
                                Some(g) => {
                                    let (group, cols) = (&d.groups[g], served_cols[g].clone());
                                    let total: f64 = group
                                        .sites
                                        .iter()
                                        .zip(cols)
                                        .filter(|(&j, _)| open[j as usize])
                                        .map(|(_, c)| flow(c))
                                        .sum();
                                    total.clamp(0.0, 1.0)
                                }
                                // Not a decision: zero weight (takes no capacity),
                                // served by a fixed site of unlimited capacity, or
                                // out of reach.
                                None => f64::from(u8::from(reached[i])),
                            };
                        }
                    }
                }
                ServicePlan {
                    name: s.name.clone(),
                    new_sites: new,
                    covered: s.weights.iter().zip(&served).map(|(w, v)| w * v).sum(),
                    weight: s.weights.iter().sum(),
                    served,
                    uncoverable: d.uncoverable.clone(),
                }
            })
            .collect()
    }

    /// The smallest covered share over (service, zone) pairs with positive weight (1 if none).
    fn min_share(&self, plans: &[ServicePlan]) -> f64 {
        let mut smallest: f64 = 1.0;
        for (s, plan) in self.services.iter().zip(plans) {
            let (zone_of, n_zones) = s.zone_ids();
            let mut total = vec![0.0; n_zones];
            let mut covered = vec![0.0; n_zones];
            for ((&z, &w), &v) in zone_of.iter().zip(&s.weights).zip(&plan.served) {
                total[z] += w;
                covered[z] += w * v;
            }
            for (c, t) in covered.iter().zip(&total).filter(|(_, &t)| t > 0.0) {
                smallest = smallest.min(c / t);
            }
        }
        smallest
    }

    /// The capacities of a service's facilities at the sites that host it or
    /// may host it, e.g. `capacity 40 per facility` or `capacity 30 to 100 per
    /// facility, unlimited at some sites`.
    fn capacity_text(&self, s: &JointService) -> String {
        let n = self.n_sites;
        let (fixed, new) = (s.fixed_mask(n), s.new_mask(n));
        let all = s.capacities(n);
        let caps: Vec<Option<f64>> = (0..n)
            .filter(|&j| fixed[j] || new[j])
            .map(|j| all[j])
            .collect();
        let finite = caps.iter().flatten();
        let low = finite.clone().copied().fold(f64::INFINITY, f64::min);
        let high = finite.copied().fold(f64::NEG_INFINITY, f64::max);
        if low > high {
            return "unlimited capacity at every site it may use".to_string();
        }
        let mut text = if low == high {
            format!("capacity {low} per facility")
        } else {
            format!("capacity {low} to {high} per facility")
        };
        if caps.contains(&None) {
            text.push_str(", unlimited at some sites");
        }
        text
    }

    /// Why a cost model is infeasible: the capacitated services that cannot be
    /// fully served on their own, within their count and the budget.
    fn explain_infeasible(&self, options: &SolveOptions, deadline: Deadline) -> Error {
        let short: Vec<String> = self
            .services
            .iter()
            .filter(|s| s.capacitated())
            .filter_map(|s| {
                let alone = JointPlan {
                    services: vec![s.clone()],
                    n_sites: self.n_sites,
                    site_costs: self.site_costs.clone(),
                    budget: self.budget,
                    objective: JointObjective::Coverage,
                };
                let left = SolveOptions {
                    time_limit_s: deadline.left_s(),
                    ..options.clone()
                };
                let best = alone.solve(&left).ok()?;
                let plan = &best.services[0];
                let lost: f64 = plan.uncoverable.iter().map(|&i| s.weights[i]).sum();
                let need = plan.weight - lost;
                (best.status == SolveStatus::Optimal && plan.covered < need - 1e-6 * need.max(1.0))
                    .then(|| {
                        format!(
                            "{} ({}: at most {} of the coverable {need} can be served)",
                            s.name,
                            self.capacity_text(s),
                            plan.covered
                        )
                    })
            })
            .collect();
        let message = if short.is_empty() {
            "no plan within the max_new limits and the budget covers every coverable demand row of every service".to_string()
        } else {
            format!(
                "not enough capacity within the max_new limits and the budget: {}",
                short.join("; ")
            )
        };
        Error::Infeasible {
            message,
            demand: Vec::new(),
        }
    }
}

/// A solved [`JointPlan`]: the sites to open, what each service gains, and how sure.
///
/// # Example
/// ```
/// use lifecircle::model::{CoverageSets, JointPlan, JointService};
/// use lifecircle::solve::SolveOptions;
///
/// // An existing canteen (site 0) serves at most 40 of the 60 residents it reaches.
/// let cov = CoverageSets::from_sets(2, vec![vec![0, 1], vec![1]]).unwrap();
/// let canteen = JointService::new("elderly_canteen", cov, vec![30.0, 30.0])
///     .fixed_open(vec![0])
///     .max_new(0)
///     .capacity(40.0);
/// let sol = JointPlan::new(2, vec![canteen]).unwrap().solve(&SolveOptions::new()).unwrap();
/// let plan = &sol.services[0];
/// assert_eq!(plan.name, "elderly_canteen");
/// assert!((plan.covered - 40.0).abs() < 1e-6);
/// assert!(plan.new_sites.is_empty() && sol.sites_opened.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct JointSolution {
    /// One plan per service, parallel to [`JointPlan::services`].
    pub services: Vec<ServicePlan>,
    /// Total cost of the sites opened.
    pub cost: f64,
    /// Candidate sites opened for at least one new facility, sorted.
    pub sites_opened: Vec<usize>,
    /// Objective value, recomputed from the model's data: covered weight, the
    /// smallest share, or the cost.
    pub objective: f64,
    /// Best proven bound on the optimum (upper when maximising, lower for cost).
    pub bound: f64,
    /// Gap between objective and bound, as [`crate::solve::Solution::gap`] defines it.
    pub gap: f64,
    /// How the solve ended.
    pub status: SolveStatus,
    /// Candidate sites and demand rows (summed over services) before and after presolve.
    pub presolve: PresolveStats,
    /// Time per phase.
    pub timings: Timings,
}

/// What one service gets in a [`JointSolution`].
///
/// # Example
/// ```
/// use lifecircle::model::{CoverageSets, JointPlan, JointService};
/// use lifecircle::solve::SolveOptions;
///
/// // Row 2 is out of reach of every site.
/// let cov = CoverageSets::from_sets(3, vec![vec![0], vec![1]]).unwrap();
/// let service = JointService::new("health_station", cov, vec![1.0, 2.0, 4.0]).max_new(1);
/// let sol = JointPlan::new(2, vec![service]).unwrap().solve(&SolveOptions::new()).unwrap();
/// let plan = &sol.services[0];
/// assert_eq!(plan.new_sites, vec![1]);
/// assert_eq!(plan.served, vec![0.0, 1.0, 0.0]);
/// assert_eq!((plan.covered, plan.weight), (2.0, 7.0));
/// assert_eq!(plan.uncoverable, vec![2]);
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ServicePlan {
    /// The service's name.
    pub name: String,
    /// Sites of the new facilities, sorted.
    pub new_sites: Vec<usize>,
    /// Weight covered (served, if capacitated), fixed sites included.
    pub covered: f64,
    /// Total weight of the service's rows.
    pub weight: f64,
    /// Fraction of each demand row covered or served, in `[0, 1]` (0 or 1 when uncapacitated).
    pub served: Vec<f64>,
    /// Rows with positive weight that no fixed or allowed site covers.
    pub uncoverable: Vec<usize>,
}

/// `mip::solve`, except that a model with nothing to decide is answered here.
fn solve_mip(model: &Mip, options: &SolveOptions, deadline: Deadline) -> Result<MipResult> {
    if model.cols.is_empty() {
        return Ok(MipResult {
            values: Vec::new(),
            bound: 0.0,
            status: SolveStatus::Optimal,
        });
    }
    mip::solve(model, options, deadline)
}

/// One service's demand before dominance.
struct Raw {
    fixed: Vec<bool>,
    new: Vec<bool>,
    by_demand: Vec<Vec<u32>>,
    /// Rows covered by a fixed site of unlimited capacity (any fixed site, if uncapacitated).
    settled: Vec<bool>,
    /// Rows the MIP decides: positive weight, reachable, and not settled.
    decided: Vec<bool>,
    /// For each site that may take a new facility, the decided rows it covers.
    rows_of: Vec<Vec<u32>>,
    uncoverable: Vec<usize>,
}

impl Raw {
    fn new(s: &JointService, n: usize) -> Self {
        let fixed = s.fixed_mask(n);
        let new = s.new_mask(n);
        let by_demand = s.coverage.by_demand();
        let fixed_sites: Vec<usize> = (0..n).filter(|&j| fixed[j]).collect();
        let by_fixed = s.coverage.covered(&fixed_sites);
        let caps = s.capacities(n);
        let unlimited: Vec<usize> = fixed_sites
            .iter()
            .copied()
            .filter(|&j| caps[j].is_none())
            .collect();
        let settled = s.coverage.covered(&unlimited);
        let mut uncoverable = Vec::new();
        let mut decided = vec![false; s.weights.len()];
        for (i, sites) in by_demand.iter().enumerate() {
            if s.weights[i] <= 0.0 {
                continue;
            }
            let by_new = sites.iter().any(|&j| new[j as usize]);
            if !by_new && !by_fixed[i] {
                uncoverable.push(i);
            }
            // Capacity binds existing facilities too, so rows that only fixed
            // sites of limited capacity reach stay decisions.
            decided[i] = (by_new || by_fixed[i]) && !settled[i];
        }
        let rows_of = (0..n)
            .map(|j| {
                if !new[j] {
                    return Vec::new();
                }
                let rows = s.coverage.site(j).iter().copied();
                rows.filter(|&i| decided[i as usize]).collect()
            })
            .collect();
        Raw {
            fixed,
            new,
            by_demand,
            settled,
            decided,
            rows_of,
            uncoverable,
        }
    }
}

/// Decided rows reached by the same sites (in the same zone, for equity), merged.
struct Group {
    weight: f64,
    /// Capacity the group takes when served whole ([`JointService::loads`]).
    load: f64,
    /// Meaningful for equity only; otherwise groups span zones and this is the first row's.
    zone: usize,
    /// Kept sites that may serve the group (fixed ones too, when capacitated), sorted.
    sites: Vec<u32>,
}

/// One service's demand as the MIP sees it.
struct ServiceDemand {
    /// Whether the service is capacitated: `a` columns rather than `z`.
    capacitated: bool,
    /// Per site, the load its facility can serve (`None`: unlimited).
    capacity: Vec<Option<f64>>,
    fixed: Vec<bool>,
    new: Vec<bool>,
    /// Kept sites that may take a new facility and would serve something: the `y` columns.
    candidates: Vec<usize>,
    groups: Vec<Group>,
    group_of: Vec<Option<usize>>,
    /// Per zone: total weight, and the weight that fixed sites already cover.
    zone_weight: Vec<f64>,
    zone_covered: Vec<f64>,
    uncoverable: Vec<usize>,
}

impl ServiceDemand {
    fn new(s: &JointService, raw: Raw, kept: &[bool], share: bool) -> Self {
        let (zone_of, n_zones) = s.zone_ids();
        let mut zone_weight = vec![0.0; n_zones];
        let mut zone_covered = vec![0.0; n_zones];
        let mut index: HashMap<(usize, Vec<u32>, u64), usize> = HashMap::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut group_of = vec![None; s.weights.len()];
        let capacitated = s.capacitated();
        for (i, &w) in s.weights.iter().enumerate() {
            if w <= 0.0 {
                continue;
            }
            let zone = zone_of[i];
            zone_weight[zone] += w;
            if !raw.decided[i] {
                if raw.settled[i] {
                    zone_covered[zone] += w;
                }
                continue;
            }
            let sites: Vec<u32> = raw.by_demand[i]
                .iter()
                .copied()
                .filter(|&j| {
                    let j = j as usize;
                    capacitated && raw.fixed[j] || raw.new[j] && kept[j]
                })
                .collect();
            // Under a capacity, rows whose weight per unit of load differs
            // (the 60+ weighted up) must stay apart: a merged group is served
            // as a whole fraction, so the heavier rows could not go first.
            let ratio = if capacitated { w / s.load(i) } else { 0.0 };
            let key = (if share { zone } else { 0 }, sites, ratio.to_bits());
            let g = match index.get(&key) {
                Some(&g) => g,
                None => {
                    groups.push(Group {
                        weight: 0.0,
                        load: 0.0,
                        zone,
                        sites: key.1.clone(),
                    });
                    index.insert(key, groups.len() - 1);
                    groups.len() - 1
                }
            };
            groups[g].weight += w;
            groups[g].load += s.load(i);
            group_of[i] = Some(g);
        }
        let candidates = (0..kept.len())
            .filter(|&j| kept[j] && !raw.rows_of[j].is_empty())
            .collect();
        ServiceDemand {
            capacitated,
            capacity: s.capacities(kept.len()),
            fixed: raw.fixed,
            new: raw.new,
            candidates,
            groups,
            group_of,
            zone_weight,
            zone_covered,
            uncoverable: raw.uncoverable,
        }
    }
}

/// The presolved plan.
struct Prepared {
    /// Kept candidate sites (the `x` columns, in this order), sorted.
    sites: Vec<usize>,
    services: Vec<ServiceDemand>,
    stats: PresolveStats,
}

/// Where the variables sit among the MIP's columns (`x` come first, in
/// [`Prepared::sites`] order).
struct Layout {
    /// Per service, (site, column of `y_sj`).
    y: Vec<Vec<(usize, usize)>>,
    /// Per service and group: its `z` column, or its `a` columns (one per group site).
    served: Vec<Vec<Range<usize>>>,
    /// The equity share `t`.
    t: Option<usize>,
}

/// A (service, site) move for the greedy, ordered by gain per cost, then
/// gain, then the lower site, then the lower service (the fields' order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Candidate {
    ratio: TotalF64,
    gain: TotalF64,
    site: Reverse<usize>,
    service: Reverse<usize>,
}

impl Candidate {
    fn new(ratio: f64, gain: f64, service: usize, site: usize) -> Self {
        Self {
            ratio: TotalF64(ratio),
            gain: TotalF64(gain),
            site: Reverse(site),
            service: Reverse(service),
        }
    }
}

/// The greedy's view of one service: demand left per group (as load, the
/// unit of capacity) and, when capacitated, the flow from each group to each
/// of its sites.
struct GreedyService {
    /// Per site, the load its facility can serve (infinite: unlimited).
    room: Vec<f64>,
    open: Vec<bool>,
    /// Groups each site reaches, most weight per unit of load first: under a
    /// capacity the heavier rows (the 60+ weighted up) are served first.
    groups_at: Vec<Vec<usize>>,
    left: Vec<f64>,
    /// Weight per unit of load of each group.
    worth: Vec<f64>,
    flows: Option<Vec<Vec<f64>>>,
}

impl GreedyService {
    fn new(d: &ServiceDemand, n: usize) -> Self {
        let worth: Vec<f64> = d.groups.iter().map(|g| g.weight / g.load).collect();
        let mut groups_at = vec![Vec::new(); n];
        for (g, group) in d.groups.iter().enumerate() {
            group
                .sites
                .iter()
                .for_each(|&j| groups_at[j as usize].push(g));
        }
        for groups in &mut groups_at {
            groups.sort_by(|&a, &b| worth[b].total_cmp(&worth[a]).then(a.cmp(&b)));
        }
        let mut state = GreedyService {
            room: d
                .capacity
                .iter()
                .map(|c| c.unwrap_or(f64::INFINITY))
                .collect(),
            open: vec![false; n],
            groups_at,
            left: d.groups.iter().map(|g| g.load).collect(),
            worth,
            flows: d
                .capacitated
                .then(|| d.groups.iter().map(|g| vec![0.0; g.sites.len()]).collect()),
        };
        if d.capacitated {
            (0..n).filter(|&j| d.fixed[j]).for_each(|j| state.add(d, j));
        }
        state
    }

    /// The load a facility at `j` would take from each group it reaches.
    fn takes(&self, j: usize) -> Vec<(usize, f64)> {
        let mut room = self.room[j];
        let mut takes = Vec::new();
        for &g in &self.groups_at[j] {
            let take = self.left[g].min(room);
            if take > 0.0 {
                room -= take;
                takes.push((g, take));
            }
        }
        takes
    }

    /// The weight a facility at `j` would add.
    fn gain(&self, j: usize) -> f64 {
        self.takes(j)
            .iter()
            .map(|&(g, take)| take * self.worth[g])
            .sum()
    }

    fn add(&mut self, d: &ServiceDemand, j: usize) {
        self.open[j] = true;
        for (g, take) in self.takes(j) {
            self.left[g] -= take;
            if let Some(flows) = &mut self.flows {
                let k = d.groups[g]
                    .sites
                    .binary_search(&(j as u32))
                    .expect("the site reaches the group");
                flows[g][k] += take;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cov(n_rows: usize, sets: Vec<Vec<usize>>) -> CoverageSets {
        CoverageSets::from_sets(n_rows, sets).unwrap()
    }

    fn solve(plan: &JointPlan) -> JointSolution {
        let sol = plan.solve(&SolveOptions::new()).unwrap();
        assert_eq!(sol.status, SolveStatus::Optimal);
        assert_eq!(sol.gap, 0.0);
        sol
    }

    /// Site 2 serves both services; sites 0 and 1 serve one each, better.
    fn two_services() -> Vec<JointService> {
        vec![
            JointService::new(
                "canteen",
                cov(3, vec![vec![0, 1], vec![], vec![2], vec![0]]),
                vec![5.0, 5.0, 8.0],
            ),
            JointService::new(
                "health",
                cov(3, vec![vec![], vec![0, 1], vec![2], vec![0]]),
                vec![6.0, 6.0, 7.0],
            ),
        ]
    }

    /// Two rows of 10 residents each that one site of capacity 10 reaches:
    /// the 60+ row weighs twice as much. With loads, the capacity takes 10
    /// residents, all of them 60+ (20); with the weights as loads it would
    /// take 10 weight units, 5 residents (10); and had the rows been merged
    /// into one group, half of each (15).
    #[test]
    fn a_capacity_counts_loads_and_serves_the_heavier_rows_first() {
        let canteen = |loads: Vec<f64>| {
            JointService::new("canteen", cov(2, vec![vec![0, 1]]), vec![20.0, 10.0])
                .loads(loads)
                .capacity(10.0)
        };
        let by_load = solve(&JointPlan::new(1, vec![canteen(vec![10.0, 10.0])]).unwrap());
        assert!(
            (by_load.objective - 20.0).abs() < 1e-6,
            "{}",
            by_load.objective
        );
        assert_eq!(by_load.services[0].served, vec![1.0, 0.0]);
        let by_weight = solve(&JointPlan::new(1, vec![canteen(Vec::new())]).unwrap());
        assert!((by_weight.objective - 10.0).abs() < 1e-6);
        for (loads, problem) in [
            (vec![10.0], "1 loads for 2 demand rows"),
            (vec![10.0, f64::NAN], "row 1 has load NaN"),
            (vec![0.0, 10.0], "row 0 has load 0"),
        ] {
            let err = JointPlan::new(1, vec![canteen(loads)]).unwrap_err();
            assert!(err.to_string().contains(problem), "{err}");
        }
    }

    #[test]
    fn a_tight_budget_makes_services_share_a_site() {
        let plan = JointPlan::new(4, two_services()).unwrap();
        let one = solve(&plan.clone().budget(vec![1.0; 4], 1.0).unwrap());
        assert_eq!(one.sites_opened, vec![2]);
        assert_eq!(one.objective, 15.0);
        assert_eq!(one.cost, 1.0);
        // Two sites: {1, 2} gives canteen 8, health 12 + 7 (brute force: {0, 2} 25, {2, 3} 26, {0, 1} 22).
        let two = solve(&plan.budget(vec![1.0; 4], 2.0).unwrap());
        assert_eq!(two.sites_opened, vec![1, 2]);
        assert_eq!(two.objective, 27.0);
        assert_eq!(two.services[0].new_sites, vec![2]);
        assert_eq!(two.services[1].new_sites, vec![1, 2]);
        assert_eq!(two.services[1].served, vec![1.0, 1.0, 1.0]);
        assert_eq!(two.services[0].covered + two.services[1].covered, 27.0);
    }

    #[test]
    fn capacity_leaves_demand_unserved() {
        // 90 residents; site 0 (existing) reaches rows 0, 1 and site 1 rows 1, 2; 40 each.
        let service = |max_new| {
            JointService::new(
                "canteen",
                cov(3, vec![vec![0, 1], vec![1, 2]]),
                vec![30.0; 3],
            )
            .fixed_open(vec![0])
            .max_new(max_new)
            .capacity(40.0)
        };
        let none = solve(&JointPlan::new(2, vec![service(0)]).unwrap());
        assert!((none.objective - 40.0).abs() < 1e-6);
        assert!(none.sites_opened.is_empty());
        let one = solve(&JointPlan::new(2, vec![service(1)]).unwrap());
        assert!((one.objective - 80.0).abs() < 1e-6);
        assert_eq!(one.services[0].new_sites, vec![1]);
        let served: f64 = one.services[0].served.iter().map(|v| 30.0 * v).sum();
        assert!((served - 80.0).abs() < 1e-6);
        assert!(one.services[0]
            .served
            .iter()
            .all(|v| (0.0..=1.0).contains(v)));
    }

    #[test]
    fn site_capacities_pick_the_big_plot() {
        // 100 residents that both sites reach; one new facility. Site 0 comes
        // first, so a tie would pick it.
        let service = || {
            JointService::new(
                "canteen",
                cov(2, vec![vec![0, 1], vec![0, 1]]),
                vec![50.0; 2],
            )
            .max_new(1)
        };
        let plan = |s: JointService| JointPlan::new(2, vec![s]).unwrap();
        let sol = solve(&plan(service().site_capacity(vec![(0, 30.0), (1, 100.0)])));
        assert_eq!(sol.sites_opened, vec![1]);
        assert!((sol.objective - 100.0).abs() < 1e-6);
        assert!((sol.services[0].covered - 100.0).abs() < 1e-6);
        // Listed in any order; site 0's value overrides the service's 40.
        let sol = solve(&plan(
            service()
                .capacity(40.0)
                .site_capacity(vec![(1, 20.0), (0, 30.0)]),
        ));
        assert_eq!(sol.sites_opened, vec![0]);
        assert!((sol.objective - 30.0).abs() < 1e-6);
        let sol = solve(&plan(
            service().capacity(40.0).site_capacity(vec![(0, 30.0)]),
        ));
        assert_eq!(sol.sites_opened, vec![1]);
        assert!((sol.objective - 40.0).abs() < 1e-6);
        // No capacity of the service: site 1, with no value, is unlimited.
        let sol = solve(&plan(service().site_capacity(vec![(0, 90.0)])));
        assert_eq!(sol.sites_opened, vec![1]);
        assert!((sol.objective - 100.0).abs() < 1e-6);
        assert_eq!(sol.services[0].served, vec![1.0, 1.0]);
    }

    #[test]
    fn site_capacity_defaults_to_empty_when_read() {
        let service = JointService::new("canteen", cov(1, vec![vec![0]]), vec![1.0]).capacity(5.0);
        let mut json = serde_json::to_value(&service).unwrap();
        json.as_object_mut().unwrap().remove("site_capacity");
        let read: JointService = serde_json::from_value(json).unwrap();
        assert_eq!(read, service);
        let service = service.site_capacity(vec![(0, 2.0)]);
        let text = serde_json::to_string(&service).unwrap();
        assert_eq!(
            serde_json::from_str::<JointService>(&text).unwrap(),
            service
        );
    }

    #[test]
    fn an_unlimited_fixed_site_settles_its_rows() {
        // Fixed site 0 (unlimited) reaches row 0; site 1 (20) reaches rows 0 and 1.
        let service =
            JointService::new("canteen", cov(2, vec![vec![0], vec![0, 1]]), vec![30.0; 2])
                .fixed_open(vec![0])
                .site_capacity(vec![(1, 20.0)]);
        let sol = solve(&JointPlan::new(2, vec![service]).unwrap());
        assert_eq!(sol.sites_opened, vec![1]);
        assert!((sol.objective - 50.0).abs() < 1e-6);
        let served = &sol.services[0].served;
        assert_eq!(served[0], 1.0);
        assert!((served[1] - 2.0 / 3.0).abs() < 1e-6, "{served:?}");
        assert_eq!(sol.presolve.demand_after, 1);
    }

    #[test]
    fn equity_differs_from_coverage_and_then_maximises_coverage() {
        // Zone 0: rows 0, 1 (10 each); zone 1: row 2 (1) and row 3 (1, out of reach).
        let service = |max_new| {
            JointService::new(
                "health",
                cov(4, vec![vec![0, 1], vec![0, 2], vec![2]]),
                vec![10.0, 10.0, 1.0, 1.0],
            )
            .zones(vec![0, 0, 1, 1])
            .max_new(max_new)
        };
        let plan = |max_new| JointPlan::new(3, vec![service(max_new)]).unwrap();
        let most = solve(&plan(1));
        assert_eq!(most.services[0].new_sites, vec![0]);
        assert_eq!(most.objective, 20.0);
        let fair = solve(&plan(1).objective(JointObjective::MinShare));
        assert_eq!(fair.services[0].new_sites, vec![1]);
        assert_eq!(fair.objective, 0.5);
        assert_eq!(fair.services[0].covered, 11.0);
        assert_eq!(fair.services[0].uncoverable, vec![3]);
        // With two sites, {0, 1}, {0, 2} and {1, 2} all reach share 0.5; the
        // second phase takes one covering 21 (site 2 is dominated by site 1).
        let fair = solve(&plan(2).objective(JointObjective::MinShare));
        assert_eq!(fair.objective, 0.5);
        assert_eq!(fair.services[0].new_sites, vec![0, 1]);
        assert_eq!(fair.services[0].covered, 21.0);
        assert_eq!(fair.presolve.sites_after, 2);
    }

    #[test]
    fn equity_on_tiny_weights_is_the_share_not_a_dropped_row() {
        // Zone weights of 2e-308 fell below HiGHS's smallest coefficient
        // (1e-9): the share row vanished, `t` went to 1, and the plan was
        // "optimal" at share 0 with bound 1 (found by tests/fuzz.rs).
        let w = f64::MIN_POSITIVE;
        let service = JointService::new("s", cov(2, vec![vec![0]]), vec![w, w]).zones(vec![0, 1]);
        let plan = JointPlan::new(1, vec![service]).unwrap();
        let fair = solve(&plan.objective(JointObjective::MinShare));
        assert_eq!((fair.objective, fair.bound), (0.0, 0.0));
    }

    #[test]
    fn min_cost_skips_uncoverable_rows_and_shares_sites() {
        // Canteen row 0 only site 0 reaches, row 2 sites 1 and 2, row 3 nobody.
        // Health rows only site 1 reaches, so site 1 opens and also covers canteen row 2.
        let services = vec![
            JointService::new(
                "canteen",
                cov(4, vec![vec![0, 1], vec![1, 2], vec![2]]),
                vec![1.0; 4],
            ),
            JointService::new(
                "health",
                cov(2, vec![vec![], vec![0, 1], vec![]]),
                vec![1.0; 2],
            ),
        ];
        let plan = JointPlan::new(3, services)
            .unwrap()
            .site_costs(vec![2.0, 3.0, 1.0])
            .unwrap()
            .objective(JointObjective::MinCost);
        let sol = solve(&plan);
        assert_eq!(sol.sites_opened, vec![0, 1]);
        assert_eq!((sol.cost, sol.objective), (5.0, 5.0));
        assert_eq!(sol.services[0].new_sites, vec![0, 1]);
        assert_eq!(sol.services[1].new_sites, vec![1]);
        assert_eq!(sol.services[0].uncoverable, vec![3]);
        assert_eq!(sol.services[0].served, vec![1.0, 1.0, 1.0, 0.0]);
    }

    #[test]
    fn min_cost_names_the_service_short_of_capacity() {
        let service =
            JointService::new("canteen", cov(2, vec![vec![0, 1]]), vec![30.0, 30.0]).capacity(40.0);
        let plan = JointPlan::new(1, vec![service])
            .unwrap()
            .objective(JointObjective::MinCost);
        let err = plan.solve(&SolveOptions::new()).unwrap_err();
        assert!(matches!(err, Error::Infeasible { .. }), "{err}");
        assert!(err.to_string().contains("canteen"), "{err}");
        assert!(
            err.to_string().contains("capacity 40 per facility"),
            "{err}"
        );
        // Per-site capacities 20 (fixed) and 40; site 2, unlimited, may not host it.
        let service = JointService::new(
            "canteen",
            cov(2, vec![vec![0, 1], vec![0, 1], vec![0, 1]]),
            vec![35.0, 35.0],
        )
        .site_capacity(vec![(1, 40.0), (0, 20.0)])
        .hosts(vec![0, 1])
        .fixed_open(vec![0])
        .max_new(1);
        let plan = JointPlan::new(3, vec![service])
            .unwrap()
            .objective(JointObjective::MinCost);
        let err = plan.solve(&SolveOptions::new()).unwrap_err();
        assert!(
            err.to_string()
                .contains("canteen (capacity 20 to 40 per facility: at most 60"),
            "{err}"
        );
    }

    #[test]
    fn dominated_sites_are_dropped_before_the_mip() {
        // Site 1 reaches a subset of site 0's rows for both services at the same cost.
        let services = vec![
            JointService::new("a", cov(2, vec![vec![0, 1], vec![0]]), vec![1.0, 1.0]),
            JointService::new("b", cov(1, vec![vec![0], vec![0]]), vec![1.0]),
        ];
        let sol = solve(&JointPlan::new(2, services).unwrap());
        assert_eq!(sol.presolve.sites_before, 2);
        assert_eq!(sol.presolve.sites_after, 1);
        assert_eq!(sol.presolve.demand_before, 3);
        assert_eq!(sol.sites_opened, vec![0]);
        assert_eq!(sol.objective, 3.0);
    }

    #[test]
    fn invalid_plans_are_rejected_with_names() {
        let service =
            || JointService::new("elderly_canteen", cov(1, vec![vec![0], vec![0]]), vec![1.0]);
        let err = JointPlan::new(2, vec![service().capacity(-3.0)]).unwrap_err();
        assert!(
            err.to_string()
                .contains("capacity of elderly_canteen must be > 0, got -3"),
            "{err}"
        );
        assert!(JointPlan::new(2, vec![service().capacity(f64::NAN)]).is_err());
        let err = JointPlan::new(2, vec![service()])
            .unwrap()
            .budget(vec![2.0, 3.0], 1.0)
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("below the cheapest candidate site (2)"),
            "{err}"
        );
        let err = JointPlan::new(2, vec![service().fixed_open(vec![5])]).unwrap_err();
        assert!(
            err.to_string().contains("fixed_open of elderly_canteen"),
            "{err}"
        );
        let err = JointPlan::new(2, vec![service(), service()]).unwrap_err();
        assert!(err.to_string().contains("more than one service"), "{err}");
        assert!(JointPlan::new(2, vec![]).is_err());
        let err = JointPlan::new(2, vec![service().fixed_open(vec![0]).max_new(2)]).unwrap_err();
        assert!(
            matches!(
                err,
                Error::TooManySites {
                    requested: 2,
                    available: 1
                }
            ),
            "{err}"
        );
        let err = JointPlan::new(3, vec![service()]).unwrap_err();
        assert!(
            err.to_string().contains("coverage of elderly_canteen"),
            "{err}"
        );
        let err = JointPlan::new(2, vec![service().zones(vec![0, 1])]).unwrap_err();
        assert!(
            err.to_string().contains("zones of elderly_canteen"),
            "{err}"
        );
        for (caps, expected) in [
            (vec![(5, 10.0)], "site 5 does not exist"),
            (
                vec![(1, 0.0)],
                "at site 1 must be a finite number > 0, got 0",
            ),
            (
                vec![(1, f64::NAN)],
                "at site 1 must be a finite number > 0, got NaN",
            ),
            (
                vec![(0, f64::INFINITY)],
                "at site 0 must be a finite number > 0, got inf",
            ),
            (
                vec![(0, 5.0), (1, 5.0), (0, 6.0)],
                "site 0 is listed more than once",
            ),
        ] {
            let err = JointPlan::new(2, vec![service().site_capacity(caps)]).unwrap_err();
            let text = err.to_string();
            assert!(text.contains("site_capacity of elderly_canteen"), "{text}");
            assert!(text.contains(expected), "{text}");
        }
        let bad = JointService::new("x", cov(1, vec![vec![0], vec![0]]), vec![-1.0]);
        assert!(matches!(
            JointPlan::new(2, vec![bad]),
            Err(Error::InvalidPopulation { .. })
        ));
    }
}

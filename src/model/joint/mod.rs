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

use std::collections::{HashMap, HashSet};

use super::checks::{check_budget, check_costs, site_cost};
use crate::error::{finite_non_negative, total_over_limit, Error, Result, MAX_TOTAL};
use crate::instances::coverage_sets::{check_weights, CoverageSets};
use crate::solve::{PresolveStats, SolveStatus, Timings};

mod diagnose;
mod driver;
mod extract;
mod formulation;
mod greedy;
mod presolve;
mod price;
#[cfg(test)]
mod tests;
mod ties;

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

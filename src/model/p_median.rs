//! p-median: open `p` sites so that the total weighted cost (walking time) from
//! every demand point to its nearest open site is smallest.
//!
//! # Method
//! 1. A warm start from greedy addition and fast interchange (Whitaker 1983;
//!    Resende & Werneck 2004 show it lands within a fraction of a percent).
//! 2. The radius formulation (Elloumi 2010; García, Labbé & Marín 2011): each
//!    demand point `i` sees its sorted distinct costs `D_i^1 < D_i^2 < …`;
//!    `z_i^k = 1` means "no open site within `D_i^k`". In the chained form used
//!    here, `z_i^k ≥ z_i^{k-1} − Σ_{j: c_ij = D_i^k} y_j` (with `z_i^0 = 1`),
//!    which has the same LP bound as the classical strong formulation but only
//!    `O(n·m)` non-zeros; cost `Σ_i w_i (D_i^1 + Σ_k (D_i^{k+1} − D_i^k) z_i^k)`.
//! 3. Rows are generated lazily: each point starts with the levels up to its
//!    distance in the warm start. Dropping the farther levels only lowers the
//!    objective, so the truncated MIP is a relaxation; when its optimum serves
//!    every point within its kept levels (or its bound meets the best plan) the
//!    plan is optimal, otherwise the points that went farther get more levels
//!    and the MIP is solved again from the best plan so far.
//!
//! A site fixed open caps every point's cost at its distance to that site, so
//! levels beyond it are never generated.

use std::time::Instant;

use super::p_sites::{Median, PSites};
use crate::error::{Error, Result};
use crate::instances::CostMatrix;
use crate::solve::lagrangian::{self, SiteState};
use crate::solve::mip::{self, Col, Mip, Row, Sense};
use crate::solve::{
    benders, heuristic, interrupt, relative_gap, seconds, Deadline, PresolveStats, Solution,
    SolveOptions, SolveStatus, Timings,
};

/// Up to this many `z` rows the radius formulation is built whole, beyond it lazily.
const FULL_LEVELS: usize = 400_000;

/// A p-median problem on plain data: open `p` sites (besides the fixed
/// ones) so that the total weighted cost is smallest.
///
/// # Example
/// ```
/// use lifecircle::model::{CostMatrix, PMedian};
/// use lifecircle::solve::{SolveOptions, SolveStatus};
///
/// // Four points on a line at 0, 1, 10, 11; sites at the same places.
/// let x = [0.0f64, 1.0, 10.0, 11.0];
/// let costs = CostMatrix::from_rows(
///     x.iter().map(|a| x.iter().map(|b| (a - b).abs()).collect()).collect(),
/// ).unwrap();
/// let sol = PMedian::new(costs, vec![1.0; 4], 2).unwrap().solve(&SolveOptions::new()).unwrap();
/// assert_eq!(sol.objective, 2.0);
/// assert_eq!(sol.status, SolveStatus::Optimal);
/// ```
pub type PMedian = PSites<Median>;

impl PSites<Median> {
    /// Total weighted cost of a set of open sites (infinite if none is open
    /// and some weight is positive).
    ///
    /// # Panics
    /// If a site in `open` is not a column of [`costs`](Self::costs), or
    /// `weights` (set directly) is shorter than the demand rows.
    pub fn cost_of(&self, open: &[usize]) -> f64 {
        heuristic::median_cost(&self.costs, &self.weights, open)
    }

    /// Solves to proven optimality (or until the time limit).
    ///
    /// # Errors
    /// What the builders report, for fields set directly; bad
    /// [`SolveOptions`]; [`Error::Solver`] if HiGHS fails.
    pub fn solve(&self, options: &SolveOptions) -> Result<Solution> {
        self.ready(options)?.solve_ready(options)
    }

    /// [`solve`](Self::solve) once the problem is [`ready`](PSites::ready).
    fn solve_ready(&self, options: &SolveOptions) -> Result<Solution> {
        if std::env::var_os("LIFECIRCLE_OLD_PMEDIAN").is_some() {
            return self.solve_radius_mip(options);
        }
        let t0 = Instant::now();
        let deadline = Deadline::new(t0, options);
        let m = self.costs.n_sites();
        let start = heuristic::p_median_within(
            &self.costs,
            &self.weights,
            self.p,
            &self.fixed_open,
            deadline,
        );
        let t1 = Instant::now();
        interrupt::check()?;
        let clients = self.benders_clients();
        let problem = benders::Problem {
            clients: &clients,
            n_sites: m,
            fixed: &self.fixed_open,
            total_open: self.p + self.fixed_open.len(),
        };
        let out = problem.solve(start, options, deadline)?;
        let t2 = Instant::now();
        // Priced again from the cost matrix, not from the decomposition's lists.
        let objective = self.cost_of(&out.open);
        if std::env::var_os("LIFECIRCLE_TRACE").is_some() {
            eprintln!(
                "benders: {} LP solves, {} nodes, {} sites left, bound {}, cost {objective}, heuristic {:.2} s, b&c {:.2} s",
                out.rounds, out.nodes, out.sites_left, out.bound, seconds(t1 - t0), seconds(t2 - t1)
            );
        }
        Solution::new(
            out.open,
            objective,
            out.bound.min(objective),
            out.status,
            options.mip_gap,
            PresolveStats {
                demand_before: self.costs.n_demand(),
                demand_after: clients.len(),
                sites_before: m,
                sites_after: out.sites_left,
            },
            Timings {
                presolve_s: 0.0,
                heuristic_s: seconds(t1 - t0),
                mip_s: seconds(t2 - t1),
                total_s: seconds(t2 - t0),
            },
        )
    }

    /// Each client's sites sorted by cost, up to its nearest fixed site
    /// (nothing farther is ever paid), capped at its largest cost.
    fn benders_clients(&self) -> Vec<benders::Client> {
        self.clients()
            .into_iter()
            .map(|i| {
                let row = self.costs.row(i);
                let cap = self
                    .fixed_open
                    .iter()
                    .map(|&j| row[j])
                    .fold(row.iter().copied().fold(0.0, f64::max), f64::min);
                let mut sites: Vec<u32> = (0..row.len())
                    .filter(|&j| row[j] < cap)
                    .map(|j| j as u32)
                    .collect();
                sites.sort_by(|&a, &b| row[a as usize].total_cmp(&row[b as usize]));
                let costs = sites.iter().map(|&j| row[j as usize]).collect();
                benders::Client {
                    weight: self.weights[i],
                    sites,
                    costs,
                    cap,
                }
            })
            .collect()
    }

    /// The previous method: Lagrangian fixing, then the radius formulation's MIP.
    fn solve_radius_mip(&self, options: &SolveOptions) -> Result<Solution> {
        let t0 = Instant::now();
        let deadline = Deadline::new(t0, options);
        let (n, m) = (self.costs.n_demand(), self.costs.n_sites());
        let clients = self.clients();
        let mut best = heuristic::p_median_within(
            &self.costs,
            &self.weights,
            self.p,
            &self.fixed_open,
            deadline,
        );
        let mut best_cost = self.cost_of(&best);
        let t1 = Instant::now();
        interrupt::check()?;
        let tolerance = options.mip_gap.max(1e-9);
        let mut lag = lagrangian::Relaxation::new(
            &self.costs,
            &self.weights,
            &clients,
            self.p,
            &self.fixed_open,
            &best,
        );
        let mut bound = f64::NEG_INFINITY;
        let mut status = SolveStatus::Optimal;
        let mut t_fix = 0.0;
        let mut sites_left;
        // Each round fixes sites against the incumbent, then runs the MIP on
        // what is left; a cheaper plan from the MIP starts a new round, since
        // fixings made against a dearer incumbent stay valid.
        'rounds: loop {
            let t_round = Instant::now();
            lag.climb(best_cost, 5_000, deadline);
            interrupt::check()?;
            if let Some((_, plan)) = lag.plan.take() {
                let polished = heuristic::interchange_within(
                    &self.costs,
                    &self.weights,
                    plan,
                    &self.fixed_open,
                    deadline,
                );
                let cost = self.cost_of(&polished);
                if cost < best_cost {
                    (best, best_cost) = (polished, cost);
                    lag.climb(best_cost, 5_000, deadline);
                }
            }
            if lag.bound < best_cost {
                lag.probe(best_cost, 200, 8, deadline);
            }
            interrupt::check()?;
            bound = bound.max(lag.bound.min(best_cost));
            let space = Restricted::new(
                &self.costs,
                &clients,
                &lag.sites,
                self.p + self.fixed_open.len(),
            );
            sites_left = space.sites.len();
            t_fix += t_round.elapsed().as_secs_f64();
            // Kept levels per client: all of them when the space is small enough
            // (one strong MIP), otherwise up to its level in the incumbent.
            let all_levels: usize = space
                .levels
                .iter()
                .map(|lv| lv.values.len().saturating_sub(1))
                .sum();
            let mut kept: Vec<usize> = clients
                .iter()
                .zip(&space.levels)
                .map(|(&i, lv)| {
                    let all = lv.values.len().saturating_sub(1);
                    if all_levels <= FULL_LEVELS {
                        all
                    } else {
                        lv.level_of(nearest(self.costs.row(i), &best)).min(all)
                    }
                })
                .collect();
            while relative_gap(best_cost, bound) > tolerance {
                interrupt::check()?;
                if deadline.over() {
                    status = SolveStatus::TimeLimit;
                    break 'rounds;
                }
                let mut mip = self.formulation(&clients, &space, &kept);
                mip.start = self.start_values(&space, &best, &clients, &kept);
                let result = match mip::solve(&mip, options, deadline) {
                    // No plan in the restricted space: nothing beats the incumbent.
                    Err(Error::Infeasible { .. }) => {
                        bound = best_cost;
                        break 'rounds;
                    }
                    other => other?,
                };
                let open: Vec<usize> = (0..space.sites.len())
                    .filter(|&k| result.values[k] > 0.5)
                    .map(|k| space.sites[k])
                    .collect();
                let cost = self.cost_of(&open);
                bound = bound.max(result.bound.min(best_cost).min(cost));
                if result.status != SolveStatus::Optimal {
                    if cost < best_cost {
                        (best, best_cost) = (open, cost);
                    }
                    status = result.status;
                    break 'rounds;
                }
                if cost < best_cost && relative_gap(cost, bound) > tolerance {
                    (best, best_cost) = (open, cost);
                    continue 'rounds;
                }
                if cost < best_cost {
                    (best, best_cost) = (open.clone(), cost);
                }
                // Points served beyond their kept levels get the levels they reached, and more.
                let mut grew = false;
                for (c, &i) in clients.iter().enumerate() {
                    let lv = &space.levels[c];
                    let reached = lv.level_of(nearest(self.costs.row(i), &open));
                    if reached > kept[c] {
                        kept[c] = reached.max(2 * kept[c]).min(lv.values.len() - 1);
                        grew = true;
                    }
                }
                if !grew {
                    // The truncated optimum is exact for `open`, so it is optimal.
                    bound = bound.max(cost.min(best_cost));
                }
            }
            break;
        }
        let t2 = Instant::now();
        best.sort_unstable();
        let objective = best_cost;
        // Costs are >= 0, so 0 bounds any plan when nothing better was proven.
        let bound = bound.max(0.0).min(objective);
        Solution::new(
            best,
            objective,
            bound,
            status,
            options.mip_gap,
            PresolveStats {
                demand_before: n,
                demand_after: clients.len(),
                sites_before: m,
                sites_after: sites_left,
            },
            Timings {
                presolve_s: t_fix,
                heuristic_s: seconds(t1 - t0),
                mip_s: seconds(t2 - t1) - t_fix,
                total_s: seconds(t2 - t0),
            },
        )
    }

    /// The truncated radius formulation over the sites left by the Lagrangian
    /// fixing: `y` (one per site), then each client's `z`, then a constant.
    fn formulation(&self, clients: &[usize], space: &Restricted, kept: &[usize]) -> Mip {
        let position = space.position(self.costs.n_sites());
        let mut cols: Vec<Col> = space.sites.iter().map(|_| Col::binary(0.0)).collect();
        for &j in &space.forced {
            cols[position[j]].lower = 1.0;
        }
        let mut rows = Vec::new();
        let mut constant = 0.0;
        for (c, &i) in clients.iter().enumerate() {
            let (lv, w) = (&space.levels[c], self.weights[i]);
            constant += w * lv.values[0];
            for k in 0..kept[c] {
                let z = cols.len();
                cols.push(Col::continuous(
                    w * (lv.values[k + 1] - lv.values[k]),
                    0.0,
                    1.0,
                ));
                let mut coefs: Vec<(usize, f64)> = vec![(z, 1.0)];
                coefs.extend(lv.sites_at(k).iter().map(|&j| (position[j as usize], 1.0)));
                let lower = if k == 0 {
                    1.0
                } else {
                    coefs.push((z - 1, -1.0));
                    0.0
                };
                rows.push(Row {
                    lower,
                    upper: f64::INFINITY,
                    coefs,
                });
            }
        }
        let free = space
            .sites
            .iter()
            .enumerate()
            .filter(|(_, j)| !space.forced.contains(j))
            .map(|(k, _)| (k, 1.0))
            .collect();
        rows.push(Row {
            lower: space.p as f64,
            upper: space.p as f64,
            coefs: free,
        });
        // HiGHS gets the constant through a fixed column so its objective is the true cost.
        cols.push(Col {
            cost: constant,
            lower: 1.0,
            upper: 1.0,
            integer: false,
        });
        Mip {
            sense: Sense::Minimise,
            cols,
            rows,
            start: None,
            cut_age_limit: None,
            probing: false,
        }
    }

    /// The incumbent as a MIP start, if it lies in the restricted space.
    fn start_values(
        &self,
        space: &Restricted,
        open: &[usize],
        clients: &[usize],
        kept: &[usize],
    ) -> Option<Vec<f64>> {
        let position = space.position(self.costs.n_sites());
        if open.iter().any(|&j| position[j] == usize::MAX)
            || !space.forced.iter().all(|j| open.contains(j))
        {
            return None;
        }
        let mut v = vec![0.0; space.sites.len()];
        open.iter().for_each(|&j| v[position[j]] = 1.0);
        for (c, &i) in clients.iter().enumerate() {
            let reached = space.levels[c].level_of(nearest(self.costs.row(i), open));
            v.extend((0..kept[c]).map(|k| if k < reached { 1.0 } else { 0.0 }));
        }
        v.push(1.0);
        Some(v)
    }
}

/// The sites the MIP still decides after Lagrangian fixing.
struct Restricted {
    /// Sites not fixed closed, sorted.
    sites: Vec<usize>,
    /// Sites fixed open (the caller's and the relaxation's).
    forced: Vec<usize>,
    /// Sites to open among the free ones.
    p: usize,
    /// Each client's cost levels over `sites`.
    levels: Vec<Levels>,
}

impl Restricted {
    /// The space left by the relaxation's fixings, for `total` open sites in all.
    fn new(costs: &CostMatrix, clients: &[usize], states: &[SiteState], total: usize) -> Self {
        let sites: Vec<usize> = (0..states.len())
            .filter(|&j| states[j] != SiteState::Closed)
            .collect();
        let forced: Vec<usize> = (0..states.len())
            .filter(|&j| states[j] == SiteState::Open)
            .collect();
        Self {
            p: total.saturating_sub(forced.len()),
            levels: clients
                .iter()
                .map(|&i| Levels::new(costs.row(i), &sites, &forced))
                .collect(),
            sites,
            forced,
        }
    }

    /// Column of each original site (`usize::MAX` if fixed closed).
    fn position(&self, n_sites: usize) -> Vec<usize> {
        let mut pos = vec![usize::MAX; n_sites];
        self.sites.iter().enumerate().for_each(|(k, &j)| pos[j] = k);
        pos
    }
}

fn nearest(row: &[f64], open: &[usize]) -> f64 {
    open.iter().map(|&j| row[j]).fold(f64::INFINITY, f64::min)
}

/// The sorted distinct costs of one demand point and the sites at each.
struct Levels {
    values: Vec<f64>,
    /// Sites sorted by cost; `starts[k]..starts[k+1]` are the sites at level `k`.
    sites: Vec<u32>,
    starts: Vec<usize>,
}

impl Levels {
    fn new(row: &[f64], sites: &[usize], forced: &[usize]) -> Self {
        let mut order: Vec<u32> = sites.iter().map(|&j| j as u32).collect();
        order.sort_by(|&a, &b| row[a as usize].total_cmp(&row[b as usize]).then(a.cmp(&b)));
        // A site that is surely open caps the cost: nothing beyond it is ever needed.
        let cap = forced.iter().map(|&j| row[j]).fold(f64::INFINITY, f64::min);
        let (mut values, mut starts) = (Vec::new(), Vec::new());
        for (pos, &j) in order.iter().enumerate() {
            let c = row[j as usize];
            if c > cap {
                order.truncate(pos);
                break;
            }
            if values.last() != Some(&c) {
                values.push(c);
                starts.push(pos);
            }
        }
        starts.push(order.len());
        Self {
            values,
            sites: order,
            starts,
        }
    }

    fn sites_at(&self, k: usize) -> &[u32] {
        &self.sites[self.starts[k]..self.starts[k + 1]]
    }

    /// The level index of a cost (the number of levels strictly below it).
    fn level_of(&self, cost: f64) -> usize {
        self.values.partition_point(|&v| v < cost)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn costs() -> CostMatrix {
        CostMatrix::from_rows(vec![
            vec![1.0, 2.0, 3.0],
            vec![2.0, 1.0, 3.0],
            vec![3.0, 2.0, 1.0],
        ])
        .unwrap()
    }

    /// p-median and p-center share their fields and their checks: the same
    /// bad fields, set directly, fail the same way for both; fixed sites
    /// listed twice open once. Gives the plan with sites 2, 0, 0 fixed.
    macro_rules! fields_set_directly {
        ($model:ty) => {{
            let mut m = <$model>::new(costs(), vec![1.0; 3], 1).unwrap();
            m.weights = vec![1.0];
            let err = m.solve(&SolveOptions::new()).unwrap_err();
            assert!(
                err.to_string().contains("1 weights for 3 demand points"),
                "{err}"
            );
            m.weights = vec![1.0; 3];
            m.fixed_open = vec![9];
            let err = m.solve(&SolveOptions::new()).unwrap_err();
            assert!(
                err.to_string()
                    .contains("fixed_open: site 9 does not exist"),
                "{err}"
            );
            m.fixed_open = vec![0, 1, 2, 2];
            assert!(matches!(
                m.solve(&SolveOptions::new()).unwrap_err(),
                Error::TooManySites {
                    requested: 1,
                    available: 0
                }
            ));
            let options = SolveOptions {
                time_limit_s: -1.0,
                ..SolveOptions::new()
            };
            m.fixed_open = vec![];
            let err = m.solve(&options).unwrap_err();
            assert!(err.to_string().contains("time_limit"), "{err}");
            m.fixed_open = vec![2, 0, 0];
            m.solve(&SolveOptions::new()).unwrap()
        }};
    }

    #[test]
    fn fields_set_directly_are_checked_at_solve() {
        let median = fields_set_directly!(PMedian);
        assert_eq!((median.sites, median.objective), (vec![0, 1, 2], 3.0));
        let center = fields_set_directly!(super::super::PCenter);
        assert_eq!((center.sites, center.objective), (vec![0, 1, 2], 1.0));
    }
}

//! p-median: open `p` sites so that the total weighted cost (walking time) from
//! every demand point to its nearest open site is smallest.
//!
//! # Method
//! 1. A warm start from greedy addition and fast interchange (Whitaker 1983;
//!    Resende & Werneck 2004 show it lands within a fraction of a percent).
//! 2. The Benders decomposition of the radius formulation (Elloumi 2010;
//!    Durán-Mateluna, Alès & Elloumi 2023) in [`crate::solve::benders`]: each
//!    demand point's sites sorted by cost, one `θ` per point, cuts separated
//!    on the sorted costs, a stabilised cut loop on one HiGHS LP, reduced-cost
//!    fixing and a branch-and-cut over LP re-solves. The plan it returns is
//!    priced again from the cost matrix.
//!
//! A site fixed open caps every point's cost at its distance to that site, so
//! the farther sites are left out of the point's list.
//!
//! On walking times with a cutoff ([`PSites::on_reach`]) each point's list is
//! its sites in reach and its cap the `unreachable` penalty; the warm start
//! is the same greedy and interchange on those lists
//! (`solve::median_lists`), so nothing of size demand × sites is built.

use std::time::Instant;

use super::p_sites::{mask, Median, PCosts, PSites};
#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::instances::CostMatrix;
use crate::solve::{
    benders, heuristic, interrupt, median_lists, seconds, Deadline, PresolveStats, Solution,
    SolveOptions, Timings,
};

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
    /// Total weighted cost of a set of open sites (dense costs: infinite if
    /// none is open and some weight is positive; walking times: `unreachable`
    /// for each point with no open site in reach).
    ///
    /// # Panics
    /// If a site in `open` is not a column of [`costs`](Self::costs), or
    /// `weights` (set directly) is shorter than the demand rows.
    pub fn cost_of(&self, open: &[usize]) -> f64 {
        match &self.costs {
            PCosts::Dense(costs) => heuristic::median_cost(costs, &self.weights, open),
            costs => {
                let mask = mask(costs.n_sites(), open);
                self.clients()
                    .iter()
                    .map(|&i| self.weights[i] * costs.served(i, open, &mask))
                    .sum()
            }
        }
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
        let t0 = Instant::now();
        let deadline = Deadline::new(t0, options);
        let m = self.costs.n_sites();
        let (start, clients) = match &self.costs {
            PCosts::Reach { times, unreachable } => {
                let clients = self.reach_clients(times, *unreachable);
                let start = median_lists::p_median(&clients, m, self.p, &self.fixed_open, deadline);
                (start, clients)
            }
            PCosts::Dense(costs) => {
                let start = heuristic::p_median_within(
                    costs,
                    &self.weights,
                    self.p,
                    &self.fixed_open,
                    deadline,
                );
                (start, self.benders_clients(costs))
            }
        };
        let t1 = Instant::now();
        interrupt::check()?;
        let problem = benders::Problem {
            clients: &clients,
            n_sites: m,
            fixed: &self.fixed_open,
            total_open: self.p + self.fixed_open.len(),
        };
        let out = problem.solve(start, options, deadline)?;
        let t2 = Instant::now();
        // Priced again from the costs, not from the decomposition's lists.
        let objective = self.cost_of(&out.open);
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
    fn benders_clients(&self, costs: &CostMatrix) -> Vec<benders::Client> {
        self.clients()
            .into_iter()
            .map(|i| {
                let row = costs.row(i);
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::instances::CostMatrix;

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

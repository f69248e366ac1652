//! Lagrangian bounds and variable fixing for the p-median (Beasley 1993 style).
//!
//! Relaxing "every demand point is assigned once" with multipliers `λ_i`
//! leaves a problem solved by sorting: site `j` is worth
//! `ρ_j = Σ_i min(0, w_i c_ij − λ_i)` and the `p` most negative sites open.
//! `L(λ) = Σ_i λ_i + Σ_open ρ_j` is a lower bound for every `λ`, and its
//! maximum equals the LP bound of the strong formulation. Subgradient steps
//! climb towards it in `O(Σ_i |{j : w_i c_ij < λ_i}|)` per step (each point's
//! sites are kept sorted, so only the profitable prefix is visited).
//!
//! Fixing: if forcing site `j` open (or closed) raises the bound to the cost
//! of the best known plan, no strictly better plan has `j` open (or closed),
//! so `j` is fixed. A first pass uses the one-step estimate; probing then
//! climbs again with each remaining site forced each way. What is left for
//! the MIP is usually a small fraction of the sites.

use super::presolve::Reduced;
use super::solution::Deadline;
use crate::instances::CostMatrix;

/// What the relaxation decided about a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SiteState {
    Free,
    Open,
    Closed,
}

/// The relaxation of one (sub)problem: multipliers and site states.
#[derive(Clone)]
pub(crate) struct Relaxation<'a> {
    costs: &'a CostMatrix,
    weights: &'a [f64],
    clients: &'a [usize],
    /// Sites of each client sorted by cost (shared by all copies).
    order: std::rc::Rc<Vec<Vec<u32>>>,
    lambda: Vec<f64>,
    pub sites: Vec<SiteState>,
    /// Sites still to open among the free ones.
    p_left: usize,
    /// Best bound reached for this subproblem.
    pub bound: f64,
    /// The cheapest relaxed solution seen, as a plan: (cost, open sites).
    pub plan: Option<(f64, Vec<usize>)>,
    /// Per site, the one-step estimate of the bound with the site forced the
    /// other way (from the last step): the larger, the likelier probing fixes it.
    estimate: Vec<f64>,
}

impl<'a> Relaxation<'a> {
    /// The root relaxation; `incumbent` seeds the multipliers.
    pub fn new(
        costs: &'a CostMatrix,
        weights: &'a [f64],
        clients: &'a [usize],
        p: usize,
        fixed_open: &[usize],
        incumbent: &[usize],
    ) -> Self {
        let m = costs.n_sites();
        let mut sites = vec![SiteState::Free; m];
        fixed_open.iter().for_each(|&j| sites[j] = SiteState::Open);
        let order: Vec<Vec<u32>> = clients
            .iter()
            .map(|&i| {
                let row = costs.row(i);
                let mut o: Vec<u32> = (0..m as u32).collect();
                o.sort_by(|&a, &b| row[a as usize].total_cmp(&row[b as usize]));
                o
            })
            .collect();
        let lambda = clients
            .iter()
            .map(|&i| {
                weights[i]
                    * incumbent
                        .iter()
                        .map(|&j| costs.cost(i, j))
                        .fold(f64::INFINITY, f64::min)
            })
            .collect();
        Self {
            costs,
            weights,
            clients,
            order: std::rc::Rc::new(order),
            lambda,
            sites,
            p_left: p,
            bound: f64::NEG_INFINITY,
            plan: None,
            estimate: vec![f64::NEG_INFINITY; m],
        }
    }

    fn wc(&self, c: usize, j: u32) -> f64 {
        self.weights[self.clients[c]] * self.costs.cost(self.clients[c], j as usize)
    }

    /// Forces a free site open or closed.
    pub fn force(&mut self, j: usize, open: bool) {
        debug_assert_eq!(self.sites[j], SiteState::Free);
        if open {
            self.sites[j] = SiteState::Open;
            self.p_left -= 1;
        } else {
            self.sites[j] = SiteState::Closed;
        }
        self.bound = f64::NEG_INFINITY;
    }

    /// Sites still free.
    pub fn free(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.sites.len()).filter(|&j| self.sites[j] == SiteState::Free)
    }

    /// Climbs for at most `max_steps` subgradient steps (stopping early when
    /// the bound reaches `upper` or the step vanishes), fixing sites on the
    /// way. Returns the bound; `upper` is the cost of the best known plan.
    pub fn climb(&mut self, mut upper: f64, max_steps: usize, deadline: Deadline) -> f64 {
        let m = self.sites.len();
        let tol = 1e-9 * upper.abs().max(1.0);
        let (mut alpha, mut stall) = (2.0, 0);
        let mut rho = vec![0.0; m];
        let mut chosen = vec![false; m];
        let mut g = vec![0.0; self.clients.len()];
        let order = self.order.clone();
        for step in 0..max_steps {
            if step % 16 == 15 && deadline.over() {
                break;
            }
            if self.free().count() < self.p_left {
                // Not enough sites left: no plan in this subproblem.
                self.bound = f64::INFINITY;
                break;
            }
            rho.iter_mut().for_each(|r| *r = 0.0);
            for (c, o) in order.iter().enumerate() {
                for &j in o {
                    let v = self.wc(c, j) - self.lambda[c];
                    if v >= 0.0 {
                        break;
                    }
                    if self.sites[j as usize] != SiteState::Closed {
                        rho[j as usize] += v;
                    }
                }
            }
            let mut free: Vec<u32> = self.free().map(|j| j as u32).collect();
            free.sort_by(|&a, &b| rho[a as usize].total_cmp(&rho[b as usize]));
            let open_sum: f64 = (0..m)
                .filter(|&j| self.sites[j] == SiteState::Open)
                .map(|j| rho[j])
                .sum();
            let pick = &free[..self.p_left];
            let value = self.lambda.iter().sum::<f64>()
                + open_sum
                + pick.iter().map(|&j| rho[j as usize]).sum::<f64>();
            if value > self.bound + tol {
                self.bound = value;
                stall = 0;
            } else {
                stall += 1;
                if stall >= 20 {
                    alpha /= 2.0;
                    stall = 0;
                }
            }
            if self.bound >= upper - tol || alpha < 1e-4 {
                break;
            }
            // The relaxed choice is a plan too (Lagrangian heuristic); a cheaper one lowers `upper`.
            if step % 8 == 0 {
                let open: Vec<usize> = (0..m)
                    .filter(|&j| self.sites[j] == SiteState::Open)
                    .chain(pick.iter().map(|&j| j as usize))
                    .collect();
                let cost = crate::solve::heuristic::median_cost(self.costs, self.weights, &open);
                if self.plan.as_ref().is_none_or(|(c, _)| cost < *c) {
                    upper = upper.min(cost);
                    self.plan = Some((cost, open));
                }
            }
            // One-step fixing, valid for any λ.
            let last = pick.last().map_or(0.0, |&j| rho[j as usize]);
            let next = free
                .get(self.p_left)
                .map_or(f64::INFINITY, |&j| rho[j as usize]);
            let p_before = self.p_left;
            for (k, &j) in free.iter().enumerate() {
                let j = j as usize;
                self.estimate[j] = if k < p_before {
                    value - rho[j] + next
                } else {
                    value - last + rho[j]
                };
                if k < p_before {
                    if value - rho[j] + next >= upper - tol {
                        self.sites[j] = SiteState::Open;
                        self.p_left -= 1;
                    }
                } else if value - last + rho[j] >= upper - tol {
                    self.sites[j] = SiteState::Closed;
                }
            }
            // Subgradient: 1 − (how many open sites each point would be assigned to).
            chosen.iter_mut().for_each(|x| *x = false);
            pick.iter().for_each(|&j| chosen[j as usize] = true);
            let mut norm = 0.0;
            for (c, o) in order.iter().enumerate() {
                let mut assigned = 0.0;
                for &j in o {
                    if self.wc(c, j) - self.lambda[c] >= 0.0 {
                        break;
                    }
                    let s = self.sites[j as usize];
                    if s == SiteState::Open || (s == SiteState::Free && chosen[j as usize]) {
                        assigned += 1.0;
                    }
                }
                g[c] = 1.0 - assigned;
                norm += g[c] * g[c];
            }
            if norm == 0.0 {
                break;
            }
            let step_size = alpha * (upper - value) / norm;
            for (l, gc) in self.lambda.iter_mut().zip(&g) {
                *l = (*l + step_size * gc).max(0.0);
            }
        }
        self.bound
    }

    /// Probing: climbs again with each free site forced open and forced
    /// closed; a direction whose bound reaches `upper` is impossible for a
    /// better plan, so the site is fixed the other way. Sites are tried in
    /// order of their one-step estimate, and probing stops after `patience`
    /// sites in a row that it could not fix (then the incumbent is probably
    /// not optimal, and the MIP is the better tool).
    pub fn probe(&mut self, upper: f64, steps: usize, patience: usize, deadline: Deadline) {
        let tol = 1e-9 * upper.abs().max(1.0);
        let mut candidates: Vec<usize> = self.free().collect();
        candidates.sort_by(|&a, &b| self.estimate[b].total_cmp(&self.estimate[a]));
        let mut misses = 0;
        for j in candidates {
            if deadline.over() || misses >= patience {
                break;
            }
            if self.sites[j] != SiteState::Free {
                continue;
            }
            misses += 1;
            for open in [true, false] {
                let mut child = self.clone();
                if open && child.p_left == 0 {
                    self.sites[j] = SiteState::Closed;
                    break;
                }
                child.force(j, open);
                if child.climb(upper, steps, deadline) >= upper - tol {
                    self.force(j, !open);
                    misses = 0;
                    break;
                }
            }
        }
        self.climb(upper, steps, deadline);
    }
}

/// An upper bound for maximal coverage with at most `p` sites, and the sites
/// that can be dropped because no plan using them beats `lower` (the value of
/// the best known plan).
///
/// Relaxing `y_g ≤ Σ_{j covers g} x_j` with multipliers `μ_g ≥ 0` gives
/// `U(μ) = Σ_g max(0, w_g − μ_g) + (sum of the p largest v_j)`, where
/// `v_j = Σ_{g covered by j} μ_g`. Starting from `μ = w` (the "sum of the p
/// best sites" bound), subgradient steps lower it towards the LP bound. With
/// site `j` forced in, the bound becomes `U − v_(p) + v_j`; if that is at most
/// `lower`, `j` is dropped. Works on the presolved instance (positions into
/// `r.sites`); returns the bound and a keep flag per site.
pub(crate) fn max_cover_bound(
    r: &Reduced,
    p: usize,
    lower: f64,
    deadline: Deadline,
) -> (f64, Vec<bool>) {
    let n_sites = r.sites.len();
    if p == 0 {
        return (lower, vec![false; n_sites]);
    }
    let mut keep = vec![true; n_sites];
    let mut groups_of: Vec<Vec<u32>> = vec![Vec::new(); n_sites];
    for (g, group) in r.groups.iter().enumerate() {
        for &s in &group.sites {
            groups_of[s as usize].push(g as u32);
        }
    }
    let tol = 1e-9 * lower.abs().max(1.0);
    let mut mu: Vec<f64> = r.groups.iter().map(|g| g.weight).collect();
    let (mut best, mut alpha, mut stall) = (f64::INFINITY, 2.0, 0);
    let mut v = vec![0.0; n_sites];
    let mut covers = vec![0u32; r.groups.len()];
    for step in 0..10_000 {
        if step % 16 == 15 && deadline.over() {
            break;
        }
        let kept: Vec<usize> = (0..n_sites).filter(|&s| keep[s]).collect();
        if kept.len() <= p {
            // Every remaining site fits: the relaxation is exact with them all open.
            let all: f64 = r
                .groups
                .iter()
                .filter(|g| g.sites.iter().any(|&s| keep[s as usize]))
                .map(|g| g.weight)
                .sum();
            best = best.min(all);
            break;
        }
        for &s in &kept {
            v[s] = groups_of[s].iter().map(|&g| mu[g as usize]).sum();
        }
        let mut ranked = kept.clone();
        ranked.select_nth_unstable_by(p - 1, |&a, &b| v[b].total_cmp(&v[a]));
        let (top, rest) = ranked.split_at(p);
        let vp = top.iter().map(|&s| v[s]).fold(f64::INFINITY, f64::min);
        let value = r
            .groups
            .iter()
            .zip(&mu)
            .map(|(g, m)| (g.weight - m).max(0.0))
            .sum::<f64>()
            + top.iter().map(|&s| v[s]).sum::<f64>();
        if value < best - tol {
            best = value;
            stall = 0;
        } else {
            stall += 1;
            if stall >= 50 {
                alpha /= 2.0;
                stall = 0;
            }
        }
        if best <= lower + tol || alpha < 1e-4 {
            break;
        }
        for &s in rest {
            if value - vp + v[s] <= lower + tol {
                keep[s] = false;
            }
        }
        // Subgradient of U at μ: (sites chosen covering g) − [group g counted as covered].
        covers.iter_mut().for_each(|c| *c = 0);
        for &s in top {
            for &g in &groups_of[s] {
                covers[g as usize] += 1;
            }
        }
        let d: Vec<f64> = r
            .groups
            .iter()
            .zip(&mu)
            .zip(&covers)
            .map(|((g, m), &c)| f64::from(c) - if g.weight > *m { 1.0 } else { 0.0 })
            .collect();
        let norm: f64 = d.iter().map(|x| x * x).sum();
        if norm == 0.0 {
            break;
        }
        let t = alpha * (value - lower) / norm;
        for (m, dg) in mu.iter_mut().zip(&d) {
            *m = (*m - t * dg).max(0.0);
        }
    }
    (best.max(lower), keep)
}

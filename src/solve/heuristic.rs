//! Heuristics: greedy constructions and local search, used as warm starts and
//! incumbents for the exact methods (and as the answer when the time limit
//! strikes first). Public so that they can be benchmarked and reused on their own.
//!
//! # Panics
//! These take the data the models have already checked, and index it as it
//! comes: every function here panics, as indexing does, on a site outside
//! the cost matrix or the instance, on a group naming a site position past
//! `r.sites`, on `costs` shorter than `r.sites`, or on `weights` shorter than
//! the demand rows. Embedders who build that data themselves should go
//! through the models ([`crate::model`]), which return typed errors.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::presolve::Reduced;
use super::solution::Deadline;
use crate::instances::CostMatrix;
use crate::order::TotalF64;

/// A heap entry ordered by gain, then by lower site index for determinism.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Gain(TotalF64, Reverse<usize>);

impl Gain {
    fn new(gain: f64, site: usize) -> Self {
        Self(TotalF64(gain), Reverse(site))
    }
}

fn site_groups(r: &Reduced) -> Vec<Vec<u32>> {
    let mut out = vec![Vec::new(); r.sites.len()];
    for (g, group) in r.groups.iter().enumerate() {
        for &s in &group.sites {
            out[s as usize].push(g as u32);
        }
    }
    out
}

/// Lazy greedy for maximal coverage: repeatedly opens the site with the largest
/// uncovered weight per unit cost while the site count and budget allow.
/// Returns positions into `r.sites`.
pub fn greedy_max_cover(r: &Reduced, max_sites: usize, costs: &[f64], budget: f64) -> Vec<usize> {
    greedy_max_cover_ranked(r, max_sites, costs, budget, true)
}

/// [`greedy_max_cover`] ranking sites by their uncovered weight alone (the
/// budget still checked): under a loose budget, the ratio fills up on cheap
/// sites that cover little.
pub fn greedy_max_cover_by_weight(
    r: &Reduced,
    max_sites: usize,
    costs: &[f64],
    budget: f64,
) -> Vec<usize> {
    greedy_max_cover_ranked(r, max_sites, costs, budget, false)
}

fn greedy_max_cover_ranked(
    r: &Reduced,
    max_sites: usize,
    costs: &[f64],
    budget: f64,
    per_cost: bool,
) -> Vec<usize> {
    let groups_of = site_groups(r);
    let mut covered = vec![false; r.groups.len()];
    let gain = |s: usize, covered: &[bool]| -> f64 {
        let w: f64 = groups_of[s]
            .iter()
            .filter(|&&g| !covered[g as usize])
            .map(|&g| r.groups[g as usize].weight)
            .sum();
        match per_cost {
            true => w / costs[s].max(1e-12),
            false => w,
        }
    };
    let mut heap: BinaryHeap<Gain> = (0..r.sites.len())
        .map(|s| Gain::new(gain(s, &covered), s))
        .collect();
    let (mut chosen, mut spent) = (Vec::new(), 0.0);
    while chosen.len() < max_sites {
        let Some(Gain(TotalF64(old), Reverse(s))) = heap.pop() else {
            break;
        };
        if spent + costs[s] > budget + 1e-9 {
            continue;
        }
        // Gains only shrink as sites open: a site with none left never gains
        // again (but sites below it may still: go on), and a stale entry goes
        // back with its true value.
        let fresh = gain(s, &covered);
        if fresh <= 0.0 {
            continue;
        }
        let beaten = heap
            .peek()
            .is_some_and(|&Gain(TotalF64(top), _)| top > fresh);
        if fresh < old && beaten {
            heap.push(Gain::new(fresh, s));
            continue;
        }
        spent += costs[s];
        chosen.push(s);
        for &g in &groups_of[s] {
            covered[g as usize] = true;
        }
    }
    chosen
}

/// Swap local search for maximal coverage with a site count (and a budget
/// when `budget` is finite): replaces an open site by a closed one while that
/// covers more weight and the plan stays within the budget, best swap per
/// sweep, `O(nnz)` per sweep (plus, under a budget, a walk down the open
/// sites by their loss until one may leave). `chosen` are positions into
/// `r.sites`, within the budget.
pub fn swap_max_cover(
    r: &Reduced,
    costs: &[f64],
    budget: f64,
    mut chosen: Vec<usize>,
) -> Vec<usize> {
    let groups_of = site_groups(r);
    let n = r.sites.len();
    let mut open = vec![false; n];
    chosen.iter().for_each(|&s| open[s] = true);
    loop {
        // How many open sites cover each group, and which one when it is alone.
        let mut count = vec![0u32; r.groups.len()];
        let mut sole = vec![u32::MAX; r.groups.len()];
        for &s in &chosen {
            for &g in &groups_of[s] {
                count[g as usize] += 1;
                sole[g as usize] = s as u32;
            }
        }
        let mut loss = vec![0.0; n];
        for &s in &chosen {
            loss[s] = groups_of[s]
                .iter()
                .filter(|&&g| count[g as usize] == 1)
                .map(|&g| r.groups[g as usize].weight)
                .sum();
        }
        // Open sites, least loss first: the first one that may leave is the
        // best to swap out when the incoming site shares no group with it.
        let mut by_loss: Vec<(f64, usize)> = chosen.iter().map(|&s| (loss[s], s)).collect();
        by_loss.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let spent: f64 = chosen.iter().map(|&s| costs[s]).sum();
        let fits = |s_in: usize, s_out: usize| spent - costs[s_out] + costs[s_in] <= budget + 1e-9;
        let mut best: Option<(f64, usize, usize)> = None;
        let mut overlap: std::collections::HashMap<usize, f64> = std::collections::HashMap::new();
        for s_in in (0..n).filter(|&s| !open[s]) {
            overlap.clear();
            let mut gain = 0.0;
            for &g in &groups_of[s_in] {
                let w = r.groups[g as usize].weight;
                match count[g as usize] {
                    0 => gain += w,
                    1 => *overlap.entry(sole[g as usize] as usize).or_default() += w,
                    _ => {}
                }
            }
            if gain <= 0.0 {
                continue;
            }
            let mut consider = |delta: f64, s_out: usize| {
                if delta > 1e-9 && best.is_none_or(|b| delta > b.0) {
                    best = Some((delta, s_in, s_out));
                }
            };
            if let Some(&(lost, s_out)) = by_loss.iter().find(|&&(_, s)| fits(s_in, s)) {
                consider(
                    gain - lost + overlap.get(&s_out).copied().unwrap_or(0.0),
                    s_out,
                );
            }
            for (&s_out, &kept) in &overlap {
                if fits(s_in, s_out) {
                    consider(gain - loss[s_out] + kept, s_out);
                }
            }
        }
        let Some((_, s_in, s_out)) = best else {
            return chosen;
        };
        open[s_out] = false;
        open[s_in] = true;
        let k = chosen
            .iter()
            .position(|&s| s == s_out)
            .expect("s_out is open");
        chosen[k] = s_in;
    }
}

/// Greedy set cover (Chvátal): repeatedly opens the site with the lowest cost
/// per newly covered group until every group is covered. Returns positions into
/// `r.sites`; every group must have at least one site.
pub fn greedy_set_cover(r: &Reduced, costs: &[f64]) -> Vec<usize> {
    let groups_of = site_groups(r);
    let mut covered = vec![false; r.groups.len()];
    let mut left = r.groups.len();
    let ratio = |s: usize, covered: &[bool]| -> f64 {
        let n = groups_of[s]
            .iter()
            .filter(|&&g| !covered[g as usize])
            .count();
        n as f64 / costs[s].max(1e-12)
    };
    let mut heap: BinaryHeap<Gain> = (0..r.sites.len())
        .map(|s| Gain::new(ratio(s, &covered), s))
        .collect();
    let mut chosen = Vec::new();
    while left > 0 {
        let Some(Gain(TotalF64(old), Reverse(s))) = heap.pop() else {
            break;
        };
        let fresh = ratio(s, &covered);
        if fresh <= 0.0 {
            continue;
        }
        let beaten = heap
            .peek()
            .is_some_and(|&Gain(TotalF64(top), _)| top > fresh);
        if fresh < old && beaten {
            heap.push(Gain::new(fresh, s));
            continue;
        }
        chosen.push(s);
        for &g in &groups_of[s] {
            if !covered[g as usize] {
                covered[g as usize] = true;
                left -= 1;
            }
        }
    }
    chosen
}

/// Local search for set covering from any cover `chosen` (e.g. the greedy
/// one): row weighting (RWLS, Gao, Weise & Li 2015). Each step closes the
/// open site whose loss (weight of the groups only it covers, per unit cost)
/// is least, then re-covers one uncovered group, chosen at random, by its
/// site of largest gain (uncovered weight per unit cost, not the site just
/// closed, ties to the one unchanged longest), and adds 1 to the weight of
/// every group left uncovered, so that hard groups pull sites in. Whenever
/// the sites cover everything the plan is a cover: the cheapest one seen is
/// kept (and then the search closes one more site). `steps` steps, or until
/// `deadline`. Deterministic (a fixed-seed generator). On the random
/// instances of `benches/compare_spopt.py` (family seeds 1, 2, 3, 5, 6) the
/// greedy cover is 10-30 % above the optimum; 20,000 steps (about 40 ms)
/// reached the optimum on all five.
/// Returns a cover no dearer than `chosen`, as positions into `r.sites`.
pub(crate) fn improve_set_cover(
    r: &Reduced,
    costs: &[f64],
    chosen: &[usize],
    steps: usize,
    deadline: Deadline,
) -> Vec<usize> {
    let groups_of = site_groups(r);
    let n = r.sites.len();
    let mut state = CoverState::new(n, r.groups.len());
    chosen.iter().for_each(|&s| state.toggle(s, &groups_of));
    let mut weight = vec![1.0f64; r.groups.len()];
    let mut changed_at = vec![0usize; n];
    let price = |s: usize| costs[s].max(1e-12);
    let cheaper = |a: f64, b: f64| a < b - 1e-9 * b.abs().max(1.0);
    let mut best = (state.cost(costs), state.opened.clone());
    let (mut rng, mut tabu) = (0x9e37_79b9_7f4a_7c15_u64, usize::MAX);
    for step in 1..=steps {
        if step % 256 == 0 && deadline.over() {
            break;
        }
        let least_loss = |state: &CoverState, weight: &[f64], changed_at: &[usize], skip: usize| {
            let loss = |s: usize| -> f64 {
                groups_of[s]
                    .iter()
                    .filter(|&&g| state.count[g as usize] == 1)
                    .map(|&g| weight[g as usize])
                    .sum::<f64>()
                    / price(s)
            };
            state
                .opened
                .iter()
                .copied()
                .filter(|&s| s != skip)
                .map(|s| (loss(s), changed_at[s], s))
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                .map(|(_, _, s)| s)
        };
        if state.uncovered.is_empty() {
            // A cover: keep it if it is the cheapest, then close its least useful site.
            let cost = state.cost(costs);
            if cheaper(cost, best.0) {
                best = (cost, state.opened.clone());
            }
            let Some(s) = least_loss(&state, &weight, &changed_at, usize::MAX) else {
                break;
            };
            state.toggle(s, &groups_of);
            changed_at[s] = step;
        }
        if let Some(s) = least_loss(&state, &weight, &changed_at, tabu) {
            state.toggle(s, &groups_of);
            changed_at[s] = step;
        }
        if state.uncovered.is_empty() {
            continue;
        }
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let g = state.uncovered[(rng % state.uncovered.len() as u64) as usize];
        let gain = |s: usize| -> f64 {
            groups_of[s]
                .iter()
                .filter(|&&h| state.count[h as usize] == 0)
                .map(|&h| weight[h as usize])
                .sum::<f64>()
                / price(s)
        };
        let sites = &r.groups[g].sites;
        let add = sites
            .iter()
            .map(|&s| s as usize)
            .filter(|&s| s != tabu || sites.len() == 1)
            .map(|s| (gain(s), changed_at[s], s))
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
            .map(|(_, _, s)| s)
            .expect("every group has a site");
        state.toggle(add, &groups_of);
        changed_at[add] = step;
        tabu = add;
        state.uncovered.iter().for_each(|&h| weight[h] += 1.0);
    }
    if state.uncovered.is_empty() && cheaper(state.cost(costs), best.0) {
        best.1 = state.opened;
    }
    let mut sites = best.1;
    sites.sort_unstable();
    sites
}

/// Open sites and how often each group is covered, kept up to date by [`Self::toggle`].
struct CoverState {
    is_open: Vec<bool>,
    /// The open sites, in no particular order.
    opened: Vec<usize>,
    count: Vec<u32>,
    /// The groups no open site covers, and each group's place in that list.
    uncovered: Vec<usize>,
    place: Vec<usize>,
}

impl CoverState {
    fn new(n_sites: usize, n_groups: usize) -> Self {
        Self {
            is_open: vec![false; n_sites],
            opened: Vec::new(),
            count: vec![0; n_groups],
            uncovered: (0..n_groups).collect(),
            place: (0..n_groups).collect(),
        }
    }

    fn cost(&self, costs: &[f64]) -> f64 {
        self.opened.iter().map(|&s| costs[s]).sum()
    }

    /// Opens a closed site or closes an open one.
    fn toggle(&mut self, s: usize, groups_of: &[Vec<u32>]) {
        self.is_open[s] = !self.is_open[s];
        if self.is_open[s] {
            self.opened.push(s);
        } else {
            let k = self.opened.iter().position(|&o| o == s).expect("s is open");
            self.opened.swap_remove(k);
        }
        for &g in &groups_of[s] {
            let g = g as usize;
            if self.is_open[s] {
                self.count[g] += 1;
                if self.count[g] == 1 {
                    let k = self.place[g];
                    let last = *self.uncovered.last().expect("g is uncovered");
                    self.uncovered.swap_remove(k);
                    if last != g {
                        self.place[last] = k;
                    }
                }
            } else {
                self.count[g] -= 1;
                if self.count[g] == 0 {
                    self.place[g] = self.uncovered.len();
                    self.uncovered.push(g);
                }
            }
        }
    }
}

/// Nearest and second-nearest open site of every demand point.
struct Assignment {
    first: Vec<(f64, usize)>,
    second: Vec<f64>,
}

impl Assignment {
    fn of(costs: &CostMatrix, open: &[usize]) -> Self {
        let n = costs.n_demand();
        let mut first = vec![(f64::INFINITY, usize::MAX); n];
        let mut second = vec![f64::INFINITY; n];
        for i in 0..n {
            let row = costs.row(i);
            for &j in open {
                let c = row[j];
                if c < first[i].0 || (c == first[i].0 && j < first[i].1) {
                    second[i] = first[i].0;
                    first[i] = (c, j);
                } else if c < second[i] {
                    second[i] = c;
                }
            }
        }
        Self { first, second }
    }
}

/// For each client, the cost to its nearest site in `open` (infinite if none).
fn nearest_costs(costs: &CostMatrix, clients: &[usize], open: &[usize]) -> Vec<f64> {
    clients
        .iter()
        .map(|&i| {
            open.iter()
                .map(|&j| costs.cost(i, j))
                .fold(f64::INFINITY, f64::min)
        })
        .collect()
}

/// Total weighted cost of serving every demand point from its nearest open site.
pub fn median_cost(costs: &CostMatrix, weights: &[f64], open: &[usize]) -> f64 {
    (0..costs.n_demand())
        .filter(|&i| weights[i] > 0.0)
        .map(|i| {
            weights[i]
                * open
                    .iter()
                    .map(|&j| costs.cost(i, j))
                    .fold(f64::INFINITY, f64::min)
        })
        .sum()
}

/// p-median: greedy addition, then [`interchange`]. Fixed sites stay open.
/// Returns the open sites (fixed included), sorted.
pub fn p_median(costs: &CostMatrix, weights: &[f64], p: usize, fixed: &[usize]) -> Vec<usize> {
    p_median_within(costs, weights, p, fixed, Deadline::never())
}

/// [`p_median`] whose interchange stops at `deadline` (the greedy plan is
/// always completed: it is the first feasible answer).
pub(crate) fn p_median_within(
    costs: &CostMatrix,
    weights: &[f64],
    p: usize,
    fixed: &[usize],
    deadline: Deadline,
) -> Vec<usize> {
    let (n, m) = (costs.n_demand(), costs.n_sites());
    let clients: Vec<usize> = (0..n).filter(|&i| weights[i] > 0.0).collect();
    let mut open: Vec<usize> = fixed.to_vec();
    let mut is_open = vec![false; m];
    open.iter().for_each(|&j| is_open[j] = true);
    let mut best = nearest_costs(costs, &clients, &open);
    for _ in 0..p {
        let pick = (0..m)
            .filter(|&j| !is_open[j])
            .map(|j| {
                let total: f64 = clients
                    .iter()
                    .zip(&best)
                    .map(|(&i, &b)| weights[i] * b.min(costs.cost(i, j)))
                    .sum();
                (total, j)
            })
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let Some((_, j)) = pick else { break };
        is_open[j] = true;
        open.push(j);
        for (b, &i) in best.iter_mut().zip(&clients) {
            *b = b.min(costs.cost(i, j));
        }
    }
    interchange_within(costs, weights, open, fixed, deadline)
}

/// Whitaker's fast interchange from a given plan: the best swap per sweep
/// (each sweep `O(n·m)`) until no swap improves. Fixed sites stay open.
/// Returns the open sites, sorted.
pub fn interchange(
    costs: &CostMatrix,
    weights: &[f64],
    open: Vec<usize>,
    fixed: &[usize],
) -> Vec<usize> {
    interchange_within(costs, weights, open, fixed, Deadline::never())
}

/// [`interchange`] that stops after the sweep during which `deadline`
/// passes (or a stop is requested): every plan on the way is feasible.
pub(crate) fn interchange_within(
    costs: &CostMatrix,
    weights: &[f64],
    mut open: Vec<usize>,
    fixed: &[usize],
    deadline: Deadline,
) -> Vec<usize> {
    let (n, m) = (costs.n_demand(), costs.n_sites());
    let clients: Vec<usize> = (0..n).filter(|&i| weights[i] > 0.0).collect();
    let mut is_open = vec![false; m];
    open.iter().for_each(|&j| is_open[j] = true);
    let mut is_fixed = vec![false; m];
    fixed.iter().for_each(|&j| is_fixed[j] = true);
    let mut loss = vec![0.0; m];
    while !deadline.over() {
        let a = Assignment::of(costs, &open);
        let mut best_swap: Option<(f64, usize, usize)> = None;
        for j_in in (0..m).filter(|&j| !is_open[j]) {
            // gain: what every client saves by j_in alone; loss[j_out]: what
            // clients of j_out pay extra when it closes (net of j_in).
            let mut gain = 0.0;
            for &i in &clients {
                let (d1, j1) = a.first[i];
                let d_in = costs.cost(i, j_in);
                let w = weights[i];
                if d_in < d1 {
                    gain += w * (d1 - d_in);
                } else {
                    loss[j1] += w * (d_in.min(a.second[i]) - d1);
                }
            }
            for &j_out in open.iter().filter(|&&j| !is_fixed[j]) {
                let delta = loss[j_out] - gain;
                if delta < -1e-9 && best_swap.is_none_or(|b| delta < b.0) {
                    best_swap = Some((delta, j_in, j_out));
                }
            }
            open.iter().for_each(|&j| loss[j] = 0.0);
        }
        let Some((_, j_in, j_out)) = best_swap else {
            break;
        };
        is_open[j_out] = false;
        is_open[j_in] = true;
        let k = open
            .iter()
            .position(|&j| j == j_out)
            .expect("j_out is open");
        open[k] = j_in;
    }
    open.sort_unstable();
    open
}

/// p-center upper bound: farthest-first (Gonzalez) — starting from the open
/// sites `fixed`, `p` times open the site nearest to the demand point that is
/// worst off. Returns all open sites, sorted.
pub fn p_center(costs: &CostMatrix, clients: &[usize], p: usize, fixed: &[usize]) -> Vec<usize> {
    let m = costs.n_sites();
    let mut open: Vec<usize> = fixed.to_vec();
    let mut is_open = vec![false; m];
    open.iter().for_each(|&j| is_open[j] = true);
    let mut reach = nearest_costs(costs, clients, &open);
    for _ in 0..p {
        let worst =
            (0..clients.len()).max_by(|&a, &b| reach[a].total_cmp(&reach[b]).then(b.cmp(&a)));
        // With no client every plan is optimal, but it still opens p sites:
        // the lowest-numbered ones.
        let cost = |j: usize| worst.map_or(0.0, |w| costs.cost(clients[w], j));
        let Some(j) = (0..m)
            .filter(|&j| !is_open[j])
            .min_by(|&a, &b| cost(a).total_cmp(&cost(b)).then(a.cmp(&b)))
        else {
            break;
        };
        is_open[j] = true;
        open.push(j);
        for (r, &c) in reach.iter_mut().zip(clients) {
            *r = r.min(costs.cost(c, j));
        }
    }
    open.sort_unstable();
    open
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::presolve::DemandGroup;

    fn instance() -> Reduced {
        Reduced {
            sites: vec![0, 1, 2],
            groups: vec![
                DemandGroup {
                    weight: 5.0,
                    sites: vec![0],
                },
                DemandGroup {
                    weight: 4.0,
                    sites: vec![1],
                },
                DemandGroup {
                    weight: 3.0,
                    sites: vec![1, 2],
                },
                DemandGroup {
                    weight: 1.0,
                    sites: vec![2],
                },
            ],
        }
    }

    #[test]
    fn greedy_picks_largest_gain_first() {
        let r = instance();
        assert_eq!(greedy_max_cover(&r, 1, &[1.0; 3], f64::INFINITY), vec![1]);
        assert_eq!(
            greedy_max_cover(&r, 2, &[1.0; 3], f64::INFINITY),
            vec![1, 0]
        );
        // A budget of 1.5 with costs (2, 1, 1) forbids site 0.
        assert_eq!(greedy_max_cover(&r, 3, &[2.0, 1.0, 1.0], 1.5), vec![1]);
    }

    #[test]
    fn greedy_goes_on_past_a_site_whose_gain_has_gone() {
        // Sites 2 then 1 cover everything site 0 covers; site 3 still gains.
        let group = |weight: f64, sites: Vec<u32>| DemandGroup { weight, sites };
        let r = Reduced {
            sites: vec![0, 1, 2, 3],
            groups: vec![
                group(3.0, vec![0, 1]),
                group(3.0, vec![0, 2]),
                group(4.0, vec![1]),
                group(4.5, vec![2]),
                group(1.0, vec![3]),
            ],
        };
        assert_eq!(
            greedy_max_cover(&r, 3, &[1.0; 4], f64::INFINITY),
            vec![2, 1, 3]
        );
    }

    #[test]
    fn greedy_cover_covers_everything() {
        let r = instance();
        let mut s = greedy_set_cover(&r, &[1.0; 3]);
        s.sort();
        assert_eq!(s, vec![0, 1, 2]);
    }

    fn soon() -> Deadline {
        Deadline::new(
            std::time::Instant::now(),
            &crate::solve::SolveOptions::new(),
        )
    }

    #[test]
    fn local_search_escapes_the_greedy_trap_and_trades_two_for_one() {
        let group = |sites: Vec<u32>| DemandGroup { weight: 1.0, sites };
        // Greedy opens site 0 (four groups) and then needs 1 and 2, which cover everything.
        let r = Reduced {
            sites: vec![0, 1, 2],
            groups: vec![
                group(vec![0, 1]),
                group(vec![0, 1]),
                group(vec![0, 2]),
                group(vec![0, 2]),
                group(vec![1]),
                group(vec![2]),
            ],
        };
        let greedy = greedy_set_cover(&r, &[1.0; 3]);
        assert_eq!(greedy.len(), 3);
        assert_eq!(
            improve_set_cover(&r, &[1.0; 3], &greedy, 100, soon()),
            vec![1, 2]
        );
        // Sites 0 and 1 cover one group each; site 2 covers both: open 2, close 0 and 1.
        let r = Reduced {
            sites: vec![0, 1, 2],
            groups: vec![group(vec![0, 2]), group(vec![1, 2])],
        };
        assert_eq!(
            improve_set_cover(&r, &[1.0; 3], &[0, 1], 100, soon()),
            vec![2]
        );
        // ... unless site 2 costs more than the two together.
        assert_eq!(
            improve_set_cover(&r, &[1.0, 1.0, 2.5], &[0, 1], 100, soon()),
            vec![0, 1]
        );
    }

    #[test]
    fn local_search_keeps_a_cover_and_reaches_the_brute_force_optimum() {
        let mut state = 12345u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let mut reached = 0;
        for _ in 0..200 {
            let n_sites = 2 + next(10) as usize;
            let groups: Vec<DemandGroup> = (0..1 + next(20))
                .map(|_| {
                    let mut sites: Vec<u32> =
                        (0..n_sites as u32).filter(|_| next(3) == 0).collect();
                    if sites.is_empty() {
                        sites.push(next(n_sites as u64) as u32);
                    }
                    DemandGroup { weight: 1.0, sites }
                })
                .collect();
            let r = Reduced {
                sites: (0..n_sites).collect(),
                groups,
            };
            let costs: Vec<f64> = (0..n_sites).map(|_| 1.0 + next(3) as f64).collect();
            let greedy = greedy_set_cover(&r, &costs);
            let better = improve_set_cover(&r, &costs, &greedy, 500, soon());
            let cost = |c: &[usize]| c.iter().map(|&s| costs[s]).sum::<f64>();
            assert!(cost(&better) <= cost(&greedy) + 1e-9);
            let covers = |c: &[usize]| {
                r.groups
                    .iter()
                    .all(|g| g.sites.iter().any(|s| c.contains(&(*s as usize))))
            };
            assert!(covers(&better), "{better:?} is not a cover");
            // Brute force over every subset of the sites.
            let optimum = (0u32..1 << n_sites)
                .map(|mask| {
                    (0..n_sites)
                        .filter(|&s| mask & (1 << s) != 0)
                        .collect::<Vec<_>>()
                })
                .filter(|c| covers(c))
                .map(|c| cost(&c))
                .fold(f64::INFINITY, f64::min);
            assert!(cost(&better) >= optimum - 1e-9);
            reached += usize::from(cost(&better) <= optimum + 1e-9);
        }
        // A heuristic, but on instances this small it should rarely miss the optimum.
        assert!(reached >= 190, "optimum reached on {reached} of 200");
    }
}

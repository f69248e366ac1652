//! p-median by Benders decomposition of the radius formulation
//! (Durán-Mateluna, Alès & Elloumi, EJOR 2023, arXiv 2111.13405), over
//! HiGHS, which has no lazy-constraint callback.
//!
//! # Formulation
//! Each client `i` (a demand point of positive weight) lists the sites it
//! may use, sorted by cost, and a cap: what it pays when none of them is open
//! (for dense costs its largest cost; for walking times with a cutoff, the
//! penalty beyond the cutoff). The master has one `y_j` per site and one
//! `θ_i` per client, `min Σ w_i θ_i` with `Σ y = p`; the radius formulation's
//! subproblem of client `i` is solved in closed form, and its optimal dual
//! gives the cut, for a level `D` (one of its costs, or its cap):
//!
//! `θ_i ≥ D − Σ_{j: c_ij < D} (D − c_ij) y_j`.
//!
//! It is valid for every plan (if an open site is nearer than `D`, the
//! right-hand side is at most its cost; otherwise it is `D`), and at a point
//! `y` the tightest one takes the first `D` at which `Σ_{c_ij ≤ D} y_j ≥ 1`:
//! separation walks the client's sorted list once.
//!
//! # Method
//! 1. The LP relaxation of the master by a cut loop, separating at a point
//!    between the LP optimum and a core point (in-out stabilisation, Ben-Ameur
//!    & Neto 2007), falling back to the LP point when the mixed point yields
//!    no cut that the LP optimum violates. HiGHS re-solves from its basis.
//! 2. Reduced-cost fixing against the incumbent: a site whose reduced cost
//!    lifts the LP bound to the incumbent's cost is closed (or opened).
//! 3. Branch-and-cut on that one LP: depth first, branching on the most
//!    fractional site, the cut loop at every node (cuts are valid everywhere,
//!    so the LP keeps them, but for those slack at several optima in a row:
//!    separation is exact and brings back any that a node violates),
//!    reduced-cost fixing per subtree, and the LP point rounded to a plan at
//!    every node. A master MIP handed to HiGHS and
//!    re-solved with new cuts was measured first and was slower (pmed35 19 s,
//!    1.7 s here): HiGHS rebuilds its tree on every re-solve.
//!
//! # Complexity
//! Memory is the clients' lists (12 bytes per listed site) plus the cuts (as
//! many non-zeros as a client has sites nearer than the cut's level); no
//! `n × m` table is built when the lists are sparse.

use super::mip::{self, Col, Lp, LpEnd, LpOptimum, Row};
use super::{interrupt, Deadline, SolveOptions, SolveStatus};
use crate::error::Result;

/// One client of the decomposition: its weight, the sites it may use sorted
/// by cost, and the cost it pays when none of them is open.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    pub weight: f64,
    /// Sites in order of cost (ties in any order).
    pub sites: Vec<u32>,
    /// `costs[k]` is the cost of `sites[k]`, non-decreasing.
    pub costs: Vec<f64>,
    /// The cost when no listed site is open, at least every listed cost.
    pub cap: f64,
}

impl Client {
    /// The cost of this client under a plan (`open[j]` for every site).
    pub fn cost(&self, open: &[bool]) -> f64 {
        self.sites
            .iter()
            .position(|&j| open[j as usize])
            .map_or(self.cap, |k| self.costs[k])
    }

    /// The tightest cut at `y`: the first level at which `y` covers the client.
    fn separate(&self, client: usize, y: &[f64]) -> Cut {
        let (mut s, mut group) = (0.0, 0);
        for (k, &j) in self.sites.iter().enumerate() {
            if k > 0 && self.costs[k] > self.costs[k - 1] {
                group = k;
            }
            s += y[j as usize];
            if s >= 1.0 - COVER_EPS {
                return Cut::new(client, group, self.costs[k]);
            }
        }
        let below = self.costs.partition_point(|&c| c < self.cap);
        Cut::new(client, below, self.cap)
    }

    /// The right-hand side of `cut` at `y`: the least `θ` it allows.
    fn floor(&self, cut: &Cut, y: &[f64]) -> f64 {
        let d = cut.level;
        d - self.costs[..cut.below as usize]
            .iter()
            .zip(&self.sites)
            .map(|(&c, &j)| (d - c) * y[j as usize])
            .sum::<f64>()
    }
}

/// Below this shortfall a client counts as covered at a level.
const COVER_EPS: f64 = 1e-9;
/// A row whose activity exceeds its bound by more than this is slack.
const SLACK: f64 = 1e-6;
/// A cut slack at this many LP optima in a row leaves the LP (tuned on
/// pmed36 and pmed39; see benches/README.md).
const CUT_AGE: u32 = 5;
/// A cut is added when it raises a client's `θ` by more than this (relative).
const VIOLATION: f64 = 1e-7;
/// At a fractional point the cut loop stops when five rounds together raised
/// the bound by less than this (relative).
const TAIL_OFF: f64 = 1e-6;

/// A cut `θ_client ≥ level − Σ_{k < below} (level − costs[k]) y_{sites[k]}`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cut {
    client: u32,
    /// The number of the client's sites strictly cheaper than `level`.
    below: u32,
    level: f64,
}

impl Cut {
    fn new(client: usize, below: usize, level: f64) -> Self {
        Cut {
            client: client as u32,
            below: below as u32,
            level,
        }
    }

    /// The cut as a row over columns `y` (`0..m`) and `θ` (`m + client`).
    fn row(&self, clients: &[Client], m: usize) -> Row {
        let cl = &clients[self.client as usize];
        let mut coefs = Vec::with_capacity(self.below as usize + 1);
        coefs.push((m + self.client as usize, 1.0));
        coefs.extend(
            cl.sites[..self.below as usize]
                .iter()
                .zip(&cl.costs)
                .map(|(&j, &c)| (j as usize, self.level - c)),
        );
        Row {
            lower: self.level,
            upper: f64::INFINITY,
            coefs,
        }
    }
}

/// The p-median problem as the decomposition sees it.
pub(crate) struct Problem<'a> {
    pub clients: &'a [Client],
    pub n_sites: usize,
    /// Sites open in every plan.
    pub fixed: &'a [usize],
    /// Sites open in all, the fixed ones included.
    pub total_open: usize,
}

/// What the decomposition found.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    /// The best plan (sorted) and the proven lower bound.
    pub open: Vec<usize>,
    pub bound: f64,
    pub status: SolveStatus,
    /// Sites neither fixed closed nor open by the reduced costs.
    pub sites_left: usize,
}

impl Problem<'_> {
    /// The cost of a plan.
    pub fn cost_of(&self, open: &[usize]) -> f64 {
        let mask = self.mask(open);
        self.clients.iter().map(|c| c.weight * c.cost(&mask)).sum()
    }

    fn mask(&self, open: &[usize]) -> Vec<bool> {
        let mut mask = vec![false; self.n_sites];
        open.iter().for_each(|&j| mask[j] = true);
        mask
    }

    /// The master's columns: `y` per site (fixed ones at 1), `θ` per client.
    fn columns(&self) -> Vec<Col> {
        let mut cols: Vec<Col> = (0..self.n_sites)
            .map(|_| Col::continuous(0.0, 0.0, 1.0))
            .collect();
        for &j in self.fixed {
            cols[j].lower = 1.0;
        }
        cols.extend(self.clients.iter().map(|c| {
            let floor = c.costs.first().map_or(c.cap, |&d| d.min(c.cap));
            Col::continuous(c.weight, floor, f64::INFINITY)
        }));
        cols
    }

    fn cardinality(&self) -> Row {
        Row {
            lower: self.total_open as f64,
            upper: self.total_open as f64,
            coefs: (0..self.n_sites).map(|j| (j, 1.0)).collect(),
        }
    }

    /// Cuts at `y` that the point `(y_lp, θ_lp)` violates; `θ` at `theta`.
    fn violated(&self, at: &[f64], y_lp: &[f64], theta: &[f64]) -> Vec<Cut> {
        self.clients
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let cut = c.separate(i, at);
                let need = c.floor(&cut, y_lp);
                (need > theta[i] + VIOLATION * need.abs().max(1.0)).then_some(cut)
            })
            .collect()
    }

    /// Solves from the plan `start` (a feasible plan, e.g. a heuristic's).
    ///
    /// # Errors
    /// [`crate::Error::Interrupted`]; [`crate::Error::Solver`] if HiGHS fails.
    /// The memory limit of `options` is polled at every node (before it, the
    /// inputs and the LP are what is held).
    pub fn solve(
        &self,
        start: Vec<usize>,
        options: &SolveOptions,
        deadline: Deadline,
    ) -> Result<Outcome> {
        let m = self.n_sites;
        let mut search = Search {
            problem: self,
            lp: Lp::new(&self.columns()),
            best_cost: self.cost_of(&start),
            best: start,
            tolerance: options.mip_gap.max(1e-9),
            deadline,
            verbose: options.verbose,
            started: std::time::Instant::now(),
            ages: Vec::new(),
        };
        let incumbent = self.indicator(&search.best);
        let mut rows = vec![self.cardinality()];
        rows.extend(
            self.clients
                .iter()
                .enumerate()
                .map(|(i, c)| c.separate(i, &incumbent).row(self.clients, m)),
        );
        search.lp.add_rows(&rows)?;
        search.ages = vec![0; rows.len()];
        let uniform = self.total_open as f64 / m as f64;
        let mut core: Vec<f64> = incumbent.iter().map(|&v| 0.5 * v + 0.5 * uniform).collect();
        // Root bounds: the fixed sites open; reduced-cost fixing adds to them.
        let mut root = vec![(0.0, 1.0); m];
        self.fixed.iter().for_each(|&j| root[j] = (1.0, 1.0));
        // The bounds the LP holds now (those of its columns: the root's).
        let mut lp_bounds = root.clone();
        let mut stack = vec![Node {
            fixings: Vec::new(),
            bound: f64::NEG_INFINITY,
        }];
        let (mut status, mut nodes, mut sites_left, mut root_bound) =
            (SolveStatus::Optimal, 0, m, f64::NEG_INFINITY);
        // The least bound of what was left out within the gap's slack (nodes
        // and reduced-cost fixings): with a gap asked for, the proven bound
        // is that, not the incumbent's cost.
        let mut pruned = f64::INFINITY;
        // Depth first: measured on pmed36/pmed39, best-first solved as many
        // nodes and took 1.5x longer (LP warm starts jump across the tree).
        while let Some(node) = stack.pop() {
            interrupt::check()?;
            if !search.open(node.bound) {
                pruned = pruned.min(node.bound);
                continue;
            }
            let over_memory = mip::resident_bytes()
                .is_some_and(|b| b as f64 > options.memory_limit_mb * 1024.0 * 1024.0);
            if deadline.over() || over_memory {
                stack.push(node);
                status = if over_memory {
                    SolveStatus::MemoryLimit
                } else {
                    SolveStatus::TimeLimit
                };
                break;
            }
            let mut bounds = root.clone();
            node.fixings.iter().for_each(|&(j, v)| bounds[j] = (v, v));
            // Only the bounds that differ from the last node's: HiGHS marks
            // its solver state stale on every change, even to the same value.
            for (j, (&b, was)) in bounds.iter().zip(&mut lp_bounds).enumerate() {
                if b != *was {
                    search.lp.set_bounds(j, b.0, b.1);
                    *was = b;
                }
            }
            let forced_open = bounds.iter().filter(|b| b.0 > 0.5).count();
            let may_open = bounds.iter().filter(|b| b.1 > 0.5).count();
            if forced_open > self.total_open || may_open < self.total_open {
                continue;
            }
            let opt = match search.cut_loop((nodes == 0).then_some(&mut core))? {
                LpEnd::Optimal(opt) => opt,
                LpEnd::Infeasible => continue,
                LpEnd::Stopped => {
                    stack.push(node);
                    status = SolveStatus::TimeLimit;
                    break;
                }
            };
            nodes += 1;
            search.drop_slack_cuts()?;
            let lb = opt.objective;
            if options.verbose && nodes % 100 == 0 {
                eprintln!(
                    "Benders node {nodes}: bound here {lb}, best {}, {} open nodes, {} cuts, {:.1} s",
                    search.best_cost,
                    stack.len(),
                    search.lp.n_rows(),
                    search.started.elapsed().as_secs_f64()
                );
            }
            if nodes == 1 {
                root_bound = lb;
            }
            search.round(&opt.values[..m], &bounds);
            if !search.open(lb) {
                pruned = pruned.min(lb);
                continue;
            }
            let y = &opt.values[..m];
            let fractional = (0..m)
                .filter(|&j| bounds[j].0 < bounds[j].1)
                .map(|j| (j, y[j].min(1.0 - y[j])))
                .filter(|&(_, f)| f > 1e-6)
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
            let Some((branch, _)) = fractional else {
                // An integral point the cut loop priced exactly: it is a plan.
                let open: Vec<usize> = (0..m).filter(|&j| y[j] > 0.5).collect();
                search.offer(open);
                continue;
            };
            // Reduced-cost fixing against the incumbent, for the whole subtree.
            let slack = search.slack();
            let mut fixings = node.fixings.clone();
            for j in (0..m).filter(|&j| bounds[j].0 < bounds[j].1) {
                let rc = opt.reduced_costs[j];
                if rc > 0.0 && lb + rc >= search.best_cost - slack {
                    fixings.push((j, 0.0));
                    pruned = pruned.min(lb + rc);
                } else if rc < 0.0 && lb - rc >= search.best_cost - slack {
                    fixings.push((j, 1.0));
                    pruned = pruned.min(lb - rc);
                }
            }
            if nodes == 1 {
                fixings.drain(..).for_each(|(j, v)| root[j] = (v, v));
                sites_left = root.iter().filter(|b| b.0 < b.1).count();
            }
            if fixings.iter().any(|&(j, _)| j == branch) || root[branch].0 == root[branch].1 {
                // The fixing decided the branching site: solve the node again.
                stack.push(Node { fixings, bound: lb });
                continue;
            }
            for v in [0.0, 1.0] {
                let mut f = fixings.clone();
                f.push((branch, v));
                stack.push(Node {
                    fixings: f,
                    bound: lb,
                });
            }
        }
        let open_bound = stack.iter().map(|n| n.bound).fold(f64::INFINITY, f64::min);
        if options.verbose {
            // The solver log goes to standard error, as HiGHS's MIP log does.
            eprintln!(
                "Benders p-median: {nodes} nodes, root bound {root_bound}, best {} ({}), {sites_left} of {m} sites left after reduced-cost fixing, {} cuts",
                search.best_cost,
                status,
                search.lp.n_rows(),
            );
        }
        let bound = search.best_cost.min(open_bound).min(pruned).max(root_bound);
        let mut open = search.best;
        open.sort_unstable();
        Ok(Outcome {
            open,
            bound: bound.max(0.0).min(search.best_cost),
            status,
            sites_left,
        })
    }

    /// A plan as a 0/1 vector over the sites.
    fn indicator(&self, open: &[usize]) -> Vec<f64> {
        self.mask(open)
            .iter()
            .map(|&o| f64::from(u8::from(o)))
            .collect()
    }
}

/// A node of the branch-and-cut: its sites fixed (beyond the root's) and its parent's bound.
struct Node {
    fixings: Vec<(usize, f64)>,
    bound: f64,
}

/// The state of the branch-and-cut: one LP kept in HiGHS for the whole tree
/// (every cut is valid everywhere, so cuts found at one node serve all, until
/// they have been slack for a while).
struct Search<'p, 'a> {
    problem: &'p Problem<'a>,
    lp: Lp,
    best: Vec<usize>,
    best_cost: f64,
    tolerance: f64,
    deadline: Deadline,
    /// Log the root's cut rounds and every 100th node to standard error.
    verbose: bool,
    started: std::time::Instant,
    /// Per LP row: how many LP optima in a row found it slack.
    ages: Vec<u32>,
}

impl Search<'_, '_> {
    /// What a bound must stay below for a node to be worth solving.
    fn slack(&self) -> f64 {
        self.tolerance * self.best_cost.abs().max(1.0)
    }

    fn open(&self, bound: f64) -> bool {
        bound < self.best_cost - self.slack()
    }

    /// Counts, per row, the optima in a row at which it was slack.
    fn age(&mut self, opt: &LpOptimum) {
        for (age, &slack) in self.ages.iter_mut().zip(&opt.row_slacks) {
            *age = if slack > SLACK { *age + 1 } else { 0 };
        }
    }

    /// Deletes the cuts slack at the last [`CUT_AGE`] optima, once they are
    /// a tenth of the LP: every cut is valid everywhere and separation is
    /// exact, so a dropped cut comes back where it is violated, while the
    /// re-solves of the branch-and-cut no longer carry it.
    fn drop_slack_cuts(&mut self) -> Result<()> {
        let old: Vec<bool> = self.ages.iter().map(|&a| a >= CUT_AGE).collect();
        let n_old = old.iter().filter(|&&o| o).count();
        if n_old * 10 < self.ages.len() {
            return Ok(());
        }
        self.lp.delete_rows(&old)?;
        let mut keep = old.iter().map(|&o| !o);
        self.ages.retain(|_| keep.next().unwrap_or(true));
        Ok(())
    }

    /// Takes `open` as the incumbent if it is cheaper.
    fn offer(&mut self, open: Vec<usize>) {
        let cost = self.problem.cost_of(&open);
        if cost < self.best_cost {
            (self.best, self.best_cost) = (open, cost);
        }
    }

    /// Rounds an LP point to a plan: the sites of largest value (within `bounds`).
    fn round(&mut self, y: &[f64], bounds: &[(f64, f64)]) {
        let mut order: Vec<usize> = (0..y.len()).filter(|&j| bounds[j].1 > 0.0).collect();
        order.sort_by(|&a, &b| {
            (bounds[b].0, y[b])
                .partial_cmp(&(bounds[a].0, y[a]))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        order.truncate(self.problem.total_open);
        if order.len() == self.problem.total_open {
            self.offer(order);
        }
    }

    /// Re-solves the LP and adds violated cuts until none is left, the bound
    /// passes the incumbent, or it tails off at a fractional point. With a
    /// core point, cuts are separated between it and the LP optimum first.
    fn cut_loop(&mut self, mut core: Option<&mut Vec<f64>>) -> Result<LpEnd> {
        let (problem, m) = (self.problem, self.problem.n_sites);
        let mut history: Vec<f64> = Vec::new();
        loop {
            interrupt::check()?;
            let opt = match self.lp.solve(self.deadline.left_s())? {
                LpEnd::Optimal(opt) => opt,
                other => return Ok(other),
            };
            self.age(&opt);
            history.push(opt.objective);
            if !self.open(opt.objective) || self.deadline.over() {
                return Ok(LpEnd::Optimal(opt));
            }
            let (y, theta) = opt.values.split_at(m);
            let integral = y.iter().all(|&v| v.min(1.0 - v) <= 1e-6);
            let k = history.len();
            if !integral
                && k > 5
                && history[k - 1] - history[k - 6] < TAIL_OFF * history[k - 1].abs().max(1.0)
            {
                return Ok(LpEnd::Optimal(opt));
            }
            let mut found = Vec::new();
            if let Some(core) = core.as_deref_mut() {
                let mixed: Vec<f64> = core.iter().zip(y).map(|(c, v)| 0.5 * c + 0.5 * v).collect();
                found = problem.violated(&mixed, y, theta);
                if found.is_empty() {
                    // The mixed point is covered: move the core to it.
                    *core = mixed;
                }
            }
            if found.is_empty() {
                found = problem.violated(y, y, theta);
            }
            if found.is_empty() {
                return Ok(LpEnd::Optimal(opt));
            }
            if self.verbose && core.is_some() {
                eprintln!(
                    "Benders root round {k}: LP bound {}, {} cuts added, best {}, {:.1} s",
                    opt.objective,
                    found.len(),
                    self.best_cost,
                    self.started.elapsed().as_secs_f64()
                );
            }
            let rows: Vec<Row> = found.iter().map(|c| c.row(problem.clients, m)).collect();
            self.lp.add_rows(&rows)?;
            self.ages.resize(self.lp.n_rows(), 0);
        }
    }
}

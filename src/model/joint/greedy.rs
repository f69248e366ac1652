//! The warm start of a [`JointPlan`]'s MIP: a lazy greedy adding one
//! (service, site) facility at a time by weight gained per unit of cost.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::formulation::Layout;
use super::presolve::{Prepared, ServiceDemand};
use super::{JointObjective, JointPlan};
use crate::order::TotalF64;

impl JointPlan {
    /// A feasible plan to start the MIP from: new facilities added one at a
    /// time by weight gained per unit of cost (lazy greedy), within the counts
    /// and the budget. `None` if it does not satisfy a cost model's covering rows.
    pub(super) fn greedy_start(
        &self,
        prep: &Prepared,
        layout: &Layout,
        n_cols: usize,
    ) -> Option<Vec<f64>> {
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
}

/// A (service, site) move for the greedy, ordered by gain per cost, then
/// gain, then the lower site, then the lower service (the fields' order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Candidate {
    pub(super) ratio: TotalF64,
    pub(super) gain: TotalF64,
    pub(super) site: Reverse<usize>,
    pub(super) service: Reverse<usize>,
}

impl Candidate {
    pub(super) fn new(ratio: f64, gain: f64, service: usize, site: usize) -> Self {
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
pub(super) struct GreedyService {
    /// Per site, the load its facility can serve (infinite: unlimited).
    pub(super) room: Vec<f64>,
    pub(super) open: Vec<bool>,
    /// Groups each site reaches, most weight per unit of load first: under a
    /// capacity the heavier rows (the 60+ weighted up) are served first.
    pub(super) groups_at: Vec<Vec<usize>>,
    pub(super) left: Vec<f64>,
    /// Weight per unit of load of each group.
    pub(super) worth: Vec<f64>,
    pub(super) flows: Option<Vec<Vec<f64>>>,
}

impl GreedyService {
    pub(super) fn new(d: &ServiceDemand, n: usize) -> Self {
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
    pub(super) fn takes(&self, j: usize) -> Vec<(usize, f64)> {
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
    pub(super) fn gain(&self, j: usize) -> f64 {
        self.takes(j)
            .iter()
            .map(|&(g, take)| take * self.worth[g])
            .sum()
    }

    pub(super) fn add(&mut self, d: &ServiceDemand, j: usize) {
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

//! Presolve of a [`JointPlan`]: demand that fixed sites settle becomes a
//! constant, dominated candidate sites are dropped, rows reached by the same
//! kept sites are merged into groups.

use std::collections::HashMap;

use super::{JointObjective, JointPlan, JointService};
use crate::solve::presolve::is_subset;
use crate::solve::PresolveStats;

impl JointPlan {
    /// Removes demand that fixed sites settle, drops dominated sites, merges rows.
    pub(super) fn prepare(&self) -> Prepared {
        self.prepare_with(true)
    }

    /// [`prepare`](Self::prepare), dropping dominated sites only if `drop`:
    /// a dominated site can be part of a plan as good as the optimum, which
    /// [`crate::model::alternatives`] must see.
    pub(super) fn prepare_with(&self, drop: bool) -> Prepared {
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
            let dominated = drop && !locked(j) && {
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
}

/// One service's demand before dominance.
pub(super) struct Raw {
    pub(super) fixed: Vec<bool>,
    pub(super) new: Vec<bool>,
    pub(super) by_demand: Vec<Vec<u32>>,
    /// Rows covered by a fixed site of unlimited capacity (any fixed site, if uncapacitated).
    pub(super) settled: Vec<bool>,
    /// Rows the MIP decides: positive weight, reachable, and not settled.
    pub(super) decided: Vec<bool>,
    /// For each site that may take a new facility, the decided rows it covers.
    pub(super) rows_of: Vec<Vec<u32>>,
    pub(super) uncoverable: Vec<usize>,
}

impl Raw {
    pub(super) fn new(s: &JointService, n: usize) -> Self {
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
pub(super) struct Group {
    pub(super) weight: f64,
    /// Capacity the group takes when served whole ([`JointService::loads`]).
    pub(super) load: f64,
    /// Meaningful for equity only; otherwise groups span zones and this is the first row's.
    pub(super) zone: usize,
    /// Kept sites that may serve the group (fixed ones too, when capacitated), sorted.
    pub(super) sites: Vec<u32>,
}

/// One service's demand as the MIP sees it.
pub(super) struct ServiceDemand {
    /// Whether the service is capacitated: `a` columns rather than `z`.
    pub(super) capacitated: bool,
    /// Per site, the load its facility can serve (`None`: unlimited).
    pub(super) capacity: Vec<Option<f64>>,
    pub(super) fixed: Vec<bool>,
    pub(super) new: Vec<bool>,
    /// Kept sites that may take a new facility and would serve something: the `y` columns.
    pub(super) candidates: Vec<usize>,
    pub(super) groups: Vec<Group>,
    pub(super) group_of: Vec<Option<usize>>,
    /// Per zone: total weight, and the weight that fixed sites already cover.
    pub(super) zone_weight: Vec<f64>,
    pub(super) zone_covered: Vec<f64>,
    pub(super) uncoverable: Vec<usize>,
}

impl ServiceDemand {
    pub(super) fn new(s: &JointService, raw: Raw, kept: &[bool], share: bool) -> Self {
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
pub(super) struct Prepared {
    /// Kept candidate sites (the `x` columns, in this order), sorted.
    pub(super) sites: Vec<usize>,
    pub(super) services: Vec<ServiceDemand>,
    pub(super) stats: PresolveStats,
}

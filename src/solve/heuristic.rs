//! Greedy constructions used as warm starts for the MIP (and as the answer when
//! the MIP cannot improve on them in time).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::presolve::Reduced;

/// A heap entry ordered by gain, then by lower site index for determinism.
#[derive(PartialEq)]
struct Gain(f64, u32);

impl Eq for Gain {}
impl PartialOrd for Gain {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Gain {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(other.1.cmp(&self.1))
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
pub(crate) fn greedy_max_cover(
    r: &Reduced,
    max_sites: usize,
    costs: &[f64],
    budget: f64,
) -> Vec<usize> {
    let groups_of = site_groups(r);
    let mut covered = vec![false; r.groups.len()];
    let gain = |s: usize, covered: &[bool]| -> f64 {
        let w: f64 = groups_of[s]
            .iter()
            .filter(|&&g| !covered[g as usize])
            .map(|&g| r.groups[g as usize].weight)
            .sum();
        w / costs[s].max(1e-12)
    };
    let mut heap: BinaryHeap<Gain> = (0..r.sites.len())
        .map(|s| Gain(gain(s, &covered), s as u32))
        .collect();
    let (mut chosen, mut spent) = (Vec::new(), 0.0);
    while chosen.len() < max_sites {
        let Some(Gain(old, s)) = heap.pop() else {
            break;
        };
        let s = s as usize;
        if spent + costs[s] > budget + 1e-9 {
            continue;
        }
        let fresh = gain(s, &covered);
        if fresh <= 0.0 {
            break;
        }
        // Gains only shrink; a stale entry goes back with its true value.
        if fresh < old && heap.peek().is_some_and(|top| top.0 > fresh) {
            heap.push(Gain(fresh, s as u32));
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

/// Greedy set cover (Chvátal): repeatedly opens the site with the lowest cost
/// per newly covered group until every group is covered. Returns positions into
/// `r.sites`; every group must have at least one site.
pub(crate) fn greedy_set_cover(r: &Reduced, costs: &[f64]) -> Vec<usize> {
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
        .map(|s| Gain(ratio(s, &covered), s as u32))
        .collect();
    let mut chosen = Vec::new();
    while left > 0 {
        let Some(Gain(old, s)) = heap.pop() else {
            break;
        };
        let s = s as usize;
        let fresh = ratio(s, &covered);
        if fresh <= 0.0 {
            continue;
        }
        if fresh < old && heap.peek().is_some_and(|top| top.0 > fresh) {
            heap.push(Gain(fresh, s as u32));
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
    fn greedy_cover_covers_everything() {
        let r = instance();
        let mut s = greedy_set_cover(&r, &[1.0; 3]);
        s.sort();
        assert_eq!(s, vec![0, 1, 2]);
    }
}

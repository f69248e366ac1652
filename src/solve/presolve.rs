//! Shrinking a coverage instance before the MIP sees it.
//!
//! 1. Demand points reached by exactly the same candidate sites are merged into
//!    one group whose weight is their sum: in a city, the residents of a block
//!    all see the same shops.
//! 2. A site whose covered groups are a subset of another site's, at no lower
//!    cost, is dropped: any plan using it can use the other instead (or nothing,
//!    if the other is already open). Among sites with equal sets and costs the
//!    lowest index stays, so every dropped site has a kept dominator.
//! 3. Groups are merged once more, since dropping sites makes more site lists equal.
//!
//! The reduced instance has the same optimum as the original for maximal
//! coverage (with a site count or a budget) and for set covering.

use std::collections::HashMap;

/// A set of demand points with identical candidate sites.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandGroup {
    /// Sum of the members' weights.
    pub weight: f64,
    /// Positions (into [`Reduced::sites`]) of the sites that cover the group, sorted.
    pub sites: Vec<u32>,
}

/// A reduced coverage instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Reduced {
    /// Original index of each kept site.
    pub sites: Vec<usize>,
    /// Merged demand.
    pub groups: Vec<DemandGroup>,
}

/// Sizes before and after presolve, for reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PresolveStats {
    /// Demand points the model had to consider.
    pub demand_before: usize,
    /// Demand groups left.
    pub demand_after: usize,
    /// Candidate sites before.
    pub sites_before: usize,
    /// Candidate sites left.
    pub sites_after: usize,
}

/// Reduces an instance given, per demand point, its weight and the (original
/// indices of the) candidate sites that cover it; points with no site are
/// ignored. `costs` gives each site's cost (dominance needs "no dearer").
///
/// ```
/// use lifecircle::solve::presolve::reduce;
/// // Site 0 covers a subset of site 1's demand: it goes; the first two points merge.
/// let r = reduce(vec![(1.0, vec![0, 1]), (2.0, vec![0, 1]), (4.0, vec![1])], |_| 1.0);
/// assert_eq!(r.sites, vec![1]);
/// assert_eq!(r.groups.len(), 1);
/// assert_eq!(r.groups[0].weight, 7.0);
/// ```
pub fn reduce(demand: Vec<(f64, Vec<u32>)>, costs: impl Fn(usize) -> f64) -> Reduced {
    let groups = merge(demand);
    let mut site_groups: HashMap<u32, Vec<u32>> = HashMap::new();
    for (g, group) in groups.iter().enumerate() {
        for &j in &group.sites {
            site_groups.entry(j).or_default().push(g as u32);
        }
    }
    let mut candidates: Vec<u32> = site_groups.keys().copied().collect();
    candidates.sort_unstable();

    let dominated = |j: u32| -> bool {
        let mine = &site_groups[&j];
        let cost_j = costs(j as usize);
        // Any dominator must cover the group of j that the fewest sites cover.
        let rarest = mine
            .iter()
            .min_by_key(|&&g| groups[g as usize].sites.len())
            .expect("kept sites cover at least one group");
        groups[*rarest as usize].sites.iter().any(|&k| {
            if k == j {
                return false;
            }
            let cost_k = costs(k as usize);
            let theirs = &site_groups[&k];
            cost_k <= cost_j
                && is_subset(mine, theirs)
                && (theirs.len() > mine.len() || cost_k < cost_j || k < j)
        })
    };
    let kept: Vec<u32> = candidates
        .iter()
        .copied()
        .filter(|&j| !dominated(j))
        .collect();
    let position: HashMap<u32, u32> = kept
        .iter()
        .enumerate()
        .map(|(p, &j)| (j, p as u32))
        .collect();
    let remapped = groups
        .into_iter()
        .map(|g| {
            let sites = g
                .sites
                .iter()
                .filter_map(|j| position.get(j).copied())
                .collect();
            (g.weight, sites)
        })
        .collect();
    Reduced {
        sites: kept.into_iter().map(|j| j as usize).collect(),
        groups: merge(remapped),
    }
}

/// For covering every point: a group whose sites include all the sites of
/// another group is covered whenever that one is, so its row is redundant.
/// Alternates this with [`reduce`] (fewer rows make more sites dominated)
/// until nothing changes. Only valid when every group must be covered (set
/// covering), not for weighted coverage.
///
/// ```
/// use lifecircle::solve::presolve::{reduce, reduce_covering};
/// // Point 1 sees sites {0, 1, 2}, a superset of point 0's {0, 1}: only point 0 matters,
/// // and then site 2 covers nothing that site 0 does not.
/// let r = reduce_covering(reduce(vec![(1.0, vec![0, 1]), (1.0, vec![0, 1, 2])], |_| 1.0), |_| 1.0);
/// assert_eq!(r.groups.len(), 1);
/// assert_eq!(r.sites, vec![0]);
/// ```
pub fn reduce_covering(mut r: Reduced, costs: impl Fn(usize) -> f64 + Copy) -> Reduced {
    loop {
        let before = (r.groups.len(), r.sites.len());
        let mut groups_of: Vec<Vec<u32>> = vec![Vec::new(); r.sites.len()];
        for (g, group) in r.groups.iter().enumerate() {
            for &s in &group.sites {
                groups_of[s as usize].push(g as u32);
            }
        }
        let mut redundant = vec![false; r.groups.len()];
        let mut order: Vec<usize> = (0..r.groups.len()).collect();
        order.sort_by_key(|&g| r.groups[g].sites.len());
        for a in order {
            if redundant[a] {
                continue;
            }
            let mine = &r.groups[a].sites;
            let rarest = *mine
                .iter()
                .min_by_key(|&&s| groups_of[s as usize].len())
                .expect("groups have sites");
            for &b in &groups_of[rarest as usize] {
                let b = b as usize;
                // Identical site lists were merged, so a subset here is strict.
                if b != a
                    && !redundant[b]
                    && r.groups[b].sites.len() > mine.len()
                    && is_subset(mine, &r.groups[b].sites)
                {
                    redundant[b] = true;
                }
            }
        }
        let demand = r
            .groups
            .iter()
            .zip(&redundant)
            .filter(|(_, &red)| !red)
            .map(|(g, _)| {
                (
                    g.weight,
                    g.sites
                        .iter()
                        .map(|&s| r.sites[s as usize] as u32)
                        .collect(),
                )
            })
            .collect();
        r = reduce(demand, costs);
        if (r.groups.len(), r.sites.len()) == before {
            return r;
        }
    }
}

fn merge(demand: Vec<(f64, Vec<u32>)>) -> Vec<DemandGroup> {
    let mut index: HashMap<Vec<u32>, usize> = HashMap::new();
    let mut groups: Vec<DemandGroup> = Vec::new();
    for (weight, mut sites) in demand {
        if sites.is_empty() {
            continue;
        }
        sites.sort_unstable();
        match index.get(&sites) {
            Some(&g) => groups[g].weight += weight,
            None => {
                index.insert(sites.clone(), groups.len());
                groups.push(DemandGroup { weight, sites });
            }
        }
    }
    groups
}

pub(crate) fn is_subset(small: &[u32], big: &[u32]) -> bool {
    let mut it = big.iter();
    small.iter().all(|s| it.any(|b| b == s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_identical_demand_and_drops_dominated_sites() {
        // Sites 0 ⊂ 1; sites 2 and 3 equal; demand 0 and 1 see the same sites.
        let demand = vec![
            (1.0, vec![0, 1]),
            (2.0, vec![0, 1]),
            (4.0, vec![1]),
            (8.0, vec![2, 3]),
        ];
        let r = reduce(demand, |_| 1.0);
        assert_eq!(r.sites, vec![1, 2]);
        assert_eq!(
            r.groups,
            vec![
                DemandGroup {
                    weight: 7.0,
                    sites: vec![0]
                },
                DemandGroup {
                    weight: 8.0,
                    sites: vec![1]
                },
            ]
        );
    }

    #[test]
    fn a_cheaper_subset_site_is_kept() {
        let r = reduce(vec![(1.0, vec![0, 1]), (1.0, vec![1])], |j| [1.0, 5.0][j]);
        assert_eq!(r.sites, vec![0, 1]);
    }

    #[test]
    fn subset_check() {
        assert!(is_subset(&[1, 3], &[0, 1, 2, 3]));
        assert!(!is_subset(&[1, 4], &[0, 1, 2, 3]));
        assert!(is_subset(&[], &[0]));
    }
}

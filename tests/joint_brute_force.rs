//! Joint multi-service siting against exhaustive enumeration of every
//! assignment of new facilities on small random instances (property tests):
//! coverage, cost and equity objectives uncapacitated, and coverage with a
//! capacitated service (one capacity, per-site capacities, or both) whose
//! served weight is a max-flow.

use lifecircle::model::{CoverageSets, JointObjective, JointPlan, JointService, JointSolution};
use lifecircle::solve::{SolveOptions, SolveStatus};
use proptest::prelude::*;

/// Reads small numbers off a proptest vector, so that shrinking the vector
/// towards zeros shrinks the instance.
struct Draw<'a> {
    bits: &'a [u32],
    next: usize,
}

impl Draw<'_> {
    fn below(&mut self, n: usize) -> usize {
        let b = self.bits[self.next % self.bits.len()];
        self.next += 1;
        b as usize % n
    }
}

/// Up to 6 sites and 1–`max_services` services of up to 8 rows, with random
/// hosts, fixed sites, counts, costs and budget.
fn instance(bits: &[u32], max_services: usize, capacity: bool) -> JointPlan {
    let mut d = Draw { bits, next: 0 };
    let n_sites = 1 + d.below(6);
    let costs: Vec<f64> = (0..n_sites).map(|_| 1.0 + d.below(5) as f64).collect();
    let n_services = 1 + d.below(max_services);
    let services: Vec<JointService> = (0..n_services)
        .map(|s| {
            let n_rows = 1 + d.below(8);
            let sets = (0..n_sites)
                .map(|_| (0..n_rows).filter(|_| d.below(3) == 0).collect())
                .collect();
            let weights = (0..n_rows).map(|_| d.below(20) as f64).collect();
            let zones = (0..n_rows).map(|_| d.below(2)).collect();
            let fixed: Vec<usize> = (0..n_sites).filter(|_| d.below(5) == 0).collect();
            let mut service = JointService::new(
                format!("service {s}"),
                CoverageSets::from_sets(n_rows, sets).unwrap(),
                weights,
            )
            .zones(zones)
            .fixed_open(fixed.clone());
            if d.below(2) == 0 {
                service = service.hosts((0..n_sites).filter(|_| d.below(3) != 0).collect());
            }
            let available = hostable(&service, n_sites).len();
            if d.below(2) == 0 {
                service = service.max_new(d.below(available + 1));
            }
            if capacity {
                // 0: one capacity; 1: per-site only (others unlimited); 2: both.
                let kind = d.below(3);
                if kind != 1 {
                    service = service.capacity(1.0 + d.below(30) as f64);
                }
                if kind != 0 {
                    let mut caps = Vec::new();
                    for j in 0..n_sites {
                        if d.below(3) != 0 {
                            caps.push((j, 1.0 + d.below(30) as f64));
                        }
                    }
                    if caps.is_empty() {
                        caps.push((d.below(n_sites), 1.0 + d.below(30) as f64));
                    }
                    if d.below(2) == 0 {
                        caps.reverse();
                    }
                    service = service.site_capacity(caps);
                }
            }
            service
        })
        .collect();
    let plan = JointPlan::new(n_sites, services).unwrap();
    let cheapest = (0..n_sites)
        .filter(|&j| {
            plan.services
                .iter()
                .any(|s| hostable(s, n_sites).contains(&j))
        })
        .map(|j| costs[j])
        .fold(f64::INFINITY, f64::min);
    if cheapest.is_finite() && d.below(2) == 0 {
        plan.budget(costs, cheapest + d.below(8) as f64).unwrap()
    } else {
        plan.site_costs(costs).unwrap()
    }
}

/// Sites that may take a new facility of the service.
fn hostable(s: &JointService, n_sites: usize) -> Vec<usize> {
    (0..n_sites)
        .filter(|j| s.hosts.as_ref().is_none_or(|h| h.contains(j)) && !s.fixed_open.contains(j))
        .collect()
}

fn cost_of(plan: &JointPlan, sites: &[usize]) -> f64 {
    sites
        .iter()
        .map(|&j| plan.site_costs.as_ref().unwrap()[j])
        .sum()
}

/// Every feasible assignment of new facilities: one site list per service.
fn assignments(plan: &JointPlan) -> Vec<Vec<Vec<usize>>> {
    let n = plan.n_sites;
    let mut all: Vec<Vec<Vec<usize>>> = vec![Vec::new()];
    for s in &plan.services {
        let hosts = hostable(s, n);
        let limit = s.max_new.unwrap_or(usize::MAX);
        let choices: Vec<Vec<usize>> = (0u32..1 << hosts.len())
            .map(|m| {
                (0..hosts.len())
                    .filter(|k| m & (1 << k) != 0)
                    .map(|k| hosts[k])
                    .collect::<Vec<_>>()
            })
            .filter(|c| c.len() <= limit)
            .collect();
        all = all
            .into_iter()
            .flat_map(|prefix| {
                choices.iter().map(move |c| {
                    let mut next = prefix.clone();
                    next.push(c.clone());
                    next
                })
            })
            .collect();
    }
    all.retain(|a| cost_of(plan, &union(a)) <= plan.budget.unwrap_or(f64::INFINITY));
    all
}

fn union(assignment: &[Vec<usize>]) -> Vec<usize> {
    let mut sites: Vec<usize> = assignment.iter().flatten().copied().collect();
    sites.sort_unstable();
    sites.dedup();
    sites
}

/// Which rows of a service its fixed and new sites cover (uncapacitated).
fn covered(s: &JointService, new: &[usize]) -> Vec<bool> {
    let open: Vec<usize> = s.fixed_open.iter().chain(new).copied().collect();
    s.coverage.covered(&open)
}

fn coverage_value(plan: &JointPlan, a: &[Vec<usize>]) -> f64 {
    plan.services
        .iter()
        .zip(a)
        .map(|(s, new)| {
            s.coverage
                .covered_weight(&[&s.fixed_open[..], new].concat(), &s.weights)
        })
        .sum()
}

fn min_share(plan: &JointPlan, a: &[Vec<usize>]) -> f64 {
    let mut smallest: f64 = 1.0;
    for (s, new) in plan.services.iter().zip(a) {
        let cov = covered(s, new);
        for zone in 0..2 {
            let rows = (0..s.weights.len()).filter(|&i| s.zones[i] == zone);
            let total: f64 = rows.clone().map(|i| s.weights[i]).sum();
            let got: f64 = rows.filter(|&i| cov[i]).map(|i| s.weights[i]).sum();
            if total > 0.0 {
                smallest = smallest.min(got / total);
            }
        }
    }
    smallest
}

/// Whether every positive-weight row that some fixed or hostable site reaches is covered.
fn covers_all(plan: &JointPlan, a: &[Vec<usize>]) -> bool {
    plan.services.iter().zip(a).all(|(s, new)| {
        let reachable = covered(s, &hostable(s, plan.n_sites));
        let cov = covered(s, new);
        (0..s.weights.len()).all(|i| s.weights[i] <= 0.0 || !reachable[i] || cov[i])
    })
}

/// Whether the service has a capacity anywhere.
fn capacitated(s: &JointService) -> bool {
    s.capacity.is_some() || !s.site_capacity.is_empty()
}

/// Capacity of the service's facility at site `j` (infinite: unlimited).
fn capacity_at(s: &JointService, j: usize) -> f64 {
    match s.site_capacity.iter().find(|&&(k, _)| k == j) {
        Some(&(_, c)) => c,
        None => s.capacity.unwrap_or(f64::INFINITY),
    }
}

/// Largest weight a capacitated service's open sites can serve: a max-flow
/// source → row (its weight) → site reaching it → sink (the site's capacity).
fn served_weight(s: &JointService, n_sites: usize, new: &[usize]) -> f64 {
    let n_rows = s.weights.len();
    let (source, sink) = (n_rows + n_sites, n_rows + n_sites + 1);
    let n = sink + 1;
    let mut cap = vec![vec![0.0; n]; n];
    cap[source][..n_rows].copy_from_slice(&s.weights);
    for j in s.fixed_open.iter().chain(new) {
        cap[n_rows + j][sink] = capacity_at(s, *j);
        for &i in s.coverage.site(*j) {
            cap[i as usize][n_rows + j] = f64::INFINITY;
        }
    }
    let mut total = 0.0;
    loop {
        // Breadth-first augmenting path (Edmonds–Karp).
        let mut parent = vec![usize::MAX; n];
        parent[source] = source;
        let mut queue = std::collections::VecDeque::from([source]);
        while let Some(u) = queue.pop_front() {
            for v in 0..n {
                if parent[v] == usize::MAX && cap[u][v] > 1e-12 {
                    parent[v] = u;
                    queue.push_back(v);
                }
            }
        }
        if parent[sink] == usize::MAX {
            return total;
        }
        let mut push = f64::INFINITY;
        let mut v = sink;
        while v != source {
            push = push.min(cap[parent[v]][v]);
            v = parent[v];
        }
        let mut v = sink;
        while v != source {
            let u = parent[v];
            cap[u][v] -= push;
            cap[v][u] += push;
            v = u;
        }
        total += push;
    }
}

/// The returned plan respects hosts, counts and the budget, and its reported
/// figures match the sites it names.
fn check_feasible(plan: &JointPlan, sol: &JointSolution) -> Result<(), TestCaseError> {
    prop_assert_eq!(sol.status, SolveStatus::Optimal);
    prop_assert_eq!(sol.services.len(), plan.services.len());
    let mut opened = Vec::new();
    for (s, p) in plan.services.iter().zip(&sol.services) {
        let hosts = hostable(s, plan.n_sites);
        prop_assert!(
            p.new_sites.iter().all(|j| hosts.contains(j)),
            "{:?} outside {:?}",
            p.new_sites,
            hosts
        );
        prop_assert!(p.new_sites.windows(2).all(|w| w[0] < w[1]));
        prop_assert!(p.new_sites.len() <= s.max_new.unwrap_or(usize::MAX));
        prop_assert_eq!(p.served.len(), s.weights.len());
        prop_assert!(p.served.iter().all(|v| (0.0..=1.0).contains(v)));
        let covered_weight: f64 = s.weights.iter().zip(&p.served).map(|(w, v)| w * v).sum();
        prop_assert!((p.covered - covered_weight).abs() <= 1e-9 * covered_weight.max(1.0));
        if !capacitated(s) {
            let cov = covered(s, &p.new_sites);
            let expected: Vec<f64> = cov.iter().map(|&c| f64::from(u8::from(c))).collect();
            prop_assert_eq!(&p.served, &expected, "fixed sites included");
        } else {
            let best = served_weight(s, plan.n_sites, &p.new_sites);
            prop_assert!(
                p.covered <= best + 1e-6 * best.max(1.0),
                "serves {} > max-flow {}",
                p.covered,
                best
            );
        }
        opened.extend(p.new_sites.iter().copied());
    }
    opened.sort_unstable();
    opened.dedup();
    prop_assert_eq!(&sol.sites_opened, &opened);
    let cost = cost_of(plan, &opened);
    prop_assert_eq!(sol.cost, cost);
    prop_assert!(cost <= plan.budget.unwrap_or(f64::INFINITY) + 1e-9);
    Ok(())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn coverage_matches_brute_force(bits in prop::collection::vec(0u32..1000, 400)) {
        let plan = instance(&bits, 2, false);
        let best = assignments(&plan).iter().map(|a| coverage_value(&plan, a)).fold(f64::NEG_INFINITY, f64::max);
        let sol = plan.solve(&SolveOptions::new()).unwrap();
        check_feasible(&plan, &sol)?;
        prop_assert_eq!(sol.objective, best);
        let a: Vec<Vec<usize>> = sol.services.iter().map(|p| p.new_sites.clone()).collect();
        prop_assert_eq!(coverage_value(&plan, &a), sol.objective);
        prop_assert!(sol.bound >= sol.objective - 1e-9 && sol.gap == 0.0);
    }

    #[test]
    fn min_cost_matches_brute_force(bits in prop::collection::vec(0u32..1000, 400)) {
        let plan = instance(&bits, 2, false).objective(JointObjective::MinCost);
        let best = assignments(&plan)
            .iter()
            .filter(|a| covers_all(&plan, a))
            .map(|a| cost_of(&plan, &union(a)))
            .fold(f64::INFINITY, f64::min);
        let result = plan.solve(&SolveOptions::new());
        if best.is_infinite() {
            let infeasible = matches!(result, Err(lifecircle::Error::Infeasible { .. }));
            prop_assert!(infeasible, "expected an infeasibility error, got {:?}", result);
            return Ok(());
        }
        let sol = result.unwrap();
        check_feasible(&plan, &sol)?;
        prop_assert_eq!(sol.objective, best);
        let a: Vec<Vec<usize>> = sol.services.iter().map(|p| p.new_sites.clone()).collect();
        prop_assert!(covers_all(&plan, &a));
        for (s, p) in plan.services.iter().zip(&sol.services) {
            let reachable = covered(s, &hostable(s, plan.n_sites));
            let expected: Vec<usize> = (0..s.weights.len()).filter(|&i| s.weights[i] > 0.0 && !reachable[i]).collect();
            prop_assert_eq!(&p.uncoverable, &expected);
        }
    }

    #[test]
    fn min_share_matches_brute_force(bits in prop::collection::vec(0u32..1000, 400)) {
        let plan = instance(&bits, 2, false).objective(JointObjective::MinShare);
        let all = assignments(&plan);
        let best = all.iter().map(|a| min_share(&plan, a)).fold(f64::NEG_INFINITY, f64::max);
        let sol = plan.solve(&SolveOptions::new()).unwrap();
        check_feasible(&plan, &sol)?;
        prop_assert!(close(sol.objective, best), "share {} vs brute force {}", sol.objective, best);
        let a: Vec<Vec<usize>> = sol.services.iter().map(|p| p.new_sites.clone()).collect();
        prop_assert!(close(min_share(&plan, &a), sol.objective));
        // Among the plans with the best share, the most coverage.
        let most = all
            .iter()
            .filter(|a| close(min_share(&plan, a), best))
            .map(|a| coverage_value(&plan, a))
            .fold(f64::NEG_INFINITY, f64::max);
        prop_assert_eq!(coverage_value(&plan, &a), most);
    }

    #[test]
    fn capacitated_coverage_matches_max_flow(bits in prop::collection::vec(0u32..1000, 400)) {
        let plan = instance(&bits, 1, true);
        let s = &plan.services[0];
        let best = assignments(&plan)
            .iter()
            .map(|a| served_weight(s, plan.n_sites, &a[0]))
            .fold(f64::NEG_INFINITY, f64::max);
        let sol = plan.solve(&SolveOptions::new()).unwrap();
        check_feasible(&plan, &sol)?;
        prop_assert!(close(sol.objective, best), "served {} vs brute force {}", sol.objective, best);
    }
}

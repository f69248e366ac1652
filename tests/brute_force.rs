//! Every single-service model against exhaustive enumeration on small
//! random instances, with fixed sites and budgets (property tests). The
//! enumeration is one for all of them ([`brute::best`]): every set of sites,
//! priced by the model's own `objective_of`, which refuses the plans the
//! model does not allow (fixed site missing, too many new sites, over the
//! budget, a demand point left uncovered).

use lifecircle::model::{CostMatrix, CoverageSets, MaxCoverage, PCenter, PMedian, SetCover};
use lifecircle::solve::{SolveOptions, SolveStatus};
use proptest::prelude::*;

#[path = "support/brute.rs"]
mod brute;

fn instance() -> impl Strategy<Value = (CoverageSets, Vec<f64>, Vec<f64>)> {
    (1usize..9, 1usize..14).prop_flat_map(|(n_sites, n_demand)| {
        (
            prop::collection::vec(
                prop::collection::vec(0..n_demand, 0..n_demand.min(5) + 1),
                n_sites,
            ),
            prop::collection::vec(0u32..50, n_demand),
            prop::collection::vec(1u32..6, n_sites),
        )
            .prop_map(move |(sets, w, c)| {
                (
                    CoverageSets::from_sets(n_demand, sets).unwrap(),
                    w.into_iter().map(f64::from).collect(),
                    c.into_iter().map(f64::from).collect(),
                )
            })
    })
}

/// 8 to 12 sites reaching 3 to 10 of 20 to 40 points each, costs 1 to 4.
fn wider_instance() -> impl Strategy<Value = (CoverageSets, Vec<f64>, Vec<f64>)> {
    (8usize..13, 20usize..41).prop_flat_map(|(n_sites, n_demand)| {
        (
            prop::collection::vec(prop::collection::vec(0..n_demand, 3..11), n_sites),
            prop::collection::vec(1u32..50, n_demand),
            prop::collection::vec(1u32..5, n_sites),
        )
            .prop_map(move |(sets, w, c)| {
                (
                    CoverageSets::from_sets(n_demand, sets).unwrap(),
                    w.into_iter().map(f64::from).collect(),
                    c.into_iter().map(f64::from).collect(),
                )
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn max_coverage_with_count_and_fixed_sites((cov, w, _) in instance(), p in 0usize..4, fixed_mask in 0u32..8) {
        let n = cov.n_sites();
        let fixed: Vec<usize> = (0..n.min(3)).filter(|j| fixed_mask & (1 << j) != 0).collect();
        let p = p.min(n - fixed.len());
        let model = MaxCoverage::new(cov.clone(), w.clone()).unwrap()
            .fixed_open(fixed.clone()).unwrap()
            .new_sites(p).unwrap();
        let best = brute::best(&model, n).unwrap();
        let sol = model.solve(&SolveOptions::new()).unwrap();
        prop_assert_eq!(sol.status, SolveStatus::Optimal);
        prop_assert_eq!(sol.objective, best);
        prop_assert_eq!(cov.covered_weight(&sol.sites, &w), sol.objective);
        prop_assert!(fixed.iter().all(|f| sol.sites.contains(f)));
        prop_assert!(sol.sites.len() - fixed.len() <= p);
        prop_assert!(sol.bound >= sol.objective - 1e-9 && sol.gap == 0.0);
    }

    #[test]
    fn max_coverage_with_budget((cov, w, costs) in instance(), budget in 1u32..12) {
        let n = cov.n_sites();
        let budget = f64::from(budget).max(costs.iter().cloned().fold(f64::INFINITY, f64::min));
        let model = MaxCoverage::new(cov.clone(), w.clone()).unwrap()
            .budget(costs.clone(), budget).unwrap();
        let best = brute::best(&model, n).unwrap();
        let sol = model.solve(&SolveOptions::new()).unwrap();
        prop_assert_eq!(sol.objective, best);
        prop_assert!(sol.sites.iter().map(|&j| costs[j]).sum::<f64>() <= budget + 1e-9);
    }

    /// A count, a budget and fixed sites at once, on instances large enough
    /// (up to 12 sites, 40 points) that the Lagrangian bound drops sites
    /// under the budget before the MIP.
    #[test]
    fn max_coverage_with_count_budget_and_fixed_sites(
        (cov, w, costs) in wider_instance(),
        p in 1usize..5,
        budget in 2u32..14,
        fixed_mask in 0u32..4,
    ) {
        let n = cov.n_sites();
        let fixed: Vec<usize> = (0..2).filter(|j| fixed_mask & (1 << j) != 0).collect();
        let p = p.min(n - fixed.len());
        let cheapest = (0..n).filter(|j| !fixed.contains(j)).map(|j| costs[j]).fold(f64::INFINITY, f64::min);
        let budget = f64::from(budget).max(cheapest);
        let model = MaxCoverage::new(cov.clone(), w.clone()).unwrap()
            .fixed_open(fixed.clone()).unwrap()
            .new_sites(p).unwrap()
            .budget(costs.clone(), budget).unwrap();
        let best = brute::best(&model, n).unwrap();
        let sol = model.solve(&SolveOptions::new()).unwrap();
        prop_assert_eq!(sol.status, SolveStatus::Optimal);
        prop_assert!((sol.objective - best).abs() <= 1e-9 * best.max(1.0), "{} vs {best}", sol.objective);
        prop_assert_eq!(cov.covered_weight(&sol.sites, &w), sol.objective);
        let new: Vec<usize> = sol.sites.iter().copied().filter(|j| !fixed.contains(j)).collect();
        prop_assert!(new.len() <= p);
        prop_assert!(new.iter().map(|&j| costs[j]).sum::<f64>() <= budget + 1e-9);
        prop_assert!(fixed.iter().all(|f| sol.sites.contains(f)));
        prop_assert!(sol.bound >= sol.objective - 1e-9 && sol.gap == 0.0);
    }

    #[test]
    fn set_cover_with_costs_and_fixed_sites((cov, _, costs) in instance(), fixed_mask in 0u32..4) {
        let n = cov.n_sites();
        let fixed: Vec<usize> = (0..n.min(2)).filter(|j| fixed_mask & (1 << j) != 0).collect();
        let full = vec![true; cov.n_demand()];
        let feasible = cov.covered(&(0..n).collect::<Vec<_>>()) == full;
        let model = SetCover::new(cov.clone()).costs(costs.clone()).unwrap()
            .fixed_open(fixed.clone()).unwrap();
        let result = model.solve(&SolveOptions::new());
        if !feasible {
            let infeasible = matches!(result, Err(lifecircle::Error::Infeasible { .. }));
            prop_assert!(infeasible, "expected an infeasibility error");
            prop_assert_eq!(brute::best(&model, n), None);
            return Ok(());
        }
        let best = brute::best(&model, n).unwrap();
        let sol = result.unwrap();
        prop_assert_eq!(sol.status, SolveStatus::Optimal);
        prop_assert_eq!(sol.objective, best);
        prop_assert_eq!(cov.covered(&sol.sites), full);
    }

    #[test]
    fn p_median_and_p_center_with_fixed_sites(
        (n_demand, n_sites) in (1usize..10, 1usize..8),
        seed in prop::collection::vec(0u32..40, 80),
        weights in prop::collection::vec(0u32..5, 10),
        p in 1usize..4,
        fixed_mask in 0u32..4,
    ) {
        let costs: Vec<f64> = (0..n_demand * n_sites).map(|k| f64::from(seed[k % seed.len()] + (k / seed.len()) as u32)).collect();
        let costs = CostMatrix::new(n_demand, n_sites, costs).unwrap();
        let w: Vec<f64> = (0..n_demand).map(|i| f64::from(weights[i])).collect();
        let fixed: Vec<usize> = (0..n_sites.min(2)).filter(|j| fixed_mask & (1 << j) != 0).collect();
        let p = p.min(n_sites - fixed.len());
        if p == 0 && fixed.is_empty() {
            return Ok(());
        }
        // Opening more sites never costs more: the best plan with at most p
        // new sites (what `objective_of` allows) is the best with exactly p.
        let median = PMedian::new(costs.clone(), w.clone(), p).unwrap().fixed_open(fixed.clone()).unwrap();
        let best = brute::best(&median, n_sites).unwrap();
        let sol = median.solve(&SolveOptions::new()).unwrap();
        prop_assert_eq!(sol.status, SolveStatus::Optimal);
        prop_assert_eq!(sol.objective, best);
        prop_assert_eq!(sol.sites.len(), fixed.len() + p);
        prop_assert!(fixed.iter().all(|f| sol.sites.contains(f)));

        let center = PCenter::new(costs, w, p).unwrap().fixed_open(fixed.clone()).unwrap();
        let best = brute::best(&center, n_sites).unwrap();
        let sol = center.solve(&SolveOptions::new()).unwrap();
        prop_assert_eq!(sol.status, SolveStatus::Optimal);
        prop_assert_eq!(sol.objective, best);
        prop_assert_eq!(sol.sites.len(), fixed.len() + p);
        prop_assert!(fixed.iter().all(|f| sol.sites.contains(f)));
        // Stopped at a gap, the plan is topped up after the search: its
        // objective must still be its own radius, within the gap of the best.
        let early = center.solve(&SolveOptions::new().mip_gap(0.3).unwrap()).unwrap();
        prop_assert_eq!(early.objective, center.radius_of(&early.sites));
        prop_assert_eq!(early.sites.len(), fixed.len() + p);
        prop_assert!(early.bound <= best && best <= early.objective);
    }
}

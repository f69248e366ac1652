//! Gradual coverage (every decay kind), attendance and the target ratio
//! against exhaustive enumeration on small random sparse instances, with
//! fixed sites, counts and budgets (property tests). The enumeration is the
//! one every model shares ([`brute::best`]): every set of sites, priced by
//! the model's own `objective_of`, which refuses the plans it does not allow.

use lifecircle::instances::{Decay, ReachTimes};
use lifecircle::model::{GradualCoverage, ModelKind, ReachInput, SitingModel, TargetRatio};
use lifecircle::solve::{SolveOptions, SolveStatus};
use proptest::prelude::*;

#[path = "support/brute.rs"]
mod brute;

/// Up to 9 sites, 14 demand points, each pair in reach with some chance,
/// walks in whole seconds (0-900), weights 0-49, site costs 1-5.
fn instance() -> impl Strategy<Value = (ReachTimes, Vec<f64>, Vec<f64>)> {
    (1usize..9, 1usize..14).prop_flat_map(|(m, n)| {
        (
            prop::collection::vec(prop::option::weighted(0.4, 0u32..=900), n * m),
            prop::collection::vec(0u32..50, n),
            prop::collection::vec(1u32..6, m),
        )
            .prop_map(move |(times, w, c)| {
                let triplets = times
                    .iter()
                    .enumerate()
                    .filter_map(|(k, t)| t.map(|t| (k / m, k % m, f64::from(t))));
                (
                    ReachTimes::from_triplets(n, m, triplets.collect::<Vec<_>>())
                        .unwrap()
                        .with_limit(900.0)
                        .unwrap(),
                    w.into_iter().map(f64::from).collect(),
                    c.into_iter().map(f64::from).collect(),
                )
            })
    })
}

/// One decay of each kind, cut at or before 900 s.
fn decays() -> Vec<Decay> {
    [
        "linear:900",
        "gaussian:700",
        "e2sfca:900",
        "exponential:0.004:800",
        "power:1.5:60:900",
        "modified-gaussian:300000:900",
        "step:300=1,600=1,900=0.5",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect()
}

/// Checks an optimal solve against brute force and the plan's own figures.
fn agrees<M: SitingModel<Plan = [usize], Solution = lifecircle::solve::Solution>>(
    model: &M,
    n_sites: usize,
    fixed: &[usize],
) -> Result<(), TestCaseError> {
    let best = brute::best(model, n_sites).unwrap();
    let sol = model.solve(&SolveOptions::new()).unwrap();
    prop_assert_eq!(sol.status, SolveStatus::Optimal);
    prop_assert!(
        (sol.objective - best).abs() <= 1e-9 * best.max(1.0),
        "{} vs brute force {}",
        sol.objective,
        best
    );
    prop_assert_eq!(model.objective_of(&sol.sites).unwrap(), sol.objective);
    prop_assert!(fixed.iter().all(|f| sol.sites.contains(f)));
    prop_assert!(sol.bound >= sol.objective - 1e-9 && sol.gap == 0.0);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn gradual_with_every_decay_count_and_fixed_sites((reach, w, _) in instance(), p in 0usize..4, fixed_mask in 0u32..8, kind in 0usize..7) {
        let n = reach.n_sites();
        let fixed: Vec<usize> = (0..n.min(3)).filter(|j| fixed_mask & (1 << j) != 0).collect();
        let p = p.min(n - fixed.len());
        let model = GradualCoverage::new(reach, w, decays()[kind].clone()).unwrap()
            .fixed_open(fixed.clone()).unwrap()
            .new_sites(p).unwrap();
        agrees(&model, n, &fixed)?;
    }

    #[test]
    fn gradual_with_a_budget((reach, w, costs) in instance(), budget in 1u32..12) {
        let n = reach.n_sites();
        let budget = f64::from(budget).max(costs.iter().cloned().fold(f64::INFINITY, f64::min));
        let model = GradualCoverage::new(reach, w, Decay::Linear { cutoff_s: 900.0 }).unwrap()
            .budget(costs, budget).unwrap();
        agrees(&model, n, &[])?;
    }

    #[test]
    fn attendance_through_the_model_kind((reach, w, _) in instance(), p in 1usize..4, kind in 0usize..3) {
        let n = reach.n_sites();
        let decay = ["linear:600", "power:2:60:600", "exponential:0.005:600"][kind].parse().unwrap();
        let input = ReachInput {
            reach, weights: w, p: Some(p.min(n)), radius: Some(600.0), fixed: vec![],
            decay: Some(decay), capacities: None, target: None, unreachable: None,
        };
        let model = ModelKind::Attendance.build_reach(input).unwrap();
        let best = brute::best(&*model, n).unwrap();
        let sol = model.solve(&SolveOptions::new()).unwrap();
        prop_assert!((sol.objective - best).abs() <= 1e-9 * best.max(1.0));
    }

    #[test]
    fn target_ratio_with_count_budget_and_fixed_sites(
        (reach, w, costs) in instance(),
        caps in prop::collection::vec(1u32..8, 9),
        p in 0usize..4,
        fixed_mask in 0u32..4,
        with_budget in any::<bool>(),
    ) {
        let n = reach.n_sites();
        let fixed: Vec<usize> = (0..n.min(2)).filter(|j| fixed_mask & (1 << j) != 0).collect();
        let p = p.min(n - fixed.len());
        let caps: Vec<f64> = caps[..n].iter().map(|&c| f64::from(c)).collect();
        // A target of 1/8: a site of capacity c serves 8c residents.
        let mut model = TargetRatio::new(reach, w, caps, 0.125, 600.0).unwrap()
            .fixed_open(fixed.clone()).unwrap()
            .new_sites(p).unwrap();
        if with_budget && n > fixed.len() {
            let cheapest = (0..n).filter(|j| !fixed.contains(j)).map(|j| costs[j]).fold(f64::INFINITY, f64::min);
            model = model.budget(costs, cheapest.max(4.0)).unwrap();
        }
        agrees(&model, n, &fixed)?;
    }
}

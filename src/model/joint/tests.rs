//! Joint plans on small hand-made instances.

use super::*;
use crate::solve::SolveOptions;

fn cov(n_rows: usize, sets: Vec<Vec<usize>>) -> CoverageSets {
    CoverageSets::from_sets(n_rows, sets).unwrap()
}

fn solve(plan: &JointPlan) -> JointSolution {
    let sol = plan.solve(&SolveOptions::new()).unwrap();
    assert_eq!(sol.status, SolveStatus::Optimal);
    assert_eq!(sol.gap, 0.0);
    sol
}

/// Site 2 serves both services; sites 0 and 1 serve one each, better.
fn two_services() -> Vec<JointService> {
    vec![
        JointService::new(
            "canteen",
            cov(3, vec![vec![0, 1], vec![], vec![2], vec![0]]),
            vec![5.0, 5.0, 8.0],
        ),
        JointService::new(
            "health",
            cov(3, vec![vec![], vec![0, 1], vec![2], vec![0]]),
            vec![6.0, 6.0, 7.0],
        ),
    ]
}

/// Two rows of 10 residents each that one site of capacity 10 reaches:
/// the 60+ row weighs twice as much. With loads, the capacity takes 10
/// residents, all of them 60+ (20); with the weights as loads it would
/// take 10 weight units, 5 residents (10); and had the rows been merged
/// into one group, half of each (15).
#[test]
fn a_capacity_counts_loads_and_serves_the_heavier_rows_first() {
    let canteen = |loads: Vec<f64>| {
        JointService::new("canteen", cov(2, vec![vec![0, 1]]), vec![20.0, 10.0])
            .loads(loads)
            .capacity(10.0)
    };
    let by_load = solve(&JointPlan::new(1, vec![canteen(vec![10.0, 10.0])]).unwrap());
    assert!(
        (by_load.objective - 20.0).abs() < 1e-6,
        "{}",
        by_load.objective
    );
    assert_eq!(by_load.services[0].served, vec![1.0, 0.0]);
    let by_weight = solve(&JointPlan::new(1, vec![canteen(Vec::new())]).unwrap());
    assert!((by_weight.objective - 10.0).abs() < 1e-6);
    for (loads, problem) in [
        (vec![10.0], "1 loads for 2 demand rows"),
        (vec![10.0, f64::NAN], "row 1 has load NaN"),
        (vec![0.0, 10.0], "row 0 has load 0"),
    ] {
        let err = JointPlan::new(1, vec![canteen(loads)]).unwrap_err();
        assert!(err.to_string().contains(problem), "{err}");
    }
}

#[test]
fn a_tight_budget_makes_services_share_a_site() {
    let plan = JointPlan::new(4, two_services()).unwrap();
    let one = solve(&plan.clone().budget(vec![1.0; 4], 1.0).unwrap());
    assert_eq!(one.sites_opened, vec![2]);
    assert_eq!(one.objective, 15.0);
    assert_eq!(one.cost, 1.0);
    // Two sites: {1, 2} gives canteen 8, health 12 + 7 (brute force: {0, 2} 25, {2, 3} 26, {0, 1} 22).
    let two = solve(&plan.budget(vec![1.0; 4], 2.0).unwrap());
    assert_eq!(two.sites_opened, vec![1, 2]);
    assert_eq!(two.objective, 27.0);
    assert_eq!(two.services[0].new_sites, vec![2]);
    assert_eq!(two.services[1].new_sites, vec![1, 2]);
    assert_eq!(two.services[1].served, vec![1.0, 1.0, 1.0]);
    assert_eq!(two.services[0].covered + two.services[1].covered, 27.0);
}

#[test]
fn capacity_leaves_demand_unserved() {
    // 90 residents; site 0 (existing) reaches rows 0, 1 and site 1 rows 1, 2; 40 each.
    let service = |max_new| {
        JointService::new(
            "canteen",
            cov(3, vec![vec![0, 1], vec![1, 2]]),
            vec![30.0; 3],
        )
        .fixed_open(vec![0])
        .max_new(max_new)
        .capacity(40.0)
    };
    let none = solve(&JointPlan::new(2, vec![service(0)]).unwrap());
    assert!((none.objective - 40.0).abs() < 1e-6);
    assert!(none.sites_opened.is_empty());
    let one = solve(&JointPlan::new(2, vec![service(1)]).unwrap());
    assert!((one.objective - 80.0).abs() < 1e-6);
    assert_eq!(one.services[0].new_sites, vec![1]);
    let served: f64 = one.services[0].served.iter().map(|v| 30.0 * v).sum();
    assert!((served - 80.0).abs() < 1e-6);
    assert!(one.services[0]
        .served
        .iter()
        .all(|v| (0.0..=1.0).contains(v)));
}

#[test]
fn site_capacities_pick_the_big_plot() {
    // 100 residents that both sites reach; one new facility. Site 0 comes
    // first, so a tie would pick it.
    let service = || {
        JointService::new(
            "canteen",
            cov(2, vec![vec![0, 1], vec![0, 1]]),
            vec![50.0; 2],
        )
        .max_new(1)
    };
    let plan = |s: JointService| JointPlan::new(2, vec![s]).unwrap();
    let sol = solve(&plan(service().site_capacity(vec![(0, 30.0), (1, 100.0)])));
    assert_eq!(sol.sites_opened, vec![1]);
    assert!((sol.objective - 100.0).abs() < 1e-6);
    assert!((sol.services[0].covered - 100.0).abs() < 1e-6);
    // Listed in any order; site 0's value overrides the service's 40.
    let sol = solve(&plan(
        service()
            .capacity(40.0)
            .site_capacity(vec![(1, 20.0), (0, 30.0)]),
    ));
    assert_eq!(sol.sites_opened, vec![0]);
    assert!((sol.objective - 30.0).abs() < 1e-6);
    let sol = solve(&plan(
        service().capacity(40.0).site_capacity(vec![(0, 30.0)]),
    ));
    assert_eq!(sol.sites_opened, vec![1]);
    assert!((sol.objective - 40.0).abs() < 1e-6);
    // No capacity of the service: site 1, with no value, is unlimited.
    let sol = solve(&plan(service().site_capacity(vec![(0, 90.0)])));
    assert_eq!(sol.sites_opened, vec![1]);
    assert!((sol.objective - 100.0).abs() < 1e-6);
    assert_eq!(sol.services[0].served, vec![1.0, 1.0]);
}

#[test]
fn site_capacity_defaults_to_empty_when_read() {
    let service = JointService::new("canteen", cov(1, vec![vec![0]]), vec![1.0]).capacity(5.0);
    let mut json = serde_json::to_value(&service).unwrap();
    json.as_object_mut().unwrap().remove("site_capacity");
    let read: JointService = serde_json::from_value(json).unwrap();
    assert_eq!(read, service);
    let service = service.site_capacity(vec![(0, 2.0)]);
    let text = serde_json::to_string(&service).unwrap();
    assert_eq!(
        serde_json::from_str::<JointService>(&text).unwrap(),
        service
    );
}

#[test]
fn an_unlimited_fixed_site_settles_its_rows() {
    // Fixed site 0 (unlimited) reaches row 0; site 1 (20) reaches rows 0 and 1.
    let service = JointService::new("canteen", cov(2, vec![vec![0], vec![0, 1]]), vec![30.0; 2])
        .fixed_open(vec![0])
        .site_capacity(vec![(1, 20.0)]);
    let sol = solve(&JointPlan::new(2, vec![service]).unwrap());
    assert_eq!(sol.sites_opened, vec![1]);
    assert!((sol.objective - 50.0).abs() < 1e-6);
    let served = &sol.services[0].served;
    assert_eq!(served[0], 1.0);
    assert!((served[1] - 2.0 / 3.0).abs() < 1e-6, "{served:?}");
    assert_eq!(sol.presolve.demand_after, 1);
}

#[test]
fn equity_differs_from_coverage_and_then_maximises_coverage() {
    // Zone 0: rows 0, 1 (10 each); zone 1: row 2 (1) and row 3 (1, out of reach).
    let service = |max_new| {
        JointService::new(
            "health",
            cov(4, vec![vec![0, 1], vec![0, 2], vec![2]]),
            vec![10.0, 10.0, 1.0, 1.0],
        )
        .zones(vec![0, 0, 1, 1])
        .max_new(max_new)
    };
    let plan = |max_new| JointPlan::new(3, vec![service(max_new)]).unwrap();
    let most = solve(&plan(1));
    assert_eq!(most.services[0].new_sites, vec![0]);
    assert_eq!(most.objective, 20.0);
    let fair = solve(&plan(1).objective(JointObjective::MinShare));
    assert_eq!(fair.services[0].new_sites, vec![1]);
    assert_eq!(fair.objective, 0.5);
    assert_eq!(fair.services[0].covered, 11.0);
    assert_eq!(fair.services[0].uncoverable, vec![3]);
    // With two sites, {0, 1}, {0, 2} and {1, 2} all reach share 0.5; the
    // second phase takes one covering 21 (site 2 is dominated by site 1).
    let fair = solve(&plan(2).objective(JointObjective::MinShare));
    assert_eq!(fair.objective, 0.5);
    assert_eq!(fair.services[0].new_sites, vec![0, 1]);
    assert_eq!(fair.services[0].covered, 21.0);
    assert_eq!(fair.presolve.sites_after, 2);
}

#[test]
fn equity_on_tiny_weights_is_the_share_not_a_dropped_row() {
    // Zone weights of 2e-308 fell below HiGHS's smallest coefficient
    // (1e-9): the share row vanished, `t` went to 1, and the plan was
    // "optimal" at share 0 with bound 1 (found by tests/fuzz.rs).
    let w = f64::MIN_POSITIVE;
    let service = JointService::new("s", cov(2, vec![vec![0]]), vec![w, w]).zones(vec![0, 1]);
    let plan = JointPlan::new(1, vec![service]).unwrap();
    let fair = solve(&plan.objective(JointObjective::MinShare));
    assert_eq!((fair.objective, fair.bound), (0.0, 0.0));
}

#[test]
fn min_cost_skips_uncoverable_rows_and_shares_sites() {
    // Canteen row 0 only site 0 reaches, row 2 sites 1 and 2, row 3 nobody.
    // Health rows only site 1 reaches, so site 1 opens and also covers canteen row 2.
    let services = vec![
        JointService::new(
            "canteen",
            cov(4, vec![vec![0, 1], vec![1, 2], vec![2]]),
            vec![1.0; 4],
        ),
        JointService::new(
            "health",
            cov(2, vec![vec![], vec![0, 1], vec![]]),
            vec![1.0; 2],
        ),
    ];
    let plan = JointPlan::new(3, services)
        .unwrap()
        .site_costs(vec![2.0, 3.0, 1.0])
        .unwrap()
        .objective(JointObjective::MinCost);
    let sol = solve(&plan);
    assert_eq!(sol.sites_opened, vec![0, 1]);
    assert_eq!((sol.cost, sol.objective), (5.0, 5.0));
    assert_eq!(sol.services[0].new_sites, vec![0, 1]);
    assert_eq!(sol.services[1].new_sites, vec![1]);
    assert_eq!(sol.services[0].uncoverable, vec![3]);
    assert_eq!(sol.services[0].served, vec![1.0, 1.0, 1.0, 0.0]);
}

#[test]
fn min_cost_names_the_service_short_of_capacity() {
    let service =
        JointService::new("canteen", cov(2, vec![vec![0, 1]]), vec![30.0, 30.0]).capacity(40.0);
    let plan = JointPlan::new(1, vec![service])
        .unwrap()
        .objective(JointObjective::MinCost);
    let err = plan.solve(&SolveOptions::new()).unwrap_err();
    assert!(matches!(err, Error::Infeasible { .. }), "{err}");
    assert!(err.to_string().contains("canteen"), "{err}");
    assert!(
        err.to_string().contains("capacity 40 per facility"),
        "{err}"
    );
    // Per-site capacities 20 (fixed) and 40; site 2, unlimited, may not host it.
    let service = JointService::new(
        "canteen",
        cov(2, vec![vec![0, 1], vec![0, 1], vec![0, 1]]),
        vec![35.0, 35.0],
    )
    .site_capacity(vec![(1, 40.0), (0, 20.0)])
    .hosts(vec![0, 1])
    .fixed_open(vec![0])
    .max_new(1);
    let plan = JointPlan::new(3, vec![service])
        .unwrap()
        .objective(JointObjective::MinCost);
    let err = plan.solve(&SolveOptions::new()).unwrap_err();
    assert!(
        err.to_string()
            .contains("canteen (capacity 20 to 40 per facility: at most 60"),
        "{err}"
    );
}

#[test]
fn dominated_sites_are_dropped_before_the_mip() {
    // Site 1 reaches a subset of site 0's rows for both services at the same cost.
    let services = vec![
        JointService::new("a", cov(2, vec![vec![0, 1], vec![0]]), vec![1.0, 1.0]),
        JointService::new("b", cov(1, vec![vec![0], vec![0]]), vec![1.0]),
    ];
    let sol = solve(&JointPlan::new(2, services).unwrap());
    assert_eq!(sol.presolve.sites_before, 2);
    assert_eq!(sol.presolve.sites_after, 1);
    assert_eq!(sol.presolve.demand_before, 3);
    assert_eq!(sol.sites_opened, vec![0]);
    assert_eq!(sol.objective, 3.0);
}

#[test]
fn invalid_plans_are_rejected_with_names() {
    let service =
        || JointService::new("elderly_canteen", cov(1, vec![vec![0], vec![0]]), vec![1.0]);
    let err = JointPlan::new(2, vec![service().capacity(-3.0)]).unwrap_err();
    assert!(
        err.to_string()
            .contains("capacity of elderly_canteen must be > 0, got -3"),
        "{err}"
    );
    assert!(JointPlan::new(2, vec![service().capacity(f64::NAN)]).is_err());
    let err = JointPlan::new(2, vec![service()])
        .unwrap()
        .budget(vec![2.0, 3.0], 1.0)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("below the cheapest candidate site (2)"),
        "{err}"
    );
    let err = JointPlan::new(2, vec![service().fixed_open(vec![5])]).unwrap_err();
    assert!(
        err.to_string().contains("fixed_open of elderly_canteen"),
        "{err}"
    );
    let err = JointPlan::new(2, vec![service(), service()]).unwrap_err();
    assert!(err.to_string().contains("more than one service"), "{err}");
    assert!(JointPlan::new(2, vec![]).is_err());
    let err = JointPlan::new(2, vec![service().fixed_open(vec![0]).max_new(2)]).unwrap_err();
    assert!(
        matches!(
            err,
            Error::TooManySites {
                requested: 2,
                available: 1
            }
        ),
        "{err}"
    );
    let err = JointPlan::new(3, vec![service()]).unwrap_err();
    assert!(
        err.to_string().contains("coverage of elderly_canteen"),
        "{err}"
    );
    let err = JointPlan::new(2, vec![service().zones(vec![0, 1])]).unwrap_err();
    assert!(
        err.to_string().contains("zones of elderly_canteen"),
        "{err}"
    );
    for (caps, expected) in [
        (vec![(5, 10.0)], "site 5 does not exist"),
        (
            vec![(1, 0.0)],
            "at site 1 must be a finite number > 0, got 0",
        ),
        (
            vec![(1, f64::NAN)],
            "at site 1 must be a finite number > 0, got NaN",
        ),
        (
            vec![(0, f64::INFINITY)],
            "at site 0 must be a finite number > 0, got inf",
        ),
        (
            vec![(0, 5.0), (1, 5.0), (0, 6.0)],
            "site 0 is listed more than once",
        ),
    ] {
        let err = JointPlan::new(2, vec![service().site_capacity(caps)]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("site_capacity of elderly_canteen"), "{text}");
        assert!(text.contains(expected), "{text}");
    }
    let bad = JointService::new("x", cov(1, vec![vec![0], vec![0]]), vec![-1.0]);
    assert!(matches!(
        JointPlan::new(2, vec![bad]),
        Err(Error::InvalidPopulation { .. })
    ));
}

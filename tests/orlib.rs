//! OR-Library p-median instances: proven optima (Beasley's table) for
//! p-median and p-center (Pullan 2008, re-verified independently) on a fast
//! subset; the full set runs in `cargo bench --bench orlib`.

use lifecircle::instances::ReachTimes;
use lifecircle::model::{PCenter, PMedian};
use lifecircle::solve::{SolveOptions, SolveStatus};

#[path = "support/orlib.rs"]
mod orlib;
use orlib::{instance, known};

#[test]
fn p_median_optima_fast_subset() {
    // pmed1-15 take under 0.1 s each with the Benders branch-and-cut.
    for name in (1..=15).map(|i| format!("pmed{i}")) {
        let name = name.as_str();
        let inst = instance(name);
        let model = PMedian::new(inst.costs.clone(), vec![1.0; inst.n], inst.p).unwrap();
        let sol = model.solve(&SolveOptions::new()).unwrap();
        assert_eq!(sol.objective, known("pmed_optimal.csv", 4, name), "{name}");
        assert_eq!(sol.status, SolveStatus::Optimal, "{name}");
        assert_eq!(sol.gap, 0.0, "{name}");
        assert_eq!(sol.sites.len(), inst.p);
        assert_eq!(model.cost_of(&sol.sites), sol.objective);
    }
}

#[test]
fn p_center_optima_pmed1_to_pmed5() {
    for name in ["pmed1", "pmed2", "pmed3", "pmed4", "pmed5"] {
        let inst = instance(name);
        let model = PCenter::new(inst.costs.clone(), vec![1.0; inst.n], inst.p).unwrap();
        let sol = model.solve(&SolveOptions::new()).unwrap();
        assert_eq!(
            sol.objective,
            known("pcenter_optimal.csv", 2, name),
            "{name}"
        );
        assert_eq!(sol.status, SolveStatus::Optimal, "{name}");
        assert!(sol.sites.len() <= inst.p);
        assert_eq!(model.radius_of(&sol.sites), sol.objective);
    }
}

/// Stopped at the caller's gap, a plan is `GapLimit` unless its gap is 0:
/// "optimal" would tell a planner it was proven. p-center's radius search
/// once reported `TimeLimit` here (its sub-MIPs, stopped at a gap, answered
/// neither yes nor no); p-median reported `Optimal` with a gap of 0.3 %.
#[test]
fn a_gap_limit_is_reported_as_such() {
    for (name, gap) in [("pmed6", 0.2), ("pmed2", 0.05)] {
        let inst = instance(name);
        let options = SolveOptions::new().mip_gap(gap).unwrap();
        let center = PCenter::new(inst.costs.clone(), vec![1.0; inst.n], inst.p).unwrap();
        let median = PMedian::new(inst.costs.clone(), vec![1.0; inst.n], inst.p).unwrap();
        let (c, m) = (
            center.solve(&options).unwrap(),
            median.solve(&options).unwrap(),
        );
        // The objective is that of the sites returned (p-center tops its
        // cover up after the search, which may shorten the longest walk).
        assert_eq!(c.objective, center.radius_of(&c.sites), "{name}");
        assert_eq!(m.objective, median.cost_of(&m.sites), "{name}");
        let optima = [
            known("pcenter_optimal.csv", 2, name),
            known("pmed_optimal.csv", 4, name),
        ];
        for (sol, optimum) in [(c, optima[0]), (m, optima[1])] {
            assert!(sol.bound <= optimum && optimum <= sol.objective, "{name}");
            assert!(sol.gap <= gap, "{name}: {}", sol.gap);
            let want = if sol.gap > 0.0 {
                SolveStatus::GapLimit
            } else {
                SolveStatus::Optimal
            };
            assert_eq!(sol.status, want, "{name}: gap {}", sol.gap);
        }
    }
}

#[test]
fn last_duplicate_edge_wins() {
    // pmed1 lists some vertex pairs twice with different costs; the published
    // optimum only holds when the last cost is used, which the test above checks.
    let text = std::fs::read_to_string(format!(
        "{}/data/orlib/pmed1.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut seen = std::collections::HashMap::new();
    let mut duplicates = 0;
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let v: Vec<usize> = line
            .split_whitespace()
            .map(|t| t.parse().unwrap())
            .collect();
        if seen
            .insert((v[0].min(v[1]), v[0].max(v[1])), v[2])
            .is_some()
        {
            duplicates += 1;
        }
    }
    assert_eq!(duplicates, 2);
}

/// A time limit returns the best plan priced from its sites, a bound below
/// the optimum and `time_limit`, never "optimal" (pmed36 needs seconds).
#[test]
fn a_time_limit_returns_the_best_plan_with_its_bound() {
    let inst = instance("pmed36");
    let model = PMedian::new(inst.costs.clone(), vec![1.0; inst.n], inst.p).unwrap();
    let sol = model
        .solve(&SolveOptions::new().time_limit(0.3).unwrap())
        .unwrap();
    let optimum = known("pmed_optimal.csv", 4, "pmed36");
    assert_eq!(sol.status, SolveStatus::TimeLimit);
    assert_eq!(sol.objective, model.cost_of(&sol.sites));
    assert!(sol.bound <= optimum && optimum <= sol.objective);
    assert!(sol.gap > 0.0);
}

/// Sparse costs storing every pair, with a penalty at least every cost, are
/// the dense problem: the same proven optima (p-median pmed1-10, p-center
/// pmed1-5), through the sparse path (client lists, list heuristics).
#[test]
fn sparse_costs_with_every_pair_give_the_dense_optima() {
    for (i, name) in (1..=10).map(|i| (i, format!("pmed{i}"))) {
        let inst = instance(&name);
        let all = ReachTimes::from_costs(&inst.costs, f64::INFINITY).unwrap();
        let worst = (0..inst.n)
            .flat_map(|i| inst.costs.row(i).to_vec())
            .fold(0.0, f64::max);
        let median = PMedian::on_reach(all.clone(), worst, vec![1.0; inst.n], inst.p).unwrap();
        let sol = median.solve(&SolveOptions::new()).unwrap();
        assert_eq!(sol.objective, known("pmed_optimal.csv", 4, &name), "{name}");
        assert_eq!((sol.status, sol.gap), (SolveStatus::Optimal, 0.0), "{name}");
        let dense = PMedian::new(inst.costs.clone(), vec![1.0; inst.n], inst.p).unwrap();
        assert_eq!(dense.cost_of(&sol.sites), sol.objective, "{name}");
        if i <= 5 {
            let center = PCenter::on_reach(all, worst, vec![1.0; inst.n], inst.p).unwrap();
            let sol = center.solve(&SolveOptions::new()).unwrap();
            assert_eq!(
                sol.objective,
                known("pcenter_optimal.csv", 2, &name),
                "{name}"
            );
            assert_eq!(sol.status, SolveStatus::Optimal, "{name}");
        }
    }
}

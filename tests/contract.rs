//! The contract every model keeps, checked the same way for each:
//! - on small instances: a feasible plan whose objective, recomputed here
//!   from the returned sites by code independent of the solver, equals the
//!   reported one; objective and bound finite, the bound on the right side,
//!   the gap `|bound - objective| / max(|objective|, 1)`, "optimal" only at
//!   gap 0;
//! - on an instance big enough to hit a 2 s limit (each takes 6x that or
//!   more to prove here): status `time_limit`, the same consistency, and the
//!   whole solve within limit + max(0.5 s, 5 %) — plus 1 s of slack for a
//!   loaded CI machine. That slack makes the assertion a guard against the old
//!   overrun (the MIP taking the whole limit after the other phases had used
//!   part of it), not a timing measurement; the measured figures are in the
//!   report of the change (pmed36 at 10/15/20 s, by hand with the CLI).

use std::time::Instant;

use lifecircle::instances::read_orlib;
use lifecircle::model::{
    CostMatrix, CoverageSets, JointPlan, JointService, MaxCoverage, PCenter, PMedian, SetCover,
};
use lifecircle::solve::{SolveOptions, SolveStatus};

/// Limit of the time-limit cases, and the tolerance the options promise.
const LIMIT_S: f64 = 2.0;
const CI_SLACK_S: f64 = 1.0;

/// Points in the unit square from a fixed linear congruential generator:
/// the same instance on every machine, no dependency on a random crate.
fn points(n: usize, seed: u64) -> Vec<(f64, f64)> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n).map(|_| (next(), next())).collect()
}

/// Distances in thousandths of the square's side, rounded: integers, so
/// the recomputed objectives are exact.
fn costs(demand: &[(f64, f64)], sites: &[(f64, f64)]) -> CostMatrix {
    CostMatrix::from_rows(
        demand
            .iter()
            .map(|a| {
                sites
                    .iter()
                    .map(|b| (1000.0 * ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()).round())
                    .collect()
            })
            .collect(),
    )
    .unwrap()
}

fn weights(n: usize, seed: u64) -> Vec<f64> {
    points(n, seed + 99)
        .iter()
        .map(|p| (1.0 + 9.0 * p.0).floor())
        .collect()
}

#[derive(Clone, Copy, PartialEq)]
enum Sense {
    Min,
    Max,
}

/// What a model reported, in one shape for every model.
struct Answer {
    objective: f64,
    bound: f64,
    gap: f64,
    status: SolveStatus,
}

fn check(name: &str, sense: Sense, recomputed: f64, a: &Answer) {
    assert!(
        a.objective.is_finite() && a.bound.is_finite(),
        "{name}: {}/{}",
        a.objective,
        a.bound
    );
    let tol = 1e-9 * a.objective.abs().max(1.0);
    assert!(
        (recomputed - a.objective).abs() <= tol,
        "{name}: recomputed {recomputed}, reported {}",
        a.objective
    );
    match sense {
        Sense::Min => assert!(
            a.bound <= a.objective + tol,
            "{name}: bound {} > {}",
            a.bound,
            a.objective
        ),
        Sense::Max => assert!(
            a.bound >= a.objective - tol,
            "{name}: bound {} < {}",
            a.bound,
            a.objective
        ),
    }
    let gap = (a.bound - a.objective).abs() / a.objective.abs().max(1.0);
    let gap = if gap <= 1e-9 { 0.0 } else { gap };
    assert!(
        (gap - a.gap).abs() <= 1e-12,
        "{name}: gap {} for {gap}",
        a.gap
    );
    if a.status == SolveStatus::Optimal {
        assert_eq!(a.gap, 0.0, "{name}: optimal with a gap");
    }
}

fn median_of(c: &CostMatrix, w: &[f64], sites: &[usize]) -> f64 {
    (0..c.n_demand())
        .filter(|&i| w[i] > 0.0)
        .map(|i| {
            w[i] * sites
                .iter()
                .map(|&j| c.cost(i, j))
                .fold(f64::INFINITY, f64::min)
        })
        .sum()
}

fn center_of(c: &CostMatrix, w: &[f64], sites: &[usize]) -> f64 {
    (0..c.n_demand())
        .filter(|&i| w[i] > 0.0)
        .map(|i| {
            sites
                .iter()
                .map(|&j| c.cost(i, j))
                .fold(f64::INFINITY, f64::min)
        })
        .fold(0.0, f64::max)
}

fn covered_of(c: &CostMatrix, radius: f64, w: &[f64], sites: &[usize]) -> f64 {
    (0..c.n_demand())
        .filter(|&i| sites.iter().any(|&j| c.cost(i, j) <= radius))
        .map(|i| w[i])
        .sum()
}

/// Solves with `options`, checks the contract, returns the status and seconds.
macro_rules! contract {
    ($name:expr, $sense:expr, $solve:expr, $recompute:expr, $options:expr) => {{
        let t0 = Instant::now();
        let sol = $solve(&$options).unwrap();
        let took = t0.elapsed().as_secs_f64();
        let answer = Answer {
            objective: sol.objective,
            bound: sol.bound,
            gap: sol.gap,
            status: sol.status,
        };
        check($name, $sense, $recompute(&sol), &answer);
        (sol.status, took)
    }};
}

/// Every model on small instances (8 seeds), proven optimal.
#[test]
fn small_instances_keep_the_contract() {
    let exact = SolveOptions::new();
    for seed in 0..8 {
        let d = points(30, seed);
        let s = points(12, seed + 50);
        let c = costs(&d, &s);
        let w = weights(30, seed);
        let radius = 250.0;
        let cov = CoverageSets::within(&c, radius).unwrap();
        let name = |m: &str| format!("{m} seed {seed}");

        let pm = PMedian::new(c.clone(), w.clone(), 3).unwrap();
        let (status, _) = contract!(
            &name("p-median"),
            Sense::Min,
            |o| pm.solve(o),
            |sol: &lifecircle::solve::Solution| median_of(&c, &w, &sol.sites),
            exact
        );
        assert_eq!(status, SolveStatus::Optimal);

        let pc = PCenter::new(c.clone(), w.clone(), 3).unwrap();
        let (status, _) = contract!(
            &name("p-center"),
            Sense::Min,
            |o| pc.solve(o),
            |sol: &lifecircle::solve::Solution| center_of(&c, &w, &sol.sites),
            exact
        );
        assert_eq!(status, SolveStatus::Optimal);

        let mc = MaxCoverage::new(cov.clone(), w.clone())
            .unwrap()
            .new_sites(2)
            .unwrap();
        let (status, _) = contract!(
            &name("mclp"),
            Sense::Max,
            |o| mc.solve(o),
            |sol: &lifecircle::solve::Solution| covered_of(&c, radius, &w, &sol.sites),
            exact
        );
        assert_eq!(status, SolveStatus::Optimal);

        // Covering needs every point reachable: a radius that reaches all.
        let all = CoverageSets::within(&c, 600.0).unwrap();
        let sc = SetCover::new(all);
        let (status, _) = contract!(
            &name("lscp"),
            Sense::Min,
            |o| sc.solve(o),
            |sol: &lifecircle::solve::Solution| {
                assert_eq!(covered_of(&c, 600.0, &[1.0; 30], &sol.sites), 30.0);
                sol.sites.len() as f64
            },
            exact
        );
        assert_eq!(status, SolveStatus::Optimal);

        let plan = joint(&cov, &w, 2);
        let (status, _) = contract!(
            &name("joint"),
            Sense::Max,
            |o| plan.solve(o),
            |sol: &lifecircle::model::JointSolution| joint_covered(&c, radius, &w, sol),
            exact
        );
        assert_eq!(status, SolveStatus::Optimal);
    }
}

/// Two services on the same coverage, one weighted double, `max_new` each.
fn joint(cov: &CoverageSets, w: &[f64], max_new: usize) -> JointPlan {
    let double: Vec<f64> = w.iter().map(|x| 2.0 * x).collect();
    JointPlan::new(
        cov.n_sites(),
        vec![
            JointService::new("a", cov.clone(), w.to_vec()).max_new(max_new),
            JointService::new("b", cov.clone(), double).max_new(max_new),
        ],
    )
    .unwrap()
}

fn joint_covered(
    c: &CostMatrix,
    radius: f64,
    w: &[f64],
    sol: &lifecircle::model::JointSolution,
) -> f64 {
    let a = covered_of(c, radius, w, &sol.services[0].new_sites);
    let b = covered_of(c, radius, w, &sol.services[1].new_sites);
    a + 2.0 * b
}

fn within_limit(name: &str, status: SolveStatus, took: f64) {
    // Shown with --nocapture: the figures behind the generous assertion.
    eprintln!("{name}: {status} after {took:.3} s (limit {LIMIT_S} s)");
    let allowed = LIMIT_S + (0.05 * LIMIT_S).max(0.5) + CI_SLACK_S;
    assert!(
        took <= allowed,
        "{name}: {took:.2} s for a limit of {LIMIT_S} s"
    );
    assert_eq!(status, SolveStatus::TimeLimit, "{name}");
}

#[test]
fn p_median_stops_at_its_limit() {
    let inst = read_orlib(format!(
        "{}/data/orlib/pmed36.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let w = vec![1.0; inst.n];
    let pm = PMedian::new(inst.costs.clone(), w.clone(), inst.p).unwrap();
    let options = SolveOptions::new().time_limit(LIMIT_S).unwrap();
    let (status, took) = contract!(
        "p-median pmed36",
        Sense::Min,
        |o| pm.solve(o),
        |sol: &lifecircle::solve::Solution| median_of(&inst.costs, &w, &sol.sites),
        options
    );
    within_limit("p-median", status, took);
}

/// 1,500 demand points x 400 sites in the unit square, 10-30 sites within
/// the radius of each point: the size of the coverage benchmarks of issue 16.
fn coverage_instance() -> (CostMatrix, Vec<f64>, f64) {
    let c = costs(&points(1500, 11), &points(400, 12));
    (c, weights(1500, 11), 126.0)
}

#[test]
fn p_center_stops_at_its_limit() {
    let c = costs(&points(800, 21), &points(800, 22));
    let w = weights(800, 21);
    let pc = PCenter::new(c.clone(), w.clone(), 10).unwrap();
    let options = SolveOptions::new().time_limit(LIMIT_S).unwrap();
    let (status, took) = contract!(
        "p-center",
        Sense::Min,
        |o| pc.solve(o),
        |sol: &lifecircle::solve::Solution| center_of(&c, &w, &sol.sites),
        options
    );
    within_limit("p-center", status, took);
}

#[test]
fn coverage_models_stop_at_their_limit() {
    let (c, w, radius) = coverage_instance();
    let cov = CoverageSets::within(&c, radius).unwrap();
    let options = SolveOptions::new().time_limit(LIMIT_S).unwrap();

    let mc = MaxCoverage::new(cov.clone(), w.clone())
        .unwrap()
        .new_sites(15)
        .unwrap();
    let (status, took) = contract!(
        "mclp",
        Sense::Max,
        |o| mc.solve(o),
        |sol: &lifecircle::solve::Solution| covered_of(&c, radius, &w, &sol.sites),
        options
    );
    within_limit("mclp", status, took);

    let sc = SetCover::new(cov.clone());
    let (status, took) = contract!(
        "lscp",
        Sense::Min,
        |o| sc.solve(o),
        |sol: &lifecircle::solve::Solution| {
            assert_eq!(covered_of(&c, radius, &vec![1.0; 1500], &sol.sites), 1500.0);
            sol.sites.len() as f64
        },
        options
    );
    within_limit("lscp", status, took);

    let plan = joint(&cov, &w, 15);
    let (status, took) = contract!(
        "joint",
        Sense::Max,
        |o| plan.solve(o),
        |sol: &lifecircle::model::JointSolution| joint_covered(&c, radius, &w, sol),
        options
    );
    within_limit("joint", status, took);
}

/// A memory limit below what the process already holds stops the MIP at
/// its first poll: the best plan so far, status `memory_limit`, honest bound.
#[test]
fn memory_limit_stops_the_mip_with_its_best_plan() {
    let inst = read_orlib(format!(
        "{}/data/orlib/pmed36.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let w = vec![1.0; inst.n];
    let pm = PMedian::new(inst.costs.clone(), w.clone(), inst.p).unwrap();
    let options = SolveOptions::new()
        .time_limit(60.0)
        .unwrap()
        .memory_limit(1.0)
        .unwrap();
    let (status, took) = contract!(
        "p-median pmed36",
        Sense::Min,
        |o| pm.solve(o),
        |sol: &lifecircle::solve::Solution| median_of(&inst.costs, &w, &sol.sites),
        options
    );
    assert_eq!(status, SolveStatus::MemoryLimit);
    assert!(took < 30.0, "{took:.1} s: the limit did not stop the MIP");
    let err = SolveOptions::new().memory_limit(0.0).unwrap_err();
    assert!(err.to_string().contains("memory_limit"), "{err}");
}

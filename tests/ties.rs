//! Tied optima ([`alternatives`]) against brute force: on small random
//! instances of every model, the plans listed are exactly the other
//! minimal optimal plans (no site of theirs can go without changing the
//! objective) that enumeration finds, each priced by `objective_of` at the
//! optimum; the sites shared are those every optimal plan holds; a tie-free
//! instance has no alternative and a many-ties one stops at `k`.

use lifecircle::model::ties::tie_tolerance;
use lifecircle::model::{
    alternatives, Alternatives, CostMatrix, CoverageSets, Goal, JointObjective, JointPlan,
    JointService, MaxCoverage, PCenter, PMedian, ServicePlan, SetCover, SitingModel,
};
use lifecircle::solve::{SolveOptions, SolveStatus};

#[path = "support/brute.rs"]
mod brute;

/// A fixed linear congruential generator: the same instances everywhere.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n) as usize
    }
}

/// Random coverage: each site covers each point with chance 1/3.
fn coverage(rng: &mut Lcg, n_demand: usize, n_sites: usize) -> CoverageSets {
    let sets = (0..n_sites)
        .map(|_| (0..n_demand).filter(|_| rng.below(3) == 0).collect())
        .collect();
    CoverageSets::from_sets(n_demand, sets).unwrap()
}

/// Small integer costs: ties are common.
fn matrix(rng: &mut Lcg, n_demand: usize, n_sites: usize) -> CostMatrix {
    let rows = (0..n_demand)
        .map(|_| (0..n_sites).map(|_| rng.below(6) as f64).collect())
        .collect();
    CostMatrix::from_rows(rows).unwrap()
}

fn weights(rng: &mut Lcg, n: usize) -> Vec<f64> {
    (0..n).map(|_| rng.below(3) as f64 + 1.0).collect()
}

fn tied(a: f64, b: f64) -> bool {
    (a - b).abs() <= tie_tolerance(b)
}

/// Every minimal optimal plan among `plans` (the model's feasible ones,
/// each a list of elements), by the model's own prices.
fn minimal_optima(
    goal: Goal,
    plans: Vec<Vec<usize>>,
    price: impl Fn(&[usize]) -> Option<f64>,
) -> Vec<Vec<usize>> {
    let priced: Vec<(Vec<usize>, f64)> = plans
        .into_iter()
        .filter_map(|p| price(&p).map(|v| (p, v)))
        .collect();
    let values = priced.iter().map(|(_, v)| *v);
    let best = match goal {
        Goal::Minimise => values.fold(f64::INFINITY, f64::min),
        Goal::Maximise => values.fold(f64::NEG_INFINITY, f64::max),
    };
    let optimal = |p: &[usize]| price(p).is_some_and(|v| tied(v, best));
    priced
        .iter()
        .filter(|(p, v)| {
            tied(*v, best) && {
                (0..p.len()).all(|k| {
                    let mut fewer = p.clone();
                    fewer.remove(k);
                    !optimal(&fewer)
                })
            }
        })
        .map(|(p, _)| p.clone())
        .collect()
}

/// Checks `alt` against the minimal optima by enumeration (element lists)
/// and `k`; `elements` reads a listed plan as such a list.
fn check<P>(
    alt: &Alternatives<P>,
    optima: &[Vec<usize>],
    k: usize,
    elements: impl Fn(&P) -> Vec<usize>,
    price: impl Fn(&P) -> f64,
) {
    assert!(!optima.is_empty());
    let others = optima.len() - 1;
    assert_eq!(alt.plans.len(), others.min(k), "{optima:?}");
    assert_eq!(alt.exhausted, others <= k);
    assert_eq!(alt.more, others > k);
    assert_eq!(alt.status, SolveStatus::Optimal);
    assert_eq!(alt.exists(), others > 0);
    let mut seen: Vec<Vec<usize>> = Vec::new();
    for plan in &alt.plans {
        assert!(tied(price(plan), alt.optimum));
        let e = elements(plan);
        assert!(optima.contains(&e), "{e:?} is not among {optima:?}");
        assert!(!seen.contains(&e), "{e:?} listed twice");
        seen.push(e);
    }
}

/// The new sites of each optimal plan that all share.
fn shared(optima: &[Vec<usize>]) -> Vec<usize> {
    let mut all: Vec<usize> = optima[0].clone();
    all.retain(|e| optima.iter().all(|p| p.contains(e)));
    all
}

/// A single-service model: alternatives against enumeration of site sets.
fn check_sites<M: SitingModel<Plan = [usize]>>(
    model: &M,
    sites: &[usize],
    n_sites: usize,
    fixed: &[usize],
    k: usize,
) -> Alternatives<Vec<usize>> {
    let options = SolveOptions::new();
    let alt = alternatives(model, sites, k, &options).unwrap();
    assert!(tied(brute::best(model, n_sites).unwrap(), alt.optimum));
    let new =
        |p: &[usize]| -> Vec<usize> { p.iter().copied().filter(|j| !fixed.contains(j)).collect() };
    let plans = brute::subsets(n_sites)
        .filter(|s| fixed.iter().all(|f| s.contains(f)))
        .map(|s| new(&s))
        .collect();
    let price = |p: &[usize]| {
        let mut all: Vec<usize> = p.iter().chain(fixed).copied().collect();
        all.sort_unstable();
        model.objective_of(&all).ok()
    };
    let optima = minimal_optima(model.goal(), plans, price);
    check(
        &alt,
        &optima,
        k,
        |p| new(p),
        |p| model.objective_of(p).unwrap(),
    );
    if alt.exhausted {
        let got: Vec<usize> = alt.shared.iter().map(|&(_, j)| j).collect();
        assert_eq!(got, shared(&optima));
    }
    alt
}

#[test]
fn max_coverage_matches_enumeration() {
    let mut rng = Lcg(1);
    let mut ties = Vec::new();
    for seed in 0..12 {
        let (n, m) = (8, 7);
        let cov = coverage(&mut rng, n, m);
        let fixed = if seed % 3 == 0 {
            vec![rng.below(m as u64)]
        } else {
            vec![]
        };
        let mut model = MaxCoverage::new(cov, weights(&mut rng, n))
            .unwrap()
            .fixed_open(fixed.clone())
            .unwrap();
        model = if seed % 2 == 0 {
            model.new_sites(2).unwrap()
        } else {
            let costs = (0..m).map(|_| rng.below(3) as f64 + 1.0).collect();
            model.budget(costs, 3.0).unwrap()
        };
        let sol = model.solve(&SolveOptions::new()).unwrap();
        ties.push(check_sites(&model, &sol.sites, m, &fixed, 50).plans.len());
    }
    // Some instances are tied, some are not.
    assert!(ties.contains(&0) && ties.iter().any(|&t| t > 0), "{ties:?}");
}

#[test]
fn set_cover_matches_enumeration() {
    let mut rng = Lcg(2);
    let mut ties = Vec::new();
    for seed in 0..12 {
        let (n, m) = (6, 8);
        let cov = coverage(&mut rng, n, m);
        let all: Vec<usize> = (0..m).collect();
        if cov.covered(&all).iter().any(|c| !c) {
            continue;
        }
        let fixed = if seed % 3 == 0 {
            vec![rng.below(m as u64)]
        } else {
            vec![]
        };
        let mut model = SetCover::new(cov).fixed_open(fixed.clone()).unwrap();
        if seed % 2 == 1 {
            model = model
                .costs((0..m).map(|_| rng.below(3) as f64).collect())
                .unwrap();
        }
        let sol = model.solve(&SolveOptions::new()).unwrap();
        ties.push(check_sites(&model, &sol.sites, m, &fixed, 50).plans.len());
    }
    // Some instances are tied, some are not.
    assert!(ties.contains(&0) && ties.iter().any(|&t| t > 0), "{ties:?}");
}

#[test]
fn p_median_and_p_center_match_enumeration() {
    let mut rng = Lcg(3);
    let mut ties = Vec::new();
    for seed in 0..10 {
        let (n, m) = (7, 7);
        let costs = matrix(&mut rng, n, m);
        let w = weights(&mut rng, n);
        let fixed = if seed % 3 == 0 {
            vec![rng.below(m as u64)]
        } else {
            vec![]
        };
        let median = PMedian::new(costs.clone(), w.clone(), 2)
            .unwrap()
            .fixed_open(fixed.clone())
            .unwrap();
        let sol = median.solve(&SolveOptions::new()).unwrap();
        ties.push(check_sites(&median, &sol.sites, m, &fixed, 50).plans.len());
        let center = PCenter::new(costs, w, 2)
            .unwrap()
            .fixed_open(fixed.clone())
            .unwrap();
        let sol = center.solve(&SolveOptions::new()).unwrap();
        ties.push(check_sites(&center, &sol.sites, m, &fixed, 50).plans.len());
    }
    assert!(ties.iter().any(|&t| t > 0), "{ties:?}");
}

#[test]
fn tie_free_instance_has_no_alternative() {
    // Each site covers its own point, weights 1, 2, 4, ...: one best pair.
    let cov = CoverageSets::from_sets(5, (0..5).map(|j| vec![j]).collect()).unwrap();
    let w = (0..5).map(|j| f64::from(1 << j)).collect();
    let model = MaxCoverage::new(cov, w).unwrap().new_sites(2).unwrap();
    let sol = model.solve(&SolveOptions::new()).unwrap();
    let alt = check_sites(&model, &sol.sites, 5, &[], 5);
    assert!(!alt.exists() && alt.exhausted);
    assert_eq!(alt.shared_sites(), vec![3, 4]);
}

#[test]
fn many_ties_stop_at_k() {
    // Eight sites covering the same points: eight optimal one-site plans.
    let cov = CoverageSets::from_sets(3, vec![vec![0, 1, 2]; 8]).unwrap();
    let model = MaxCoverage::new(cov, vec![1.0, 2.0, 3.0])
        .unwrap()
        .new_sites(2)
        .unwrap();
    let sol = model.solve(&SolveOptions::new()).unwrap();
    let alt = check_sites(&model, &sol.sites, 8, &[], 3);
    assert!(alt.more && !alt.exhausted && alt.plans.len() == 3);
    let all = check_sites(&model, &sol.sites, 8, &[], 7);
    assert!(all.exhausted && all.shared.is_empty());
    // k = 0 is refused: "whether one exists" is k = 1.
    assert!(alternatives(&model, &sol.sites, 0, &SolveOptions::new()).is_err());
}

#[test]
fn a_plan_that_is_not_optimal_is_named() {
    let cov = CoverageSets::from_sets(2, vec![vec![0], vec![1]]).unwrap();
    let model = MaxCoverage::new(cov, vec![1.0, 5.0])
        .unwrap()
        .new_sites(1)
        .unwrap();
    let e = alternatives(&model, &[0], 1, &SolveOptions::new()).unwrap_err();
    assert!(e.to_string().contains("not optimal"), "{e}");
}

/// Every (service, new sites) assignment of a small joint plan.
fn joint_assignments(plan: &JointPlan) -> Vec<Vec<Vec<usize>>> {
    let mut all: Vec<Vec<Vec<usize>>> = vec![Vec::new()];
    for s in &plan.services {
        let hosts: Vec<usize> = (0..plan.n_sites)
            .filter(|j| !s.fixed_open.contains(j))
            .collect();
        let choices: Vec<Vec<usize>> = brute::subsets(hosts.len())
            .map(|c| c.iter().map(|&k| hosts[k]).collect())
            .collect();
        all = all
            .into_iter()
            .flat_map(|prefix| {
                choices
                    .iter()
                    .map(move |c| [prefix.clone(), vec![c.clone()]].concat())
            })
            .collect();
    }
    all
}

fn service_plans(plan: &JointPlan, a: &[Vec<usize>]) -> Vec<ServicePlan> {
    plan.services
        .iter()
        .zip(a)
        .map(|(s, new)| ServicePlan {
            name: s.name.clone(),
            new_sites: new.clone(),
            covered: 0.0,
            weight: 0.0,
            served: vec![0.0; s.weights.len()],
            uncoverable: Vec::new(),
        })
        .collect()
}

#[test]
fn joint_plans_match_enumeration() {
    let mut rng = Lcg(4);
    let mut ties = Vec::new();
    for seed in 0..10 {
        let (n, m) = (5, 5);
        let objective = [JointObjective::Coverage, JointObjective::MinCost][seed % 2];
        let services = (0..2)
            .map(|s| {
                let mut service = JointService::new(
                    format!("s{s}"),
                    coverage(&mut rng, n, m),
                    weights(&mut rng, n),
                );
                if objective == JointObjective::Coverage {
                    service = service.max_new(1 + s);
                }
                if seed % 3 == 0 {
                    service = service.fixed_open(vec![rng.below(m as u64)]);
                }
                service
            })
            .collect();
        let mut plan = JointPlan::new(m, services).unwrap().objective(objective);
        plan = plan
            .budget((0..m).map(|_| rng.below(2) as f64 + 1.0).collect(), 3.0)
            .unwrap();
        let Ok(sol) = plan.solve(&SolveOptions::new()) else {
            continue;
        };
        let alt = alternatives(&plan, &sol.services, 50, &SolveOptions::new()).unwrap();
        // Elements as service * m + site, as enumeration lists them.
        let elements = |a: &[Vec<usize>]| -> Vec<usize> {
            let mut e: Vec<usize> = a
                .iter()
                .enumerate()
                .flat_map(|(s, new)| new.iter().map(move |&j| s * m + j))
                .collect();
            e.sort_unstable();
            e
        };
        let plans: Vec<Vec<usize>> = joint_assignments(&plan)
            .iter()
            .map(|a| elements(a))
            .collect();
        let price = |e: &[usize]| {
            let a: Vec<Vec<usize>> = (0..2)
                .map(|s| e.iter().filter(|&&x| x / m == s).map(|&x| x % m).collect())
                .collect();
            plan.objective_of(&service_plans(&plan, &a)).ok()
        };
        let optima = minimal_optima(plan.goal(), plans, price);
        let of = |p: &Vec<ServicePlan>| {
            elements(&p.iter().map(|s| s.new_sites.clone()).collect::<Vec<_>>())
        };
        check(&alt, &optima, 50, of, |p| plan.objective_of(p).unwrap());
        let got: Vec<usize> = alt.shared.iter().map(|&(s, j)| s * m + j).collect();
        assert_eq!(got, shared(&optima), "seed {seed}");
        ties.push(alt.plans.len());
    }
    assert!(ties.contains(&0) && ties.iter().any(|&t| t > 0), "{ties:?}");
}

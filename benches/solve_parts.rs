//! Criterion benches for the parts of the solvers on their own: presolve,
//! the coverage heuristics, and the p-median construction + interchange.
//!
//! ```sh
//! cargo bench --bench solve_parts
//! ```
//!
//! Coverage instance: 2,000 demand points and 500 sites uniform in the unit
//! square, radius chosen for about 20 sites per point (seed 7), the same shape
//! as the spopt comparison in `benches/compare_spopt.py`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use lifecircle::instances::read_orlib;
use lifecircle::solve::{heuristic, presolve};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn coverage_instance() -> Vec<(f64, Vec<u32>)> {
    let mut rng = StdRng::seed_from_u64(7);
    let demand: Vec<(f64, f64)> = (0..2000).map(|_| (rng.random(), rng.random())).collect();
    let sites: Vec<(f64, f64)> = (0..500).map(|_| (rng.random(), rng.random())).collect();
    let radius = (20.0 / (500.0 * std::f64::consts::PI)).sqrt();
    demand
        .iter()
        .map(|&(x, y)| {
            let covering = (0..sites.len() as u32)
                .filter(|&j| {
                    let (sx, sy) = sites[j as usize];
                    ((x - sx).powi(2) + (y - sy).powi(2)).sqrt() <= radius
                })
                .collect();
            (f64::from(rng.random_range(1u32..100)), covering)
        })
        .collect()
}

fn coverage(c: &mut Criterion) {
    let demand = coverage_instance();
    c.bench_function("presolve 2000x500", |b| {
        b.iter(|| presolve::reduce(black_box(demand.clone()), |_| 1.0))
    });
    let reduced = presolve::reduce(demand, |_| 1.0);
    let costs = vec![1.0; reduced.sites.len()];
    c.bench_function("greedy mclp p=20", |b| {
        b.iter(|| heuristic::greedy_max_cover(black_box(&reduced), 20, &costs, f64::INFINITY))
    });
    let greedy = heuristic::greedy_max_cover(&reduced, 20, &costs, f64::INFINITY);
    c.bench_function("swap mclp p=20", |b| {
        b.iter(|| {
            heuristic::swap_max_cover(black_box(&reduced), &costs, f64::INFINITY, greedy.clone())
        })
    });
    c.bench_function("greedy lscp", |b| {
        b.iter(|| heuristic::greedy_set_cover(black_box(&reduced), &costs))
    });
}

fn p_median(c: &mut Criterion) {
    let inst = read_orlib(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/orlib/pmed11.txt"
    ))
    .unwrap();
    let weights = vec![1.0; inst.n];
    c.bench_function("p-median greedy+interchange pmed11", |b| {
        b.iter(|| heuristic::p_median(black_box(&inst.costs), &weights, inst.p, &[]))
    });
}

criterion_group!(benches, coverage, p_median);
criterion_main!(benches);

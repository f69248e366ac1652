//! OR-Library runner: every pmed instance solved to proven optimality, for
//! p-median and p-center, with a line per instance and the totals.
//!
//! ```sh
//! cargo bench --bench orlib                 # all 40, both models
//! cargo bench --bench orlib -- pmed1 pmed6  # some instances
//! cargo bench --bench orlib -- --p-median   # one model (or --p-center)
//! ```

use std::time::Instant;

use lifecircle::model::{PCenter, PMedian};
use lifecircle::solve::{SolveOptions, SolveStatus};

#[path = "../tests/support/orlib.rs"]
mod orlib;
use orlib::{instance, known};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let only_median = args.iter().any(|a| a == "--p-median");
    let only_center = args.iter().any(|a| a == "--p-center");
    let mut names: Vec<String> = args
        .iter()
        .filter(|a| a.starts_with("pmed"))
        .cloned()
        .collect();
    if names.is_empty() {
        names = (1..=40).map(|i| format!("pmed{i}")).collect();
    }
    let options = SolveOptions::new().time_limit(600.0).unwrap();
    let (mut total_median, mut total_center, mut failures) = (0.0, 0.0, 0);
    println!(
        "{:<8} {:>4} {:>4} | {:>8} {:>8} {:>9} {:>8} | {:>6} {:>6} {:>9} {:>7}",
        "instance",
        "n",
        "p",
        "median",
        "optimum",
        "status",
        "seconds",
        "center",
        "optimum",
        "status",
        "seconds"
    );
    for name in &names {
        let t = Instant::now();
        let inst = instance(name);
        let read = t.elapsed().as_secs_f64();
        let mut line = format!("{name:<8} {:>4} {:>4} |", inst.n, inst.p);
        if !only_center {
            let t = Instant::now();
            let sol = PMedian::new(inst.costs.clone(), vec![1.0; inst.n], inst.p)
                .unwrap()
                .solve(&options)
                .unwrap();
            let secs = read + t.elapsed().as_secs_f64();
            total_median += secs;
            let opt = known("pmed_optimal.csv", 4, name);
            failures += usize::from(sol.objective != opt || sol.status != SolveStatus::Optimal);
            line += &format!(
                " {:>8} {:>8} {:>9} {:>8.2} |",
                sol.objective,
                opt,
                sol.status.to_string(),
                secs
            );
        }
        if !only_median {
            let t = Instant::now();
            let sol = PCenter::new(inst.costs.clone(), vec![1.0; inst.n], inst.p)
                .unwrap()
                .solve(&options)
                .unwrap();
            let secs = read + t.elapsed().as_secs_f64();
            total_center += secs;
            let opt = known("pcenter_optimal.csv", 2, name);
            failures += usize::from(sol.objective != opt || sol.status != SolveStatus::Optimal);
            line += &format!(
                " {:>6} {:>6} {:>9} {:>7.2}",
                sol.objective,
                opt,
                sol.status.to_string(),
                secs
            );
        }
        println!("{line}");
    }
    println!("total: p-median {total_median:.1} s, p-center {total_center:.1} s, {} instance(s), {failures} not proven at the known optimum", names.len());
}

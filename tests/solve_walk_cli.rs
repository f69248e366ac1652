//! `lifecircle solve` for the models on walking times (`--times`): gradual
//! coverage, attendance and the target ratio, their answers recomputed here
//! from the sites returned, and their bad inputs refused by name.

use std::process::Output;

#[path = "support/cli.rs"]
mod cli;
use cli::solve;

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Four demand points, three sites; point 3 reaches nothing.
const TIMES: &str = "demand,site,seconds\n0,0,100\n0,1,500\n1,1,200\n2,0,800\n2,2,300\n";
const WEIGHTS: &str = "10\n4\n6\n5\n";

fn files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("times.csv", TIMES);
    write("weights.txt", WEIGHTS);
    write("caps.txt", "1\n2\n1\n");
    write("zero_caps.txt", "1\n0\n1\n");
    dir
}

/// Σ w_i f(t_i) over the nearest open site, f linear to `cutoff`.
fn linear_value(open: &[u64], cutoff: f64) -> f64 {
    let w: Vec<f64> = WEIGHTS.lines().map(|l| l.parse().unwrap()).collect();
    let mut best = vec![0.0f64; w.len()];
    for line in TIMES.lines().skip(1) {
        let v: Vec<f64> = line.split(',').map(|x| x.parse().unwrap()).collect();
        if open.contains(&(v[1] as u64)) {
            let f = (1.0 - v[2] / cutoff).max(0.0);
            best[v[0] as usize] = best[v[0] as usize].max(f);
        }
    }
    w.iter().zip(&best).map(|(w, f)| w * f).sum()
}

fn sites(v: &serde_json::Value) -> Vec<u64> {
    v["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap())
        .collect()
}

#[test]
fn gradual_and_attendance_answers_are_the_best_single_site() {
    let dir = files();
    let common = [
        "--times",
        "times.csv",
        "--weights",
        "weights.txt",
        "--p",
        "1",
        "--json",
    ];
    let v = json(&solve(
        &[
            &common[..],
            &["--model", "gradual", "--decay", "linear:900"],
        ]
        .concat(),
        dir.path(),
    ));
    let best = (0..3)
        .map(|j| linear_value(&[j], 900.0))
        .fold(0.0, f64::max);
    assert_eq!(v["status"], "optimal");
    assert!(
        (v["objective"].as_f64().unwrap() - best).abs() < 1e-9,
        "{v}"
    );
    assert!((linear_value(&sites(&v), 900.0) - best).abs() < 1e-9);
    assert_eq!(v["bound"], v["objective"]);
    assert_eq!(v["unreachable_demand"], 1);
    let v = json(&solve(
        &[&common[..], &["--model", "attendance", "--radius", "600"]].concat(),
        dir.path(),
    ));
    let best = (0..3)
        .map(|j| linear_value(&[j], 600.0))
        .fold(0.0, f64::max);
    assert!(
        (v["objective"].as_f64().unwrap() - best).abs() < 1e-9,
        "{v}"
    );
}

#[test]
fn the_target_ratio_serves_within_the_room() {
    let dir = files();
    // Target 0.1: room 10, 20, 10. Sites 1 and 2 serve points 0 and 1 (14 of
    // room 20) and point 2 (6 of 10): 20; sites 0 and 1 serve 10 + 4 = 14.
    let v = json(&solve(
        &[
            "--model",
            "target-ratio",
            "--times",
            "times.csv",
            "--weights",
            "weights.txt",
            "--capacities",
            "caps.txt",
            "--target",
            "0.1",
            "--radius",
            "600",
            "--p",
            "2",
            "--json",
        ],
        dir.path(),
    ));
    assert_eq!(v["objective"], 20.0);
    assert_eq!(sites(&v), vec![1, 2]);
}

#[test]
fn bad_walk_inputs_are_refused_by_name() {
    let dir = files();
    let base = ["--times", "times.csv", "--p", "1"];
    for (extra, needle) in [
        (
            vec!["--model", "gradual", "--decay", "linear:-3"],
            "cutoff_s",
        ),
        (
            vec!["--model", "gradual", "--decay", "exponential:NaN:600"],
            "beta",
        ),
        (vec!["--model", "gradual"], "gradual needs decay"),
        (
            vec![
                "--model",
                "gradual",
                "--decay",
                "linear:600",
                "--radius",
                "600",
            ],
            "--radius",
        ),
        (
            vec![
                "--model",
                "attendance",
                "--radius",
                "600",
                "--decay",
                "gaussian:600",
            ],
            "linear, power or exponential",
        ),
        (
            vec![
                "--model",
                "target-ratio",
                "--capacities",
                "zero_caps.txt",
                "--target",
                "0.1",
                "--radius",
                "600",
            ],
            "site 1 has capacity 0",
        ),
        (
            vec![
                "--model",
                "target-ratio",
                "--capacities",
                "caps.txt",
                "--target",
                "0",
                "--radius",
                "600",
            ],
            "target",
        ),
        (
            vec![
                "--model",
                "target-ratio",
                "--capacities",
                "caps.txt",
                "--radius",
                "600",
            ],
            "target-ratio needs target",
        ),
    ] {
        let out = solve(&[&base[..], &extra[..]].concat(), dir.path());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains(needle),
            "{extra:?}: {err}"
        );
    }
}

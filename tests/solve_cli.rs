//! `lifecircle solve` at the edges of the numbers: a verbose solve keeps its
//! JSON on standard output and the log on standard error; inputs whose totals
//! would overflow are refused naming the field and record, so no answer says
//! "optimal" beside `inf`.

#[path = "support/cli.rs"]
mod cli;
use cli::solve;

fn orlib(name: &str) -> String {
    format!("{}/data/orlib/{name}.txt", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn verbose_json_keeps_stdout_json_and_the_log_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    // pmed16 goes through the branch-and-cut, which logs to standard error.
    let out = solve(
        &[
            "--model",
            "p-median",
            "--orlib",
            &orlib("pmed16"),
            "--json",
            "--verbose",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(v["status"], "optimal");
    assert_eq!(v["objective"], 8162.0);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("Benders p-median:"), "{log}");
}

#[test]
fn totals_that_would_overflow_are_refused_naming_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    // Before: "objective inf  bound -inf  gap 0.0000%  status optimal".
    write("huge.csv", "1e308,1e308\n1e308,1e308\n");
    // Before: objective inf, status optimal, JSON objective null.
    write("costs.csv", "1,2\n2,1\n");
    write("huge_weights.txt", "1e308\n1e308\n");
    // Each finite and small, but weight x cost passes 1e15 on the second point.
    write("big.csv", "1e12,1e12\n1e12,1e12\n");
    write("weights.txt", "600\n600\n");
    for (args, needle) in [
        (
            vec!["--model", "p-median", "--costs", "huge.csv", "--p", "1"],
            "cost matrix, record row 0, column 0: cost 1e308 is above the limit of 1e15",
        ),
        (
            vec!["--model", "p-center", "--costs", "huge.csv", "--p", "1"],
            "cost 1e308 is above the limit of 1e15",
        ),
        (
            vec![
                "--model",
                "mclp",
                "--costs",
                "costs.csv",
                "--weights",
                "huge_weights.txt",
                "--p",
                "1",
                "--radius",
                "1.5",
                "--json",
            ],
            // The weights reader refuses them first, naming the line (the model's
            // own check, "they sum to 1e308 by demand point 0", is behind it).
            "huge_weights.txt, record line 1: weight 1e308 brings the total to 1e308",
        ),
        (
            vec![
                "--model",
                "p-median",
                "--costs",
                "big.csv",
                "--weights",
                "weights.txt",
                "--p",
                "1",
            ],
            "reaches 1.2e15 by demand point 1, above the limit of 1e15",
        ),
    ] {
        let out = solve(&args, dir.path());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // Just within the limit: solved, every figure finite.
    write("weights.txt", "400\n400\n");
    let out = solve(
        &[
            "--model",
            "p-median",
            "--costs",
            "big.csv",
            "--weights",
            "weights.txt",
            "--p",
            "1",
            "--json",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["objective"], 8e14);
    assert_eq!(v["bound"], 8e14);
    assert_eq!(v["status"], "optimal");
}

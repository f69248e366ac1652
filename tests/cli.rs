//! The `lifecircle` binary end to end: the demo on the bundled data, scenario
//! files, and bad input turned into a message and a non-zero exit code.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn lifecircle(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn data(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/helsinki")
        .join(file)
}

/// A scenario file in a temp dir, pointing at the bundled data unless overridden.
fn scenario(dir: &Path, extra: &str, osm: &Path, population: &Path) -> PathBuf {
    let path = dir.join("s.toml");
    let text = format!(
        "osm = {:?}\npopulation = {:?}\nservice = \"pharmacy\"\n{extra}\n",
        osm.display().to_string(),
        population.display().to_string()
    );
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn demo_json_has_the_plan_and_writes_geojson() {
    let dir = tempfile::tempdir().unwrap();
    let out = lifecircle(&["demo", "--json", "--geojson", "plan.geojson"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "objective",
        "bound",
        "gap",
        "status",
        "sites",
        "covered_before",
        "covered_after",
        "seconds",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["status"], "optimal");
    assert_eq!(v["gap"], 0.0);
    let (before, after) = (
        v["covered_before"].as_f64().unwrap(),
        v["covered_after"].as_f64().unwrap(),
    );
    assert!(after > before, "{before} -> {after}");
    assert_eq!(v["objective"].as_f64().unwrap(), after);
    assert!(v["current"].as_array().unwrap().len() >= 3);
    let sites = v["sites"].as_array().unwrap();
    assert!(!sites.is_empty() && sites.len() <= 2);
    let geo: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("plan.geojson")).unwrap())
            .unwrap();
    let new = geo["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["kind"] == "new")
        .count();
    assert_eq!(new, sites.len());
}

#[test]
fn plan_reads_a_scenario_and_prints_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario(
        dir.path(),
        "new_sites = 1\nwalking_limit_min = 5",
        &data("helsinki.osm.pbf"),
        &data("population_grid_2020.csv"),
    );
    let out = lifecircle(&["plan", s.to_str().unwrap()], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "Current coverage",
        "before",
        "after",
        "OSM node",
        "status optimal",
        "Seconds:",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    assert!(dir.path().join("lifecircle-plan.geojson").exists());
}

fn fails_with(extra: &str, osm: &Path, population: &Path, needle: &str) {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario(dir.path(), extra, osm, population);
    let out = lifecircle(&["plan", s.to_str().unwrap()], dir.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected failure for {extra:?}");
    assert!(err.contains(needle), "stderr lacks {needle:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn bad_inputs_fail_cleanly_naming_the_record() {
    let (pbf, pop) = (data("helsinki.osm.pbf"), data("population_grid_2020.csv"));
    fails_with(
        "new_sites = 1",
        Path::new("/no/such.osm.pbf"),
        &pop,
        "/no/such.osm.pbf",
    );
    fails_with(
        "new_sites = 100000",
        &pbf,
        &pop,
        "asked for 100000 new sites",
    );
    fails_with(
        "new_sites = 1\nservice_typo = 3",
        &pbf,
        &pop,
        "service_typo",
    );
    fails_with(
        "new_sites = 1\nwalking_limit_min = -5",
        &pbf,
        &pop,
        "walking_limit_min",
    );

    let dir = tempfile::tempdir().unwrap();
    let nan = dir.path().join("nan.csv");
    std::fs::write(
        &nan,
        "id,population,lon,lat\ncell-1,10,24.94,60.17\ncell-2,NaN,24.94,60.17\n",
    )
    .unwrap();
    fails_with("new_sites = 1", &pbf, &nan, "cell-2");
    let corrupt = dir.path().join("corrupt.osm.pbf");
    std::fs::write(&corrupt, &std::fs::read(&pbf).unwrap()[..100_000]).unwrap();
    fails_with("new_sites = 1", &corrupt, &pop, "corrupt.osm.pbf");
}

#[test]
fn unknown_service_lists_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = lifecircle(&["demo", "--service", "spa"], dir.path());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("spa") && err.contains("pharmacy"), "{err}");
}

fn solve_json(args: &[&str], dir: &Path) -> (Output, serde_json::Value) {
    let mut all = vec!["solve", "--json"];
    all.extend_from_slice(args);
    let out = lifecircle(&all, dir);
    let v = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out, v)
}

#[test]
fn solve_reads_orlib_and_cost_matrices() {
    let dir = tempfile::tempdir().unwrap();
    let pmed1 = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/orlib/pmed1.txt");
    let (out, v) = solve_json(
        &["--model", "p-median", "--orlib", pmed1.to_str().unwrap()],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        (
            v["objective"].as_f64(),
            v["status"].as_str(),
            v["p"].as_u64()
        ),
        (Some(5819.0), Some("optimal"), Some(5))
    );
    assert_eq!(v["sites"].as_array().unwrap().len(), 5);

    // Demand points at 0, 1, 5 on a line; sites at 0 and 5; demand 1 weighs 10.
    std::fs::write(dir.path().join("c.csv"), "0,5\n1,4\n5,0\n").unwrap();
    std::fs::write(dir.path().join("w.csv"), "1\n10\n1\n").unwrap();
    let (out, v) = solve_json(
        &[
            "--model",
            "mclp",
            "--costs",
            "c.csv",
            "--weights",
            "w.csv",
            "--p",
            "1",
            "--radius",
            "1",
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        (v["objective"].as_f64(), v["sites"].clone()),
        (Some(11.0), serde_json::json!([0]))
    );
    let (_, v) = solve_json(
        &[
            "--model", "mclp", "--costs", "c.csv", "--p", "0", "--radius", "1", "--fixed", "1",
        ],
        dir.path(),
    );
    assert_eq!(
        (v["objective"].as_f64(), v["sites"].clone()),
        (Some(1.0), serde_json::json!([1]))
    );
    let (_, v) = solve_json(
        &["--model", "p-center", "--costs", "c.csv", "--p", "2"],
        dir.path(),
    );
    assert_eq!(v["objective"].as_f64(), Some(1.0));

    // Nobody reaches demand point 1 within 0.5: infeasible, named, exit code 2.
    let (out, v) = solve_json(
        &["--model", "lscp", "--costs", "c.csv", "--radius", "0.5"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        (v["status"].as_str(), v["infeasible_demand"].clone()),
        (Some("infeasible"), serde_json::json!([1]))
    );
}

#[test]
fn solve_rejects_bad_matrices_naming_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.csv"), "0,5\n1,x\n").unwrap();
    let out = lifecircle(
        &[
            "solve", "--model", "p-median", "--costs", "c.csv", "--p", "1",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2, column 2"), "{err}");
    std::fs::write(dir.path().join("c.csv"), "0,5\n1,-2\n").unwrap();
    let out = lifecircle(
        &[
            "solve", "--model", "p-median", "--costs", "c.csv", "--p", "3",
        ],
        dir.path(),
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("row 1, column 1"));
    std::fs::write(dir.path().join("c.csv"), "0,5\n1,2\n").unwrap();
    let out = lifecircle(
        &[
            "solve", "--model", "p-median", "--costs", "c.csv", "--p", "3",
        ],
        dir.path(),
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("asked for 3 new sites"));
}

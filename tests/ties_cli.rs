//! `lifecircle demo/plan --alternatives K` (and `[plan] alternatives`): other
//! optimal plans in the text and the JSON, nothing new without the option.

use std::path::Path;
use std::process::{Command, Output};

fn lifecircle(args: &[&str], dir: &Path) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn demo_lists_tied_plans_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let three = ["demo", "--new-sites", "3", "--json"];
    let plain: serde_json::Value =
        serde_json::from_slice(&lifecircle(&three, dir.path()).stdout).unwrap();
    assert!(plain.get("alternatives").is_none());
    let asked = lifecircle(&[&three[..], &["--alternatives", "3"]].concat(), dir.path());
    let v: serde_json::Value = serde_json::from_slice(&asked.stdout).unwrap();
    let a = &v["alternatives"];
    // Central Helsinki has many street nodes that reach the same residents.
    assert_eq!(
        (&a["exist"], &a["exhausted"], &a["more"]),
        (&true.into(), &false.into(), &true.into())
    );
    assert_eq!(a["status"], "optimal");
    let plans = a["plans"].as_array().unwrap();
    assert_eq!(plans.len(), 3);
    let ids = |p: &serde_json::Value| -> Vec<String> {
        p.as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect()
    };
    let chosen: Vec<String> = v["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    for p in plans {
        assert_eq!(ids(p).len(), 3);
        assert_ne!(ids(p), chosen);
        assert!(p
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["service"] == "pharmacy"));
    }
    for s in a["shared"].as_array().unwrap() {
        let id = s["id"].as_str().unwrap().to_string();
        assert!(chosen.contains(&id) && plans.iter().all(|p| ids(p).contains(&id)));
    }

    let without = text(&lifecircle(&["demo"], dir.path()));
    assert!(!without.contains("optimal plans"), "{without}");
    let with = text(&lifecircle(
        &["demo", "--new-sites", "3", "--alternatives", "2"],
        dir.path(),
    ));
    assert!(
        with.contains("Other optimal plans exist: yes, more than 2; 2 listed"),
        "{with}"
    );
    assert!(with.contains("  2. pharmacy "), "{with}");
    assert!(
        with.contains("New sites shared by the 3 optimal plans found: pharmacy "),
        "{with}"
    );
}

#[test]
fn scenario_file_asks_for_alternatives_and_zero_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/helsinki");
    let scenario = dir.path().join("s.toml");
    std::fs::write(
        &scenario,
        format!(
            "osm = {:?}\npopulation = {:?}\n[plan]\nnew_sites = {{ pharmacy = 1 }}\nalternatives = 1\n",
            data.join("helsinki.osm.pbf").display().to_string(),
            data.join("population_grid_2020.csv").display().to_string(),
        ),
    )
    .unwrap();
    let path = scenario.display().to_string();
    let out = text(&lifecircle(&["plan", &path], dir.path()));
    assert!(out.contains("Other optimal plans exist: "), "{out}");
    let zero = Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .args(["plan", &path, "--alternatives", "0"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!zero.status.success());
    let err = String::from_utf8_lossy(&zero.stderr);
    assert!(
        err.contains("alternatives") && err.contains("at least 1"),
        "{err}"
    );
}

//! The `lifecircle` binary end to end: the demo on the bundled data, scenario
//! files, and bad input turned into a message and a non-zero exit code.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "support/cli.rs"]
mod cli;
use cli::lifecircle;

fn data(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/helsinki")
        .join(file)
}

/// A scenario file in a temp dir: `top` goes before the `[plan]` table, `plan` inside it.
fn scenario(dir: &Path, top: &str, plan: &str, osm: &Path, population: &Path) -> PathBuf {
    let path = dir.join("s.toml");
    let text = format!(
        "osm = {:?}\npopulation = {:?}\naging_ratio = 0.1471\n{top}\n[plan]\n{plan}\n",
        osm.display().to_string(),
        population.display().to_string()
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// [`scenario`] on the bundled Helsinki streets and population grid.
fn helsinki_scenario(dir: &Path, top: &str, plan: &str) -> PathBuf {
    scenario(
        dir,
        top,
        plan,
        &data("helsinki.osm.pbf"),
        &data("population_grid_2020.csv"),
    )
}

fn ok_json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn demo_json_has_the_plan_and_writes_geojson() {
    let dir = tempfile::tempdir().unwrap();
    let v = ok_json(&lifecircle(
        &["demo", "--json", "--geojson", "plan.geojson"],
        dir.path(),
    ));
    for key in [
        "objective",
        "bound",
        "gap",
        "status",
        "sites",
        "covered_before",
        "covered_after",
        "services",
        "cost",
        "seconds",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["sites"][0]["service"], "pharmacy");
    assert_eq!(v["covered_after"], v["services"][0]["covered_after"]);
    assert_eq!(v["status"], "optimal");
    assert_eq!(v["gap"], 0.0);
    let pharmacy = &v["services"][0];
    assert_eq!(pharmacy["service"], "pharmacy");
    let (before, after) = (
        pharmacy["covered_before"].as_f64().unwrap(),
        pharmacy["covered_after"].as_f64().unwrap(),
    );
    assert!(after > before, "{before} -> {after}");
    assert!((v["objective"].as_f64().unwrap() - after).abs() < 1e-6);
    // The elderly walk slower: fewer of them are covered than their 14.71 % share.
    let old_after = pharmacy["covered_60plus_after"].as_f64().unwrap();
    assert!(old_after <= 0.1471 * after + 1e-6, "{old_after} of {after}");
    assert!(v["current"].as_array().unwrap().len() >= 10);
    let sites = pharmacy["new"].as_array().unwrap();
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
fn demo_map_writes_svg_png_and_html() {
    let dir = tempfile::tempdir().unwrap();
    let out = lifecircle(&["demo", "--map", "maps/demo"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Maps written to maps/demo/report.html"));
    let maps = dir.path().join("maps/demo");
    let svg = std::fs::read_to_string(maps.join("pharmacy.svg")).unwrap();
    // 241 demand points on the network (the grid split onto homes), plus
    // the legend's three swatches.
    assert_eq!(svg.matches("<circle").count(), 241 + 3);
    assert!(svg.contains("pharmacy: 64.2 % → 99.0 % covered (+2 new sites)"));
    assert!(svg.matches("<polyline").count() > 500, "streets drawn");
    let png = std::fs::read(maps.join("pharmacy.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000);
    let html = std::fs::read_to_string(maps.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<td>demo</td>") && html.contains("64.2% → 99.0%"));
    // The interactive map draws the same 241 points (tests/browser.rs opens it).
    let data = map_data(&html);
    assert_eq!(
        data["geos"][0]["points"]["id"].as_array().unwrap().len(),
        241
    );
    assert_eq!(data["variants"][0]["services"][0]["key"], "pharmacy");
}

/// The JSON block the interactive map of a report.html draws.
fn map_data(html: &str) -> serde_json::Value {
    let tag = "id=\"lifecircle-data\">";
    let start = html.find(tag).expect("a map") + tag.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

/// Planned services drawn per variant on a report's map.
fn drawn_services(html: &str) -> Vec<usize> {
    map_data(html)["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["services"].as_array().unwrap().len())
        .collect()
}

#[test]
fn gaps_demo_prints_tables_and_json_rows() {
    let dir = tempfile::tempdir().unwrap();
    let out = lifecircle(
        &[
            "gaps",
            "--demo",
            "--csv",
            "gaps.csv",
            "--geojson",
            "gaps.geojson",
            "--map",
            "community",
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Community map written to community/report.html"));
    assert!(text.contains("Community map (PNG) written to community/community.png"));
    let png = std::fs::read(dir.path().join("community/community.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    let svg = std::fs::read_to_string(dir.path().join("community/community.svg")).unwrap();
    assert!(svg.contains("Living-circle completeness: 22 zones"));
    let html = std::fs::read_to_string(dir.path().join("community/report.html")).unwrap();
    // A zone outline per zone of the table (the 22 grid cells with homes in
    // the extract, each its own zone).
    assert_eq!(
        map_data(&html)["geos"][0]["zones"]
            .as_array()
            .unwrap()
            .len(),
        22
    );
    for needle in [
        "Current coverage by category",
        "elderly_canteen",
        "Completeness per zone",
        "rating",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    let csv = std::fs::read_to_string(dir.path().join("gaps.csv")).unwrap();
    assert!(csv.starts_with("zone,category,class,walking_limit_min"));
    assert!(dir.path().join("gaps.geojson").exists());

    let v = ok_json(&lifecircle(&["gaps", "--demo", "--json"], dir.path()));
    let rows = v["gaps"]["rows"].as_array().unwrap();
    let zones = v["gaps"]["zones"].as_array().unwrap().len();
    let categories = v["gaps"]["totals"].as_array().unwrap().len();
    assert_eq!(rows.len(), zones * categories);
    assert_eq!(csv.lines().count(), 1 + rows.len() + categories);
    for key in [
        "zone",
        "category",
        "residents",
        "residents_60plus",
        "covered",
        "covered_60plus",
        "nearest_minutes_p50",
        "nearest_minutes_p90",
        "nearest_minutes_max",
    ] {
        assert!(rows[0].get(key).is_some(), "missing {key}");
    }
    // Per zone and category, the covered residents add up to the area's.
    for total in v["gaps"]["totals"].as_array().unwrap() {
        let sum: f64 = rows
            .iter()
            .filter(|r| r["category"] == total["category"])
            .map(|r| r["covered"].as_f64().unwrap())
            .sum();
        assert!((sum - total["covered"].as_f64().unwrap()).abs() < 1e-6);
    }
}

#[test]
fn joint_plan_shares_a_site_within_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    let joint = data("joint.toml");
    let v = ok_json(&lifecircle(
        &["plan", joint.to_str().unwrap(), "--json"],
        dir.path(),
    ));
    assert_eq!(v["status"], "optimal");
    assert!(v["cost"].as_f64().unwrap() <= 2.0);
    let services = v["services"].as_array().unwrap();
    assert_eq!(services.len(), 2);
    let new = |k: usize| services[k]["new"].as_array().unwrap().len();
    assert!(new(0) <= 2 && new(1) <= 1);
    for s in services {
        assert!(s["covered_after"].as_f64().unwrap() >= s["covered_before"].as_f64().unwrap());
    }
    // The gap table after the plan counts the new facilities too.
    for s in services {
        let count = |table: &str| {
            v[table]
                .as_array()
                .unwrap()
                .iter()
                .find(|row| row["category"] == s["service"])
                .map(|row| row["facilities"].as_u64().unwrap())
                .unwrap()
        };
        let (existing, new) = (
            s["existing"].as_array().unwrap().len(),
            s["new"].as_array().unwrap().len(),
        );
        assert_eq!(count("current"), existing as u64, "{}", s["service"]);
        assert_eq!(count("after"), (existing + new) as u64, "{}", s["service"]);
    }
}

#[test]
fn plan_reads_a_scenario_and_prints_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let s = helsinki_scenario(dir.path(), "", "new_sites = { convenience = 1 }");
    assert_eq!(s, dir.path().join("s.toml"));
    // A bare file name, as typed in the scenario's own folder.
    let out = lifecircle(&["plan", "s.toml"], dir.path());
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
        "New sites",
        "status optimal",
        "Seconds:",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    assert!(dir.path().join("lifecircle-plan.geojson").exists());
}

fn fails_with(top: &str, plan: &str, osm: &Path, population: &Path, needle: &str) {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario(dir.path(), top, plan, osm, population);
    let out = lifecircle(&["plan", s.to_str().unwrap()], dir.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "expected failure for {top:?} {plan:?}"
    );
    assert!(err.contains(needle), "stderr lacks {needle:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn bad_inputs_fail_cleanly_naming_the_record() {
    let (pbf, pop) = (data("helsinki.osm.pbf"), data("population_grid_2020.csv"));
    let one = "new_sites = { pharmacy = 1 }";
    fails_with(
        "",
        one,
        Path::new("/no/such.osm.pbf"),
        &pop,
        "/no/such.osm.pbf",
    );
    fails_with(
        "",
        "new_sites = { pharmacy = 100000 }",
        &pbf,
        &pop,
        "asked for 100000 new sites",
    );
    fails_with("service_typo = 3", one, &pbf, &pop, "service_typo");
    fails_with(
        "",
        "new_sites = { spa = 1 }",
        &pbf,
        &pop,
        "unknown service \"spa\"",
    );
    fails_with(
        "",
        &format!("{one}\ncapacity = {{ pharmacy = -5 }}"),
        &pbf,
        &pop,
        "capacity must be > 0, got -5",
    );
    fails_with("", &format!("{one}\nbudget = 0.5"), &pbf, &pop, "budget");
    fails_with("aging_ratio = 1.5", one, &pbf, &pop, "aging_ratio");
    fails_with("", "", &pbf, &pop, "names no service");

    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let nan = write(
        "nan.csv",
        "id,population,lon,lat\ncell-1,10,24.94,60.17\ncell-2,NaN,24.94,60.17\n",
    );
    fails_with("", one, &pbf, &nan, "cell-2");
    let old = write(
        "old.csv",
        "id,population,aged_60_plus,lon,lat\ncell-9,10,11,24.94,60.17\n",
    );
    fails_with(
        "",
        one,
        &pbf,
        &old,
        "cell-9): aged_60_plus 11 exceeds the population 10",
    );
    let no_pop = write("nopop.csv", "id,people,lon,lat\ncell-1,10,24.94,60.17\n");
    fails_with("", one, &pbf, &no_pop, "no `population` column");
    let catalogue = write("cat.toml", "[[service]]\nkey = \"pharmacy\"\nname = \"p\"\nclass = \"basic\"\nwalking_limit_min = 8\ncapacity = -1\n");
    fails_with(
        &format!("catalogue = {:?}", catalogue.display().to_string()),
        one,
        &pbf,
        &pop,
        "record pharmacy: capacity must be > 0",
    );
    let corrupt = dir.path().join("corrupt.osm.pbf");
    std::fs::write(&corrupt, &std::fs::read(&pbf).unwrap()[..100_000]).unwrap();
    fails_with("", one, &corrupt, &pop, "corrupt.osm.pbf");
}

#[test]
fn unknown_service_lists_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = lifecircle(&["demo", "--service", "spa"], dir.path());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("spa") && err.contains("pharmacy"), "{err}");
}

/// A 3 x 3 street grid in central Helsinki as `nodes.csv` and `edges.csv` in
/// `dir`, and a scenario on it with `pop.csv` and the plan `plan`: a network
/// that needs no OSM reading, for the fast bad-input cases.
fn grid_scenario(dir: &Path, top: &str, plan: &str) -> PathBuf {
    let (mut nodes, mut edges) = (
        String::from("id,lon,lat\n"),
        String::from("source,target\n"),
    );
    for row in 0..3 {
        for col in 0..3 {
            let id = 3 * row + col + 1;
            let (lon, lat) = (24.94 + 0.001 * col as f64, 60.17 + 0.0005 * row as f64);
            nodes += &format!("{id},{lon},{lat}\n");
            if col < 2 {
                edges += &format!("{id},{}\n", id + 1);
            }
            if row < 2 {
                edges += &format!("{id},{}\n", id + 3);
            }
        }
    }
    for (name, text) in [("nodes.csv", &nodes), ("edges.csv", &edges)] {
        if !dir.join(name).exists() {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
    let path = dir.join("s.toml");
    let text = format!("network = {{ nodes = \"nodes.csv\", edges = \"edges.csv\" }}\npopulation = \"pop.csv\"\n{top}\n[plan]\n{plan}\n");
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `command` on a grid scenario whose files are written over the
/// defaults (`pop.csv`: three residents' points on the grid); it must fail
/// cleanly with `needle` in its message.
fn grid_fails_with(command: &str, files: &[(&str, &str)], top: &str, plan: &str, needle: &str) {
    let dir = tempfile::tempdir().unwrap();
    let pop = "id,population,aged_60_plus,lon,lat\na,100,20,24.9405,60.1702\nb,50,10,24.9415,60.1707\nc,80,30,24.9418,60.1709\n";
    std::fs::write(dir.path().join("pop.csv"), pop).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    grid_scenario(dir.path(), top, plan);
    let out = lifecircle(&[command, "s.toml"], dir.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{files:?} {top:?} {plan:?}: {err}"
    );
    assert!(err.contains(needle), "stderr lacks {needle:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn bad_tables_fail_cleanly_naming_the_file_and_line() {
    let one = "new_sites = { pharmacy = 1 }";
    // The grid scenario itself plans.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pop.csv"),
        "id,population,lon,lat\na,100,24.9405,60.1702\n",
    )
    .unwrap();
    grid_scenario(dir.path(), "", one);
    ok_json(&lifecircle(&["plan", "s.toml", "--json"], dir.path()));

    let header = "id,population,lon,lat\n";
    grid_fails_with(
        "plan",
        &[("pop.csv", header)],
        "",
        one,
        "pop.csv, record file: holds no record",
    );
    grid_fails_with(
        "gaps",
        &[("pop.csv", &format!("{header}far,100,24.9405,61.5\n"))],
        "",
        one,
        "pop.csv, record file: none of its 1 demand points lies on the walking network",
    );
    grid_fails_with(
        "plan",
        &[(
            "pop.csv",
            &format!("{header}a,100,24.9405,60.1702\na,50,24.9415,60.1707\n"),
        )],
        "",
        one,
        "pop.csv, record line 3: duplicate id \"a\" (first on line 2)",
    );
    grid_fails_with(
        "plan",
        &[(
            "pop.csv",
            "id,population,aged_60plus,lon,lat\na,100,20,24.9405,60.1702\n",
        )],
        "aging_ratio = 0.1",
        one,
        "pop.csv, record header: unknown column `aged_60plus`: did you mean `aged_60_plus`?",
    );
    grid_fails_with(
        "plan",
        &[("sites.csv", "id,lon,lat,costs\nx,24.941,60.1705,5\n")],
        "",
        &format!("{one}\ncandidate_sites = \"sites.csv\""),
        "sites.csv, record header: unknown column `costs`: did you mean `cost`?",
    );
    grid_fails_with(
        "plan",
        &[("sites.csv", "id,lon,lat\n")],
        "",
        &format!("{one}\ncandidate_sites = \"sites.csv\""),
        "sites.csv, record file: holds no record",
    );
    grid_fails_with(
        "plan",
        &[(
            "nodes.csv",
            "id,lon,lat\n1,24.94,60.17\n2,24.941,60.17\n1,25.0,61.0\n",
        )],
        "",
        one,
        "nodes.csv, record line 4: duplicate id \"1\" (first on line 2)",
    );
    // Projected metres name the file and line, not just "coordinates".
    let degrees = "must be WGS 84 degrees: lon in [-180, 180], lat in [-90, 90]";
    grid_fails_with(
        "plan",
        &[("nodes.csv", "id,lon,lat\n1,24.94,60.17\n2,385000,6672000\n")],
        "",
        one,
        &format!("nodes.csv, record line 3: (385000, 6672000) {degrees}"),
    );
    grid_fails_with(
        "plan",
        &[("sites.csv", "id,lon,lat\nx,385000,6672000\n")],
        "",
        &format!("{one}\ncandidate_sites = \"sites.csv\""),
        &format!("sites.csv, record line 2: (385000, 6672000) {degrees}"),
    );
    grid_fails_with(
        "plan",
        &[("edges.csv", "")],
        "",
        one,
        "edges.csv, record header: the file is empty",
    );
    grid_fails_with(
        "plan",
        &[],
        "",
        &format!("{one}\nservices = [\"pharmacy\"]"),
        "plan.services: \"pharmacy\" is also in new_sites",
    );
    grid_fails_with(
        "compare",
        &[],
        "variant = []",
        one,
        "s.toml, record variant: the list is empty",
    );
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
fn solve_help_says_how_the_models_treat_weight_0() {
    let out = lifecircle(&["solve", "--help"], Path::new("."));
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("weight 0 are ignored"), "{help}");
    assert!(help.contains("weight-0 points too"), "{help}");
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
    for (text, needle) in [
        (
            "0,5\n\n1,x\n",
            "c.csv, record line 3, column 2: \"x\" is not a number",
        ),
        ("", "c.csv, record file: holds no record"),
        (
            "0,5\n1\n",
            "c.csv, record line 2: 1 fields where the first line has 2",
        ),
    ] {
        std::fs::write(dir.path().join("c.csv"), text).unwrap();
        let out = lifecircle(
            &[
                "solve", "--model", "p-median", "--costs", "c.csv", "--p", "1",
            ],
            dir.path(),
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(needle), "{err}");
    }
    std::fs::write(dir.path().join("c.csv"), "0,5\n1,-2\n").unwrap();
    let out = lifecircle(
        &[
            "solve", "--model", "p-median", "--costs", "c.csv", "--p", "3",
        ],
        dir.path(),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 2, column 2: cost -2 must be finite and >= 0"),
        "{err}"
    );
    std::fs::write(dir.path().join("c.csv"), "0,5\n1,2\n").unwrap();
    let out = lifecircle(
        &[
            "solve", "--model", "p-median", "--costs", "c.csv", "--p", "3",
        ],
        dir.path(),
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("asked for 3 new sites"));
    // A NaN radius would cover nothing and report an empty plan as optimal.
    let out = lifecircle(
        &[
            "solve", "--model", "mclp", "--costs", "c.csv", "--p", "1", "--radius", "NaN",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("radius"));
    let out = lifecircle(
        &[
            "solve", "--model", "mclp", "--costs", "c.csv", "--p", "1", "--radius", "-2",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("radius"));
}

#[test]
fn compare_solves_every_variant_and_reports_failures() {
    let dir = tempfile::tempdir().unwrap();
    let cmp = data("compare.toml");
    let v = ok_json(&lifecircle(
        &["compare", cmp.to_str().unwrap(), "--json", "--out", "cmp"],
        dir.path(),
    ));
    let variants = v["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 6);
    // Two planned services per variant, one row each.
    assert_eq!(v["rows"].as_array().unwrap().len(), 12);
    for k in 1..=6 {
        assert!(dir.path().join(format!("cmp/variant-{k}.geojson")).exists());
    }
    let csv = std::fs::read_to_string(dir.path().join("cmp/comparison.csv")).unwrap();
    assert_eq!(csv.lines().count(), 13);
    let html = std::fs::read_to_string(dir.path().join("cmp/report.html")).unwrap();
    assert_eq!(
        drawn_services(&html),
        [2; 6],
        "a map per variant and service"
    );
    // More canteens never cover fewer of the elderly.
    let newly = |k: usize| v["rows"][k]["newly_covered"].as_f64().unwrap();
    assert!(newly(2) >= newly(0), "{} < {}", newly(2), newly(0));

    // A variant that cannot be solved is reported; the others still run.
    let s = helsinki_scenario(
        dir.path(),
        "",
        "new_sites = { pharmacy = 1 }\n[[variant]]\nname = \"broke\"\nplan = { budget = 0.5 }\n[[variant]]\nname = \"fine\"",
    );
    let out = lifecircle(&["compare", s.to_str().unwrap()], dir.path());
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("fine") && text.contains("broke") && text.contains("budget"),
        "{text}"
    );
    // The failed variant's figures are absent, not zeros that would skew a mean over the rows.
    let out = lifecircle(
        &["compare", s.to_str().unwrap(), "--json", "--out", "broke"],
        dir.path(),
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let broke = &v["rows"][0];
    assert_eq!(broke["variant"], "broke");
    assert!(broke["error"].as_str().unwrap().contains("budget"));
    let figures = [
        "new_sites",
        "newly_covered",
        "share_before",
        "share_after",
        "zones_rated_before",
        "zones_rated_after",
        "mean_stars_before",
        "mean_stars_after",
    ];
    for key in figures {
        assert!(broke[key].is_null(), "{key}: {}", broke[key]);
        assert!(
            v["rows"][1][key].is_number(),
            "{key}: {}",
            v["rows"][1][key]
        );
    }
    let csv = std::fs::read_to_string(dir.path().join("broke/comparison.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let cells: Vec<&str> = lines.next().unwrap().split(',').collect();
    for key in figures {
        let k = header.iter().position(|h| *h == key).unwrap();
        assert_eq!(cells[k], "", "{key} in {csv}");
    }
}

/// A plan's JSON report without its timings, which differ from run to run.
fn timeless(mut report: serde_json::Value) -> serde_json::Value {
    report.as_object_mut().unwrap().remove("seconds");
    report
}

#[test]
fn a_variant_sharing_inputs_reports_what_plan_gives_alone() {
    // A short search, and another variant planning a service that walks
    // farther: the shared inputs are searched farther than the pharmacy plan
    // alone searches, which must not show in its figures.
    let dir = tempfile::tempdir().unwrap();
    let s = helsinki_scenario(
        dir.path(),
        "under_6_ratio = 0.072\nsearch_minutes = 3.0\ngap_services = [\"pharmacy\"]",
        "new_sites = { pharmacy = 1 }\n[[variant]]\nname = \"pharmacy\"\n[[variant]]\nname = \"and supermarket\"\nplan = { new_sites = { supermarket = 1 } }",
    );
    let s = s.to_str().unwrap();
    let compared = ok_json(&lifecircle(&["compare", s, "--json"], dir.path()));
    // `plan` runs the base scenario, which is the first variant.
    let alone = ok_json(&lifecircle(&["plan", s, "--json"], dir.path()));
    assert_eq!(
        timeless(compared["variants"][0]["plan"].clone()),
        timeless(alone.clone())
    );
    let row = &compared["rows"][0];
    assert_eq!(row["variant"], "pharmacy");
    let after = &alone["after"][0];
    assert_eq!(after["category"], "pharmacy");
    assert_eq!(row["p90_after"], after["nearest_minutes_p90"]);
}

#[test]
fn beyond_the_search_is_marked_with_the_search_used() {
    // search_minutes = 3, but the pharmacy's 8-minute limit widens the search
    // to 8 minutes: tables say ">8", never ">3" nor "-".
    let dir = tempfile::tempdir().unwrap();
    let s = helsinki_scenario(
        dir.path(),
        "search_minutes = 3.0\ngap_services = [\"pharmacy\"]",
        "new_sites = { pharmacy = 1 }",
    );
    let s = s.to_str().unwrap();
    let json = ok_json(&lifecircle(&["plan", s, "--json"], dir.path()));
    // Exactly 8: minutes made into metres and back once gave 8.000000000000002.
    assert_eq!(json["search_minutes"], 8.0);
    for command in ["plan", "gaps", "compare"] {
        let out = lifecircle(&[command, s], dir.path());
        assert!(out.status.success(), "{command}");
        let text = String::from_utf8(out.stdout).unwrap();
        let line = text
            .lines()
            .find(|l| l.starts_with("pharmacy") || l.starts_with("base"))
            .unwrap();
        assert!(line.contains(">8"), "{command}: {line}");
        assert!(
            !line.contains(">3") && !line.contains("-→"),
            "{command}: {line}"
        );
    }
}

/// A service that serves nobody (no children under 6) has no walk to
/// measure: its walks are `-`, not `>N` ("farther than the search").
#[test]
fn a_service_serving_nobody_has_no_walks() {
    let dir = tempfile::tempdir().unwrap();
    let s = helsinki_scenario(
        dir.path(),
        "under_6_ratio = 0.0\ngap_services = [\"kindergarten\"]",
        "new_sites = { kindergarten = 1 }",
    );
    let s = s.to_str().unwrap();
    let json = ok_json(&lifecircle(&["compare", s, "--json"], dir.path()));
    let row = &json["rows"][0];
    assert_eq!(row["service"], "kindergarten");
    assert!(
        row["search_minutes"].is_null() && row["p50_before"].is_null(),
        "{row}"
    );
    for command in ["gaps", "compare"] {
        let out = lifecircle(&[command, s], dir.path());
        let text = String::from_utf8(out.stdout).unwrap();
        let line = text
            .lines()
            .find(|l| l.starts_with("kindergarten") || l.starts_with("base"))
            .unwrap();
        assert!(!line.contains('>'), "{command}: {line}");
    }
}

/// Without age data everyone walks at the adult pace, and the heading says so
/// instead of quoting the 60+ pace as if it applied.
#[test]
fn gaps_without_ages_say_everyone_walks_at_the_adult_pace() {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("s.toml");
    std::fs::write(
        &s,
        format!(
            "osm = {:?}\npopulation = {:?}\n",
            data("helsinki.osm.pbf"),
            data("population_grid_2020.csv")
        ),
    )
    .unwrap();
    let out = lifecircle(&["gaps", s.to_str().unwrap()], dir.path());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("where ages are known, else everyone 1.1 m/s"),
        "{text}"
    );
    let demo = lifecircle(&["gaps", "--demo"], Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(!String::from_utf8(demo.stdout)
        .unwrap()
        .contains("where ages are known"));
}

#[test]
fn candidate_table_costs_services_and_capacities_bind() {
    let dir = tempfile::tempdir().unwrap();
    let sites = dir.path().join("sites.csv");
    std::fs::write(
        &sites,
        "id,lon,lat,cost,services,capacity\nsmall,24.9478203,60.1655922,1,elderly_canteen,50\nbig,24.9491607,60.1739863,3,elderly_canteen;health_station,\n",
    )
    .unwrap();
    let s = helsinki_scenario(
        dir.path(),
        "",
        &format!(
            "new_sites = {{ elderly_canteen = 1 }}\ncandidate_sites = {:?}\nbudget = 1.0",
            sites.display().to_string()
        ),
    );
    let v = ok_json(&lifecircle(
        &["plan", s.to_str().unwrap(), "--json"],
        dir.path(),
    ));
    // Only the small plot fits the budget, and it serves at most its 50 residents.
    let canteen = &v["services"][0];
    assert_eq!(canteen["new"][0]["id"], "small");
    assert_eq!(canteen["capacity"], serde_json::Value::Null);
    let after = canteen["covered_after"].as_f64().unwrap();
    assert!(after > 0.0 && after <= 50.0 + 1e-6, "{after}");
    assert_eq!(v["candidates"], 2);
}

#[test]
fn generate_district_writes_a_scenario_that_plans_and_compares() {
    let dir = tempfile::tempdir().unwrap();
    let out = lifecircle(
        &[
            "generate-district",
            "--residents",
            "15000",
            "--aging-ratio",
            "0.2",
            "--communities",
            "2",
            "--seed",
            "9",
            "--out",
            "d",
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Residents: 15000 (3000 aged 60+") && text.contains("2 communities"),
        "{text}"
    );
    assert!(text.contains("candidate sites: 150"), "{text}");
    // `plan` and `gaps` run the base scenario; `compare` its variants too.
    let v = ok_json(&lifecircle(
        &["plan", "d/scenario.toml", "--json"],
        dir.path(),
    ));
    assert_eq!(v["status"], "optimal");
    assert_eq!(v["demand"]["residents"], 15000.0);
    assert_eq!(v["services"][0]["service"], "elderly_canteen");
    let v = ok_json(&lifecircle(
        &["gaps", "d/scenario.toml", "--json"],
        dir.path(),
    ));
    assert_eq!(v["demand"]["zones"], 2);
    let v = ok_json(&lifecircle(
        &["compare", "d/scenario.toml", "--json", "--out", "dc"],
        dir.path(),
    ));
    let variants = v["variants"].as_array().unwrap();
    assert!(variants.len() >= 2, "{v}");
    assert!(
        variants.iter().all(|o| o["plan"]["status"] == "optimal"),
        "{v}"
    );

    let out = lifecircle(
        &["generate-district", "--residents", "-3", "--out", "e"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("residents: must lie in 1..=100000000, got -3"));
    // Negative numbers reach the parameter checks, not clap's "unexpected argument".
    for (args, needle) in [
        (&["--block-m", "-5"][..], "block_m: must be > 0, got -5"),
        (&["--candidates", "0"][..], "candidate_sites: must be >= 1"),
    ] {
        let mut all = vec!["generate-district", "--residents", "1000", "--out", "e"];
        all.extend_from_slice(args);
        let out = lifecircle(&all, dir.path());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(needle), "{err}");
    }
}

#[test]
fn gap_edge_cases_skipped_groups_short_search_and_one_class() {
    let dir = tempfile::tempdir().unwrap();
    let (pbf, pop) = (data("helsinki.osm.pbf"), data("population_grid_2020.csv"));
    let gaps = |top: &str| {
        let path = dir.path().join("g.toml");
        let text = format!(
            "osm = {:?}\npopulation = {:?}\n{top}\n",
            pbf.display().to_string(),
            pop.display().to_string()
        );
        std::fs::write(&path, text).unwrap();
        ok_json(&lifecircle(
            &[
                "gaps",
                path.to_str().unwrap(),
                "--json",
                "--geojson",
                "g.geojson",
            ],
            dir.path(),
        ))
    };
    // No ages: the age-group services are skipped, and the map's columns are the table's.
    let v = gaps("");
    let skipped = v["gaps"]["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    let geo: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("g.geojson")).unwrap())
            .unwrap();
    let props = geo["features"][0]["properties"].as_object().unwrap();
    let columns: Vec<&str> = props
        .keys()
        .filter_map(|k| k.strip_suffix("_nearest_m"))
        .collect();
    let mut categories: Vec<&str> = v["gaps"]["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["category"].as_str().unwrap())
        .collect();
    categories.sort_unstable();
    assert_eq!(columns, categories);
    // A search shorter than a walking limit does not cut coverage short.
    let covered = |v: &serde_json::Value| v["gaps"]["totals"][0]["covered"].as_f64().unwrap();
    let long = gaps("gap_services = [\"pharmacy\"]");
    assert_eq!(
        covered(&gaps("gap_services = [\"pharmacy\"]\nsearch_minutes = 2")),
        covered(&long)
    );
    // With basic categories only, no zone gets quality stars.
    assert!(long["gaps"]["zones"]
        .as_array()
        .unwrap()
        .iter()
        .all(|z| z["stars"].as_u64().unwrap() <= 3));
}

#[test]
fn capacity_binds_existing_facilities_before_and_after() {
    let dir = tempfile::tempdir().unwrap();
    let s = helsinki_scenario(
        dir.path(),
        "",
        "new_sites = { pharmacy = 1 }\ncapacity = { pharmacy = 100 }",
    );
    let v = ok_json(&lifecircle(
        &["plan", s.to_str().unwrap(), "--json"],
        dir.path(),
    ));
    let p = &v["services"][0];
    let (before, after) = (
        p["covered_before"].as_f64().unwrap(),
        p["covered_after"].as_f64().unwrap(),
    );
    let existing = p["existing"].as_array().unwrap().len() as f64;
    assert!(
        before <= 100.0 * existing + 1e-6,
        "{before} with {existing} pharmacies of 100"
    );
    assert!(
        after >= before - 1e-6 && after <= before + 100.0 + 1e-6,
        "{before} -> {after}"
    );
}

/// A capacity counts residents: weighting the 60+ up ("elderly first")
/// changes who is served, not how many. It once used the capacity up in
/// weighted units, so elderly_weight = 2 served fewer residents.
#[test]
fn elderly_weight_changes_who_a_capacity_serves_not_how_many() {
    let dir = tempfile::tempdir().unwrap();
    let served = |weight: f64| {
        let s = helsinki_scenario(
            dir.path(),
            "gap_services = [\"pharmacy\"]",
            &format!("new_sites = {{ pharmacy = 2 }}\ncapacity = {{ pharmacy = 300 }}\nelderly_weight = {weight}"),
        );
        let v = ok_json(&lifecircle(
            &["plan", s.to_str().unwrap(), "--json"],
            dir.path(),
        ));
        let p = &v["services"][0];
        let number = |k: &str| p[k].as_f64().unwrap();
        (
            [number("covered_before"), number("covered_after")],
            number("covered_60plus_after"),
        )
    };
    let (plain, plain_old) = served(1.0);
    let (elderly_first, elderly_first_old) = served(2.0);
    for (a, b) in plain.iter().zip(&elderly_first) {
        assert!((a - b).abs() < 1e-6, "{plain:?} vs {elderly_first:?}");
    }
    assert!(
        elderly_first_old > plain_old + 1.0,
        "{elderly_first_old} <= {plain_old}"
    );
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .args(["gaps", "--demo", "--json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read a little, then close the pipe as `| head -c 100` would.
    let mut first = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(out.status.code(), Some(101), "{err}");
}

#[test]
fn a_full_stdout_is_an_error_with_exit_code_1_for_every_command() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.csv"), "0,5\n1,4\n5,0\n").unwrap();
    let (cmp, demo) = (data("compare.toml"), data("centroids.toml"));
    let commands: [&[&str]; 9] = [
        &["--help"],
        &["--version"],
        &["demo"],
        &["gaps", "--demo", "--json"],
        &["plan", demo.to_str().unwrap()],
        &["compare", cmp.to_str().unwrap(), "--out", "cmp"],
        &[
            "solve", "--model", "p-median", "--costs", "c.csv", "--p", "1",
        ],
        &[
            "solve", "--model", "lscp", "--costs", "c.csv", "--radius", "0.5",
        ],
        &["generate-district", "--residents", "3000", "--out", "d"],
    ];
    for args in commands {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_lifecircle"))
            .args(args)
            .current_dir(dir.path())
            .stdout(Stdio::from(full))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("cannot access standard output: No space left on device")
                && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn every_documented_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.csv"), "0,5\n1,4\n5,0\n").unwrap();
    let code = |args: &[&str]| {
        let out = lifecircle(args, dir.path());
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let solve = ["solve", "--model", "p-median", "--costs", "c.csv"];
    // 0: done.
    assert_eq!(code(&[&solve[..], &["--p", "1"]].concat()).0, Some(0));
    assert_eq!(code(&["--help"]).0, Some(0));
    // 1: bad input, mistyped arguments included (clap's own code would be 2).
    for args in [
        &[&solve[..], &["--p", "-1"]].concat()[..],
        &[&solve[..], &["--p", "1", "--colour"]].concat(),
        &["solve", "--model", "nope", "--costs", "c.csv"],
        &["solve", "--model", "lscp"],
        &[],
        &["plan"],
        &[&solve[..], &["--p", "9"]].concat(),
        &["plan", "missing.toml"],
    ] {
        let (c, err) = code(args);
        assert_eq!(c, Some(1), "{args:?}: {err}");
        assert!(!err.is_empty(), "{args:?} says nothing");
    }
    // 2: an infeasible covering, or a compare run in which a variant failed.
    let (c, err) = code(&[
        "solve", "--model", "lscp", "--costs", "c.csv", "--radius", "0.5",
    ]);
    assert_eq!(c, Some(2), "{err}");
    let s = helsinki_scenario(
        dir.path(),
        "",
        "new_sites = { pharmacy = 1 }\n[[variant]]\nname = \"broke\"\nplan = { budget = 0.5 }\n",
    );
    let (c, err) = code(&["compare", s.to_str().unwrap(), "--out", "cmp"]);
    assert_eq!(c, Some(2), "{err}");
}

#[test]
fn options_that_would_do_nothing_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.csv"), "0,5\n1,4\n5,0\n").unwrap();
    std::fs::write(dir.path().join("w.csv"), "1\n10\n1\n").unwrap();
    let refused = |args: &[&str], needle: &str| {
        let mut all = vec!["solve", "--costs", "c.csv"];
        all.extend_from_slice(args);
        let out = lifecircle(&all, dir.path());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    };
    let lscp = ["--model", "lscp", "--radius", "1"];
    refused(
        &[&lscp[..], &["--weights", "w.csv"]].concat(),
        "invalid parameter --weights: lscp covers every demand point, whatever its weight: drop --weights",
    );
    refused(
        &[&lscp[..], &["--p", "2"]].concat(),
        "invalid parameter --p: lscp finds the fewest sites itself",
    );
    for model in ["p-median", "p-center"] {
        refused(
            &["--model", model, "--p", "1", "--radius", "3"],
            "invalid parameter --radius: p-median and p-center minimise costs",
        );
    }

    // candidates picks network nodes; beside a candidate table it would be ignored.
    std::fs::write(dir.path().join("sites.csv"), "id,lon,lat\nc1,24.94,60.17\n").unwrap();
    for kind in ["all_nodes", "intersections"] {
        fails_with(
            "",
            &format!("new_sites = {{ pharmacy = 1 }}\ncandidates = \"{kind}\"\ncandidate_sites = {:?}", dir.path().join("sites.csv").display().to_string()),
            &data("helsinki.osm.pbf"),
            &data("population_grid_2020.csv"),
            &format!("invalid parameter plan.candidates: candidates = \"{kind}\" picks network nodes, but candidate_sites = "),
        );
    }

    // A repeated key in a JSON scenario, at the top or in a table, is refused
    // as TOML refuses it, instead of the last one winning.
    let (pbf, pop) = (data("helsinki.osm.pbf"), data("population_grid_2020.csv"));
    for (json, needle) in [
        (
            format!(r#"{{"osm": {pbf:?}, "population": {pop:?}, "osm": "other.pbf"}}"#),
            "duplicate key: `osm`",
        ),
        (
            format!(
                r#"{{"osm": {pbf:?}, "population": {pop:?},
  "plan": {{"new_sites": {{"pharmacy": 1}}, "budget": 5, "budget": 0.5}}}}"#
            ),
            "line 2",
        ),
        (
            "[1, 2]".to_string(),
            "must be a JSON object of scenario keys, got a array",
        ),
    ] {
        let path = dir.path().join("s.json");
        std::fs::write(&path, &json).unwrap();
        let out = lifecircle(&["plan", path.to_str().unwrap()], dir.path());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{json}: {err}");
        assert!(err.contains(needle), "{json}: {err}");
    }
}

#[test]
fn compare_counts_first_checks_its_folder_first_and_reports_every_failure() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = lifecircle(args, dir.path());
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        (out, err)
    };
    // 8 keys x 10 values: 10^8 variants, refused before any is built.
    let keys: String = (0..8)
        .map(|k| format!("\"plan.capacity.k{k}\" = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"))
        .collect();
    let s = helsinki_scenario(
        dir.path(),
        "",
        &format!("new_sites = {{ pharmacy = 1 }}\n[grid]\n{keys}"),
    );
    let (out, err) = run(&["compare", s.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("100000000 variants") && err.contains("exceed the limit of 1000"),
        "{err}"
    );

    // A corrupt OSM file fails its own variant, not the run; the folder is
    // checked before anything is solved.
    let corrupt = dir.path().join("corrupt.osm.pbf");
    std::fs::write(
        &corrupt,
        &std::fs::read(data("helsinki.osm.pbf")).unwrap()[..100_000],
    )
    .unwrap();
    let s = helsinki_scenario(
        dir.path(),
        "",
        &format!(
            "new_sites = {{ pharmacy = 1 }}\n[[variant]]\nname = \"fine\"\n[[variant]]\nname = \"corrupt\"\nosm = {:?}\n",
            corrupt.display().to_string()
        ),
    );
    std::fs::write(dir.path().join("taken"), "a file").unwrap();
    let (out, err) = run(&["compare", s.to_str().unwrap(), "--out", "taken"]);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("taken") && !err.contains("corrupt.osm.pbf"),
        "{err}"
    );
    let (out, err) = run(&["compare", s.to_str().unwrap(), "--json", "--out", "c"]);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(
        (rows[0]["variant"].as_str(), rows[0]["status"].as_str()),
        (Some("fine"), Some("optimal"))
    );
    assert_eq!(rows[1]["variant"], "corrupt");
    assert!(
        rows[1]["error"]
            .as_str()
            .unwrap()
            .contains("corrupt.osm.pbf"),
        "{}",
        rows[1]
    );

    // 21 variants: above --max-variants 20; within the default, a table row
    // for each but details and maps for the first 20 only.
    let limits: Vec<String> = (10..31).map(|t| format!("{t}.0")).collect();
    let s = helsinki_scenario(
        dir.path(),
        "",
        &format!(
            "new_sites = {{ pharmacy = 1 }}\n[grid]\n\"plan.time_limit_s\" = [{}]\n",
            limits.join(", ")
        ),
    );
    let (out, err) = run(&["compare", s.to_str().unwrap(), "--max-variants", "20"]);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("21 variants (1 listed x grid lists of 21) exceed the limit of 20"),
        "{err}"
    );
    let (out, err) = run(&["compare", s.to_str().unwrap(), "--out", "many"]);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("report.html with the table and the maps of 20 variants"),
        "{text}"
    );
    let html = std::fs::read_to_string(dir.path().join("many/report.html")).unwrap();
    assert_eq!(html.matches("<section").count(), 20);
    assert_eq!(drawn_services(&html), [1; 20]);
    // The table lists it (its cells carry line-break opportunities, <wbr>).
    assert!(html.replace("<wbr>", "").contains("plan.time_limit_s=30.0"));
    assert!(html.contains("Details and maps of 20 of the 21 variants"));
    assert!(dir.path().join("many/variant-21.geojson").exists());
}

#[test]
fn access_prints_indices_per_zone_and_writes_csv() {
    let dir = tempfile::tempdir().unwrap();
    let demo = data("centroids.toml");
    let demo = demo.to_str().unwrap();
    let out = lifecircle(&["access", demo, "--csv", "access.csv"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("pharmacy: 6 facilities of supply 1, 8 min"),
        "{text}"
    );
    assert!(text.contains("2SFCA  E2SFCA  G2SFCA   3SFCA"), "{text}");
    let csv = std::fs::read_to_string(dir.path().join("access.csv")).unwrap();
    assert!(csv.starts_with("service,zone,residents,two_sfca,"), "{csv}");
    assert!(
        csv.lines().any(|l| l.starts_with("pharmacy,(all),5374,")),
        "{csv}"
    );
    let json = ok_json(&lifecircle(
        &["access", demo, "--json", "--threshold", "0.002"],
        dir.path(),
    ));
    let ph = json["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "pharmacy")
        .unwrap();
    assert_eq!(ph["threshold"], 0.002);
    assert_eq!(ph["zones"].as_array().unwrap().len(), 19);
    let bad = lifecircle(&["access", demo, "--threshold=-1"], dir.path());
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("threshold"));
}

#[test]
fn access_writes_every_demand_points_indices_as_geojson() {
    let dir = tempfile::tempdir().unwrap();
    let demo = data("centroids.toml");
    let out = lifecircle(
        &[
            "access",
            demo.to_str().unwrap(),
            "--geojson",
            "access.geojson",
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Access per demand point written to"));
    let g: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("access.geojson")).unwrap())
            .unwrap();
    let features = g["features"].as_array().unwrap();
    let pharmacy: Vec<_> = features
        .iter()
        .filter(|f| f["properties"]["service"] == "pharmacy")
        .collect();
    // One feature per demand point on the network (19 grid cells) and service.
    assert_eq!(pharmacy.len(), 19);
    // Each facility's supply is handed out in full to the residents it reaches.
    let handed: f64 = pharmacy
        .iter()
        .map(|f| {
            let p = &f["properties"];
            p["residents"].as_f64().unwrap() * p["two_sfca"].as_f64().unwrap()
        })
        .sum();
    assert!((handed - 6.0).abs() < 1e-9, "{handed}");
}

/// The bundled gradual-coverage scenario: exact, two new pharmacies, and the
/// access indices before and after in the report (two more pharmacies: fewer
/// residents out of reach, more gravity access, 8 facilities counted).
#[test]
fn gradual_plan_is_exact_and_reports_access_before_and_after() {
    let dir = tempfile::tempdir().unwrap();
    let gradual = data("gradual.toml");
    let v = ok_json(&lifecircle(
        &["plan", gradual.to_str().unwrap(), "--json"],
        dir.path(),
    ));
    assert_eq!(v["objective_kind"], "gradual");
    assert_eq!(v["status"], "optimal");
    assert_eq!(v["objective"], v["bound"]);
    let new = v["services"][0]["new"].as_array().unwrap();
    assert_eq!(new.len(), 2);
    // Gradual coverage counts at most every resident once.
    let residents = v["access"][0]["before"]["all"]["residents"]
        .as_f64()
        .unwrap();
    assert!(v["objective"].as_f64().unwrap() <= residents);
    let all = |when: &str, index: &str| v["access"][0][when]["all"][index].as_f64().unwrap();
    assert!(all("after", "out_of_reach") < all("before", "out_of_reach"));
    assert!(all("after", "gravity") > all("before", "gravity"));
    assert_eq!(v["access"][0]["after"]["facilities"], 8);
}

/// `[allocate]` on the demo: every grid cell of the population file is
/// placed by one rule, and the report says how many by which; the cells
/// outside the extract (no home, no street of it inside) fall back to their
/// centroids, and those are the points left off the network.
#[test]
fn a_plan_on_buildings_says_which_rule_placed_each_zone() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = data("demo.toml");
    let v = ok_json(&lifecircle(
        &["plan", scenario.to_str().unwrap(), "--json"],
        dir.path(),
    ));
    let cells = std::fs::read_to_string(data("population_grid_2020.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count();
    let rules = v["demand"]["split_rules"].as_object().unwrap();
    let placed: u64 = rules.values().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(placed as usize, cells);
    assert!(rules["floor_area"].as_u64().unwrap() > 0);
    assert_eq!(rules["centroid"], v["demand"]["outside"]);
    let text = lifecircle(&["plan", scenario.to_str().unwrap()], dir.path());
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(&format!(
            "zones placed {} by centroid, {} by floor area",
            rules["centroid"], rules["floor_area"]
        )),
        "{text}"
    );
}

/// A GeoTIFF population grid as a scenario's residents: the committed
/// synthetic raster over the Helsinki extract (9 × 14 cells, one nodata and
/// one empty), as cell centres and, with `[allocate]`, split onto the
/// extract's buildings.
#[test]
fn a_population_raster_feeds_gaps_and_allocate() {
    let dir = tempfile::tempdir().unwrap();
    let raster = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/population_raster.tif");
    let write = |name: &str, extra: &str| {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            format!(
                "osm = {:?}\npopulation = {:?}\npopulation_bands = [\"population\", \"aged_60_plus\", \"under_6\"]\ngap_services = [\"pharmacy\", \"elderly_canteen\"]\n{extra}",
                data("helsinki.osm.pbf"),
                raster
            ),
        )
        .unwrap();
        path
    };
    let cells = write("cells.toml", "");
    let v = ok_json(&lifecircle(
        &["gaps", cells.to_str().unwrap(), "--json"],
        dir.path(),
    ));
    assert_eq!(v["demand"]["points"], 9 * 14 - 2);
    // The 60+ band is read, so the elderly canteen is in the table.
    let totals = v["gaps"]["totals"].as_array().unwrap();
    assert!(totals.iter().any(|t| t["category"] == "elderly_canteen"));
    let split = write("split.toml", "[allocate]\n");
    let v = ok_json(&lifecircle(
        &["gaps", split.to_str().unwrap(), "--json"],
        dir.path(),
    ));
    let rules = v["demand"]["split_rules"].as_object().unwrap();
    let placed: u64 = rules.values().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(placed, 9 * 14 - 2);
    assert!(rules["floor_area"].as_u64().unwrap() > 0);
    // A band list that does not match the file is refused by name.
    let bad = write("bad.toml", "").to_str().unwrap().to_string();
    std::fs::write(
        &bad,
        std::fs::read_to_string(&bad)
            .unwrap()
            .replace(", \"under_6\"]", "]"),
    )
    .unwrap();
    let out = lifecircle(&["gaps", &bad], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("band"),
        "{out:?}"
    );
}

/// The room a plan gives (`[plan] capacity`, and a candidate's own
/// `capacity` column) is the supply of its access indices before and after:
/// the 2SFCA ratio and the gravity gain are linear in supply, so doubling the
/// room doubles them (both used the catalogue's before).
#[test]
fn access_in_a_plan_counts_the_room_the_plan_gives() {
    let dir = tempfile::tempdir().unwrap();
    let run = |service_room: u32, site_room: u32| {
        std::fs::write(
            dir.path().join("sites.csv"),
            format!("id,lon,lat,capacity\nc1,24.9405,60.1702,{site_room}\n"),
        )
        .unwrap();
        let plan = format!(
            "new_sites = {{ pharmacy = 1 }}\ncandidate_sites = \"sites.csv\"\ncapacity = {{ pharmacy = {service_room} }}"
        );
        let s = helsinki_scenario(dir.path(), "", &plan);
        let v = ok_json(&lifecircle(
            &["plan", s.to_str().unwrap(), "--json"],
            dir.path(),
        ));
        v["access"][0].clone()
    };
    let all =
        |a: &serde_json::Value, when: &str, index: &str| a[when]["all"][index].as_f64().unwrap();
    let (a, b, c) = (run(300, 600), run(300, 1200), run(600, 600));
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(y.abs());
    assert!(all(&a, "before", "two_sfca") > 0.0);
    assert!(close(
        all(&c, "before", "two_sfca"),
        2.0 * all(&a, "before", "two_sfca")
    ));
    let gain = |x: &serde_json::Value| all(x, "after", "gravity") - all(x, "before", "gravity");
    assert!(
        gain(&a) > 0.0 && close(gain(&b), 2.0 * gain(&a)),
        "{} {}",
        gain(&a),
        gain(&b)
    );
}

//! Fuzz suite (issue 12 §5): every reader and every model constructor, fed
//! hostile input, answers with a typed error or a valid answer. Never a
//! panic, never a non-finite figure beside `optimal`.
//!
//! Inputs are generated from tokens that broke readers before (`NaN`, `inf`,
//! `1e308`, `100.9`, `4000000000`, a byte-order mark, blanks), from arbitrary
//! bytes, and from the bundled files (`data/`) cut short or with bytes
//! flipped. The seed is fixed, so a run is reproducible; the case count is
//! `LIFECIRCLE_FUZZ_CASES` (default 64 per target, a few seconds in all),
//! which `benches/fuzz.sh` raises for a long run.

use std::path::{Path, PathBuf};

use lifecircle::demand::read_demand;
use lifecircle::instances::{parse_orlib, read_cost_csv, read_numbers, read_orlib};
use lifecircle::model::{
    CostMatrix, CoverageSets, JointObjective, JointPlan, JointService, MaxCoverage, PCenter,
    PMedian, SetCover,
};
use lifecircle::network::{read_network_csv, read_pbf};
use lifecircle::scenario::Scenario;
use lifecircle::services::Catalogue;
use lifecircle::sites::{read_candidates_csv, read_facilities_csv};
use lifecircle::solve::{Solution, SolveOptions, SolveStatus};
use proptest::prelude::*;
use proptest::test_runner::{RngAlgorithm, RngSeed};

/// The case count of every target: `LIFECIRCLE_FUZZ_CASES`, or 64.
fn config() -> ProptestConfig {
    let cases = std::env::var("LIFECIRCLE_FUZZ_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(0x1ec1_2c1e),
        // A failure is printed with its shrunk input, to become a named
        // regression test; a persistence file would only replay it here.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
}

/// A field as hostile files hold them: numbers at the float limits, counts
/// that do not fit, decimals where integers belong, blanks, stray marks.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (0u32..6).prop_map(|v| v.to_string()),
        1 => (0.0f64..10.0).prop_map(|v| format!("{v:.1}")),
        3 => prop::sample::select(vec![
            "-1", "NaN", "nan", "inf", "-inf", "infinity", "1e20", "1e308", "-1e308", "1e-320",
            "100.9", "5.7", "4000000000", "18446744073709551616", "99999", "0x10", "+3", "",
            " ", "\u{feff}", "x", "1,5", "\"1\"", "1e15", "6e14",
        ])
        .prop_map(str::to_string),
        1 => "\\PC{0,6}",
    ]
}

/// A line of `fields` tokens joined by `sep`.
fn line(fields: std::ops::Range<usize>, sep: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec(token(), fields).prop_map(move |t| t.join(sep))
}

/// Lines joined by `\n` or `\r\n`, maybe after a byte-order mark.
fn text(lines: impl Strategy<Value = Vec<String>>) -> impl Strategy<Value = String> {
    (lines, any::<bool>(), any::<bool>()).prop_map(|(lines, crlf, bom)| {
        let body = lines.join(if crlf { "\r\n" } else { "\n" });
        if bom {
            format!("\u{feff}{body}")
        } else {
            body
        }
    })
}

/// A bundled file cut at some length, with up to four bytes replaced.
fn mutated(bytes: &'static [u8], max_len: usize) -> impl Strategy<Value = Vec<u8>> {
    let max_len = max_len.min(bytes.len());
    (
        0..=max_len,
        prop::collection::vec((0..max_len.max(1), any::<u8>()), 0..5),
    )
        .prop_map(move |(len, flips)| {
            let mut b = bytes[..len].to_vec();
            for (at, byte) in flips {
                if at < b.len() {
                    b[at] = byte;
                }
            }
            b
        })
}

fn leak(bytes: Vec<u8>) -> &'static [u8] {
    Box::leak(bytes.into_boxed_slice())
}

fn bundled(name: &str) -> &'static [u8] {
    leak(std::fs::read(data(name)).unwrap())
}

/// A temporary file holding `bytes`, named `name` (readers pick a format by extension).
fn file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Numbers a caller may hand a model: ordinary ones, tiny ones, and those
/// every constructor must refuse (NaN, infinities, negatives).
///
/// Huge finite values (1e300, 1e308, `f64::MAX`) overflow sums: the models
/// must refuse them (the 1e15 bound on totals), not answer "inf, optimal".
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => (0u32..20).prop_map(f64::from),
        2 => 0.0f64..1e3,
        3 => prop::sample::select(vec![
            f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, -0.0, -1e308, 1e12,
            1e300, 1e308, f64::MAX,
            f64::MIN_POSITIVE, 5e-324,
        ]),
        1 => -1e12f64..1e12,
    ]
}

fn numbers(len: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(number(), len)
}

/// Coverage sets of up to 5 sites over up to 6 demand points, some indices
/// out of range.
fn coverage() -> impl Strategy<Value = (usize, Vec<Vec<usize>>)> {
    (0usize..7, 0usize..6).prop_flat_map(|(n_demand, n_sites)| {
        (
            Just(n_demand),
            prop::collection::vec(prop::collection::vec(0..n_demand + 2, 0..4), n_sites),
        )
    })
}

fn quick() -> SolveOptions {
    SolveOptions::new().time_limit(1.0).unwrap().threads(1)
}

/// The property of every answer: its figures are finite whatever the status,
/// and an `optimal` answer has no gap (a joint equity plan with no site was
/// "optimal" with a gap of 1e9 before the gap was defined for a zero
/// objective).
fn check_answer(objective: f64, bound: f64, gap: f64, status: SolveStatus) {
    assert!(
        objective.is_finite() && bound.is_finite() && gap.is_finite(),
        "objective {objective}, bound {bound}, gap {gap}, status {status:?}"
    );
    if status == SolveStatus::Optimal {
        assert!(
            gap <= 1e-6,
            "optimal with gap {gap} (objective {objective}, bound {bound})"
        );
    }
}

fn check_solution(solution: lifecircle::Result<Solution>) {
    if let Ok(s) = solution {
        check_answer(s.objective, s.bound, s.gap, s.status);
    }
}

/// An error is typed by construction; its message must still be printable
/// and name something.
fn check_error<T>(result: &lifecircle::Result<T>) {
    if let Err(e) = result {
        assert!(!e.to_string().is_empty());
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn orlib_text_is_read_or_refused(
        header in prop_oneof![
            (1usize..6, 0usize..8).prop_flat_map(|(n, m)| (Just(n), Just(m), 0..=n + 1))
                .prop_map(|(n, m, p)| format!("{n} {m} {p}")),
            line(0..5, " "),
        ],
        edges in prop::collection::vec(
            prop_oneof![
                (0usize..7, 0usize..7, 0u32..20).prop_map(|(a, b, c)| format!("{a} {b} {c}")),
                line(0..5, " "),
            ],
            0..10,
        ),
        bom in any::<bool>(),
    ) {
        let text = format!("{}{header}\n{}\n", if bom { "\u{feff}" } else { "" }, edges.join("\n"));
        let dir = tempfile::tempdir().unwrap();
        let from_file = read_orlib(file(&dir, "i.txt", text.as_bytes()));
        check_error(&from_file);
        if let Ok(inst) = from_file {
            prop_assert!(inst.n >= 1 && (1..=inst.n).contains(&inst.p));
            prop_assert_eq!((inst.costs.n_demand(), inst.costs.n_sites()), (inst.n, inst.n));
            for i in 0..inst.n {
                prop_assert_eq!(inst.costs.cost(i, i), 0.0);
                prop_assert!(inst.costs.row(i).iter().all(|c| c.is_finite() && *c >= 0.0));
            }
            if !bom {
                prop_assert_eq!(parse_orlib(&text, "t").unwrap(), inst);
            }
        }
    }

    #[test]
    fn orlib_files_cut_or_flipped_are_read_or_refused(bytes in mutated(bundled("orlib/pmed1.txt"), 2200)) {
        let dir = tempfile::tempdir().unwrap();
        check_error(&read_orlib(file(&dir, "pmed1.txt", &bytes)));
    }

    #[test]
    fn cost_csvs_and_weight_lists_are_read_or_refused(
        body in text(prop::collection::vec(line(1..5, ","), 0..5)),
        raw in prop::collection::vec(any::<u8>(), 0..40),
    ) {
        let dir = tempfile::tempdir().unwrap();
        for bytes in [body.as_bytes(), &raw] {
            let costs = read_cost_csv(file(&dir, "c.csv", bytes));
            check_error(&costs);
            if let Ok(m) = costs {
                prop_assert!(m.n_demand() >= 1);
                for i in 0..m.n_demand() {
                    prop_assert!(m.row(i).iter().all(|c| c.is_finite() && *c >= 0.0));
                }
            }
            let weights = read_numbers(file(&dir, "w.txt", bytes));
            check_error(&weights);
            if let Ok(w) = weights {
                prop_assert!(w.iter().all(|v| v.is_finite() && *v >= 0.0));
                prop_assert!(w.iter().sum::<f64>() <= 1e15);
            }
        }
    }

    #[test]
    fn demand_tables_are_read_or_refused(
        header in prop::sample::select(vec![
            "id,population,lon,lat", "id,population,aged_60_plus,under_6,lon,lat",
            "id,population,aging_ratio,zone,lon,lat", "id,population,wkt", "population,id",
        ]),
        rows in prop::collection::vec(line(2..7, ","), 0..5),
        grid in mutated(bundled("helsinki/population_grid_2020.csv"), 3000),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let table = format!("{header}\n{}\n", rows.join("\n"));
        for bytes in [table.as_bytes(), &grid] {
            let points = read_demand(file(&dir, "d.csv", bytes));
            check_error(&points);
            if let Ok(points) = points {
                prop_assert!(!points.is_empty());
                for p in &points {
                    prop_assert!(p.validate().is_ok(), "{:?}", p);
                }
                prop_assert!(points.iter().map(|p| p.population).sum::<f64>() <= 1e15);
            }
        }
    }

    #[test]
    fn geojson_demand_is_read_or_refused(
        features in prop::collection::vec(
            (token(), token(), token(), token()).prop_map(|(lon, lat, pop, id)| format!(
                r#"{{"type": "Feature", "geometry": {{"type": "Point", "coordinates": [{lon}, {lat}]}}, "properties": {{"population": {pop}, "id": "{id}"}}}}"#
            )),
            0..4,
        ),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let text = format!(r#"{{"type": "FeatureCollection", "features": [{}]}}"#, features.join(","));
        let points = read_demand(file(&dir, "d.geojson", text.as_bytes()));
        check_error(&points);
        if let Ok(points) = points {
            prop_assert!(points.iter().all(|p| p.validate().is_ok()));
            prop_assert!(points.iter().map(|p| p.population).sum::<f64>() <= 1e15);
        }
    }

    #[test]
    fn site_and_network_tables_are_read_or_refused(
        sites in text(prop::collection::vec(line(3..7, ","), 0..4)),
        edges in text(prop::collection::vec(line(2..4, ","), 0..5)),
        nodes in mutated(leak(include_bytes!("data/swain55_nodes.csv").to_vec()), 400),
        cost in number(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let catalogue = Catalogue::default();
        let facilities = format!("id,service,lon,lat\n{sites}");
        check_error(&read_facilities_csv(file(&dir, "f.csv", facilities.as_bytes()), &catalogue));
        let candidates = format!("id,lon,lat,cost,capacity\n{sites}");
        let read = read_candidates_csv(file(&dir, "s.csv", candidates.as_bytes()), &catalogue, cost);
        check_error(&read);
        if let Ok(read) = read {
            prop_assert!(read.iter().all(|s| s.cost.is_finite() && s.cost >= 0.0));
        }
        let nodes = file(&dir, "n.csv", &nodes);
        let edges = file(&dir, "e.csv", format!("source,target,length_m\n{edges}").as_bytes());
        check_error(&read_network_csv(&nodes, &edges));
    }

    #[test]
    fn scenarios_cut_or_flipped_are_read_or_refused(
        toml in mutated(bundled("helsinki/joint.toml"), 600),
        key in prop::sample::select(vec![
            "aging_ratio", "under_6_ratio", "walking_speed_m_s", "elderly_walking_speed_m_s",
            "max_snap_m", "search_minutes", "plan.budget", "plan.elderly_weight",
            "plan.site_cost", "plan.time_limit_s", "plan.new_sites.pharmacy",
        ]),
        value in token(),
        json in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        check_error(&Scenario::from_file(file(&dir, "s.toml", &toml)));
        // The bundled scenario with one key set to a hostile value, as TOML or JSON.
        let mut table: toml::Table = toml::from_str(include_str!("../data/helsinki/centroids.toml")).unwrap();
        let value: toml::Value = toml::from_str::<toml::Table>(&format!("v = {value}"))
            .map_or_else(|_| toml::Value::String(value.clone()), |t| t["v"].clone());
        let mut at = &mut table;
        let path: Vec<&str> = key.split('.').collect();
        for part in &path[..path.len() - 1] {
            at = at
                .entry(part.to_string())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()))
                .as_table_mut()
                .unwrap();
        }
        at.insert(path[path.len() - 1].to_string(), value);
        let path = if json {
            file(&dir, "s.json", serde_json::to_string(&table).unwrap().as_bytes())
        } else {
            file(&dir, "s.toml", toml::to_string(&table).unwrap().as_bytes())
        };
        check_error(&Scenario::from_file(path));
    }

    #[test]
    fn pbf_files_cut_or_flipped_are_read_or_refused(
        bytes in mutated(bundled("helsinki/helsinki.osm.pbf"), 91_000),
    ) {
        // 91,000 bytes hold the header block and the first data block: every
        // cut of the framing, and flips in both blocks' headers and data.
        let dir = tempfile::tempdir().unwrap();
        let read = read_pbf(file(&dir, "m.osm.pbf", &bytes));
        check_error(&read);
        if let Ok(osm) = read {
            prop_assert!(osm.network.node_count() > 0);
        }
    }

    #[test]
    fn coverage_models_answer_or_refuse(
        (n_demand, sets) in coverage(),
        w in numbers(7),
        c in numbers(6),
        p in 0usize..4,
        budget in number(),
        fixed in prop::collection::vec(0usize..7, 0..3),
    ) {
        let cov = CoverageSets::from_sets(n_demand, sets);
        check_error(&cov);
        let Ok(cov) = cov else { return Ok(()) };
        let weights = w[..n_demand].to_vec();
        let costs = c[..cov.n_sites()].to_vec();
        let mclp = MaxCoverage::new(cov.clone(), weights.clone())
            .and_then(|m| m.fixed_open(fixed.clone()));
        check_error(&mclp);
        if let Ok(m) = mclp {
            check_solution(m.clone().new_sites(p).and_then(|m| m.solve(&quick())));
            check_solution(m.budget(costs.clone(), budget).and_then(|m| m.solve(&quick())));
        }
        let lscp = SetCover::new(cov).costs(costs).and_then(|s| s.fixed_open(fixed));
        check_error(&lscp);
        if let Ok(s) = lscp {
            check_solution(s.solve(&quick()));
        }
    }

    #[test]
    fn cost_matrix_models_answer_or_refuse(
        (rows, cols) in (0usize..5, 0usize..5),
        data in numbers(16),
        w in numbers(4),
        p in 0usize..4,
        fixed in prop::collection::vec(0usize..5, 0..2),
    ) {
        let costs = CostMatrix::new(rows, cols, data[..rows * cols].to_vec());
        check_error(&costs);
        let Ok(costs) = costs else { return Ok(()) };
        let weights = w[..rows].to_vec();
        let median = PMedian::new(costs.clone(), weights.clone(), p)
            .and_then(|m| m.fixed_open(fixed.clone()));
        check_error(&median);
        if let Ok(m) = median {
            check_solution(m.solve(&quick()));
        }
        let center = PCenter::new(costs, weights, p).and_then(|m| m.fixed_open(fixed));
        check_error(&center);
        if let Ok(m) = center {
            check_solution(m.solve(&quick()));
        }
    }

    #[test]
    fn joint_plans_answer_or_refuse(
        (n_demand, sets) in coverage(),
        w in numbers(7),
        loads in numbers(7),
        c in numbers(6),
        capacity in prop::option::of(number()),
        max_new in prop::option::of(0usize..3),
        budget in prop::option::of(number()),
        objective in prop::sample::select(vec![
            JointObjective::Coverage, JointObjective::MinShare, JointObjective::MinCost,
        ]),
        with_loads in any::<bool>(),
    ) {
        let cov = CoverageSets::from_sets(n_demand, sets);
        let Ok(cov) = cov else { return Ok(()) };
        let n_sites = cov.n_sites();
        let mut service = JointService::new("s", cov, w[..n_demand].to_vec());
        if with_loads {
            service = service.loads(loads[..n_demand].to_vec());
        }
        if let Some(k) = max_new {
            service = service.max_new(k);
        }
        if let Some(cap) = capacity {
            service = service.capacity(cap);
        }
        let costs = c[..n_sites].to_vec();
        let plan = JointPlan::new(n_sites, vec![service]).and_then(|plan| match budget {
            Some(b) => plan.budget(costs, b),
            None => plan.site_costs(costs),
        });
        check_error(&plan);
        if let Ok(plan) = plan {
            let solved = plan.objective(objective).solve(&quick());
            check_error(&solved);
            if let Ok(s) = solved {
                check_answer(s.objective, s.bound, s.gap, s.status);
                prop_assert!(s.cost.is_finite());
            }
        }
    }
}

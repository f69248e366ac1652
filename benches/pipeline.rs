//! Criterion benches of the pipeline, one group per stage — network, snap,
//! travel, presolve, solve — each on two fixtures: the bundled Helsinki extract
//! (OSM PBF, population grid, every intersection a candidate, pharmacies
//! within 8 minutes) and a generated district of 50,000 residents (node and
//! edge tables, 500 street-front candidates, supermarkets within 15 minutes).
//!
//! ```sh
//! cargo bench --bench pipeline                  # about 2.5 minutes
//! cargo bench --bench pipeline -- travel        # one stage
//! ```

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use lifecircle::demand::{read_demand, snap_demand, DemandPoint};
use lifecircle::district::{District, DistrictParams};
use lifecircle::model::{CoverageSets, MaxCoverage};
use lifecircle::network::{read_network_csv, read_pbf, Network, Snapped, Snapper};
use lifecircle::services::Catalogue;
use lifecircle::sites::read_candidates_csv;
use lifecircle::solve::{presolve, SolveOptions};
use lifecircle::travel::TravelTimes;

/// Adult walking speed, m/s.
const SPEED: f64 = 1.1;

/// One data set and the question asked of it.
struct Fixture {
    name: &'static str,
    /// Reads the network from the raw files.
    read: Box<dyn Fn() -> Network>,
    people: Vec<DemandPoint>,
    /// Candidate sites as (lon, lat).
    sites: Vec<(f64, f64)>,
    limit_min: f64,
    new_sites: usize,
}

/// What the stages before the one measured produce.
struct Prepared {
    network: Network,
    demand: Vec<Vec<Snapped>>,
    weights: Vec<f64>,
    sites: Vec<Vec<Snapped>>,
    coverage: CoverageSets,
}

fn helsinki() -> Fixture {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/helsinki");
    let pbf = data.join("helsinki.osm.pbf");
    let network = read_pbf(&pbf).unwrap().network;
    let sites = (0..network.node_count())
        .filter(|&v| network.degree(v) >= 3)
        .map(|v| (network.node(v).lon, network.node(v).lat))
        .collect();
    Fixture {
        name: "helsinki",
        read: Box::new(move || read_pbf(&pbf).unwrap().network),
        people: read_demand(data.join("population_grid_2020.csv")).unwrap(),
        sites,
        limit_min: 8.0,
        new_sites: 2,
    }
}

fn district(dir: &Path) -> Fixture {
    let d = District::generate(&DistrictParams::new(50_000).candidate_sites(500).seed(1)).unwrap();
    d.write(dir).unwrap();
    let (nodes, edges): (PathBuf, PathBuf) = (dir.join("nodes.csv"), dir.join("edges.csv"));
    let catalogue = Catalogue::default();
    let sites = read_candidates_csv(dir.join("candidates.csv"), &catalogue, 1.0)
        .unwrap()
        .iter()
        .map(|c| (c.lon, c.lat))
        .collect();
    Fixture {
        name: "district 50k",
        read: Box::new(move || read_network_csv(&nodes, &edges).unwrap()),
        people: read_demand(dir.join("population.csv")).unwrap(),
        sites,
        limit_min: 15.0,
        new_sites: 5,
    }
}

/// Snaps residents (those on the network) and candidate sites.
fn snap(f: &Fixture, network: &Network) -> (Vec<Vec<Snapped>>, Vec<f64>, Vec<Vec<Snapped>>) {
    let snapper = Snapper::new(network);
    let on = snap_demand(&f.people, network, &snapper, 200.0);
    let weights = on.inside.iter().map(|&i| f.people[i].population).collect();
    let sites = f
        .sites
        .iter()
        .map(|&(lon, lat)| snapper.attach_site("site", lon, lat, 200.0).unwrap())
        .collect();
    (on.snapped, weights, sites)
}

fn prepare(f: &Fixture) -> Prepared {
    let network = (f.read)();
    let (demand, weights, sites) = snap(f, &network);
    let limit_s = f.limit_min * 60.0;
    let coverage = TravelTimes::compute(&network, &sites, &demand, SPEED, limit_s)
        .unwrap()
        .within(limit_s)
        .unwrap();
    Prepared {
        network,
        demand,
        weights,
        sites,
        coverage,
    }
}

fn stages(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = [helsinki(), district(dir.path())];
    let prepared: Vec<Prepared> = fixtures.iter().map(prepare).collect();

    let mut g = c.benchmark_group("network");
    g.sample_size(10);
    for f in &fixtures {
        g.bench_function(f.name, |b| b.iter(|| (f.read)()));
    }
    g.finish();

    let mut g = c.benchmark_group("snap");
    for (f, p) in fixtures.iter().zip(&prepared) {
        g.bench_function(f.name, |b| b.iter(|| snap(f, black_box(&p.network))));
    }
    g.finish();

    let mut g = c.benchmark_group("travel");
    g.sample_size(10);
    for (f, p) in fixtures.iter().zip(&prepared) {
        g.bench_function(f.name, |b| {
            b.iter(|| {
                TravelTimes::compute(&p.network, &p.sites, &p.demand, SPEED, f.limit_min * 60.0)
                    .unwrap()
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("presolve");
    for (f, p) in fixtures.iter().zip(&prepared) {
        let demand: Vec<(f64, Vec<u32>)> = p
            .weights
            .iter()
            .copied()
            .zip(p.coverage.by_demand())
            .collect();
        g.bench_function(f.name, |b| {
            b.iter(|| presolve::reduce(black_box(demand.clone()), |_| 1.0))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("solve");
    g.sample_size(10);
    for (f, p) in fixtures.iter().zip(&prepared) {
        let options = SolveOptions::new();
        g.bench_function(f.name, |b| {
            b.iter(|| {
                MaxCoverage::new(p.coverage.clone(), p.weights.clone())
                    .unwrap()
                    .new_sites(f.new_sites)
                    .unwrap()
                    .solve(&options)
                    .unwrap()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);

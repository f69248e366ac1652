//! The travel matrix at district scale: 10,000 candidate sites on a
//! generated graph of about 500,000 nodes (Yanhu's 928,334 residents, nodes
//! every 3 m along streets and 3 footpaths per block), walking times to every
//! building within 15 minutes at 1.1 m/s. Target: under 10 s on 2 cores.
//!
//! ```sh
//! cargo bench --bench travel_500k                      # defaults below
//! cargo bench --bench travel_500k -- 928334 10000 3 3  # residents, sites, node spacing m, lanes
//! ```
//!
//! Prints the graph size, the seconds to generate, build the graph, snap,
//! and the best and median of three travel-matrix runs.

use std::time::Instant;

use lifecircle::district::{District, DistrictParams, YANHU_RESIDENTS};
use lifecircle::network::Snapper;
use lifecircle::travel::TravelTimes;

fn main() {
    let args: Vec<f64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let arg = |i: usize, default: f64| args.get(i).copied().unwrap_or(default);
    let params = DistrictParams::new(arg(0, YANHU_RESIDENTS as f64) as i64)
        .candidate_sites(arg(1, 10_000.0) as usize)
        .node_spacing_m(arg(2, 3.0))
        .lanes(arg(3, 3.0) as usize);

    let t = Instant::now();
    let district = District::generate(&params).unwrap();
    let t_generate = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let net = district.network().unwrap();
    let t_graph = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let snapper = Snapper::new(&net);
    let attach = |id: &str, lon: f64, lat: f64| snapper.attach_site(id, lon, lat, 200.0).unwrap();
    let sites: Vec<_> = district
        .candidates
        .iter()
        .map(|c| attach(&c.id, c.lon, c.lat))
        .collect();
    let demand: Vec<_> = district
        .buildings
        .iter()
        .map(|b| attach(&b.id, b.lon, b.lat))
        .collect();
    let t_snap = t.elapsed().as_secs_f64();

    let mut runs = Vec::new();
    let mut nnz = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let travel = TravelTimes::compute(&net, &sites, &demand, 1.1, 15.0 * 60.0).unwrap();
        runs.push(t.elapsed().as_secs_f64());
        nnz = travel.nnz();
    }
    runs.sort_by(f64::total_cmp);
    println!(
        "graph: {} nodes, {} edges; {} sites, {} buildings; {} pairs within 15 min ({:.0} buildings per site); {} threads",
        net.node_count(),
        net.edge_count(),
        sites.len(),
        demand.len(),
        nnz,
        nnz as f64 / sites.len() as f64,
        rayon::current_num_threads()
    );
    println!(
        "seconds: generate {t_generate:.2}, graph {t_graph:.2}, snap {t_snap:.2}, travel matrix best {:.2}, median {:.2} (target < 10)",
        runs[0], runs[1]
    );
}

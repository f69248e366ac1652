//! City-scale p-median and p-center on sparse walking times: the generated
//! district (928,334 residents in 6,212 buildings, the demand points, weighed
//! by their residents) with 10,000 street-front candidate sites, walking
//! times at 1.1 m/s up to a 15-minute cutoff, and a resident with no open
//! site within the cutoff counted as a 45-minute walk (`unreachable`, three
//! times the cutoff, as Python's `from_geodataframe` defaults). No dense
//! demand × site table is built anywhere on this path.
//!
//! ```sh
//! cargo bench --bench city_pmedian -- SEED MODEL...    # MODEL: a p (p-median) or cP (p-center)
//! cargo bench --bench city_pmedian -- 3 20 50 c20      # seed 3: p = 20 and 50, p-center p = 20
//! ```
//!
//! Each solve has a 120 s limit; its objective is recomputed here from the
//! returned sites, by code independent of the model. Peak memory is the
//! process's (`VmHWM`): run one model per process for a per-model figure.

use std::time::Instant;

use lifecircle::demand::snap_demand;
use lifecircle::district::{District, DistrictParams};
use lifecircle::instances::ReachTimes;
use lifecircle::model::{PCenter, PMedian};
use lifecircle::network::Snapper;
use lifecircle::solve::{Solution, SolveOptions};
use lifecircle::travel::TravelTimes;

const SPEED_M_S: f64 = 1.1;
const CUTOFF_S: f64 = 900.0;
const UNREACHABLE_S: f64 = 3.0 * CUTOFF_S;
const CANDIDATES: usize = 10_000;
const LIMIT_S: f64 = 120.0;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM"))?;
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        })
        .unwrap_or(0.0)
        / 1024.0
}

/// What each demand point pays under `sites`: its walk to the nearest open
/// site in reach, or `UNREACHABLE_S` (written out here, not the model's code).
fn walks(reach: &ReachTimes, sites: &[usize]) -> Vec<f64> {
    let open: std::collections::HashSet<usize> = sites.iter().copied().collect();
    (0..reach.n_demand())
        .map(|i| {
            reach
                .of_demand(i)
                .filter(|(j, _)| open.contains(j))
                .map(|(_, t)| t.min(UNREACHABLE_S))
                .fold(UNREACHABLE_S, f64::min)
        })
        .collect()
}

fn report(what: &str, sol: &Solution, recomputed: f64, seconds: f64) {
    let unit = if what.starts_with("p-center") {
        1.0
    } else {
        3600.0
    };
    println!(
        "{what}: objective {:.3}, recomputed {:.3}, bound {:.3}, gap {:.4}%, status {}, {:.2} s (warm start {:.2}, exact {:.2}), {} of {} sites left after fixing{}",
        sol.objective / unit,
        recomputed / unit,
        sol.bound / unit,
        100.0 * sol.gap,
        sol.status,
        seconds,
        sol.timings.heuristic_s,
        sol.timings.mip_s,
        sol.presolve.sites_after,
        sol.presolve.sites_before,
        if unit > 1.0 { " (resident-hours)" } else { " (seconds)" },
    );
    assert!((sol.objective - recomputed).abs() <= 1e-6 * recomputed.max(1.0));
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let models: Vec<String> = args.collect();
    let t = Instant::now();
    let district = District::generate(
        &DistrictParams::new(928_334)
            .candidate_sites(CANDIDATES)
            .seed(seed),
    )
    .unwrap();
    let network = district.network().unwrap();
    let snapper = Snapper::new(&network);
    let on = snap_demand(&district.buildings, &network, &snapper, 200.0);
    let weights: Vec<f64> = on
        .inside
        .iter()
        .map(|&i| district.buildings[i].population)
        .collect();
    let sites: Vec<_> = district
        .candidates
        .iter()
        .map(|c| snapper.attach_site(&c.id, c.lon, c.lat, 200.0).unwrap())
        .collect();
    let t_district = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let reach = TravelTimes::compute(&network, &sites, &on.snapped, SPEED_M_S, CUTOFF_S)
        .unwrap()
        .reach()
        .unwrap();
    let t_travel = t.elapsed().as_secs_f64();
    let unreached = (0..reach.n_demand())
        .filter(|&i| reach.of_demand(i).next().is_none())
        .count();
    println!(
        "district seed {seed}: {} nodes, {} demand points ({:.0} residents, {unreached} with no candidate within 15 min), {} candidates, {} pairs within 15 min ({:.0} per point); district {t_district:.2} s, walking times {t_travel:.2} s",
        network.node_count(),
        reach.n_demand(),
        weights.iter().sum::<f64>(),
        reach.n_sites(),
        reach.nnz(),
        reach.nnz() as f64 / reach.n_demand() as f64,
    );
    let verbose = std::env::var_os("VERBOSE").is_some();
    let options = SolveOptions::new()
        .time_limit(LIMIT_S)
        .unwrap()
        .verbose(verbose);
    for model in models {
        let (center, p) = match model.strip_prefix('c') {
            Some(p) => (true, p.parse::<usize>().expect("cP")),
            None => (false, model.parse::<usize>().expect("P")),
        };
        let t = Instant::now();
        if center {
            let m = PCenter::on_reach(reach.clone(), UNREACHABLE_S, weights.clone(), p).unwrap();
            let sol = m.solve(&options).unwrap();
            let took = t.elapsed().as_secs_f64();
            let radius = walks(&reach, &sol.sites)
                .iter()
                .zip(&weights)
                .filter(|(_, &w)| w > 0.0)
                .map(|(&t, _)| t)
                .fold(0.0, f64::max);
            report(&format!("p-center p = {p}"), &sol, radius, took);
        } else {
            let m = PMedian::on_reach(reach.clone(), UNREACHABLE_S, weights.clone(), p).unwrap();
            let sol = m.solve(&options).unwrap();
            let took = t.elapsed().as_secs_f64();
            let total: f64 = walks(&reach, &sol.sites)
                .iter()
                .zip(&weights)
                .map(|(t, w)| t * w)
                .sum();
            report(&format!("p-median p = {p}"), &sol, total, took);
        }
    }
    println!("peak memory {:.0} MB", peak_rss_mb());
}

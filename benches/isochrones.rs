//! Walking isochrones on the full generated district: 1,000 facilities
//! (candidate sites of a 1,000,000-resident district, seed 1), 5 / 10 / 15
//! minutes at the adult pace, 50 m street side. Target (issue): under 5 s.
//!
//! ```sh
//! cargo bench --bench isochrones        # about 2 minutes, most of it generating the district
//! ```

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use lifecircle::access::isochrone::{isochrones, IsochroneParams};
use lifecircle::district::{District, DistrictParams};
use lifecircle::network::Snapper;

/// Adult walking speed, m/s.
const SPEED: f64 = 1.1;

fn bench(c: &mut Criterion) {
    let d = District::generate(&DistrictParams::new(1_000_000).seed(1)).unwrap();
    let network = d.network().unwrap();
    let snapper = Snapper::new(&network);
    // Every tenth candidate: 1,000 facilities spread over the district.
    let facilities: Vec<_> = d
        .candidates
        .iter()
        .step_by(10)
        .take(1000)
        .map(|c| {
            snapper
                .attach_site("facility", c.lon, c.lat, 200.0)
                .unwrap()
        })
        .collect();
    let params = IsochroneParams::new(vec![5.0, 10.0, 15.0], SPEED).unwrap();
    // How the time grows with the number of facilities, before the full run.
    for k in [1usize, 10, 100] {
        let t = std::time::Instant::now();
        isochrones(&network, &facilities[..k], &params).unwrap();
        eprintln!("{k} facilities: {:.3} s", t.elapsed().as_secs_f64());
    }
    let iso = isochrones(&network, &facilities, &params).unwrap();
    let area: f64 = iso.iter().map(|l| l[2].area_m2).sum::<f64>() / iso.len() as f64;
    eprintln!(
        "{} nodes, {} facilities; mean 15-minute isochrone {:.2} km²",
        network.node_count(),
        facilities.len(),
        area / 1e6
    );
    let mut g = c.benchmark_group("isochrones");
    g.sample_size(10);
    g.bench_function("district 1M, 1000 facilities x 5/10/15 min", |b| {
        b.iter(|| isochrones(black_box(&network), &facilities, &params).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Existing shops and candidate sites on the street fronts, and what the
//! candidates cost.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::streets::{lerp, Streets};
use super::{lonlat, uniform, DistrictParams};
use crate::network::snap::LocalProjection;
use crate::sites::{CandidateSite, Facility};

/// Existing facilities per 10,000 residents, by service of the default
/// catalogue. Assumptions within the seed article's 140+ shops of all kinds
/// for 11,000 residents (≈ 127 per 10,000; restaurants and other shops outside
/// the catalogue make up the rest): many convenience stores and barbers, few
/// pharmacies (China has about 4 per 10,000 people), community health service
/// centres for 30,000–50,000 residents each, and almost no elderly canteens.
pub const SHOPS_PER_10K: [(&str, f64); 14] = [
    ("convenience", 12.0),
    ("pharmacy", 3.0),
    ("barber", 15.0),
    ("vegetable_market", 2.0),
    ("laundry", 2.0),
    ("parcel", 4.0),
    ("supermarket", 1.5),
    ("repair", 3.0),
    ("elderly_canteen", 0.1),
    ("elderly_care", 0.3),
    ("health_station", 1.0),
    ("clinic", 0.3),
    ("kindergarten", 1.5),
    ("fitness", 1.0),
];

/// Services a community room (one candidate in four) may host.
const COMMUNITY_ROOM: &str = "elderly_canteen;elderly_care;health_station;kindergarten";

/// The existing facilities and the candidate sites, on streets chosen by
/// length, arterials and `block_people` (the residents of each block).
pub(super) fn place(
    p: &DistrictParams,
    rng: &mut ChaCha8Rng,
    streets: &Streets,
    block_people: &[f64],
    proj: &LocalProjection,
) -> (Vec<Facility>, Vec<CandidateSite>) {
    let Streets {
        grid,
        graph: g,
        corner,
        present,
        extent,
        ..
    } = streets;
    let (n, b) = (p.residents as f64, p.block_m);
    let (n_seg, n_blocks) = (present.len(), block_people.len());
    let mean_people = n / n_blocks as f64;
    let mut cumulative = Vec::new();
    let mut fronts = Vec::new();
    let mut acc = 0.0;
    for s in (0..n_seg).filter(|&s| present[s]) {
        let (a, c) = grid.ends(s);
        let (pa, pc) = (g.at(corner[a]), g.at(corner[c]));
        let near: f64 = grid.blocks_of(s).iter().map(|&k| block_people[k]).sum();
        let w = (pa[0] - pc[0]).hypot(pa[1] - pc[1])
            * if grid.arterial(s) { 3.0 } else { 1.0 }
            * (1.0 + near / mean_people);
        acc += w;
        cumulative.push(acc);
        fronts.push((pa, pc));
    }
    let front = |rng: &mut ChaCha8Rng| -> [f64; 2] {
        let r = rng.random::<f64>() * acc;
        let s = cumulative
            .partition_point(|&c| c <= r)
            .min(fronts.len() - 1);
        let (pa, pc) = fronts[s];
        let at = lerp(pa, pc, uniform(rng, 0.05, 0.95));
        let len = (pc[0] - pa[0]).hypot(pc[1] - pa[1]).max(1e-9);
        let side = if rng.random::<bool>() { 6.0 } else { -6.0 };
        [
            at[0] - (pc[1] - pa[1]) / len * side,
            at[1] + (pc[0] - pa[0]) / len * side,
        ]
    };
    let mut facilities = Vec::new();
    for (service, rate) in SHOPS_PER_10K {
        let expected = n / 10_000.0 * rate;
        let extra = rng.random::<f64>() < expected.fract();
        for _ in 0..expected.floor() as usize + usize::from(extra) {
            let (lon, lat) = lonlat(proj, front(rng));
            facilities.push(Facility {
                id: format!("f{}", facilities.len() + 1),
                service: service.to_string(),
                lon,
                lat,
            });
        }
    }
    let centre = [extent[0] / 2.0, extent[1] / 2.0];
    let d_max = centre[0].hypot(centre[1]) + b;
    let n_cand = p
        .candidate_sites
        .unwrap_or(((n / 100.0).round() as usize).max(1));
    let candidates = (0..n_cand)
        .map(|c| {
            let q = front(rng);
            let d = (q[0] - centre[0]).hypot(q[1] - centre[1]);
            let cost = (1.0 + 2.0 * (1.0 - d / d_max).clamp(0.0, 1.0)) * 100.0;
            let room = rng.random::<f64>() < 0.25;
            let (lon, lat) = lonlat(proj, q);
            CandidateSite {
                id: format!("c{}", c + 1),
                lon,
                lat,
                cost: cost.round() / 100.0,
                services: room.then(|| COMMUNITY_ROOM.split(';').map(String::from).collect()),
                capacity: None,
            }
        })
        .collect();
    (facilities, candidates)
}

//! Residential buildings (the demand points): where they stand in the
//! blocks, and their residents by age group, split so that every total is
//! exact.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::communities::Communities;
use super::streets::{lerp, Graph, Paths, Streets};
use super::{index, lonlat, uniform, DistrictParams};
use crate::demand::DemandPoint;
use crate::network::snap::LocalProjection;

/// The buildings of every residential block, each joined to the network by
/// a path from its door, and the residents of each block.
pub(super) fn place(
    p: &DistrictParams,
    rng: &mut ChaCha8Rng,
    streets: &mut Streets,
    communities: &Communities,
    proj: &LocalProjection,
) -> (Vec<DemandPoint>, Vec<f64>) {
    let Streets {
        graph: g,
        paths,
        quads,
        ..
    } = streets;
    let (community, seeds, aging) = (
        &communities.of_block,
        &communities.seeds,
        &communities.aging,
    );
    let n_blocks = quads.len();
    // Residential blocks and their buildings; each seed block houses people.
    let mut block_weight: Vec<f64> = (0..n_blocks)
        .map(|_| match rng.random::<f64>() < 0.15 {
            true => 0.0,
            false => uniform(rng, 0.5, 1.5),
        })
        .collect();
    for &s in seeds {
        if block_weight[s] == 0.0 {
            block_weight[s] = 1.0;
        }
    }
    let total_weight: f64 = block_weight.iter().sum();
    let n = p.residents as f64;
    let mut houses: Vec<([f64; 2], usize, f64)> = Vec::new(); // door, block, weight
    for k in (0..n_blocks).filter(|&k| block_weight[k] > 0.0) {
        let expected = n * block_weight[k] / total_weight;
        let count = ((expected / p.residents_per_building).round() as usize).max(1);
        for _ in 0..count {
            let w = block_weight[k] / count as f64 * uniform(rng, 0.5, 1.5);
            let (door, node) = place_building(rng, &quads[k], &paths[k], g, p.lanes);
            let id = g.node(door);
            g.edge(id, node);
            houses.push((door, k, w));
        }
    }
    let weights: Vec<f64> = houses.iter().map(|h| h.2).collect();
    let total = p.residents as u64;
    let people = apportion(total, &weights, &vec![total; houses.len()]);
    let old_w: Vec<f64> = (0..houses.len())
        .map(|h| people[h] as f64 * aging[community[houses[h].1]])
        .collect();
    let old = apportion((n * p.aging_ratio).round() as u64, &old_w, &people);
    // Fewer young families where there are more elderly.
    let young_w: Vec<f64> = (0..houses.len())
        .map(|h| people[h] as f64 / aging[community[houses[h].1]].sqrt())
        .collect();
    let room: Vec<u64> = people.iter().zip(&old).map(|(a, o)| a - o).collect();
    let young = apportion((n * p.under_6_ratio).round() as u64, &young_w, &room);

    let buildings = houses
        .iter()
        .enumerate()
        .map(|(h, &(door, k, _))| {
            let (lon, lat) = lonlat(proj, door);
            DemandPoint {
                id: format!("b{}", h + 1),
                lon,
                lat,
                population: people[h] as f64,
                aged_60_plus: Some(old[h] as f64),
                under_6: Some(young[h] as f64),
                zone: Some(super::community_id(p, community[k])),
            }
        })
        .collect();
    let mut block_people = vec![0.0; n_blocks];
    for (h, house) in houses.iter().enumerate() {
        block_people[house.1] += people[h] as f64;
    }
    (buildings, block_people)
}

/// Splits `total` into integers proportional to `weights`, each at most its
/// cap, by largest remainders (ties to the lower index). Whatever a cap cuts
/// off is shared again among the others. The caller ensures `total <= Σ caps`.
fn apportion(total: u64, weights: &[f64], caps: &[u64]) -> Vec<u64> {
    let mut out = vec![0u64; weights.len()];
    let mut left = total;
    while left > 0 {
        let open: Vec<usize> = (0..weights.len()).filter(|&i| out[i] < caps[i]).collect();
        // Only zero weights have room left: share evenly among them.
        let even = open.iter().all(|&i| weights[i] <= 0.0);
        let weight = |i: usize| if even { 1.0 } else { weights[i] };
        let sum: f64 = open.iter().map(|&i| weight(i)).sum();
        let quota: Vec<f64> = open
            .iter()
            .map(|&i| left as f64 * weight(i) / sum)
            .collect();
        let mut give: Vec<u64> = quota.iter().map(|q| q.floor() as u64).collect();
        let rest = left.saturating_sub(give.iter().sum());
        let mut order: Vec<usize> = (0..open.len()).collect();
        order.sort_by(|&a, &b| {
            let (fa, fb) = (quota[a] - quota[a].floor(), quota[b] - quota[b].floor());
            fb.total_cmp(&fa).then(a.cmp(&b))
        });
        for &k in order.iter().take(rest as usize) {
            give[k] += 1;
        }
        for (k, &i) in open.iter().enumerate() {
            let g = give[k].min(caps[i] - out[i]);
            out[i] += g;
            left -= g;
        }
    }
    out
}

/// A door inside the block and the footpath (or diagonal) node it opens onto.
fn place_building(
    rng: &mut ChaCha8Rng,
    quad: &[[f64; 2]; 4],
    paths: &Paths,
    g: &Graph,
    lanes: usize,
) -> ([f64; 2], i64) {
    // Bilinear map of the unit square onto the block: u runs west to east, v south to north.
    let at = |u: f64, v: f64| {
        let s = lerp(quad[0], quad[1], u);
        let n = lerp(quad[2], quad[3], u);
        lerp(s, n, v)
    };
    let nearest = |nodes: &[i64], t: f64| nodes[(t * (nodes.len() - 1) as f64).round() as usize];
    match paths {
        Paths::Lanes { across_u, lanes: l } => {
            // A band between two footpaths (or a footpath and a street), then
            // a spot along it; `across` is the coordinate across the footpaths.
            let k1 = (lanes + 1) as f64;
            let band = index(rng, lanes + 1) as f64;
            let across = (band + uniform(rng, 0.25, 0.75)) / k1;
            let along = uniform(rng, 0.08, 0.92);
            let lane = ((across * k1).round() as usize).clamp(1, lanes);
            let door = if *across_u {
                at(across, along)
            } else {
                at(along, across)
            };
            (door, nearest(&l[lane - 1], along))
        }
        Paths::Diagonal { rising, nodes } => {
            let (u, v) = (uniform(rng, 0.1, 0.9), uniform(rng, 0.1, 0.9));
            let t = if *rising {
                (u + v) / 2.0
            } else {
                (1.0 - u + v) / 2.0
            };
            // The door must not fall on the diagonal's own node.
            let door = at(u, v);
            let node = nearest(nodes, t);
            let q = g.at(node);
            if (q[0] - door[0]).hypot(q[1] - door[1]) < 1.0 {
                (at(u, (v + 0.05).min(0.95)), node)
            } else {
                (door, node)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::district::District;

    #[test]
    fn totals_are_exact_and_communities_all_there() {
        for (n, r, c) in [(20_000, 0.1471, 3), (12_345, 0.3333, 5), (98_765, 0.05, 8)] {
            let d =
                District::generate(&DistrictParams::new(n).aging_ratio(r).communities(c)).unwrap();
            let s = d.summary();
            assert_eq!(s.residents, n as u64);
            assert_eq!(s.aged_60_plus, (n as f64 * r).round() as u64);
            assert_eq!(s.under_6, (n as f64 * 0.072).round() as u64);
            assert_eq!(s.communities, c);
            for b in &d.buildings {
                b.validate().unwrap();
            }
        }
    }

    #[test]
    fn apportion_is_exact_and_respects_caps() {
        assert_eq!(apportion(10, &[1.0, 1.0, 1.0], &[10, 10, 10]), [4, 3, 3]);
        assert_eq!(apportion(10, &[8.0, 1.0, 1.0], &[2, 10, 10]), [2, 4, 4]);
        assert_eq!(apportion(3, &[0.0, 0.0], &[1, 5]), [1, 2]);
    }
}

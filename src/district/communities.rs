//! Communities (zones): contiguous groups of blocks, each with its own share
//! of elderly residents.

use std::collections::VecDeque;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{shuffle, uniform, DistrictParams};

/// The communities of a district's blocks.
pub(super) struct Communities {
    /// The community of each block.
    pub(super) of_block: Vec<usize>,
    /// The block each community grew from (one per community).
    pub(super) seeds: Vec<usize>,
    /// Each community's share of residents aged 60+, relative to the district's.
    pub(super) aging: Vec<f64>,
}

impl Communities {
    /// Grows `p.communities` communities over the `nx` × `ny` blocks.
    pub(super) fn grow(p: &DistrictParams, rng: &mut ChaCha8Rng, nx: usize, ny: usize) -> Self {
        // Communities: breadth-first growth from random seed blocks.
        let n_blocks = nx * ny;
        let mut blocks: Vec<usize> = (0..n_blocks).collect();
        shuffle(rng, &mut blocks);
        let seeds = &blocks[..p.communities];
        let mut community = vec![usize::MAX; n_blocks];
        let mut queue: VecDeque<usize> = VecDeque::new();
        for (c, &s) in seeds.iter().enumerate() {
            community[s] = c;
            queue.push_back(s);
        }
        while let Some(k) = queue.pop_front() {
            let (i, j) = (k % nx, k / nx);
            let mut next = Vec::with_capacity(4);
            if i > 0 {
                next.push(k - 1);
            }
            if i + 1 < nx {
                next.push(k + 1);
            }
            if j > 0 {
                next.push(k - nx);
            }
            if j + 1 < ny {
                next.push(k + nx);
            }
            for n in next {
                if community[n] == usize::MAX {
                    community[n] = community[k];
                    queue.push_back(n);
                }
            }
        }
        // One community in five is an old estate.
        let aging: Vec<f64> = (0..p.communities)
            .map(|_| match rng.random::<f64>() < 0.2 {
                true => uniform(rng, 1.5, 2.2),
                false => uniform(rng, 0.6, 1.3),
            })
            .collect();
        Self {
            of_block: community,
            seeds: seeds.to_vec(),
            aging,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::district::{District, DistrictParams};

    #[test]
    fn communities_differ_in_aging() {
        let d = District::generate(&DistrictParams::new(200_000).seed(3)).unwrap();
        let mut by_zone: std::collections::BTreeMap<&str, (f64, f64)> = Default::default();
        for b in &d.buildings {
            let e = by_zone.entry(b.zone()).or_default();
            e.0 += b.population;
            e.1 += b.aged_60_plus.unwrap();
        }
        let ratios: Vec<f64> = by_zone.values().map(|(n, o)| o / n).collect();
        let max = ratios.iter().copied().fold(0.0, f64::max);
        let min = ratios.iter().copied().fold(1.0, f64::min);
        assert!(max > 0.2 && min < 0.12, "{min} .. {max}");
    }
}

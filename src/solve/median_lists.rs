//! The p-median warm start on sparse costs: greedy addition, then Whitaker's
//! fast interchange (as [`super::heuristic::p_median`] does on a dense
//! matrix), on the decomposition's client lists ([`benders::Client`]: each
//! client's sites sorted by cost, and the cap it pays when none is open).
//!
//! # Complexity
//! One inverted list (site → its clients) of the lists' size. Greedy is lazy
//! (gains only shrink as sites open), each evaluation `O(clients of the
//! site)`. An interchange sweep is `O(nnz + m·p)`: for each closed site, the
//! saving of its own clients and the extra cost of closing each open site,
//! kept per open site (`base`) and corrected only for the clients the
//! entering site reaches.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::benders::Client;
use super::solution::Deadline;
use crate::order::TotalF64;

/// For each site, its clients and their cost there.
fn inverted(clients: &[Client], n_sites: usize) -> Vec<Vec<(u32, f64)>> {
    let mut by_site = vec![Vec::new(); n_sites];
    for (i, c) in clients.iter().enumerate() {
        for (&j, &cost) in c.sites.iter().zip(&c.costs) {
            by_site[j as usize].push((i as u32, cost));
        }
    }
    by_site
}

/// `total_open − fixed.len()` sites chosen besides the fixed ones (the
/// clients' caps already count the fixed sites), greedy then interchange
/// until no swap improves or `deadline` passes. Returns every open site,
/// fixed ones included, sorted.
pub(crate) fn p_median(
    clients: &[Client],
    n_sites: usize,
    new: usize,
    fixed: &[usize],
    deadline: Deadline,
) -> Vec<usize> {
    let by_site = inverted(clients, n_sites);
    let mut is_open = vec![false; n_sites];
    fixed.iter().for_each(|&j| is_open[j] = true);
    let mut cur: Vec<f64> = clients.iter().map(|c| c.cap).collect();
    let gain = |j: usize, cur: &[f64]| -> f64 {
        by_site[j]
            .iter()
            .map(|&(i, c)| clients[i as usize].weight * (cur[i as usize] - c).max(0.0))
            .sum()
    };
    let mut heap: BinaryHeap<(TotalF64, Reverse<usize>)> = (0..n_sites)
        .filter(|&j| !is_open[j])
        .map(|j| (TotalF64(gain(j, &cur)), Reverse(j)))
        .collect();
    let mut open = Vec::with_capacity(new);
    while open.len() < new {
        let Some((TotalF64(old), Reverse(j))) = heap.pop() else {
            break;
        };
        let fresh = gain(j, &cur);
        let beaten = heap.peek().is_some_and(|top| top.0 .0 > fresh);
        if fresh < old && beaten {
            heap.push((TotalF64(fresh), Reverse(j)));
            continue;
        }
        is_open[j] = true;
        open.push(j);
        for &(i, c) in &by_site[j] {
            cur[i as usize] = cur[i as usize].min(c);
        }
    }
    interchange(clients, &by_site, open, &mut is_open, deadline);
    is_open
        .iter()
        .enumerate()
        .filter_map(|(j, &o)| o.then_some(j))
        .collect()
}

/// Each client's nearest and second-nearest open cost (the cap when fewer
/// are open) and its nearest open site (`u32::MAX` for none).
fn first_two(clients: &[Client], is_open: &[bool]) -> Vec<(f64, u32, f64)> {
    clients
        .iter()
        .map(|c| {
            let mut open = c
                .sites
                .iter()
                .zip(&c.costs)
                .filter(|(&j, _)| is_open[j as usize]);
            match (open.next(), open.next()) {
                (Some((&j, &d1)), Some((_, &d2))) => (d1, j, d2),
                (Some((&j, &d1)), None) => (d1, j, c.cap),
                _ => (c.cap, u32::MAX, c.cap),
            }
        })
        .collect()
}

/// Whitaker's fast interchange over the non-fixed open sites `open`: the
/// best swap per sweep. Updates `is_open`.
fn interchange(
    clients: &[Client],
    by_site: &[Vec<(u32, f64)>],
    mut open: Vec<usize>,
    is_open: &mut [bool],
    deadline: Deadline,
) {
    let m = by_site.len();
    let mut slot = vec![usize::MAX; m];
    let mut corr = vec![0.0; open.len()];
    while !deadline.over() && !open.is_empty() {
        open.iter().enumerate().for_each(|(k, &j)| slot[j] = k);
        let near = first_two(clients, is_open);
        // base[k]: what closing open[k] costs its clients, with nothing opened.
        let mut base = vec![0.0; open.len()];
        for (c, &(d1, j1, d2)) in clients.iter().zip(&near) {
            if j1 != u32::MAX && slot[j1 as usize] != usize::MAX {
                base[slot[j1 as usize]] += c.weight * (d2 - d1);
            }
        }
        let mut best: Option<(f64, usize, usize)> = None;
        for j_in in (0..m).filter(|&j| !is_open[j]) {
            let mut gain = 0.0;
            let mut touched: Vec<usize> = Vec::new();
            for &(i, c) in &by_site[j_in] {
                let (d1, j1, d2) = near[i as usize];
                let w = clients[i as usize].weight;
                if c < d1 {
                    gain += w * (d1 - c);
                }
                if c < d2 && j1 != u32::MAX && slot[j1 as usize] != usize::MAX {
                    let k = slot[j1 as usize];
                    if corr[k] == 0.0 {
                        touched.push(k);
                    }
                    corr[k] += w * (d2 - c.max(d1));
                }
            }
            for (k, &b) in base.iter().enumerate() {
                let delta = b - corr[k] - gain;
                if delta < -1e-9 && best.is_none_or(|x| delta < x.0) {
                    best = Some((delta, j_in, k));
                }
            }
            touched.into_iter().for_each(|k| corr[k] = 0.0);
        }
        open.iter().for_each(|&j| slot[j] = usize::MAX);
        let Some((_, j_in, k)) = best else { break };
        is_open[open[k]] = false;
        is_open[j_in] = true;
        open[k] = j_in;
    }
}

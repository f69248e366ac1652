//! Lagrangian bounds and site fixing for maximal coverage. (The p-median's
//! Lagrangian relaxation gave way to the Benders decomposition of
//! [`super::benders`], whose exact LP bound and reduced costs fix sites.)

use super::presolve::Reduced;
use super::solution::Deadline;

/// An upper bound for maximal coverage with at most `p` sites, and the sites
/// that can be dropped because no plan using them beats `lower` (the value of
/// the best known plan).
///
/// Relaxing `y_g ≤ Σ_{j covers g} x_j` with multipliers `μ_g ≥ 0` gives
/// `U(μ) = Σ_g max(0, w_g − μ_g) + (sum of the p largest v_j)`, where
/// `v_j = Σ_{g covered by j} μ_g`. Starting from `μ = w` (the "sum of the p
/// best sites" bound), subgradient steps lower it towards the LP bound. With
/// site `j` forced in, the bound becomes `U − v_(p) + v_j`; if that is at most
/// `lower`, `j` is dropped. Works on the presolved instance (positions into
/// `r.sites`); returns the bound and a keep flag per site.
pub(crate) fn max_cover_bound(
    r: &Reduced,
    p: usize,
    lower: f64,
    deadline: Deadline,
) -> (f64, Vec<bool>) {
    let n_sites = r.sites.len();
    if p == 0 {
        return (lower, vec![false; n_sites]);
    }
    let mut keep = vec![true; n_sites];
    let mut groups_of: Vec<Vec<u32>> = vec![Vec::new(); n_sites];
    for (g, group) in r.groups.iter().enumerate() {
        for &s in &group.sites {
            groups_of[s as usize].push(g as u32);
        }
    }
    let tol = 1e-9 * lower.abs().max(1.0);
    let mut mu: Vec<f64> = r.groups.iter().map(|g| g.weight).collect();
    let (mut best, mut alpha, mut stall) = (f64::INFINITY, 2.0, 0);
    let mut v = vec![0.0; n_sites];
    let mut covers = vec![0u32; r.groups.len()];
    for step in 0..10_000 {
        if step % 16 == 15 && deadline.over() {
            break;
        }
        let kept: Vec<usize> = (0..n_sites).filter(|&s| keep[s]).collect();
        if kept.len() <= p {
            // Every remaining site fits: the relaxation is exact with them all open.
            let all: f64 = r
                .groups
                .iter()
                .filter(|g| g.sites.iter().any(|&s| keep[s as usize]))
                .map(|g| g.weight)
                .sum();
            best = best.min(all);
            break;
        }
        for &s in &kept {
            v[s] = groups_of[s].iter().map(|&g| mu[g as usize]).sum();
        }
        let mut ranked = kept.clone();
        ranked.select_nth_unstable_by(p - 1, |&a, &b| v[b].total_cmp(&v[a]));
        let (top, rest) = ranked.split_at(p);
        let vp = top.iter().map(|&s| v[s]).fold(f64::INFINITY, f64::min);
        let value = r
            .groups
            .iter()
            .zip(&mu)
            .map(|(g, m)| (g.weight - m).max(0.0))
            .sum::<f64>()
            + top.iter().map(|&s| v[s]).sum::<f64>();
        if value < best - tol {
            best = value;
            stall = 0;
        } else {
            stall += 1;
            if stall >= 50 {
                alpha /= 2.0;
                stall = 0;
            }
        }
        if best <= lower + tol || alpha < 1e-4 {
            break;
        }
        for &s in rest {
            if value - vp + v[s] <= lower + tol {
                keep[s] = false;
            }
        }
        // Subgradient of U at μ: (sites chosen covering g) − [group g counted as covered].
        covers.iter_mut().for_each(|c| *c = 0);
        for &s in top {
            for &g in &groups_of[s] {
                covers[g as usize] += 1;
            }
        }
        let d: Vec<f64> = r
            .groups
            .iter()
            .zip(&mu)
            .zip(&covers)
            .map(|((g, m), &c)| f64::from(c) - if g.weight > *m { 1.0 } else { 0.0 })
            .collect();
        let norm: f64 = d.iter().map(|x| x * x).sum();
        if norm == 0.0 {
            break;
        }
        let t = alpha * (value - lower) / norm;
        for (m, dg) in mu.iter_mut().zip(&d) {
            *m = (*m - t * dg).max(0.0);
        }
    }
    (best.max(lower), keep)
}

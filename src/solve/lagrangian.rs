//! Lagrangian bounds and site fixing for maximal coverage. (The p-median's
//! Lagrangian relaxation gave way to the Benders decomposition of
//! [`super::benders`], whose exact LP bound and reduced costs fix sites.)

use super::presolve::Reduced;
use super::solution::Deadline;

/// An upper bound for maximal coverage with at most `p` sites and a budget
/// (`budget` may be infinite), and the sites that can be dropped because no
/// plan using them beats `lower` (the value of the best known plan).
///
/// Relaxing `y_g ≤ Σ_{j covers g} x_j` with multipliers `μ_g ≥ 0` and the
/// budget row `Σ c_j x_j ≤ B` with `ν ≥ 0` gives
/// `U(μ, ν) = Σ_g max(0, w_g − μ_g) + Bν + (sum of the p largest positive v_j)`,
/// where `v_j = Σ_{g covered by j} μ_g − ν c_j`. Starting from `μ = w` (the
/// "sum of the p best sites" bound), subgradient steps lower it towards the
/// LP bound; for each `μ`, `ν` is the minimiser of the (convex) bound by
/// golden-section search. With site `j` forced in, the bound becomes
/// `U − max(0, v_(p)) + v_j`; if that is at most `lower`, `j` is dropped.
/// Works on the presolved instance (positions into `r.sites`, `costs` by
/// position); returns the bound and a keep flag per site.
pub(crate) fn max_cover_bound(
    r: &Reduced,
    p: usize,
    costs: &[f64],
    budget: f64,
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
    let mut covered = vec![0.0; n_sites];
    let mut v = vec![0.0; n_sites];
    let mut covers = vec![0u32; r.groups.len()];
    for step in 0..10_000 {
        if step % 16 == 15 && deadline.over() {
            break;
        }
        let kept: Vec<usize> = (0..n_sites).filter(|&s| keep[s]).collect();
        if kept.len() <= p && kept.iter().map(|&s| costs[s]).sum::<f64>() <= budget {
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
            covered[s] = groups_of[s].iter().map(|&g| mu[g as usize]).sum();
        }
        let nu = budget_price(&covered, costs, &kept, p, budget);
        for &s in &kept {
            v[s] = covered[s] - nu * costs[s];
        }
        let mut ranked = kept.clone();
        let k = p.min(ranked.len());
        ranked.select_nth_unstable_by(k - 1, |&a, &b| v[b].total_cmp(&v[a]));
        // The relaxation opens the k best sites that gain; the others stay out.
        let (best_k, rest) = ranked.split_at(k);
        let gains = |s: &&usize| v[**s] > 0.0;
        let top: Vec<usize> = best_k.iter().filter(gains).copied().collect();
        let out = rest.iter().chain(best_k.iter().filter(|s| !gains(s)));
        // What forcing a site in costs: the p-th best, if p sites gain.
        let vp = match top.len() == p {
            true => top.iter().map(|&s| v[s]).fold(f64::INFINITY, f64::min),
            false => 0.0,
        };
        let value = r
            .groups
            .iter()
            .zip(&mu)
            .map(|(g, m)| (g.weight - m).max(0.0))
            .sum::<f64>()
            + if nu > 0.0 { budget * nu } else { 0.0 }
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
        for &s in out {
            if value - vp + v[s] <= lower + tol {
                keep[s] = false;
            }
        }
        // Subgradient of U at μ: (sites chosen covering g) − [group g counted as covered].
        covers.iter_mut().for_each(|c| *c = 0);
        for &s in &top {
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

/// The price `ν ≥ 0` of the budget row that minimises
/// `h(ν) = Bν + (sum of the p largest positive covered_j − ν c_j)` over the
/// kept sites: `h` is convex (a maximum of functions linear in `ν`), so a
/// golden-section search on `[0, max covered_j / c_j]` finds it; any `ν ≥ 0`
/// gives a valid bound, so the search only has to be good, not exact.
/// 0 without a budget.
fn budget_price(covered: &[f64], costs: &[f64], kept: &[usize], p: usize, budget: f64) -> f64 {
    if !budget.is_finite() {
        return 0.0;
    }
    let hi = kept
        .iter()
        .filter(|&&s| costs[s] > 0.0)
        .map(|&s| covered[s] / costs[s])
        .fold(0.0, f64::max);
    if hi <= 0.0 {
        return 0.0;
    }
    let mut buf = Vec::with_capacity(kept.len());
    let mut h = |nu: f64| {
        buf.clear();
        buf.extend(
            kept.iter()
                .map(|&s| covered[s] - nu * costs[s])
                .filter(|&x| x > 0.0),
        );
        let k = p.min(buf.len());
        if k > 0 && k < buf.len() {
            buf.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
        }
        budget * nu + buf[..k].iter().sum::<f64>()
    };
    let phi = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = (0.0, hi);
    let (mut x1, mut x2) = (b - phi * (b - a), a + phi * (b - a));
    let (mut f1, mut f2) = (h(x1), h(x2));
    for _ in 0..48 {
        if f1 <= f2 {
            b = x2;
            (x2, f2) = (x1, f1);
            x1 = b - phi * (b - a);
            f1 = h(x1);
        } else {
            a = x1;
            (x1, f1) = (x2, f2);
            x2 = a + phi * (b - a);
            f2 = h(x2);
        }
    }
    // The end of the bracket at 0 (no price) may be the minimum itself.
    let (nu, f) = if f1 <= f2 { (x1, f1) } else { (x2, f2) };
    if h(0.0) <= f {
        0.0
    } else {
        nu
    }
}

//! Maximum flow (Dinic 1970) on a bipartite graph of demand points and
//! sites: how many residents a set of open sites can serve within their
//! room. It prices a plan of [`TargetRatio`](super::TargetRatio) without the
//! MIP solver, so a solve's answer can be checked against it.
//!
//! # Complexity
//! `O(V² E)` in the worst case; on these graphs (source → demand points →
//! sites → sink, unit depth 3) a few phases of breadth-first search and
//! blocking flow, each `O(E)`.

use std::collections::VecDeque;

/// Amounts below this (relative to the largest capacity) count as 0: the
/// capacities are real numbers, and a residue of rounding must not be
/// pushed round the graph for ever.
const EPS: f64 = 1e-12;

struct Edge {
    to: usize,
    rev: usize,
    cap: f64,
}

/// The largest flow from the demand points (`supply[i]` each) to the sites
/// (`room[j]` each) along `pairs` `(i, j)`, of unlimited capacity: its
/// total, and how much of it leaves each demand point.
pub(crate) fn max_flow(supply: &[f64], room: &[f64], pairs: &[(usize, usize)]) -> (f64, Vec<f64>) {
    let (n, m) = (supply.len(), room.len());
    let (source, sink) = (n + m, n + m + 1);
    let mut graph: Vec<Vec<Edge>> = (0..n + m + 2).map(|_| Vec::new()).collect();
    let scale = supply.iter().chain(room).copied().fold(1.0, f64::max);
    let eps = EPS * scale;
    let add = |g: &mut Vec<Vec<Edge>>, a: usize, b: usize, cap: f64| {
        let (ra, rb) = (g[b].len(), g[a].len());
        g[a].push(Edge {
            to: b,
            rev: ra,
            cap,
        });
        g[b].push(Edge {
            to: a,
            rev: rb,
            cap: 0.0,
        });
    };
    for (i, &s) in supply.iter().enumerate() {
        if s > eps {
            add(&mut graph, source, i, s);
        }
    }
    for (j, &r) in room.iter().enumerate() {
        if r > eps {
            add(&mut graph, n + j, sink, r);
        }
    }
    for &(i, j) in pairs {
        add(&mut graph, i, n + j, f64::INFINITY);
    }
    let mut flow = 0.0;
    loop {
        // Levels by breadth-first search over edges with room left.
        let mut level = vec![usize::MAX; graph.len()];
        level[source] = 0;
        let mut queue = VecDeque::from([source]);
        while let Some(v) = queue.pop_front() {
            for e in &graph[v] {
                if e.cap > eps && level[e.to] == usize::MAX {
                    level[e.to] = level[v] + 1;
                    queue.push_back(e.to);
                }
            }
        }
        if level[sink] == usize::MAX {
            // What left point i is what its edge from the source no longer has.
            let mut from = vec![0.0; n];
            for e in &graph[source] {
                from[e.to] = supply[e.to] - e.cap;
            }
            return (flow, from);
        }
        let mut next = vec![0usize; graph.len()];
        loop {
            let pushed = augment(
                &mut graph,
                &level,
                &mut next,
                source,
                sink,
                f64::INFINITY,
                eps,
            );
            if pushed <= eps {
                break;
            }
            flow += pushed;
        }
    }
}

/// One augmenting path of the level graph from `v`, at most `limit`.
fn augment(
    graph: &mut [Vec<Edge>],
    level: &[usize],
    next: &mut [usize],
    v: usize,
    sink: usize,
    limit: f64,
    eps: f64,
) -> f64 {
    if v == sink {
        return limit;
    }
    while next[v] < graph[v].len() {
        let (to, cap, rev) = {
            let e = &graph[v][next[v]];
            (e.to, e.cap, e.rev)
        };
        if cap > eps && level[to] == level[v] + 1 {
            let pushed = augment(graph, level, next, to, sink, limit.min(cap), eps);
            if pushed > eps {
                graph[v][next[v]].cap -= pushed;
                graph[to][rev].cap += pushed;
                return pushed;
            }
        }
        next[v] += 1;
    }
    0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_is_limited_by_supply_room_and_pairs() {
        // Two points of 3 and 2 residents; site 0 (room 4) reaches both, site 1 (room 5) only point 1.
        assert_eq!(
            max_flow(&[3.0, 2.0], &[4.0, 5.0], &[(0, 0), (1, 0), (1, 1)]),
            (5.0, vec![3.0, 2.0])
        );
        let (total, from) = max_flow(&[3.0, 2.0], &[4.0, 0.0], &[(0, 0), (1, 0), (1, 1)]);
        assert_eq!(total, 4.0);
        assert_eq!(from.iter().sum::<f64>(), 4.0);
        assert_eq!(
            max_flow(&[3.0, 2.0], &[4.0, 5.0], &[]),
            (0.0, vec![0.0, 0.0])
        );
        // The augmenting path must reroute point 1 from site 0 to site 1.
        assert_eq!(
            max_flow(&[2.0, 2.0], &[2.0, 2.0], &[(1, 0), (0, 0), (1, 1)]),
            (4.0, vec![2.0, 2.0])
        );
    }
}

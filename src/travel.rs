//! Stage 2: walking times from every site to every demand point within the
//! walking limit, by one bounded Dijkstra per site (in parallel with rayon).
//!
//! A walk from site `s` to demand point `d` is: from `s` straight to one of the
//! nodes it is attached to, along the network, then straight to `d` from one
//! of its nodes; its time is the shortest such length divided by the walking
//! speed. A point is given either one [`Snapped`] node or several (see
//! [`crate::network::Snapper::attach`]), so that a resident whose nearest node
//! lies on an indoor corridor can still step onto the street next to it. Pairs beyond the limit are not stored, so the
//! matrix stays sparse: a 15-minute walk touches a few hundred metres of street.
//!
//! # Complexity
//! Per site `O(E' log V')` over the part of the graph within the limit, after
//! chains of street nodes with nothing attached are contracted into single
//! edges (`O(E)` once per matrix); memory `O(nnz)` for the result plus one
//! distance array per worker thread.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use crate::error::{finite_non_negative, Error, Result};
use crate::instances::{CoverageSets, ReachTimes};
use crate::network::{Network, Snapped};
use crate::order::TotalF64;

/// Walking seconds from sites (rows) to demand points (columns), sparse: only
/// pairs within the limit are stored.
///
/// # Example
/// ```
/// use lifecircle::network::{NetworkBuilder, Node, Snapped};
/// use lifecircle::travel::TravelTimes;
///
/// let mut b = NetworkBuilder::new();
/// for i in 0..3 {
///     b.add_node(Node { id: i, lon: 24.94 + 0.001 * i as f64, lat: 60.17 });
/// }
/// b.add_edge_with_length(0, 1, 100.0).unwrap();
/// b.add_edge_with_length(1, 2, 100.0).unwrap();
/// let net = b.build().unwrap();
/// let site = [Snapped { node: 0, offset_m: 0.0 }];
/// let demand = [Snapped { node: 1, offset_m: 10.0 }, Snapped { node: 2, offset_m: 0.0 }];
/// // 1 m/s, 150 s limit: demand 0 is 110 m away, demand 1 (200 m) is out of reach.
/// let tt = TravelTimes::compute(&net, &site, &demand, 1.0, 150.0).unwrap();
/// assert_eq!(tt.row(0).collect::<Vec<_>>(), vec![(0, 110.0)]);
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TravelTimes {
    // Compressed sparse rows written out by hand: one row per site, its demand
    // points sorted and cut off at `limit_s`, which is all the stages read
    // (a row, `within`). ndarray has no sparse type, and `sprs` would be a
    // dependency (and a conversion at every use) for this one struct.
    n_demand: usize,
    limit_s: f64,
    offsets: Vec<usize>,
    demand: Vec<u32>,
    seconds: Vec<f64>,
}

impl TravelTimes {
    /// Computes the walking times up to `limit_s` seconds at `speed_m_s` metres per second.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a non-positive speed, a negative or NaN
    /// limit, or a snapped point whose offset is negative or not finite;
    /// [`Error::UnknownNode`] for a snapped node outside the network.
    pub fn compute<S: AsRef<[Snapped]> + Sync, D: AsRef<[Snapped]>>(
        network: &Network,
        sites: &[S],
        demand: &[D],
        speed_m_s: f64,
        limit_s: f64,
    ) -> Result<Self> {
        if !(speed_m_s.is_finite() && speed_m_s > 0.0) {
            return Err(Error::param(
                "speed",
                format!("must be > 0 m/s, got {speed_m_s}"),
            ));
        }
        if limit_s.is_nan() || limit_s < 0.0 {
            return Err(Error::param(
                "limit",
                format!("must be >= 0 s, got {limit_s}"),
            ));
        }
        let n = network.node_count();
        check_attachments("snapped site", sites, n)?;
        check_attachments("snapped demand point", demand, n)?;
        let mut keep = vec![false; n];
        let points = sites.iter().map(AsRef::as_ref);
        for a in points.chain(demand.iter().map(AsRef::as_ref)).flatten() {
            keep[a.node] = true;
        }
        let graph = Adjacency::new(network, keep);
        // Demand attachments grouped by node, so a settled node hands over its points at once.
        let mut at_node: Vec<Vec<(u32, f64)>> = vec![Vec::new(); graph.len()];
        for (i, d) in demand.iter().enumerate() {
            for a in graph.map(d.as_ref()) {
                at_node[a.node].push((i as u32, a.offset_m));
            }
        }
        let limit_m = limit_s * speed_m_s;
        let rows: Vec<Vec<(u32, f64)>> = sites
            .par_iter()
            .map_init(
                || Scratch::new(graph.len()),
                |scratch, site| {
                    let mut row = Vec::new();
                    let sources = graph.map(site.as_ref());
                    scratch.run(&graph, &sources, limit_m, |node, dist| {
                        for &(d, offset) in &at_node[node] {
                            let total = dist + offset;
                            if total <= limit_m {
                                row.push((d, total / speed_m_s));
                            }
                        }
                    });
                    // A point attached at several nodes keeps its shortest walk.
                    row.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
                    row.dedup_by_key(|e| e.0);
                    row
                },
            )
            .collect();
        let mut offsets = Vec::with_capacity(rows.len() + 1);
        offsets.push(0);
        let nnz = rows.iter().map(Vec::len).sum();
        let (mut idx, mut secs) = (Vec::with_capacity(nnz), Vec::with_capacity(nnz));
        for row in rows {
            for (d, s) in row {
                idx.push(d);
                secs.push(s);
            }
            offsets.push(idx.len());
        }
        Ok(Self {
            n_demand: demand.len(),
            limit_s,
            offsets,
            demand: idx,
            seconds: secs,
        })
    }

    /// A matrix from `(site, demand, seconds)` triplets in any order, such as
    /// the arrays `lifecircle.Network.travel_times` returns or a cost table
    /// computed elsewhere.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the triplet for a site or demand
    /// index out of range, a time that is NaN, negative or beyond `limit_s`,
    /// a pair given twice, or arrays of different lengths; and for a NaN or
    /// negative limit.
    pub fn from_triplets(
        n_sites: usize,
        n_demand: usize,
        limit_s: f64,
        sites: &[usize],
        demand: &[usize],
        seconds: &[f64],
    ) -> Result<Self> {
        if !finite_non_negative(limit_s) {
            return Err(Error::param(
                "limit",
                format!("must be finite and >= 0 s, got {limit_s}"),
            ));
        }
        if sites.len() != demand.len() || sites.len() != seconds.len() {
            return Err(Error::param(
                "travel times",
                format!(
                    "{} sites, {} demand indices and {} times: one of each per pair",
                    sites.len(),
                    demand.len(),
                    seconds.len()
                ),
            ));
        }
        let mut offsets = vec![0usize; n_sites + 1];
        for (k, ((&j, &i), &t)) in sites.iter().zip(demand).zip(seconds).enumerate() {
            if j >= n_sites || i >= n_demand || !(t >= 0.0 && t <= limit_s) {
                return Err(Error::param(
                    "travel times",
                    format!(
                        "pair {k} (site {j}, demand point {i}, {t} s) needs site < {n_sites}, demand point < {n_demand} and 0 <= seconds <= the {limit_s} s limit"
                    ),
                ));
            }
            offsets[j + 1] += 1;
        }
        for j in 0..n_sites {
            offsets[j + 1] += offsets[j];
        }
        let mut order: Vec<usize> = (0..sites.len()).collect();
        order.sort_unstable_by_key(|&k| (sites[k], demand[k]));
        if let Some(w) = order
            .windows(2)
            .find(|w| (sites[w[0]], demand[w[0]]) == (sites[w[1]], demand[w[1]]))
        {
            return Err(Error::param(
                "travel times",
                format!(
                    "pairs {} and {} both give site {} to demand point {}",
                    w[0], w[1], sites[w[0]], demand[w[0]]
                ),
            ));
        }
        Ok(Self {
            n_demand,
            limit_s,
            offsets,
            demand: order.iter().map(|&k| demand[k] as u32).collect(),
            seconds: order.iter().map(|&k| seconds[k]).collect(),
        })
    }

    /// Number of sites (rows).
    pub fn n_sites(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of demand points (columns).
    pub fn n_demand(&self) -> usize {
        self.n_demand
    }

    /// The limit the matrix was computed up to, in seconds.
    pub fn limit_s(&self) -> f64 {
        self.limit_s
    }

    /// Number of stored (site, demand) pairs.
    pub fn nnz(&self) -> usize {
        self.demand.len()
    }

    /// How many demand points the site reaches (the length of [`Self::row`]).
    ///
    /// # Panics
    /// If `site >= n_sites()`, as indexing does.
    pub fn row_len(&self, site: usize) -> usize {
        self.offsets[site + 1] - self.offsets[site]
    }

    /// `(demand index, seconds)` for every demand point the site reaches, by demand index.
    ///
    /// # Panics
    /// If `site >= n_sites()`, as indexing does.
    pub fn row(&self, site: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let r = self.offsets[site]..self.offsets[site + 1];
        self.demand[r.clone()]
            .iter()
            .zip(&self.seconds[r])
            .map(|(&d, &s)| (d as usize, s))
    }

    /// Which demand points each site reaches within `limit_s` seconds.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a NaN or negative limit (it would cover
    /// nobody, and a plan covering nobody would look optimal) or one beyond
    /// the limit the times were computed to (pairs beyond it are missing, so
    /// coverage would be cut short without a word).
    pub fn within(&self, limit_s: f64) -> Result<CoverageSets> {
        if !(limit_s >= 0.0 && limit_s <= self.limit_s) {
            return Err(Error::param(
                "limit",
                format!(
                    "must be between 0 and the {} s the times were computed to, got {limit_s}",
                    self.limit_s
                ),
            ));
        }
        let sets = (0..self.n_sites())
            .map(|j| {
                self.row(j)
                    .filter(|&(_, s)| s <= limit_s)
                    .map(|(d, _)| d)
                    .collect()
            })
            .collect();
        CoverageSets::from_sets(self.n_demand, sets)
    }

    /// The same times by demand point (nearest site first), with this
    /// matrix's limit: the input of the siting models that weigh each walk.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if a stored time exceeds the limit (a
    /// matrix built from triplets that do not keep it).
    pub fn reach(&self) -> Result<ReachTimes> {
        let triplets = (0..self.n_sites()).flat_map(|j| self.row(j).map(move |(d, s)| (d, j, s)));
        ReachTimes::from_triplets(self.n_demand, self.n_sites(), triplets.collect::<Vec<_>>())
            .and_then(|r| r.with_limit(self.limit_s))
    }

    /// For each demand point, the time to the nearest of `sites` within the
    /// limit (`None` beyond it).
    ///
    /// # Panics
    /// If a site in `sites` is `>= n_sites()`, as indexing does.
    pub fn nearest(&self, sites: &[usize]) -> Vec<Option<f64>> {
        let mut best: Vec<Option<f64>> = vec![None; self.n_demand];
        for &j in sites {
            for (d, s) in self.row(j) {
                let b = &mut best[d];
                *b = Some(b.map_or(s, |v: f64| v.min(s)));
            }
        }
        best
    }
}

/// Refuses an attachment to a node outside a network of `n` nodes, or at a
/// negative or non-finite offset, naming the point as `label` and its index.
pub(crate) fn check_attachments<S: AsRef<[Snapped]>>(
    label: &str,
    points: &[S],
    n: usize,
) -> Result<()> {
    for (i, p) in points.iter().enumerate() {
        let p = p.as_ref();
        if let Some(bad) = p.iter().find(|a| a.node >= n) {
            return Err(Error::UnknownNode {
                id: format!("{} ({label} {i})", bad.node),
            });
        }
        if let Some(bad) = p.iter().find(|a| !(finite_non_negative(a.offset_m))) {
            return Err(Error::param(
                "offset_m",
                format!(
                    "{label} {i} is {} m from node {}; offsets must be finite and >= 0",
                    bad.offset_m, bad.node
                ),
            ));
        }
    }
    Ok(())
}

/// Network metres from each origin to every node within `limit_m` (the
/// origin entered at its attachments' offsets), as `(node, metres)` in the
/// order settled; one bounded search per origin, in parallel. Nothing is
/// contracted, so node ids are the network's: what walking isochrones need
/// to follow each street segment.
pub(crate) fn reached_nodes<S: AsRef<[Snapped]> + Sync>(
    network: &Network,
    origins: &[S],
    limit_m: f64,
) -> Vec<Vec<(usize, f64)>> {
    let graph = Adjacency::new(network, vec![true; network.node_count()]);
    origins
        .par_iter()
        .map_init(
            || Scratch::new(graph.len()),
            |scratch, origin| {
                let mut reached = Vec::new();
                scratch.run(&graph, origin.as_ref(), limit_m, |v, d| {
                    reached.push((v, d))
                });
                reached
            },
        )
        .collect()
}

/// The part of the graph a search needs, as flat arrays (compressed sparse
/// rows). Chains of nodes with two edges and nothing attached — the shape
/// points of a street — become one edge of their summed length: on a graph of
/// 500,000 nodes, most of them such points, the search then settles a few
/// times fewer nodes, and it follows an array instead of petgraph's edge
/// lists (a cache miss per edge). Distances between the nodes kept are
/// unchanged. Built once per matrix, in time linear in the edges.
struct Adjacency {
    /// Dense id of each network node in this graph (`u32::MAX`: contracted away).
    id: Vec<u32>,
    /// Neighbours of node `v` are `to[start[v]..start[v + 1]]`.
    start: Vec<usize>,
    to: Vec<(u32, f64)>,
}

impl Adjacency {
    /// Keeps the nodes marked in `keep` (where points are attached) and every
    /// node with other than two edges.
    fn new(network: &Network, mut keep: Vec<bool>) -> Self {
        let n = network.node_count();
        for (v, k) in keep.iter_mut().enumerate() {
            *k = *k || network.degree(v) != 2;
        }
        let mut id = vec![u32::MAX; n];
        let mut next = 0u32;
        for v in (0..n).filter(|&v| keep[v]) {
            id[v] = next;
            next += 1;
        }
        let mut start = Vec::with_capacity(next as usize + 1);
        let mut to = Vec::new();
        start.push(0);
        for v in (0..n).filter(|&v| keep[v]) {
            'edges: for (first, first_len) in network.neighbors(v) {
                let (mut prev, mut w, mut len) = (v, first, first_len);
                while !keep[w] {
                    let mut two = network.neighbors(w);
                    let (a, b) = (two.next(), two.next());
                    let ((a, la), (b, lb)) = (a.expect("degree 2"), b.expect("degree 2"));
                    let (step, l) = match (a == prev, b == prev) {
                        (true, false) => (b, lb),
                        (false, true) => (a, la),
                        // Two parallel edges back: a loop no shortest path takes.
                        _ => continue 'edges,
                    };
                    (prev, w, len) = (w, step, len + l);
                }
                if w != v {
                    to.push((id[w], len));
                }
            }
            start.push(to.len());
        }
        Self { id, start, to }
    }

    fn len(&self) -> usize {
        self.start.len() - 1
    }

    /// A point's attachments in this graph's ids.
    fn map(&self, points: &[Snapped]) -> Vec<Snapped> {
        points
            .iter()
            .map(|a| Snapped {
                node: self.id[a.node] as usize,
                offset_m: a.offset_m,
            })
            .collect()
    }

    fn neighbors(&self, v: usize) -> &[(u32, f64)] {
        &self.to[self.start[v]..self.start[v + 1]]
    }
}

/// Per-thread Dijkstra state, reset in time proportional to what was touched.
struct Scratch {
    dist: Vec<f64>,
    touched: Vec<usize>,
    heap: BinaryHeap<Reverse<(TotalF64, usize)>>,
}

impl Scratch {
    fn new(n: usize) -> Self {
        Self {
            dist: vec![f64::INFINITY; n],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Settles every node within `limit` metres of the sources (each entered at
    /// its offset) and calls `visit(node, distance)` once per settled node.
    fn run(
        &mut self,
        graph: &Adjacency,
        sources: &[Snapped],
        limit: f64,
        mut visit: impl FnMut(usize, f64),
    ) {
        for &v in &self.touched {
            self.dist[v] = f64::INFINITY;
        }
        self.touched.clear();
        self.heap.clear();
        for s in sources.iter().filter(|s| s.offset_m <= limit) {
            if s.offset_m < self.dist[s.node] {
                if self.dist[s.node].is_infinite() {
                    self.touched.push(s.node);
                }
                self.dist[s.node] = s.offset_m;
                self.heap.push(Reverse((TotalF64(s.offset_m), s.node)));
            }
        }
        while let Some(Reverse((TotalF64(d), v))) = self.heap.pop() {
            if d > self.dist[v] {
                continue;
            }
            visit(v, d);
            for &(w, len) in graph.neighbors(v) {
                let (w, nd) = (w as usize, d + len);
                if nd <= limit && nd < self.dist[w] {
                    if self.dist[w].is_infinite() {
                        self.touched.push(w);
                    }
                    self.dist[w] = nd;
                    self.heap.push(Reverse((TotalF64(nd), w)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{NetworkBuilder, Node};
    use petgraph::graph::NodeIndex;
    use proptest::prelude::*;

    #[test]
    fn a_negative_or_nan_offset_is_refused() {
        let net = random_network(3, &[(0, 1, 100.0), (1, 2, 100.0)]).unwrap();
        let home = [Snapped {
            node: 2,
            offset_m: 0.0,
        }];
        for offset_m in [-500.0, f64::NAN, f64::INFINITY] {
            let site = [Snapped { node: 0, offset_m }];
            let err = TravelTimes::compute(&net, &site, &home, 1.0, 1000.0).unwrap_err();
            assert!(err.to_string().contains("snapped site 0 is"), "{err}");
            let err = TravelTimes::compute(&net, &home, &site, 1.0, 1000.0).unwrap_err();
            assert!(
                err.to_string().contains("snapped demand point 0 is"),
                "{err}"
            );
        }
    }

    fn random_network(n: usize, edges: &[(usize, usize, f64)]) -> Option<Network> {
        let mut b = NetworkBuilder::new();
        for i in 0..n {
            b.add_node(Node {
                id: i as i64,
                lon: 24.0 + i as f64 * 1e-4,
                lat: 60.0,
            });
        }
        for &(a, c, len) in edges {
            b.add_edge_with_length((a % n) as i64, (c % n) as i64, len)
                .unwrap();
        }
        b.build().ok()
    }

    proptest! {
        /// Every stored time equals the unbounded reference Dijkstra (petgraph)
        /// plus the snap offsets, and every pair within the limit is stored.
        #[test]
        fn matches_unbounded_reference(
            n in 2usize..30,
            edges in prop::collection::vec((0usize..30, 0usize..30, 0.0f64..100.0), 1..80),
            sites in prop::collection::vec((0usize..30, 0.0f64..20.0), 1..5),
            demand in prop::collection::vec((0usize..30, 0.0f64..20.0), 1..12),
            limit in 0.0f64..250.0,
        ) {
            let Some(net) = random_network(n, &edges) else { return Ok(()) };
            let m = net.node_count();
            let snap = |v: &[(usize, f64)]| -> Vec<Snapped> {
                v.iter().map(|&(node, off)| Snapped { node: node % m, offset_m: off }).collect()
            };
            let (s, d) = (snap(&sites), snap(&demand));
            let speed = 1.3;
            let tt = TravelTimes::compute(&net, &s, &d, speed, limit).unwrap();
            for (j, site) in s.iter().enumerate() {
                let reference = petgraph::algo::dijkstra(net.graph(), NodeIndex::new(site.node), None, |e| *e.weight());
                let row: Vec<(usize, f64)> = tt.row(j).collect();
                for (i, dp) in d.iter().enumerate() {
                    let metres = site.offset_m + reference[&NodeIndex::new(dp.node)] + dp.offset_m;
                    let expect = metres / speed;
                    match row.iter().find(|e| e.0 == i) {
                        Some(&(_, got)) => prop_assert!((got - expect).abs() < 1e-6 && got <= limit + 1e-9),
                        None => prop_assert!(expect > limit - 1e-9, "missing pair {j}->{i}: {expect} <= {limit}"),
                    }
                }
            }
        }
    }

    #[test]
    fn triplets_give_the_same_matrix_and_bad_ones_name_the_pair() {
        let net = random_network(3, &[(0, 1, 5.0), (1, 2, 5.0)]).unwrap();
        let at = |node| Snapped {
            node,
            offset_m: 0.0,
        };
        let tt = TravelTimes::compute(&net, &[at(2), at(0)], &[at(0), at(1)], 1.0, 10.0).unwrap();
        let mut pairs: Vec<(usize, usize, f64)> = (0..2)
            .flat_map(|j| tt.row(j).map(move |(i, s)| (j, i, s)))
            .collect();
        pairs.reverse();
        let (s, d, t): (Vec<_>, Vec<_>, Vec<_>) = (
            pairs.iter().map(|p| p.0).collect(),
            pairs.iter().map(|p| p.1).collect(),
            pairs.iter().map(|p| p.2).collect(),
        );
        assert_eq!(
            TravelTimes::from_triplets(2, 2, 10.0, &s, &d, &t).unwrap(),
            tt
        );
        let bad = [
            (vec![2], vec![0], vec![1.0], "pair 0 (site 2"),
            (vec![0], vec![5], vec![1.0], "demand point 5"),
            (vec![0], vec![0], vec![f64::NAN], "NaN s"),
            (vec![0], vec![0], vec![11.0], "11 s"),
            (vec![0, 0], vec![1, 1], vec![1.0, 2.0], "pairs 0 and 1 both"),
            (vec![0], vec![], vec![1.0], "one of each"),
        ];
        for (s, d, t, says) in bad {
            let err = TravelTimes::from_triplets(2, 2, 10.0, &s, &d, &t).unwrap_err();
            assert!(err.to_string().contains(says), "{err}");
        }
    }

    #[test]
    fn bad_speed_and_unknown_node_are_errors() {
        let net = random_network(2, &[(0, 1, 5.0)]).unwrap();
        let ok = [Snapped {
            node: 0,
            offset_m: 0.0,
        }];
        let bad = [Snapped {
            node: 9,
            offset_m: 0.0,
        }];
        assert!(TravelTimes::compute(&net, &ok, &ok, 0.0, 10.0).is_err());
        assert!(TravelTimes::compute(&net, &ok, &ok, 1.0, f64::NAN).is_err());
        assert!(matches!(
            TravelTimes::compute(&net, &bad, &ok, 1.0, 10.0),
            Err(Error::UnknownNode { .. })
        ));
    }

    #[test]
    fn coverage_within_a_limit_the_times_cannot_answer_is_an_error() {
        let net = random_network(2, &[(0, 1, 5.0)]).unwrap();
        let at = |node| Snapped {
            node,
            offset_m: 0.0,
        };
        let t = TravelTimes::compute(&net, &[at(0)], &[at(0), at(1)], 1.0, 10.0).unwrap();
        assert_eq!(t.within(10.0).unwrap().site(0), &[0, 1]);
        assert_eq!(t.within(4.0).unwrap().site(0), &[0]);
        // NaN covered nobody; 20 s would miss pairs between 10 and 20 s.
        for limit in [f64::NAN, -1.0, 20.0] {
            let err = t.within(limit).unwrap_err().to_string();
            assert!(err.contains("the 10 s the times were computed to"), "{err}");
        }
    }
}

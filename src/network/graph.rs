//! The walking graph: nodes with coordinates, undirected edges with lengths in metres.

use std::collections::HashMap;

use geo::{Distance, Geodesic, Point};
use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::unionfind::UnionFind;
use petgraph::visit::EdgeRef;

use crate::error::{finite_non_negative, Error, Result};
// Where every reader checks coordinates; `network::check_lon_lat` is its public name.
pub use crate::tables::check_lon_lat;

/// A point of the walking network.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Node {
    /// The caller's id for the node (the OSM node id when read from OSM).
    pub id: i64,
    /// Longitude in degrees (WGS 84).
    pub lon: f64,
    /// Latitude in degrees (WGS 84).
    pub lat: f64,
}

/// What [`NetworkBuilder::build`] kept and dropped.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ComponentReport {
    /// Connected components among the nodes that touch an edge.
    pub components: usize,
    /// Nodes kept (the largest component).
    pub kept_nodes: usize,
    /// Nodes in smaller components, dropped because nobody on the main network can walk to them.
    pub dropped_nodes: usize,
}

/// Collects nodes and edges, then builds a [`Network`] restricted to its largest
/// connected component.
///
/// # Example
/// ```
/// use lifecircle::network::{NetworkBuilder, Node};
///
/// let mut b = NetworkBuilder::new();
/// b.add_node(Node { id: 1, lon: 24.940, lat: 60.170 });
/// b.add_node(Node { id: 2, lon: 24.941, lat: 60.170 });
/// b.add_node(Node { id: 3, lon: 24.942, lat: 60.170 });
/// b.add_edge(1, 2).unwrap();             // geodesic length, about 55.5 m
/// b.add_edge_with_length(2, 3, 60.0).unwrap();
/// let net = b.build().unwrap();
/// assert_eq!(net.node_count(), 3);
/// assert!((net.total_length_m() - 115.5).abs() < 0.5);
/// ```
#[derive(Debug, Default)]
pub struct NetworkBuilder {
    nodes: Vec<Node>,
    index: HashMap<i64, usize>,
    edges: Vec<(usize, usize, f64)>,
    /// The first id added again with other coordinates, and both nodes.
    conflict: Option<(Node, Node)>,
}

impl NetworkBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a node. Adding the same node again does nothing (ways share
    /// nodes); adding its id with other coordinates makes [`build`](Self::build)
    /// fail naming the id, since one of the two places would be lost.
    pub fn add_node(&mut self, node: Node) {
        use std::collections::hash_map::Entry;
        match self.index.entry(node.id) {
            Entry::Vacant(slot) => {
                slot.insert(self.nodes.len());
                self.nodes.push(node);
            }
            Entry::Occupied(first) => {
                let first = self.nodes[*first.get()];
                if first != node && self.conflict.is_none() {
                    self.conflict = Some((first, node));
                }
            }
        }
    }

    /// Adds an undirected edge whose length is the geodesic distance between its
    /// ends (WGS 84 ellipsoid, Karney's algorithm); returns that length in metres.
    ///
    /// # Errors
    /// [`Error::UnknownNode`] if either end was not added.
    pub fn add_edge(&mut self, a: i64, b: i64) -> Result<f64> {
        let (ia, ib) = (self.lookup(a)?, self.lookup(b)?);
        let (na, nb) = (self.nodes[ia], self.nodes[ib]);
        let length = Geodesic.distance(Point::new(na.lon, na.lat), Point::new(nb.lon, nb.lat));
        self.edges.push((ia, ib, length));
        Ok(length)
    }

    /// Adds an undirected edge with a given length in metres.
    ///
    /// # Errors
    /// [`Error::UnknownNode`] if either end was not added, [`Error::InvalidParameter`]
    /// if the length is negative or not finite.
    pub fn add_edge_with_length(&mut self, a: i64, b: i64, length_m: f64) -> Result<()> {
        if !(finite_non_negative(length_m)) {
            return Err(Error::param(
                "length_m",
                format!("edge {a}-{b} has length {length_m}; lengths must be finite and >= 0"),
            ));
        }
        let (ia, ib) = (self.lookup(a)?, self.lookup(b)?);
        self.edges.push((ia, ib, length_m));
        Ok(())
    }

    fn lookup(&self, id: i64) -> Result<usize> {
        self.index
            .get(&id)
            .copied()
            .ok_or(Error::UnknownNode { id: id.to_string() })
    }

    /// Builds the network from the largest connected component of the nodes that
    /// touch at least one edge. Self-loops are dropped; parallel edges are kept
    /// (Dijkstra takes the shorter).
    ///
    /// # Errors
    /// [`Error::EmptyNetwork`] if no edge was added, [`Error::BadRecord`] naming
    /// a node whose coordinates are not WGS 84 degrees or an id added with two
    /// different coordinates.
    pub fn build(self) -> Result<Network> {
        for n in &self.nodes {
            check_lon_lat(&format!("node {}", n.id), n.lon, n.lat)?;
        }
        if let Some((first, again)) = self.conflict {
            return Err(Error::record(
                "network",
                format!("node {}", first.id),
                format!(
                    "id added twice with different coordinates, ({}, {}) and ({}, {}): node ids must be unique",
                    first.lon, first.lat, again.lon, again.lat
                ),
            ));
        }
        let edges: Vec<_> = self.edges.into_iter().filter(|e| e.0 != e.1).collect();
        if edges.is_empty() {
            return Err(Error::EmptyNetwork(format!(
                "{} nodes but no walkable edge",
                self.nodes.len()
            )));
        }
        let mut uf = UnionFind::<usize>::new(self.nodes.len());
        let mut touched = vec![false; self.nodes.len()];
        for &(a, b, _) in &edges {
            uf.union(a, b);
            touched[a] = true;
            touched[b] = true;
        }
        let mut size: HashMap<usize, usize> = HashMap::new();
        for i in (0..self.nodes.len()).filter(|&i| touched[i]) {
            *size.entry(uf.find(i)).or_default() += 1;
        }
        // Ties go to the smaller root so the result does not depend on hash order.
        let (&root, &kept) = size
            .iter()
            .max_by_key(|(&root, &n)| (n, std::cmp::Reverse(root)))
            .expect("at least one edge, so at least one component");
        let report = ComponentReport {
            components: size.len(),
            kept_nodes: kept,
            dropped_nodes: size.values().sum::<usize>() - kept,
        };

        let mut graph = UnGraph::with_capacity(kept, edges.len());
        let mut new_index = vec![NodeIndex::end(); self.nodes.len()];
        let mut index = HashMap::with_capacity(kept);
        for (i, node) in self.nodes.iter().enumerate() {
            if touched[i] && uf.find(i) == root {
                new_index[i] = graph.add_node(*node);
                index.insert(node.id, new_index[i].index());
            }
        }
        for (a, b, length) in edges {
            if uf.find(a) == root {
                graph.add_edge(new_index[a], new_index[b], length);
            }
        }
        Ok(Network {
            graph,
            index,
            report,
        })
    }
}

/// An undirected walking graph whose edges carry lengths in metres.
///
/// Nodes are addressed by a dense index `0..node_count()`; [`Network::find`] maps
/// a caller id (an OSM node id) to that index.
#[derive(Debug, Clone)]
pub struct Network {
    graph: UnGraph<Node, f64>,
    index: HashMap<i64, usize>,
    report: ComponentReport,
}

impl Network {
    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of undirected edges.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Sum of all edge lengths in metres.
    pub fn total_length_m(&self) -> f64 {
        self.graph.edge_weights().sum()
    }

    /// The node at a dense index.
    ///
    /// # Panics
    /// If `index >= node_count()`.
    pub fn node(&self, index: usize) -> Node {
        self.graph[NodeIndex::new(index)]
    }

    /// All nodes in index order.
    pub fn nodes(&self) -> impl Iterator<Item = Node> + '_ {
        self.graph.node_weights().copied()
    }

    /// The dense index of the node with this caller id.
    pub fn find(&self, id: i64) -> Option<usize> {
        self.index.get(&id).copied()
    }

    /// Neighbours of a node with the length of the connecting edge in metres.
    pub fn neighbors(&self, index: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.graph.edges(NodeIndex::new(index)).map(move |e| {
            let other = if e.source().index() == index {
                e.target()
            } else {
                e.source()
            };
            (other.index(), *e.weight())
        })
    }

    /// Every undirected edge once, as (node index, node index, length in metres).
    ///
    /// # Example
    /// ```
    /// use lifecircle::network::{NetworkBuilder, Node};
    ///
    /// let mut b = NetworkBuilder::new();
    /// for id in 0..3 {
    ///     b.add_node(Node { id, lon: 24.94 + 0.001 * id as f64, lat: 60.17 });
    /// }
    /// b.add_edge_with_length(0, 1, 55.0).unwrap();
    /// b.add_edge_with_length(1, 2, 60.0).unwrap();
    /// let net = b.build().unwrap();
    /// let ends: Vec<(i64, i64)> = net.edges().map(|(a, b, _)| (net.node(a).id, net.node(b).id)).collect();
    /// assert_eq!(ends, [(0, 1), (1, 2)]);
    /// ```
    pub fn edges(&self) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
        self.graph
            .edge_references()
            .map(|e| (e.source().index(), e.target().index(), *e.weight()))
    }

    /// Number of edges at a node (parallel edges count each).
    pub fn degree(&self, index: usize) -> usize {
        self.graph.edges(NodeIndex::new(index)).count()
    }

    /// What the build kept and dropped.
    pub fn component_report(&self) -> &ComponentReport {
        &self.report
    }

    /// The underlying petgraph graph, for analyses this crate does not offer.
    pub fn graph(&self) -> &UnGraph<Node, f64> {
        &self.graph
    }

    /// Bounding box `(min_lon, min_lat, max_lon, max_lat)` of the nodes.
    pub fn bbox(&self) -> (f64, f64, f64, f64) {
        self.nodes().fold(
            (
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ),
            |(a, b, c, d), n| (a.min(n.lon), b.min(n.lat), c.max(n.lon), d.max(n.lat)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: i64, lon: f64) -> Node {
        Node { id, lon, lat: 60.0 }
    }

    #[test]
    fn keeps_largest_component_and_reports_the_rest() {
        let mut b = NetworkBuilder::new();
        for i in 0..6 {
            b.add_node(node(i, 24.0 + i as f64 * 0.001));
        }
        b.add_edge(0, 1).unwrap();
        b.add_edge(1, 2).unwrap();
        b.add_edge(2, 3).unwrap();
        b.add_edge(4, 5).unwrap();
        let net = b.build().unwrap();
        assert_eq!(net.node_count(), 4);
        assert_eq!(net.find(4), None);
        assert_eq!(
            net.component_report(),
            &ComponentReport {
                components: 2,
                kept_nodes: 4,
                dropped_nodes: 2
            }
        );
    }

    #[test]
    fn geodesic_length_matches_known_distance() {
        // One degree of longitude at 60° N is 55.8 km on the WGS 84 ellipsoid.
        let mut b = NetworkBuilder::new();
        b.add_node(node(1, 24.0));
        b.add_node(node(2, 25.0));
        b.add_edge(1, 2).unwrap();
        let len = b.build().unwrap().total_length_m();
        assert!((len - 55_800.0).abs() < 100.0, "{len}");
    }

    #[test]
    fn unknown_node_and_empty_network_are_errors() {
        let mut b = NetworkBuilder::new();
        b.add_node(node(1, 24.0));
        assert!(matches!(b.add_edge(1, 9), Err(Error::UnknownNode { id }) if id == "9"));
        assert!(matches!(b.build(), Err(Error::EmptyNetwork(_))));
    }

    #[test]
    fn negative_length_is_rejected() {
        let mut b = NetworkBuilder::new();
        b.add_node(node(1, 24.0));
        b.add_node(node(2, 24.1));
        assert!(b.add_edge_with_length(1, 2, -1.0).is_err());
        assert!(b.add_edge_with_length(1, 2, f64::NAN).is_err());
    }

    #[test]
    fn an_id_with_two_places_is_an_error() {
        let mut b = NetworkBuilder::new();
        b.add_node(node(1, 24.0));
        b.add_node(node(2, 24.001));
        // The same node again, as where two ways meet, is no conflict.
        b.add_node(node(2, 24.001));
        b.add_edge(1, 2).unwrap();
        b.add_node(node(1, 24.5));
        let err = b.build().unwrap_err().to_string();
        assert_eq!(
            err,
            "network, record node 1: id added twice with different coordinates, (24, 60) and (24.5, 60): node ids must be unique"
        );
    }

    #[test]
    fn node_coordinates_must_be_degrees() {
        for (lon, lat) in [(f64::NAN, 60.0), (24.0, 95.0), (385_000.0, 6_672_000.0)] {
            let mut b = NetworkBuilder::new();
            b.add_node(node(1, 24.0));
            b.add_node(Node { id: 2, lon, lat });
            b.add_edge_with_length(1, 2, 10.0).unwrap();
            let err = b.build().unwrap_err().to_string();
            assert!(err.starts_with("coordinates, record node 2: ("), "{err}");
        }
    }
}

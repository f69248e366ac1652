//! OR-Library p-median instances (Beasley 1985), the standard benchmark for
//! p-median and p-center solvers. File format: `n m p`, then `m` lines `i j cost` (1-based, undirected).
//! Costs between vertices are all-pairs shortest paths over this graph, and
//! when an edge appears more than once **the last occurrence wins** (the
//! convention under which the published optima hold). Every vertex is both a
//! demand point (weight 1) and a candidate site.

use std::collections::HashMap;
use std::path::Path;

use petgraph::graph::{NodeIndex, UnGraph};
use rayon::prelude::*;

use super::cost_matrix::check_dense_size;
use super::CostMatrix;
use crate::error::{finite_non_negative, Error, Result};
use crate::tables::read_text;

/// An OR-Library p-median instance.
#[derive(Debug, Clone, PartialEq)]
pub struct OrlibInstance {
    /// Number of vertices.
    pub n: usize,
    /// Number of medians the instance asks for.
    pub p: usize,
    /// Shortest-path distances, vertex × vertex.
    pub costs: CostMatrix,
}

/// Reads an OR-Library `pmedN.txt` file (a leading UTF-8 byte-order mark is
/// ignored, as by every reader).
///
/// # Errors
/// [`Error::Io`] if unreadable; [`Error::BadRecord`] as [`parse_orlib`].
pub fn read_orlib(path: impl AsRef<Path>) -> Result<OrlibInstance> {
    let path = path.as_ref();
    let text = read_text(path)?;
    parse_orlib(&text, &path.display().to_string())
}

/// Parses the text of an OR-Library p-median file (`name` is used in errors).
///
/// ```
/// // A path 1 - 2 - 3 whose edge 1-2 is given twice: the last cost (4) wins.
/// let inst = lifecircle::instances::parse_orlib("3 3 1\n1 2 9\n2 3 1\n1 2 4\n", "tiny").unwrap();
/// assert_eq!(inst.costs.cost(0, 2), 5.0);
/// // Counts and vertices are whole numbers: 5.7 medians is an error, not 5.
/// let err = lifecircle::instances::parse_orlib("3 0 5.7\n", "tiny").unwrap_err();
/// assert!(err.to_string().contains("line 1"), "{err}");
/// ```
///
/// # Errors
/// [`Error::BadRecord`] naming the line of a header or edge that is not
/// three numbers, a count or vertex that is not a whole number, no vertex,
/// `p` outside `1..=n`, a vertex out of range, a cost that is negative, NaN
/// or infinite, or missing edges; naming the header for a vertex count whose
/// distance table would exceed [`MAX_DENSE_CELLS`](super::MAX_DENSE_CELLS); naming a vertex the
/// edges do not connect to vertex 1 (checked before the table is built), or
/// a pair whose shortest path overflows.
pub fn parse_orlib(text: &str, name: &str) -> Result<OrlibInstance> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| (format!("line {}", n + 1), l));
    let (at, header) = lines
        .next()
        .ok_or_else(|| Error::record(name, "line 1", "empty file"))?;
    let [n, m, p] = three(name, &at, header)?;
    let (n, m, p) = (
        count(name, &at, "vertex count n", n)?,
        count(name, &at, "edge count m", m)?,
        count(name, &at, "median count p", p)?,
    );
    if n == 0 {
        return Err(Error::record(name, &at, "no vertex (n = 0)"));
    }
    if !(1..=n).contains(&p) {
        return Err(Error::record(
            name,
            &at,
            format!("p = {p} medians must lie in 1..={n} (the vertex count)"),
        ));
    }
    check_dense_size(name, &at, n, n)?;
    let mut edges: HashMap<(usize, usize), f64> = HashMap::new();
    let mut order = Vec::new();
    for _ in 0..m {
        let (at, line) = lines
            .next()
            .ok_or_else(|| Error::record(name, "end of file", format!("fewer than {m} edges")))?;
        let [a, b, cost] = three(name, &at, line)?;
        let vertex = |what: &str, v: &str| -> Result<usize> {
            match count(name, &at, what, v)? {
                v @ 1.. if v <= n => Ok(v - 1),
                v => Err(Error::record(
                    name,
                    &at,
                    format!("{what} {v} is not a vertex (1..={n})"),
                )),
            }
        };
        let (a, b) = (vertex("vertex", a)?, vertex("vertex", b)?);
        let cost = cost
            .parse::<f64>()
            .ok()
            .filter(|c| finite_non_negative(*c))
            .ok_or_else(|| {
                Error::record(
                    name,
                    &at,
                    format!("cost {cost:?} must be a finite number >= 0"),
                )
            })?;
        let key = (a.min(b), a.max(b));
        if edges.insert(key, cost).is_none() {
            order.push(key);
        }
    }
    if let Some(v) = first_unconnected(n, &order) {
        return Err(Error::record(
            name,
            format!("vertex {}", v + 1),
            "is not connected to vertex 1 by the edges",
        ));
    }
    let mut g = UnGraph::<(), f64>::with_capacity(n, order.len());
    for _ in 0..n {
        g.add_node(());
    }
    for key in order {
        g.add_edge(NodeIndex::new(key.0), NodeIndex::new(key.1), edges[&key]);
    }
    // One flat buffer filled row by row: the table is never held twice.
    let mut data = vec![0.0; n * n];
    data.par_chunks_mut(n).enumerate().for_each(|(s, row)| {
        let d = petgraph::algo::dijkstra(&g, NodeIndex::new(s), None, |e| *e.weight());
        for (t, cell) in row.iter_mut().enumerate() {
            *cell = d[&NodeIndex::new(t)];
        }
    });
    if let Some(k) = data.iter().position(|d| !d.is_finite()) {
        return Err(Error::record(
            name,
            format!("vertices {} and {}", k / n + 1, k % n + 1),
            "the shortest path between them overflows: the edge costs are too large",
        ));
    }
    Ok(OrlibInstance {
        n,
        p,
        costs: CostMatrix::new(n, n, data)?,
    })
}

/// The three whitespace-separated fields of a header or edge line.
fn three<'l>(name: &str, at: &str, line: &'l str) -> Result<[&'l str; 3]> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    fields.try_into().map_err(|fields: Vec<&str>| {
        Error::record(
            name,
            at,
            format!("expected three numbers, found {}: {line:?}", fields.len()),
        )
    })
}

/// A count or a vertex: a whole number, never truncated from a decimal.
fn count(name: &str, at: &str, what: &str, field: &str) -> Result<usize> {
    field.parse::<usize>().map_err(|_| {
        Error::record(
            name,
            at,
            format!("{what} {field:?} is not a whole number >= 0"),
        )
    })
}

/// The first vertex not connected to vertex 0 by `edges` (union-find): a
/// disconnected instance is refused before its distance table is built.
fn first_unconnected(n: usize, edges: &[(usize, usize)]) -> Option<usize> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut v: usize) -> usize {
        while parent[v] != v {
            parent[v] = parent[parent[v]];
            v = parent[v];
        }
        v
    }
    for &(a, b) in edges {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        parent[ra] = rb;
    }
    let r0 = root(&mut parent, 0);
    (1..n).find(|&v| root(&mut parent, v) != r0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orlib_error(text: &str) -> String {
        parse_orlib(text, "t.txt").unwrap_err().to_string()
    }

    #[test]
    fn headers_without_a_vertex_or_a_whole_count_are_refused_naming_the_line() {
        for (text, expected) in [
            ("0 0 0\n", "line 1: no vertex (n = 0)"),
            (
                "NaN 0 1\n",
                "line 1: vertex count n \"NaN\" is not a whole number",
            ),
            (
                "1e20 0 1\n",
                "line 1: vertex count n \"1e20\" is not a whole number",
            ),
            (
                "100.9 200 5.7\n",
                "line 1: vertex count n \"100.9\" is not a whole number",
            ),
            (
                "100 200 5.7\n",
                "line 1: median count p \"5.7\" is not a whole number",
            ),
            (
                "\n\n3 2 -1\n",
                "line 3: median count p \"-1\" is not a whole number",
            ),
            ("3 2 0\n", "line 1: p = 0 medians must lie in 1..=3"),
            ("3 2 4\n", "line 1: p = 4 medians must lie in 1..=3"),
            ("3 2\n", "line 1: expected three numbers, found 2"),
            ("", "line 1: empty file"),
        ] {
            let e = orlib_error(text);
            assert!(e.contains(expected), "{text:?}: {e}");
        }
    }

    #[test]
    fn edges_are_whole_vertices_with_finite_costs_named_by_line() {
        for (text, expected) in [
            (
                "3 2 1\n1.9 2 4\n2 3 1\n",
                "line 2: vertex \"1.9\" is not a whole number",
            ),
            (
                "3 2 1\n1 2 1\n2 4 1\n",
                "line 3: vertex 4 is not a vertex (1..=3)",
            ),
            (
                "3 2 1\n1 2 1\n0 3 1\n",
                "line 3: vertex 0 is not a vertex (1..=3)",
            ),
            (
                "3 2 1\n1 2 inf\n2 3 1\n",
                "line 2: cost \"inf\" must be a finite number >= 0",
            ),
            (
                "4 3 1\n1 2 1\n2 3 1\n3 4 NaN\n",
                "line 4: cost \"NaN\" must be a finite number >= 0",
            ),
            (
                "3 2 1\n1 2 -1\n2 3 1\n",
                "line 2: cost \"-1\" must be a finite number >= 0",
            ),
            ("3 3 1\n1 2 1\n2 3 1\n", "end of file: fewer than 3 edges"),
        ] {
            let e = orlib_error(text);
            assert!(e.contains(expected), "{text:?}: {e}");
        }
        let e = orlib_error("3 2 1\n1 2 1e308\n2 3 1e308\n");
        assert!(
            e.contains("vertices 1 and 3: the shortest path between them overflows"),
            "{e}"
        );
    }

    #[test]
    fn a_table_above_the_cap_is_refused_naming_its_size_and_memory() {
        let e = orlib_error("4000000000 1 1\n1 2 1\n");
        assert!(
            e.contains("line 1: a dense 4000000000 x 4000000000 cost table holds 16000000000000000000 cells (128000000000.0 GB of 8-byte costs), above the limit of 100000000 cells (800 MB)"),
            "{e}"
        );
        let e = orlib_error("5000000000 1 1\n1 2 1\n");
        assert!(e.contains("holds more than 2^64 cells"), "{e}");
        let e = orlib_error("100000 1 1\n1 2 1\n");
        assert!(e.contains("holds 10000000000 cells (80.0 GB"), "{e}");
    }

    #[test]
    fn a_disconnected_graph_is_refused_before_its_table_is_built() {
        // 10,000 vertices is the largest table allowed (800 MB): connectivity
        // is known from the edges alone, so nothing that size is allocated.
        let e = orlib_error("10000 2 1\n1 2 1\n2 3 1\n");
        assert!(e.contains("vertex 4: is not connected to vertex 1"), "{e}");
        let e = orlib_error("4 2 1\n3 4 1\n1 2 1\n");
        assert!(e.contains("vertex 3: is not connected to vertex 1"), "{e}");
        assert_eq!(parse_orlib("1 0 1\n", "t").unwrap().costs.cost(0, 0), 0.0);
    }
}

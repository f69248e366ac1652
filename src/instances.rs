//! Plain-data instances from files: OR-Library p-median instances, cost
//! matrices and weight lists (the input of `lifecircle solve`).
//!
//! # OR-Library
//! Uncapacitated p-median instances (Beasley 1985), the standard benchmark for
//! p-median and p-center solvers. File format: `n m p`, then `m` lines `i j cost` (1-based, undirected).
//! Costs between vertices are all-pairs shortest paths over this graph, and
//! when an edge appears more than once **the last occurrence wins** (the
//! convention under which the published optima hold). Every vertex is both a
//! demand point (weight 1) and a candidate site.

use std::collections::HashMap;
use std::path::Path;

use petgraph::graph::{NodeIndex, UnGraph};
use rayon::prelude::*;

use crate::error::{finite_non_negative, Error, Result};
use crate::model::CostMatrix;
use crate::tables::{CsvTable, Records};

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

/// Reads an OR-Library `pmedN.txt` file.
///
/// # Errors
/// [`Error::Io`] if unreadable; [`Error::BadRecord`] naming the line for a
/// malformed header or edge, a vertex out of range, or a disconnected graph.
pub fn read_orlib(path: impl AsRef<Path>) -> Result<OrlibInstance> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_orlib(&text, &path.display().to_string())
}

/// Parses the text of an OR-Library p-median file (`name` is used in errors).
///
/// ```
/// // A path 1 - 2 - 3 whose edge 1-2 is given twice: the last cost (4) wins.
/// let inst = lifecircle::instances::parse_orlib("3 3 1\n1 2 9\n2 3 1\n1 2 4\n", "tiny").unwrap();
/// assert_eq!(inst.costs.cost(0, 2), 5.0);
/// ```
///
/// # Errors
/// As [`read_orlib`].
pub fn parse_orlib(text: &str, name: &str) -> Result<OrlibInstance> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let numbers = |n: usize, line: &str| -> Result<Vec<f64>> {
        let v: Vec<f64> = line
            .split_whitespace()
            .map(|t| t.parse::<f64>())
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| {
                Error::record(
                    name,
                    format!("line {}", n + 1),
                    format!("not numbers: {line:?}"),
                )
            })?;
        if v.len() == 3 {
            Ok(v)
        } else {
            Err(Error::record(
                name,
                format!("line {}", n + 1),
                "expected three numbers",
            ))
        }
    };
    let (hn, header) = lines
        .next()
        .ok_or_else(|| Error::record(name, "line 1", "empty file"))?;
    let h = numbers(hn, header)?;
    let (n, m, p) = (h[0] as usize, h[1] as usize, h[2] as usize);
    let mut edges: HashMap<(usize, usize), f64> = HashMap::new();
    let mut order = Vec::new();
    for _ in 0..m {
        let (ln, line) = lines
            .next()
            .ok_or_else(|| Error::record(name, "end of file", format!("fewer than {m} edges")))?;
        let e = numbers(ln, line)?;
        let (a, b) = (e[0] as usize, e[1] as usize);
        if a == 0 || b == 0 || a > n || b > n || e[2] < 0.0 {
            return Err(Error::record(
                name,
                format!("line {}", ln + 1),
                format!("bad edge {line:?} for {n} vertices"),
            ));
        }
        let key = (a.min(b) - 1, a.max(b) - 1);
        if edges.insert(key, e[2]).is_none() {
            order.push(key);
        }
    }
    let mut g = UnGraph::<(), f64>::with_capacity(n, order.len());
    for _ in 0..n {
        g.add_node(());
    }
    for key in order {
        g.add_edge(NodeIndex::new(key.0), NodeIndex::new(key.1), edges[&key]);
    }
    let rows: Vec<Vec<f64>> = (0..n)
        .into_par_iter()
        .map(|s| {
            let d = petgraph::algo::dijkstra(&g, NodeIndex::new(s), None, |e| *e.weight());
            (0..n)
                .map(|t| d.get(&NodeIndex::new(t)).copied().unwrap_or(f64::INFINITY))
                .collect()
        })
        .collect();
    if let Some(i) = rows[0].iter().position(|d| d.is_infinite()) {
        return Err(Error::record(
            name,
            format!("vertex {}", i + 1),
            "is not connected to vertex 1",
        ));
    }
    Ok(OrlibInstance {
        n,
        p,
        costs: CostMatrix::from_rows(rows)?,
    })
}

/// Reads a cost matrix from a CSV file without header: one row per demand
/// point, one column per site.
///
/// # Errors
/// [`Error::Io`] if unreadable; [`Error::BadRecord`] naming the line and
/// column of a value that is not a number, negative or NaN, or a ragged row,
/// or naming the file if it holds no row.
pub fn read_cost_csv(path: impl AsRef<Path>) -> Result<CostMatrix> {
    let table = CsvTable::headless(path.as_ref(), Records::Needed)?;
    // Rows go straight into one flat buffer: a matrix of millions of cells
    // is never held as strings or as one `Vec` per row.
    let (mut data, mut n_demand) = (Vec::new(), 0);
    table.for_each(|record| {
        for (j, v) in record.values().enumerate() {
            let bad = |message: String| {
                Error::record(
                    &table.source,
                    format!("line {}, column {}", record.line(), j + 1),
                    message,
                )
            };
            let cost = v
                .parse::<f64>()
                .map_err(|_| bad(format!("{v:?} is not a number")))?;
            if !(finite_non_negative(cost)) {
                return Err(bad(format!("cost {v} must be finite and >= 0")));
            }
            data.push(cost);
        }
        n_demand += 1;
        Ok(())
    })?;
    // csv refuses ragged rows, so every row is as wide as the first.
    CostMatrix::new(n_demand, data.len() / n_demand, data)
}

/// Reads one number per line (blank lines ignored), e.g. demand weights.
///
/// # Errors
/// [`Error::Io`] if unreadable; [`Error::BadRecord`] naming the line of a value that is not a number.
pub fn read_numbers(path: impl AsRef<Path>) -> Result<Vec<f64>> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            l.trim().parse::<f64>().map_err(|_| {
                Error::record(
                    path.display().to_string(),
                    format!("line {}", n + 1),
                    format!("{:?} is not a number", l.trim()),
                )
            })
        })
        .collect()
}

//! Who is served by whom under a plan: the assignment rules of the models,
//! for `Result.assignments`, `fac2cli` and `cli2fac` (Python only converts).

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;

use lifecircle::coverage::{nearest_open, nearest_reached};

use crate::convert::{count, reals_1d};
use crate::error::{invalid, OrPy};
use crate::reach::reach_times;
use crate::{cost_matrix, coverage_sets, site_indices, Floats, Ints};

/// p-median and p-center on a dense cost matrix: each demand point to its
/// nearest open site (`lifecircle::coverage::nearest_open`; the lowest index
/// on a tie, whatever the point's weight), as `(demand, site, cost)` arrays
/// with one row per point.
#[pyfunction]
pub fn assign_nearest<'py>(
    py: Python<'py>,
    cost: &Bound<'py, PyAny>,
    open: &Bound<'py, PyAny>,
) -> PyResult<(Ints<'py>, Ints<'py>, Floats<'py>)> {
    let costs = cost_matrix(cost)?;
    let nearest = nearest_open(&costs, &site_indices("open", open)?).py_err()?;
    let (d, (s, c)): (Vec<i64>, (Vec<i64>, Vec<f64>)) = nearest
        .iter()
        .enumerate()
        .filter_map(|(i, n)| n.map(|(j, c)| (i as i64, (j as i64, c))))
        .unzip();
    Ok((d.into_pyarray(py), s.into_pyarray(py), c.into_pyarray(py)))
}

/// p-median and p-center on sparse walking times (a model built from
/// frames; `lifecircle::coverage::nearest_reached`): each demand point to its
/// nearest open site in reach. A point no open site reaches is not served:
/// its cost is NaN and its site the lowest-indexed open one (every
/// unreachable pair costs the same, so that is the one the objective
/// charges, as on a dense matrix holding the unreachable cost).
#[pyfunction]
pub fn assign_on_times<'py>(
    py: Python<'py>,
    demand: PyReadonlyArray1<'py, i64>,
    site: PyReadonlyArray1<'py, i64>,
    seconds: &Bound<'py, PyAny>,
    n_demand: &Bound<'py, PyAny>,
    n_sites: &Bound<'py, PyAny>,
    open: &Bound<'py, PyAny>,
) -> PyResult<(Ints<'py>, Ints<'py>, Floats<'py>)> {
    let reach = reach_times(demand, site, seconds, n_demand, n_sites)?;
    let open = site_indices("open", open)?;
    let served = nearest_reached(&reach, &open).py_err()?;
    let Some(&first) = open.iter().min() else {
        return Ok((
            vec![].into_pyarray(py),
            vec![].into_pyarray(py),
            vec![].into_pyarray(py),
        ));
    };
    let s: Vec<i64> = served
        .iter()
        .map(|n| n.map_or(first, |(j, _)| j) as i64)
        .collect();
    let c: Vec<f64> = served
        .iter()
        .map(|n| n.map_or(f64::NAN, |(_, c)| c))
        .collect();
    let d: Vec<i64> = (0..served.len() as i64).collect();
    Ok((d.into_pyarray(py), s.into_pyarray(py), c.into_pyarray(py)))
}

/// MCLP and LSCP: every open site covering a demand point serves it, as
/// `(demand, site, cost)` arrays by demand then site, from the coverage sets
/// (CSR by site, as `solve_mclp` takes them) and the cost of each stored pair
/// (`costs`, aligned with `indices`).
#[pyfunction]
pub fn assign_covering<'py>(
    py: Python<'py>,
    n_demand: &Bound<'py, PyAny>,
    indptr: PyReadonlyArray1<'py, i64>,
    indices: PyReadonlyArray1<'py, i64>,
    costs: &Bound<'py, PyAny>,
    open: &Bound<'py, PyAny>,
) -> PyResult<(Ints<'py>, Ints<'py>, Floats<'py>)> {
    count(n_demand, "n_demand")?;
    let (starts, idx) = (indptr.as_array().to_vec(), indices.as_array().to_vec());
    // Checked as the solvers check them; the pairs are read from the arrays, whose order `costs` follows.
    let cov = coverage_sets(n_demand, indptr, indices)?;
    let costs = reals_1d(costs, "costs")?;
    if costs.len() != cov.nnz() {
        return Err(invalid(
            "costs",
            format!("{} costs for {} stored pairs", costs.len(), cov.nnz()),
        ));
    }
    let open = site_indices("open", open)?;
    if let Some(j) = open.iter().find(|&&j| j >= cov.n_sites()) {
        return Err(invalid("open", format!("site {j} does not exist")));
    }
    let mut rows: Vec<(usize, usize, f64)> = Vec::new();
    for &j in &open {
        for k in starts[j] as usize..starts[j + 1] as usize {
            rows.push((idx[k] as usize, j, costs[k]));
        }
    }
    rows.sort_by_key(|&(i, j, _)| (i, j));
    rows.dedup_by_key(|r| (r.0, r.1));
    let d: Vec<i64> = rows.iter().map(|r| r.0 as i64).collect();
    let s: Vec<i64> = rows.iter().map(|r| r.1 as i64).collect();
    let c: Vec<f64> = rows.iter().map(|r| r.2).collect();
    Ok((d.into_pyarray(py), s.into_pyarray(py), c.into_pyarray(py)))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(assign_nearest, m)?)?;
    m.add_function(wrap_pyfunction!(assign_on_times, m)?)?;
    m.add_function(wrap_pyfunction!(assign_covering, m)?)?;
    Ok(())
}

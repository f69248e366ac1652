//! Who is served by whom under a plan: the assignment rules of the models,
//! for `Result.assignments`, `fac2cli` and `cli2fac` (Python only converts).

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;

use lifecircle::coverage::nearest_open;
use lifecircle::model::CoverageSets;

use crate::convert::{count, reals_1d};
use crate::error::{invalid, OrPy};
use crate::{cost_matrix, coverage_sets, site_indices, Floats, Ints};

/// p-median and p-center: each demand point to its nearest open site
/// (`lifecircle::coverage::nearest_open`; the lowest index on a tie, whatever
/// the point's weight), as `(demand, site, cost)` arrays with one row per
/// point. With the pairs within reach (`reach_rows`, `reach_cols`: a model
/// built from frames, pairs within the walking limit), only those count: a
/// point that no open site reaches is not served, its cost NaN (its site is
/// the nearest open one by cost, whose cost the objective charges).
#[pyfunction]
#[pyo3(signature = (cost, open, reach_rows=None, reach_cols=None))]
pub fn assign_nearest<'py>(
    py: Python<'py>,
    cost: &Bound<'py, PyAny>,
    open: &Bound<'py, PyAny>,
    reach_rows: Option<PyReadonlyArray1<'py, i64>>,
    reach_cols: Option<PyReadonlyArray1<'py, i64>>,
) -> PyResult<(Ints<'py>, Ints<'py>, Floats<'py>)> {
    let costs = cost_matrix(cost)?;
    let open = site_indices("open", open)?;
    let (n, m) = (costs.n_demand(), costs.n_sites());
    let reach = match (reach_rows, reach_cols) {
        (None, None) => None,
        (Some(r), Some(c)) => {
            let (r, c) = (r.as_array().to_vec(), c.as_array().to_vec());
            if r.len() != c.len() {
                return Err(invalid(
                    "reach_rows",
                    "reach_rows and reach_cols differ in length",
                ));
            }
            let mut sets = vec![Vec::new(); m];
            for (&i, &j) in r.iter().zip(&c) {
                let (i, j) = (usize::try_from(i), usize::try_from(j));
                match (i, j) {
                    (Ok(i), Ok(j)) if j < m => sets[j].push(i),
                    _ => return Err(invalid("reach_cols", "a pair names no site")),
                }
            }
            Some(CoverageSets::from_sets(n, sets).py_err()?)
        }
        _ => {
            return Err(invalid(
                "reach_rows",
                "give reach_rows and reach_cols together",
            ))
        }
    };
    let nearest = nearest_open(&costs, &open, None).py_err()?;
    let served = match &reach {
        Some(r) => nearest_open(&costs, &open, Some(r)).py_err()?,
        None => nearest.clone(),
    };
    let (mut d, mut s, mut c) = (Vec::new(), Vec::new(), Vec::new());
    for (i, (any, within)) in nearest.iter().zip(&served).enumerate() {
        let Some((j, _)) = within.or(*any) else {
            continue; // no open site at all
        };
        d.push(i as i64);
        s.push(j as i64);
        c.push(within.map_or(f64::NAN, |w| w.1));
    }
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
    m.add_function(wrap_pyfunction!(assign_covering, m)?)?;
    Ok(())
}

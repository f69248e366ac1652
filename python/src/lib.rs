//! `lifecircle._core`: the compiled half of the Python package. A thin adapter:
//! arrays in, plain data to the core crate, typed frozen results ([`solution`],
//! [`reports`]) and arrays out. Arguments are
//! read by the rules of [`convert`], every error becomes a Python exception of
//! `lifecircle.errors` ([`error`]), and heavy work runs with the GIL released
//! and Ctrl-C heard ([`gil`]).

mod alternatives;
mod assign;
mod convert;
mod demand;
mod error;
mod gil;
mod joint;
mod network;
mod reports;
mod solution;

use numpy::{IntoPyArray, PyArrayDyn, PyArrayMethods, PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::prelude::*;

use lifecircle::model::{
    CostMatrix, CoverageSets, MaxCoverage, ModelInput, ModelKind, SetCover, SitingModel,
};
use lifecircle::solve::{Solution, SolveOptions};

use convert::{count, path_or_none, real, real_or_none, reals, reals_1d};
use error::{invalid, OrPy};
use gil::interruptible;

// Accessibility indices, population allocation and the models on walking
// times: their own files, registered at the end of `_core`.
mod access;
mod allocate;
mod reach;

/// A numpy array of integers (ids, indices) handed to Python.
pub(crate) type Ints<'py> = Bound<'py, numpy::PyArray1<i64>>;
/// A numpy array of floats handed to Python.
pub(crate) type Floats<'py> = Bound<'py, numpy::PyArray1<f64>>;

pub(crate) fn site_indices(name: &str, values: &Bound<'_, PyAny>) -> PyResult<Vec<usize>> {
    values.try_iter()?.map(|j| count(&j?, name)).collect()
}

pub(crate) fn same_len(name: &str, a: usize, b: usize) -> PyResult<()> {
    if a == b {
        Ok(())
    } else {
        Err(invalid(name, format!("{a} longitudes but {b} latitudes")))
    }
}

pub(crate) fn options(
    time_limit: Option<&Bound<'_, PyAny>>,
    mip_gap: Option<&Bound<'_, PyAny>>,
) -> PyResult<SolveOptions> {
    let gap = real_or_none(mip_gap, "mip_gap")?.unwrap_or(0.0);
    let o = SolveOptions::new().mip_gap(gap).py_err()?;
    match real_or_none(time_limit, "time_limit")? {
        Some(t) => o.time_limit(t).py_err(),
        None => Ok(o),
    }
}

/// Solves with the GIL released and hands the solution back typed, with up
/// to `alternatives` other optimal plans when asked ([`alternatives::solve`]).
pub(crate) fn solved<M>(
    py: Python<'_>,
    time_limit: Option<&Bound<'_, PyAny>>,
    mip_gap: Option<&Bound<'_, PyAny>>,
    alternatives: Option<&Bound<'_, PyAny>>,
    model: impl FnOnce() -> lifecircle::Result<M> + Send + 'static,
) -> PyResult<solution::Solution>
where
    M: std::ops::Deref,
    M::Target: SitingModel<Plan = [usize], Solution = Solution>,
{
    let opts = options(time_limit, mip_gap)?;
    let k = alternatives
        .filter(|v| !v.is_none())
        .map(|v| count(v, "alternatives"))
        .transpose()?;
    let (s, tied) = interruptible(py, move || alternatives::solve(&*model()?, &opts, k))?;
    Ok(solution::Solution {
        alternatives: tied,
        ..s.into()
    })
}

/// The costs as a 2-D float64 array, handed to the core as a read-only view
/// of numpy's buffer (checked in place and copied once into the matrix, with
/// no Python list or element-wise round trip).
pub(crate) fn cost_matrix(cost: &Bound<'_, PyAny>) -> PyResult<CostMatrix> {
    let a = reals(cost, "cost")?;
    if a.ndim() != 2 {
        return Err(invalid(
            "cost",
            format!(
                "need a 2-D array (demand x sites), got shape {:?}",
                a.shape()
            ),
        ));
    }
    let view: numpy::PyReadonlyArray2<'_, f64> = a.cast_into::<numpy::PyArray2<f64>>()?.readonly();
    CostMatrix::from_view(view.as_array()).py_err()
}

pub(crate) fn coverage_sets(
    n_demand: &Bound<'_, PyAny>,
    indptr: PyReadonlyArray1<'_, i64>,
    indices: PyReadonlyArray1<'_, i64>,
) -> PyResult<CoverageSets> {
    let n_demand = count(n_demand, "n_demand")?;
    // Copies, not slices: a strided view (e.g. `indptr[::2]`) is valid input too.
    let (indptr, indices) = (indptr.as_array().to_vec(), indices.as_array().to_vec());
    // A first offset other than 0 would silently drop the leading indices.
    if indptr.first() != Some(&0)
        || indptr.windows(2).any(|w| w[1] < w[0])
        || indptr.last().copied() != i64::try_from(indices.len()).ok()
    {
        return Err(invalid(
            "indptr",
            format!(
                "must start at 0, be non-decreasing and end at len(indices) = {}",
                indices.len()
            ),
        ));
    }
    let sets = indptr
        .windows(2)
        .enumerate()
        .map(|(j, w)| {
            indices[w[0] as usize..w[1] as usize]
                .iter()
                .map(|&d| {
                    usize::try_from(d).map_err(|_| {
                        invalid("indices", format!("site {j} covers demand index {d}"))
                    })
                })
                .collect()
        })
        .collect::<PyResult<Vec<Vec<usize>>>>()?;
    CoverageSets::from_sets(n_demand, sets).py_err()
}

/// Coverage sets of a demand x site cost matrix within `radius`, by the rules
/// of the command line (`lifecircle solve --costs`): `cost` is dense (every
/// pair), or the stored entries of a sparse matrix (`rows`, `cols`, `cost`,
/// with `shape`), absent pairs being out of reach. Returns CSR arrays by site
/// (`indptr`, `indices`) for `solve_mclp` and `solve_lscp`.
#[pyfunction]
#[pyo3(signature = (cost, radius, rows=None, cols=None, shape=None))]
fn coverage_within<'py>(
    py: Python<'py>,
    cost: &Bound<'py, PyAny>,
    radius: &Bound<'py, PyAny>,
    rows: Option<PyReadonlyArray1<'py, i64>>,
    cols: Option<PyReadonlyArray1<'py, i64>>,
    shape: Option<(i64, i64)>,
) -> PyResult<(Ints<'py>, Ints<'py>)> {
    let radius = real(radius, "radius")?;
    let cov = match (rows, cols, shape) {
        (None, None, None) => CoverageSets::within(&cost_matrix(cost)?, radius).py_err()?,
        (Some(rows), Some(cols), Some((n, m))) => {
            let costs = reals_1d(cost, "cost")?;
            let (rows, cols) = (rows.as_array().to_vec(), cols.as_array().to_vec());
            if rows.len() != costs.len() || cols.len() != costs.len() {
                return Err(invalid(
                    "cost",
                    "rows, cols and costs must have equal lengths",
                ));
            }
            let index = |name: &str, v: i64| {
                usize::try_from(v).map_err(|_| invalid(name, format!("index {v} is negative")))
            };
            let (n, m) = (index("shape", n)?, index("shape", m)?);
            let pairs = rows
                .iter()
                .zip(&cols)
                .zip(&costs)
                .map(|((&i, &j), &c)| Ok((index("rows", i)?, index("cols", j)?, c)))
                .collect::<PyResult<Vec<_>>>()?;
            CoverageSets::within_pairs(n, m, pairs, radius).py_err()?
        }
        _ => {
            return Err(invalid(
                "cost",
                "give rows, cols and shape together (a sparse matrix), or none (dense)",
            ))
        }
    };
    let indptr: Vec<i64> = std::iter::once(0)
        .chain((0..cov.n_sites()).scan(0, |end, j| {
            *end += cov.site(j).len() as i64;
            Some(*end)
        }))
        .collect();
    let indices: Vec<i64> = (0..cov.n_sites())
        .flat_map(|j| cov.site(j).iter().map(|&d| i64::from(d)))
        .collect();
    Ok((indptr.into_pyarray(py), indices.into_pyarray(py)))
}

/// A Python function per model on a dense demand × site cost matrix
/// (p-median, p-center), built by the core's rules for its [`ModelKind`] and
/// solved with the GIL released.
macro_rules! dense_model {
    ($(#[doc = $doc:literal])* $name:ident => $kind:ident) => {
        $(#[doc = $doc])*
        #[pyfunction]
        #[pyo3(signature = (cost, weights, p, fixed=None, time_limit=None, mip_gap=None, alternatives=None))]
        #[allow(clippy::too_many_arguments)]
        fn $name<'py>(
            py: Python<'py>,
            cost: &Bound<'py, PyAny>,
            weights: &Bound<'py, PyAny>,
            p: &Bound<'py, PyAny>,
            fixed: Option<&Bound<'py, PyAny>>,
            time_limit: Option<&Bound<'py, PyAny>>,
            mip_gap: Option<&Bound<'py, PyAny>>,
            alternatives: Option<&Bound<'py, PyAny>>,
        ) -> PyResult<solution::Solution> {
            let input = ModelInput {
                costs: cost_matrix(cost)?,
                weights: reals_1d(weights, "weights")?,
                p: Some(count(p, "p")?),
                radius: None,
                fixed: fixed.map_or(Ok(vec![]), |f| site_indices("fixed", f))?,
            };
            solved(py, time_limit, mip_gap, alternatives, move || {
                ModelKind::$kind.build(input)
            })
        }
    };
}

dense_model! {
    /// p-median on a dense demand × site cost matrix; `p` sites besides the
    /// `fixed` ones. Returns a `Solution`.
    solve_p_median => PMedian
}

dense_model! {
    /// p-center on a dense demand × site cost matrix.
    solve_p_center => PCenter
}

/// Maximal coverage on coverage sets given per site in CSR form (`indptr`,
/// `indices`: the demand points site `j` covers are `indices[indptr[j]:indptr[j+1]]`).
#[pyfunction]
#[pyo3(signature = (n_demand, indptr, indices, weights, p=None, fixed=None, costs=None, budget=None, time_limit=None, mip_gap=None, alternatives=None))]
#[allow(clippy::too_many_arguments)]
fn solve_mclp<'py>(
    py: Python<'py>,
    n_demand: &Bound<'py, PyAny>,
    indptr: PyReadonlyArray1<'py, i64>,
    indices: PyReadonlyArray1<'py, i64>,
    weights: &Bound<'py, PyAny>,
    p: Option<&Bound<'py, PyAny>>,
    fixed: Option<&Bound<'py, PyAny>>,
    costs: Option<&Bound<'py, PyAny>>,
    budget: Option<&Bound<'py, PyAny>>,
    time_limit: Option<&Bound<'py, PyAny>>,
    mip_gap: Option<&Bound<'py, PyAny>>,
    alternatives: Option<&Bound<'py, PyAny>>,
) -> PyResult<solution::Solution> {
    let p = p
        .filter(|v| !v.is_none())
        .map(|v| count(v, "p"))
        .transpose()?;
    let budget = real_or_none(budget, "budget")?;
    let costs = costs
        .filter(|v| !v.is_none())
        .map(|v| reals_1d(v, "costs"))
        .transpose()?;
    // Without a limit every site would open; costs without a budget would be ignored.
    if p.is_none() && budget.is_none() {
        return Err(invalid("p", "give p or a budget (or both)"));
    }
    if costs.is_some() && budget.is_none() {
        return Err(invalid("costs", "site costs only count with a budget"));
    }
    let cov = coverage_sets(n_demand, indptr, indices)?;
    let mut model = MaxCoverage::new(cov, reals_1d(weights, "weights")?)
        .py_err()?
        .fixed_open(fixed.map_or(Ok(vec![]), |f| site_indices("fixed", f))?)
        .py_err()?;
    if let Some(p) = p {
        model = model.new_sites(p).py_err()?;
    }
    if let Some(b) = budget {
        let n = model.coverage.n_sites();
        model = model
            .budget(costs.unwrap_or_else(|| vec![1.0; n]), b)
            .py_err()?;
    }
    solved(py, time_limit, mip_gap, alternatives, move || {
        Ok(Box::new(model))
    })
}

/// Set covering on coverage sets in CSR form (see `solve_mclp`).
#[pyfunction]
#[pyo3(signature = (n_demand, indptr, indices, costs=None, fixed=None, time_limit=None, mip_gap=None, alternatives=None))]
#[allow(clippy::too_many_arguments)]
fn solve_lscp<'py>(
    py: Python<'py>,
    n_demand: &Bound<'py, PyAny>,
    indptr: PyReadonlyArray1<'py, i64>,
    indices: PyReadonlyArray1<'py, i64>,
    costs: Option<&Bound<'py, PyAny>>,
    fixed: Option<&Bound<'py, PyAny>>,
    time_limit: Option<&Bound<'py, PyAny>>,
    mip_gap: Option<&Bound<'py, PyAny>>,
    alternatives: Option<&Bound<'py, PyAny>>,
) -> PyResult<solution::Solution> {
    let cov = coverage_sets(n_demand, indptr, indices)?;
    let mut model = SetCover::new(cov)
        .fixed_open(fixed.map_or(Ok(vec![]), |f| site_indices("fixed", f))?)
        .py_err()?;
    if let Some(c) = costs.filter(|v| !v.is_none()) {
        model = model.costs(reals_1d(c, "costs")?).py_err()?;
    }
    solved(py, time_limit, mip_gap, alternatives, move || {
        Ok(Box::new(model))
    })
}

/// A scenario: a file's path, or its keys as a dict (as in a file; relative
/// paths in it are relative to the working directory). Read through JSON, as
/// `serves` weights are, so that a dict meets the file format's rules.
fn scenario(source: &Bound<'_, PyAny>) -> PyResult<lifecircle::scenario::Scenario> {
    if source.is_instance_of::<pyo3::types::PyDict>() {
        let json: String = source
            .py()
            .import("json")?
            .call_method1("dumps", (source,))
            .map_err(|e| invalid("scenario", format!("not JSON-like: {e}")))?
            .extract()?;
        return serde_json::from_str(&json)
            .map_err(|e| invalid("scenario", format!("not a scenario: {e}")));
    }
    let path = convert::path(source, "path")?;
    lifecircle::scenario::Scenario::from_file(&path).py_err()
}

/// Runs a scenario (a file's path, or a dict of its keys) end to end (see the Rust
/// `scenario` module); returns the typed report with its geometry.
#[pyfunction]
fn run_scenario(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<reports::PlanRun> {
    let scenario = scenario(path)?;
    let run = interruptible(py, move || scenario.run())?;
    Ok(reports::PlanRun(std::sync::Arc::new(run)))
}

/// Gaps per zone and category of a scenario (a file's path, or a dict; its
/// plan is not run); returns the typed report.
#[pyfunction]
fn scenario_gaps(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<reports::GapsRun> {
    let scenario = scenario(path)?;
    let gaps = interruptible(py, move || scenario.gaps())?;
    Ok(reports::GapsRun(std::sync::Arc::new(gaps)))
}

/// The built-in catalogue, or a file's.
fn catalogue(
    path: Option<&Bound<'_, PyAny>>,
    name: &str,
) -> PyResult<lifecircle::services::Catalogue> {
    Ok(match path_or_none(path, name)? {
        Some(p) => lifecircle::services::Catalogue::from_file(p).py_err()?,
        None => lifecircle::services::Catalogue::default(),
    })
}

/// A service catalogue as a JSON string: the built-in one, or a file's.
#[pyfunction]
#[pyo3(signature = (path=None))]
fn service_catalogue(path: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    let catalogue = catalogue(path, "path")?;
    Ok(serde_json::to_string(&catalogue.services).expect("catalogue serialises"))
}

/// Which points of interest (their tags, as `read_pbf` gives them) are
/// facilities of the catalogue's service `service` (the built-in catalogue,
/// or a file's), by the rule a scenario applies to its OSM facilities.
#[pyfunction]
#[pyo3(signature = (service, tags, catalogue=None))]
fn facility_matches(
    service: &str,
    tags: Vec<Vec<(String, String)>>,
    catalogue: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<bool>> {
    let catalogue = self::catalogue(catalogue, "catalogue")?;
    let svc = catalogue.get(service).py_err()?;
    Ok(tags
        .into_iter()
        .map(|tags| {
            let poi = lifecircle::network::Poi {
                osm_id: 0,
                is_way: false,
                lon: 0.0,
                lat: 0.0,
                tags,
            };
            svc.matches(&poi)
        })
        .collect())
}

/// The variants of a scenario file as `(name, scenario JSON)` pairs: plain
/// strings with absolute paths, ready to pickle and ship to other processes.
/// More than `max_variants` (default: the file's, else 1000) are refused
/// before any is built.
#[pyfunction]
#[pyo3(signature = (path, max_variants=None))]
fn scenario_variants(
    path: &Bound<'_, PyAny>,
    max_variants: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<(String, String)>> {
    let path = convert::path(path, "path")?;
    let max_variants = max_variants.map(|m| count(m, "max_variants")).transpose()?;
    let comparison =
        lifecircle::scenario::variants::Comparison::from_file(&path, max_variants).py_err()?;
    comparison
        .variants()
        .map(|v| {
            let v = v.py_err()?;
            let json = serde_json::to_string(&v.scenario).expect("scenarios serialise");
            Ok((v.name, json))
        })
        .collect()
}

/// Runs one variant (a scenario as JSON, from `scenario_variants`); returns
/// its outcome (its plan or its error) with its comparison rows. A failed
/// plan is an outcome, not an exception, as in `lifecircle compare`.
#[pyfunction]
fn run_variant(
    py: Python<'_>,
    name: String,
    scenario_json: String,
) -> PyResult<reports::VariantRun> {
    use lifecircle::outcome::{VariantOutcome, VariantResult};
    let scenario: lifecircle::scenario::Scenario = serde_json::from_str(&scenario_json)
        .map_err(|e| invalid("scenario", format!("not a scenario in JSON: {e}")))?;
    // An interrupted variant raises KeyboardInterrupt rather than becoming a failed row.
    let result = interruptible(py, move || match scenario.run() {
        Ok(report) => Ok(VariantResult::Plan(Box::new(report))),
        Err(lifecircle::Error::Interrupted) => Err(lifecircle::Error::Interrupted),
        Err(e) => Ok(VariantResult::Error(e.to_string())),
    })?;
    Ok(reports::VariantRun(VariantOutcome { name, result }))
}

/// The rule for a real-number argument (see `convert::real`), for the Python layer.
#[pyfunction]
fn real_number(value: &Bound<'_, PyAny>, name: &str) -> PyResult<f64> {
    real(value, name)
}

/// The rule for a count argument (see `convert::count`), for the Python layer.
#[pyfunction]
fn whole_count(value: &Bound<'_, PyAny>, name: &str) -> PyResult<usize> {
    count(value, name)
}

/// The rule for an array of real numbers (see `convert::reals`), for the Python layer.
#[pyfunction]
fn real_array<'py>(value: &Bound<'py, PyAny>, name: &str) -> PyResult<Bound<'py, PyArrayDyn<f64>>> {
    reals(value, name)
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<network::Network>()?;
    m.add_class::<demand::DemandPoints>()?;
    m.add_function(wrap_pyfunction!(network::read_pbf, m)?)?;
    solution::register(m)?;
    joint::register(m)?;
    alternatives::register(m)?;
    assign::register(m)?;
    reports::register(m)?;
    m.add_function(wrap_pyfunction!(solve_p_median, m)?)?;
    m.add_function(wrap_pyfunction!(solve_p_center, m)?)?;
    m.add_function(wrap_pyfunction!(solve_mclp, m)?)?;
    m.add_function(wrap_pyfunction!(solve_lscp, m)?)?;
    m.add_function(wrap_pyfunction!(run_scenario, m)?)?;
    m.add_function(wrap_pyfunction!(scenario_gaps, m)?)?;
    m.add_function(wrap_pyfunction!(scenario_variants, m)?)?;
    m.add_function(wrap_pyfunction!(run_variant, m)?)?;
    m.add_function(wrap_pyfunction!(service_catalogue, m)?)?;
    m.add_function(wrap_pyfunction!(facility_matches, m)?)?;
    access::register(m)?;
    allocate::register(m)?;
    reach::register(m)?;
    m.add_function(wrap_pyfunction!(coverage_within, m)?)?;
    m.add_function(wrap_pyfunction!(real_number, m)?)?;
    m.add_function(wrap_pyfunction!(whole_count, m)?)?;
    m.add_function(wrap_pyfunction!(real_array, m)?)?;
    Ok(())
}

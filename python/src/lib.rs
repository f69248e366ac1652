//! `lifecircle._core`: the compiled half of the Python package. A thin adapter:
//! arrays in, plain data to the core crate, dicts and arrays out. Every error
//! becomes a Python exception of `lifecircle.errors`; heavy work runs with the
//! GIL released.

use numpy::{IntoPyArray, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use lifecircle::model::{CostMatrix, CoverageSets, MaxCoverage, PCenter, PMedian, SetCover};
use lifecircle::network::{
    self, check_lon_lat, NetworkBuilder, Node, Snapped, Snapper, ATTACH_NODES, ATTACH_SLACK_M,
};
use lifecircle::solve::{Solution, SolveOptions};
use lifecircle::travel::TravelTimes;
use lifecircle::Error;

/// A numpy array of integers (ids, indices) handed to Python.
type Ints<'py> = Bound<'py, numpy::PyArray1<i64>>;
/// A numpy array of floats handed to Python.
type Floats<'py> = Bound<'py, numpy::PyArray1<f64>>;

/// Raises the matching exception class of `lifecircle.errors`.
fn to_py(e: Error) -> PyErr {
    Python::attach(|py| {
        let class = match &e {
            Error::Io { .. } | Error::Pbf { .. } => "DataFileError",
            Error::Infeasible { .. } => "InfeasibleError",
            Error::Solver(_) => "SolverError",
            _ => "InvalidInputError",
        };
        let made = (|| -> PyResult<PyErr> {
            let cls = py.import("lifecircle.errors")?.getattr(class)?;
            let exc = cls.call1((e.to_string(),))?;
            if let Error::Infeasible { demand, .. } = &e {
                exc.setattr("demand", demand.clone())?;
            }
            Ok(PyErr::from_value(exc))
        })();
        made.unwrap_or_else(|err| err)
    })
}

trait OrPy<T> {
    fn py_err(self) -> PyResult<T>;
}
impl<T> OrPy<T> for lifecircle::Result<T> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}

fn invalid(name: &str, message: impl Into<String>) -> PyErr {
    to_py(Error::InvalidParameter {
        name: name.into(),
        message: message.into(),
    })
}

/// Counts and indices arrive as signed ints so that a negative one gets a
/// message naming it rather than pyo3's bare "can't convert negative int to unsigned".
fn count(name: &str, value: i64) -> PyResult<usize> {
    usize::try_from(value).map_err(|_| invalid(name, format!("must be >= 0, got {value}")))
}

fn site_indices(name: &str, values: Vec<i64>) -> PyResult<Vec<usize>> {
    values
        .into_iter()
        .map(|j| {
            usize::try_from(j).map_err(|_| invalid(name, format!("site index {j} is negative")))
        })
        .collect()
}

fn same_len(name: &str, a: usize, b: usize) -> PyResult<()> {
    if a == b {
        Ok(())
    } else {
        Err(invalid(name, format!("{a} longitudes but {b} latitudes")))
    }
}

fn options(time_limit: Option<f64>, mip_gap: f64) -> PyResult<SolveOptions> {
    let o = SolveOptions::new().mip_gap(mip_gap).py_err()?;
    match time_limit {
        Some(t) => o.time_limit(t).py_err(),
        None => Ok(o),
    }
}

/// Solves with the GIL released and hands the solution back as a dict.
fn solved<'py>(
    py: Python<'py>,
    time_limit: Option<f64>,
    mip_gap: f64,
    solve: impl FnOnce(&SolveOptions) -> lifecircle::Result<Solution> + Send,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = options(time_limit, mip_gap)?;
    let s = py.detach(|| solve(&opts)).py_err()?;
    solution_dict(py, &s)
}

fn solution_dict<'py>(py: Python<'py>, s: &Solution) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("objective", s.objective)?;
    d.set_item("bound", s.bound)?;
    d.set_item("gap", s.gap)?;
    d.set_item("status", s.status.to_string())?;
    d.set_item("sites", s.sites.clone())?;
    let t = PyDict::new(py);
    t.set_item("presolve", s.timings.presolve_s)?;
    t.set_item("heuristic", s.timings.heuristic_s)?;
    t.set_item("mip", s.timings.mip_s)?;
    t.set_item("total", s.timings.total_s)?;
    d.set_item("timings", t)?;
    let p = PyDict::new(py);
    p.set_item("demand_before", s.presolve.demand_before)?;
    p.set_item("demand_after", s.presolve.demand_after)?;
    p.set_item("sites_before", s.presolve.sites_before)?;
    p.set_item("sites_after", s.presolve.sites_after)?;
    d.set_item("presolve", p)?;
    Ok(d)
}

fn cost_matrix(cost: PyReadonlyArray2<'_, f64>) -> PyResult<CostMatrix> {
    let a = cost.as_array();
    let (n, m) = a.dim();
    CostMatrix::new(n, m, a.iter().copied().collect()).py_err()
}

fn coverage_sets(
    n_demand: i64,
    indptr: PyReadonlyArray1<'_, i64>,
    indices: PyReadonlyArray1<'_, i64>,
) -> PyResult<CoverageSets> {
    let n_demand = count("n_demand", n_demand)?;
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

/// The inputs of the dense models (p-median, p-center) as the models take them.
fn dense_inputs(
    cost: PyReadonlyArray2<'_, f64>,
    weights: PyReadonlyArray1<'_, f64>,
    p: i64,
    fixed: Vec<i64>,
) -> PyResult<(CostMatrix, Vec<f64>, usize, Vec<usize>)> {
    Ok((
        cost_matrix(cost)?,
        weights.as_array().to_vec(),
        count("p", p)?,
        site_indices("fixed", fixed)?,
    ))
}

/// p-median on a dense demand × site cost matrix. Returns a dict with
/// objective, bound, gap, status, sites, timings, presolve.
#[pyfunction]
#[pyo3(signature = (cost, weights, p, fixed=vec![], time_limit=None, mip_gap=0.0))]
fn solve_p_median<'py>(
    py: Python<'py>,
    cost: PyReadonlyArray2<'py, f64>,
    weights: PyReadonlyArray1<'py, f64>,
    p: i64,
    fixed: Vec<i64>,
    time_limit: Option<f64>,
    mip_gap: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let (cost, weights, p, fixed) = dense_inputs(cost, weights, p, fixed)?;
    let model = PMedian::new(cost, weights, p)
        .py_err()?
        .fixed_open(fixed)
        .py_err()?;
    solved(py, time_limit, mip_gap, |o| model.solve(o))
}

/// p-center on a dense demand × site cost matrix.
#[pyfunction]
#[pyo3(signature = (cost, weights, p, fixed=vec![], time_limit=None, mip_gap=0.0))]
fn solve_p_center<'py>(
    py: Python<'py>,
    cost: PyReadonlyArray2<'py, f64>,
    weights: PyReadonlyArray1<'py, f64>,
    p: i64,
    fixed: Vec<i64>,
    time_limit: Option<f64>,
    mip_gap: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let (cost, weights, p, fixed) = dense_inputs(cost, weights, p, fixed)?;
    let model = PCenter::new(cost, weights, p)
        .py_err()?
        .fixed_open(fixed)
        .py_err()?;
    solved(py, time_limit, mip_gap, |o| model.solve(o))
}

/// Maximal coverage on coverage sets given per site in CSR form (`indptr`,
/// `indices`: the demand points site `j` covers are `indices[indptr[j]:indptr[j+1]]`).
#[pyfunction]
#[pyo3(signature = (n_demand, indptr, indices, weights, p=None, fixed=vec![], costs=None, budget=None, time_limit=None, mip_gap=0.0))]
#[allow(clippy::too_many_arguments)]
fn solve_mclp<'py>(
    py: Python<'py>,
    n_demand: i64,
    indptr: PyReadonlyArray1<'py, i64>,
    indices: PyReadonlyArray1<'py, i64>,
    weights: PyReadonlyArray1<'py, f64>,
    p: Option<i64>,
    fixed: Vec<i64>,
    costs: Option<Vec<f64>>,
    budget: Option<f64>,
    time_limit: Option<f64>,
    mip_gap: f64,
) -> PyResult<Bound<'py, PyDict>> {
    // Without a limit every site would open; costs without a budget would be ignored.
    if p.is_none() && budget.is_none() {
        return Err(invalid("p", "give p or a budget (or both)"));
    }
    if costs.is_some() && budget.is_none() {
        return Err(invalid("costs", "site costs only count with a budget"));
    }
    let cov = coverage_sets(n_demand, indptr, indices)?;
    let mut model = MaxCoverage::new(cov, weights.as_array().to_vec())
        .py_err()?
        .fixed_open(site_indices("fixed", fixed)?)
        .py_err()?;
    if let Some(p) = p {
        model = model.new_sites(count("p", p)?).py_err()?;
    }
    if let Some(b) = budget {
        let n = model.coverage.n_sites();
        model = model
            .budget(costs.unwrap_or_else(|| vec![1.0; n]), b)
            .py_err()?;
    }
    solved(py, time_limit, mip_gap, |o| model.solve(o))
}

/// Set covering on coverage sets in CSR form (see `solve_mclp`).
#[pyfunction]
#[pyo3(signature = (n_demand, indptr, indices, costs=None, fixed=vec![], time_limit=None, mip_gap=0.0))]
#[allow(clippy::too_many_arguments)]
fn solve_lscp<'py>(
    py: Python<'py>,
    n_demand: i64,
    indptr: PyReadonlyArray1<'py, i64>,
    indices: PyReadonlyArray1<'py, i64>,
    costs: Option<Vec<f64>>,
    fixed: Vec<i64>,
    time_limit: Option<f64>,
    mip_gap: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let cov = coverage_sets(n_demand, indptr, indices)?;
    let mut model = SetCover::new(cov)
        .fixed_open(site_indices("fixed", fixed)?)
        .py_err()?;
    if let Some(c) = costs {
        model = model.costs(c).py_err()?;
    }
    solved(py, time_limit, mip_gap, |o| model.solve(o))
}

/// A walking network (undirected, edge lengths in metres).
#[pyclass(module = "lifecircle._core", frozen)]
struct Network {
    inner: network::Network,
}

#[pymethods]
impl Network {
    /// Builds a network from node ids with coordinates and edges between ids;
    /// `lengths` (metres) default to geodesic distances. Only the largest
    /// connected component is kept. Ids must be unique and coordinates WGS 84
    /// degrees.
    #[staticmethod]
    #[pyo3(signature = (ids, lons, lats, sources, targets, lengths=None))]
    fn from_edges(
        py: Python<'_>,
        ids: PyReadonlyArray1<'_, i64>,
        lons: PyReadonlyArray1<'_, f64>,
        lats: PyReadonlyArray1<'_, f64>,
        sources: PyReadonlyArray1<'_, i64>,
        targets: PyReadonlyArray1<'_, i64>,
        lengths: Option<PyReadonlyArray1<'_, f64>>,
    ) -> PyResult<Self> {
        let (ids, lons, lats) = (
            ids.as_array().to_vec(),
            lons.as_array().to_vec(),
            lats.as_array().to_vec(),
        );
        let (src, dst) = (sources.as_array().to_vec(), targets.as_array().to_vec());
        let lengths = lengths.map(|l| l.as_array().to_vec());
        if lons.len() != ids.len()
            || lats.len() != ids.len()
            || dst.len() != src.len()
            || lengths.as_ref().is_some_and(|l| l.len() != src.len())
        {
            return Err(invalid(
                "network",
                "ids/lons/lats and sources/targets/lengths must have equal lengths",
            ));
        }
        let inner = py
            .detach(|| -> lifecircle::Result<network::Network> {
                let mut b = NetworkBuilder::new();
                for ((&id, &lon), &lat) in ids.iter().zip(&lons).zip(&lats) {
                    b.add_node(Node { id, lon, lat });
                }
                for (k, (&a, &c)) in src.iter().zip(&dst).enumerate() {
                    match &lengths {
                        Some(l) => b.add_edge_with_length(a, c, l[k])?,
                        None => b.add_edge(a, c).map(|_| ())?,
                    }
                }
                b.build()
            })
            .py_err()?;
        Ok(Self { inner })
    }

    /// Number of nodes.
    #[getter]
    fn node_count(&self) -> usize {
        self.inner.node_count()
    }

    /// Number of edges.
    #[getter]
    fn edge_count(&self) -> usize {
        self.inner.edge_count()
    }

    /// Total edge length in metres.
    #[getter]
    fn total_length_m(&self) -> f64 {
        self.inner.total_length_m()
    }

    /// Node ids, longitudes and latitudes (numpy arrays, in node-index order).
    fn nodes<'py>(&self, py: Python<'py>) -> (Ints<'py>, Floats<'py>, Floats<'py>) {
        let nodes: Vec<Node> = self.inner.nodes().collect();
        (
            nodes
                .iter()
                .map(|n| n.id)
                .collect::<Vec<_>>()
                .into_pyarray(py),
            nodes
                .iter()
                .map(|n| n.lon)
                .collect::<Vec<_>>()
                .into_pyarray(py),
            nodes
                .iter()
                .map(|n| n.lat)
                .collect::<Vec<_>>()
                .into_pyarray(py),
        )
    }

    /// Edges as (source id, target id, length in metres) arrays.
    fn edges<'py>(&self, py: Python<'py>) -> (Ints<'py>, Ints<'py>, Floats<'py>) {
        let g = self.inner.graph();
        let (mut a, mut b, mut l) = (Vec::new(), Vec::new(), Vec::new());
        for e in g.edge_indices() {
            let (s, t) = g.edge_endpoints(e).expect("edge exists");
            a.push(g[s].id);
            b.push(g[t].id);
            l.push(g[e]);
        }
        (a.into_pyarray(py), b.into_pyarray(py), l.into_pyarray(py))
    }

    /// Nearest node index and distance in metres for each point (WGS 84 degrees).
    fn snap<'py>(
        &self,
        py: Python<'py>,
        lons: PyReadonlyArray1<'py, f64>,
        lats: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<(Ints<'py>, Floats<'py>)> {
        let (lons, lats) = (lons.as_array().to_vec(), lats.as_array().to_vec());
        same_len("points", lons.len(), lats.len())?;
        let snapper = Snapper::new(&self.inner);
        let snapped = py
            .detach(|| -> lifecircle::Result<Vec<Snapped>> {
                lons.iter()
                    .zip(&lats)
                    .enumerate()
                    .map(|(i, (&x, &y))| {
                        check_lon_lat(&format!("point {i}"), x, y)?;
                        Ok(snapper.nearest(x, y).expect("a built network has nodes"))
                    })
                    .collect()
            })
            .py_err()?;
        let node = snapped.iter().map(|s| s.node as i64).collect::<Vec<_>>();
        let dist = snapped.iter().map(|s| s.offset_m).collect::<Vec<_>>();
        Ok((node.into_pyarray(py), dist.into_pyarray(py)))
    }

    /// Walking seconds from sites to demand points up to `limit_s`, as COO
    /// arrays (site row, demand column, seconds). Points (WGS 84 degrees) are
    /// attached to their nearest nodes (as in the Rust pipeline) and the
    /// straight-line distance to the node is walked too.
    #[pyo3(signature = (site_lons, site_lats, demand_lons, demand_lats, speed_m_s, limit_s))]
    #[allow(clippy::too_many_arguments)]
    fn travel_times<'py>(
        &self,
        py: Python<'py>,
        site_lons: PyReadonlyArray1<'py, f64>,
        site_lats: PyReadonlyArray1<'py, f64>,
        demand_lons: PyReadonlyArray1<'py, f64>,
        demand_lats: PyReadonlyArray1<'py, f64>,
        speed_m_s: f64,
        limit_s: f64,
    ) -> PyResult<(Ints<'py>, Ints<'py>, Floats<'py>)> {
        let snap_all =
            |lons: &[f64], lats: &[f64], what: &str| -> lifecircle::Result<Vec<Vec<Snapped>>> {
                let snapper = Snapper::new(&self.inner);
                lons.iter()
                    .zip(lats)
                    .enumerate()
                    .map(|(i, (&x, &y))| {
                        check_lon_lat(&format!("{what} {i}"), x, y)?;
                        Ok(snapper.attach(x, y, ATTACH_NODES, ATTACH_SLACK_M))
                    })
                    .collect()
            };
        let (sl, sa) = (site_lons.as_array().to_vec(), site_lats.as_array().to_vec());
        let (dl, da) = (
            demand_lons.as_array().to_vec(),
            demand_lats.as_array().to_vec(),
        );
        same_len("sites", sl.len(), sa.len())?;
        same_len("demand", dl.len(), da.len())?;
        let (rows, cols, secs) = py
            .detach(|| -> lifecircle::Result<_> {
                let sites = snap_all(&sl, &sa, "site")?;
                let demand = snap_all(&dl, &da, "demand point")?;
                let tt = TravelTimes::compute(&self.inner, &sites, &demand, speed_m_s, limit_s)?;
                let (mut r, mut c, mut s) = (
                    Vec::with_capacity(tt.nnz()),
                    Vec::with_capacity(tt.nnz()),
                    Vec::with_capacity(tt.nnz()),
                );
                for j in 0..tt.n_sites() {
                    for (d, t) in tt.row(j) {
                        r.push(j as i64);
                        c.push(d as i64);
                        s.push(t);
                    }
                }
                Ok((r, c, s))
            })
            .py_err()?;
        Ok((
            rows.into_pyarray(py),
            cols.into_pyarray(py),
            secs.into_pyarray(py),
        ))
    }

    /// Pickling: a network is rebuilt from its nodes and edges.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let this = slf.get();
        let (ids, lons, lats) = this.nodes(py);
        let (a, b, l) = this.edges(py);
        let ctor = py.get_type::<Network>().getattr("from_edges")?;
        let args = (ids, lons, lats, a, b, l).into_pyobject(py)?.into_any();
        Ok((ctor, args))
    }

    fn __repr__(&self) -> String {
        format!(
            "Network({} nodes, {} edges, {:.1} km)",
            self.inner.node_count(),
            self.inner.edge_count(),
            self.inner.total_length_m() / 1000.0
        )
    }
}

/// Reads an OSM PBF file: the walking network and its points of interest
/// (list of dicts with osm_id, is_way, lon, lat, tags) and element counts.
#[pyfunction]
fn read_pbf<'py>(
    py: Python<'py>,
    path: std::path::PathBuf,
) -> PyResult<(Network, Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let data = py.detach(|| network::read_pbf(&path)).py_err()?;
    let json = py.import("json")?;
    let pois = json.call_method1(
        "loads",
        (serde_json::to_string(&data.pois).expect("pois serialise"),),
    )?;
    let stats = json.call_method1(
        "loads",
        (serde_json::to_string(&data.stats).expect("stats serialise"),),
    )?;
    Ok((
        Network {
            inner: data.network,
        },
        pois,
        stats,
    ))
}

/// Runs a scenario file end to end (see the Rust `scenario` module); returns
/// the report as a JSON string, with the per-demand-point outcomes and the
/// street segments (`streets`: `[[lon, lat], [lon, lat]]` per edge) included.
#[pyfunction]
fn run_scenario(py: Python<'_>, path: std::path::PathBuf) -> PyResult<String> {
    let report = py
        .detach(|| -> lifecircle::Result<_> {
            let scenario = lifecircle::scenario::Scenario::from_file(&path)?;
            scenario.run()
        })
        .py_err()?;
    Ok(plan_json(&report).to_string())
}

/// A plan report as Python's `PlanReport` reads it: the report with the
/// per-demand-point outcomes, the street segments and the plan's GeoJSON.
fn plan_json(report: &lifecircle::scenario::PlanReport) -> serde_json::Value {
    let mut v = serde_json::to_value(report).expect("reports serialise");
    v["demand_points"] = serde_json::to_value(&report.demand_points).expect("outcomes serialise");
    v["streets"] = serde_json::to_value(&report.streets).expect("segments serialise");
    v["geojson"] = lifecircle::report::plan_geojson(report);
    v
}

/// Gaps per zone and category of a scenario file (its plan is not run);
/// returns the report as a JSON string.
#[pyfunction]
fn scenario_gaps(py: Python<'_>, path: std::path::PathBuf) -> PyResult<String> {
    let report = py
        .detach(|| lifecircle::scenario::Scenario::from_file(&path)?.gaps())
        .py_err()?;
    let mut v = serde_json::to_value(&report).expect("reports serialise");
    v["geojson"] = lifecircle::report::gaps_geojson(&report);
    Ok(v.to_string())
}

/// A service catalogue as a JSON string: the built-in one, or a file's.
#[pyfunction]
#[pyo3(signature = (path=None))]
fn service_catalogue(path: Option<std::path::PathBuf>) -> PyResult<String> {
    let catalogue = match path {
        Some(p) => lifecircle::services::Catalogue::from_file(p).py_err()?,
        None => lifecircle::services::Catalogue::default(),
    };
    Ok(serde_json::to_string(&catalogue.services).expect("catalogue serialises"))
}

/// The variants of a scenario file as `(name, scenario JSON)` pairs: plain
/// strings with absolute paths, ready to pickle and ship to other processes.
/// More than `max_variants` (default: the file's, else 1000) are refused
/// before any is built.
#[pyfunction]
#[pyo3(signature = (path, max_variants=None))]
fn scenario_variants(
    path: std::path::PathBuf,
    max_variants: Option<usize>,
) -> PyResult<Vec<(String, String)>> {
    let comparison = lifecircle::compare::Comparison::from_file(&path, max_variants).py_err()?;
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
/// its outcome (`plan`, as `run_scenario` gives it, or `error`) and its
/// comparison rows as JSON. A failed
/// plan is an outcome, not an exception, as in `lifecircle compare`.
#[pyfunction]
fn run_variant(py: Python<'_>, name: String, scenario_json: String) -> PyResult<String> {
    use lifecircle::compare::{comparison_rows, VariantOutcome, VariantResult};
    let scenario: lifecircle::scenario::Scenario = serde_json::from_str(&scenario_json)
        .map_err(|e| invalid("scenario", format!("not a scenario in JSON: {e}")))?;
    let result = py.detach(|| match scenario.run() {
        Ok(report) => VariantResult::Plan(Box::new(report)),
        Err(e) => VariantResult::Error(e.to_string()),
    });
    let outcome = VariantOutcome { name, result };
    let rows = comparison_rows(std::slice::from_ref(&outcome));
    let mut json = serde_json::to_value(&outcome).expect("outcomes serialise");
    if let VariantResult::Plan(report) = &outcome.result {
        json["plan"] = plan_json(report);
    }
    Ok(serde_json::json!({"outcome": json, "rows": rows}).to_string())
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Network>()?;
    m.add_function(wrap_pyfunction!(read_pbf, m)?)?;
    m.add_function(wrap_pyfunction!(solve_p_median, m)?)?;
    m.add_function(wrap_pyfunction!(solve_p_center, m)?)?;
    m.add_function(wrap_pyfunction!(solve_mclp, m)?)?;
    m.add_function(wrap_pyfunction!(solve_lscp, m)?)?;
    m.add_function(wrap_pyfunction!(run_scenario, m)?)?;
    m.add_function(wrap_pyfunction!(scenario_gaps, m)?)?;
    m.add_function(wrap_pyfunction!(scenario_variants, m)?)?;
    m.add_function(wrap_pyfunction!(run_variant, m)?)?;
    m.add_function(wrap_pyfunction!(service_catalogue, m)?)?;
    Ok(())
}

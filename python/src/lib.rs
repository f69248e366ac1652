//! `lifecircle._core`: the compiled half of the Python package. A thin adapter:
//! arrays in, plain data to the core crate, dicts and arrays out. Arguments are
//! read by the rules of [`convert`], every error becomes a Python exception of
//! `lifecircle.errors` ([`error`]), and heavy work runs with the GIL released
//! and Ctrl-C heard ([`gil`]).

mod convert;
mod error;
mod gil;

use std::sync::Arc;

use numpy::{IntoPyArray, PyArrayDyn, PyArrayMethods, PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use lifecircle::model::{CostMatrix, CoverageSets, MaxCoverage, ModelInput, ModelKind, SetCover};
use lifecircle::network::{
    self, check_lon_lat, NetworkBuilder, Node, Snapped, Snapper, ATTACH_NODES, ATTACH_SLACK_M,
};
use lifecircle::solve::{Solution, SolveOptions};
use lifecircle::travel::TravelTimes;

use convert::{count, path_or_none, real, real_or_none, reals, reals_1d};
use error::{invalid, OrPy};
use gil::interruptible;

// Accessibility indices: their own file, registered at the end of `_core`.
mod access;

/// A numpy array of integers (ids, indices) handed to Python.
type Ints<'py> = Bound<'py, numpy::PyArray1<i64>>;
/// A numpy array of floats handed to Python.
type Floats<'py> = Bound<'py, numpy::PyArray1<f64>>;

fn site_indices(name: &str, values: &Bound<'_, PyAny>) -> PyResult<Vec<usize>> {
    values.try_iter()?.map(|j| count(&j?, name)).collect()
}

fn same_len(name: &str, a: usize, b: usize) -> PyResult<()> {
    if a == b {
        Ok(())
    } else {
        Err(invalid(name, format!("{a} longitudes but {b} latitudes")))
    }
}

fn options(
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

/// Solves with the GIL released and hands the solution back as a dict.
fn solved<'py>(
    py: Python<'py>,
    time_limit: Option<&Bound<'py, PyAny>>,
    mip_gap: Option<&Bound<'py, PyAny>>,
    solve: impl FnOnce(&SolveOptions) -> lifecircle::Result<Solution> + Send + 'static,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = options(time_limit, mip_gap)?;
    let s = interruptible(py, move || solve(&opts))?;
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

fn cost_matrix(cost: &Bound<'_, PyAny>) -> PyResult<CostMatrix> {
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
    let (n, m) = (a.shape()[0], a.shape()[1]);
    CostMatrix::new(n, m, a.readonly().as_array().iter().copied().collect()).py_err()
}

fn coverage_sets(
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

/// Builds and solves a dense model (p-median, p-center) by the core's rules,
/// with the GIL released.
#[allow(clippy::too_many_arguments)]
fn solve_dense<'py>(
    py: Python<'py>,
    kind: ModelKind,
    cost: &Bound<'py, PyAny>,
    weights: &Bound<'py, PyAny>,
    p: &Bound<'py, PyAny>,
    fixed: Option<&Bound<'py, PyAny>>,
    time_limit: Option<&Bound<'py, PyAny>>,
    mip_gap: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let input = ModelInput {
        costs: cost_matrix(cost)?,
        weights: reals_1d(weights, "weights")?,
        p: Some(count(p, "p")?),
        radius: None,
        fixed: fixed.map_or(Ok(vec![]), |f| site_indices("fixed", f))?,
    };
    solved(py, time_limit, mip_gap, move |o| kind.solve(input, o))
}

/// p-median on a dense demand × site cost matrix. Returns a dict with
/// objective, bound, gap, status, sites, timings, presolve.
#[pyfunction]
#[pyo3(signature = (cost, weights, p, fixed=None, time_limit=None, mip_gap=None))]
fn solve_p_median<'py>(
    py: Python<'py>,
    cost: &Bound<'py, PyAny>,
    weights: &Bound<'py, PyAny>,
    p: &Bound<'py, PyAny>,
    fixed: Option<&Bound<'py, PyAny>>,
    time_limit: Option<&Bound<'py, PyAny>>,
    mip_gap: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let kind = ModelKind::PMedian;
    solve_dense(py, kind, cost, weights, p, fixed, time_limit, mip_gap)
}

/// p-center on a dense demand × site cost matrix.
#[pyfunction]
#[pyo3(signature = (cost, weights, p, fixed=None, time_limit=None, mip_gap=None))]
fn solve_p_center<'py>(
    py: Python<'py>,
    cost: &Bound<'py, PyAny>,
    weights: &Bound<'py, PyAny>,
    p: &Bound<'py, PyAny>,
    fixed: Option<&Bound<'py, PyAny>>,
    time_limit: Option<&Bound<'py, PyAny>>,
    mip_gap: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let kind = ModelKind::PCenter;
    solve_dense(py, kind, cost, weights, p, fixed, time_limit, mip_gap)
}

/// Maximal coverage on coverage sets given per site in CSR form (`indptr`,
/// `indices`: the demand points site `j` covers are `indices[indptr[j]:indptr[j+1]]`).
#[pyfunction]
#[pyo3(signature = (n_demand, indptr, indices, weights, p=None, fixed=None, costs=None, budget=None, time_limit=None, mip_gap=None))]
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
) -> PyResult<Bound<'py, PyDict>> {
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
    solved(py, time_limit, mip_gap, move |o| model.solve(o))
}

/// Set covering on coverage sets in CSR form (see `solve_mclp`).
#[pyfunction]
#[pyo3(signature = (n_demand, indptr, indices, costs=None, fixed=None, time_limit=None, mip_gap=None))]
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
) -> PyResult<Bound<'py, PyDict>> {
    let cov = coverage_sets(n_demand, indptr, indices)?;
    let mut model = SetCover::new(cov)
        .fixed_open(fixed.map_or(Ok(vec![]), |f| site_indices("fixed", f))?)
        .py_err()?;
    if let Some(c) = costs.filter(|v| !v.is_none()) {
        model = model.costs(reals_1d(c, "costs")?).py_err()?;
    }
    solved(py, time_limit, mip_gap, move |o| model.solve(o))
}

/// A walking network (undirected, edge lengths in metres).
#[pyclass(module = "lifecircle._core", frozen)]
struct Network {
    // Shared with the thread that computes on it, which may outlive an
    // interrupted call (`gil::interruptible`).
    inner: Arc<network::Network>,
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
        lons: &Bound<'_, PyAny>,
        lats: &Bound<'_, PyAny>,
        sources: PyReadonlyArray1<'_, i64>,
        targets: PyReadonlyArray1<'_, i64>,
        lengths: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let (ids, lons, lats) = (
            ids.as_array().to_vec(),
            reals_1d(lons, "lons")?,
            reals_1d(lats, "lats")?,
        );
        let (src, dst) = (sources.as_array().to_vec(), targets.as_array().to_vec());
        let lengths = lengths
            .filter(|l| !l.is_none())
            .map(|l| reals_1d(l, "lengths"))
            .transpose()?;
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
        let inner = interruptible(py, move || -> lifecircle::Result<network::Network> {
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
        })?;
        Ok(Self {
            inner: Arc::new(inner),
        })
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
        lons: &Bound<'py, PyAny>,
        lats: &Bound<'py, PyAny>,
    ) -> PyResult<(Ints<'py>, Floats<'py>)> {
        let (lons, lats) = (reals_1d(lons, "lons")?, reals_1d(lats, "lats")?);
        same_len("points", lons.len(), lats.len())?;
        let net = Arc::clone(&self.inner);
        let snapped = interruptible(py, move || -> lifecircle::Result<Vec<Snapped>> {
            let snapper = Snapper::new(&net);
            lons.iter()
                .zip(&lats)
                .enumerate()
                .map(|(i, (&x, &y))| {
                    check_lon_lat(&format!("point {i}"), x, y)?;
                    Ok(snapper.nearest(x, y).expect("a built network has nodes"))
                })
                .collect()
        })?;
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
        site_lons: &Bound<'py, PyAny>,
        site_lats: &Bound<'py, PyAny>,
        demand_lons: &Bound<'py, PyAny>,
        demand_lats: &Bound<'py, PyAny>,
        speed_m_s: &Bound<'py, PyAny>,
        limit_s: &Bound<'py, PyAny>,
    ) -> PyResult<(Ints<'py>, Ints<'py>, Floats<'py>)> {
        let snap_all = |net: &network::Network,
                        lons: &[f64],
                        lats: &[f64],
                        what: &str|
         -> lifecircle::Result<Vec<Vec<Snapped>>> {
            let snapper = Snapper::new(net);
            lons.iter()
                .zip(lats)
                .enumerate()
                .map(|(i, (&x, &y))| {
                    check_lon_lat(&format!("{what} {i}"), x, y)?;
                    Ok(snapper.attach(x, y, ATTACH_NODES, ATTACH_SLACK_M))
                })
                .collect()
        };
        let (sl, sa) = (
            reals_1d(site_lons, "site_lons")?,
            reals_1d(site_lats, "site_lats")?,
        );
        let (dl, da) = (
            reals_1d(demand_lons, "demand_lons")?,
            reals_1d(demand_lats, "demand_lats")?,
        );
        let (speed_m_s, limit_s) = (real(speed_m_s, "speed_m_s")?, real(limit_s, "limit_s")?);
        same_len("sites", sl.len(), sa.len())?;
        same_len("demand", dl.len(), da.len())?;
        let net = Arc::clone(&self.inner);
        let (rows, cols, secs) = interruptible(py, move || -> lifecircle::Result<_> {
            let sites = snap_all(&net, &sl, &sa, "site")?;
            let demand = snap_all(&net, &dl, &da, "demand point")?;
            let tt = TravelTimes::compute(&net, &sites, &demand, speed_m_s, limit_s)?;
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
        })?;
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
    path: &Bound<'py, PyAny>,
) -> PyResult<(Network, Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let path = convert::path(path, "path")?;
    let data = interruptible(py, move || network::read_pbf(&path))?;
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
            inner: Arc::new(data.network),
        },
        pois,
        stats,
    ))
}

/// Runs a scenario file end to end (see the Rust `scenario` module); returns
/// the report as a JSON string, with its geometry: the per-demand-point
/// outcomes and the street segments (`streets`: `[[lon, lat], [lon, lat]]`
/// per edge).
#[pyfunction]
fn run_scenario(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<String> {
    let path = convert::path(path, "path")?;
    let report = interruptible(py, move || {
        lifecircle::scenario::Scenario::from_file(&path)?.run()
    })?;
    Ok(plan_json(&report).to_string())
}

/// A plan as Python's `PlanReport` reads it: the report with its geometry
/// (the per-demand-point outcomes, the street segments) and its GeoJSON.
fn plan_json(
    plan: &lifecircle::outcome::Run<lifecircle::outcome::PlanReport>,
) -> serde_json::Value {
    let mut v = serde_json::to_value(plan).expect("plans serialise");
    v["geojson"] = lifecircle::report::plan_geojson(plan);
    v
}

/// Gaps per zone and category of a scenario file (its plan is not run);
/// returns the report as a JSON string.
#[pyfunction]
fn scenario_gaps(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<String> {
    let path = convert::path(path, "path")?;
    let gaps = interruptible(py, move || {
        lifecircle::scenario::Scenario::from_file(&path)?.gaps()
    })?;
    let mut v = serde_json::to_value(&gaps.report).expect("reports serialise");
    v["geojson"] = lifecircle::report::gaps_geojson(&gaps);
    Ok(v.to_string())
}

/// A service catalogue as a JSON string: the built-in one, or a file's.
#[pyfunction]
#[pyo3(signature = (path=None))]
fn service_catalogue(path: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    let catalogue = match path_or_none(path, "path")? {
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
/// its outcome (`plan`, as `run_scenario` gives it, or `error`) and its
/// comparison rows as JSON. A failed
/// plan is an outcome, not an exception, as in `lifecircle compare`.
#[pyfunction]
fn run_variant(py: Python<'_>, name: String, scenario_json: String) -> PyResult<String> {
    use lifecircle::outcome::{comparison_rows, VariantOutcome, VariantResult};
    let scenario: lifecircle::scenario::Scenario = serde_json::from_str(&scenario_json)
        .map_err(|e| invalid("scenario", format!("not a scenario in JSON: {e}")))?;
    // An interrupted variant raises KeyboardInterrupt rather than becoming a failed row.
    let result = interruptible(py, move || match scenario.run() {
        Ok(report) => Ok(VariantResult::Plan(Box::new(report))),
        Err(lifecircle::Error::Interrupted) => Err(lifecircle::Error::Interrupted),
        Err(e) => Ok(VariantResult::Error(e.to_string())),
    })?;
    let outcome = VariantOutcome { name, result };
    let rows = comparison_rows(std::slice::from_ref(&outcome));
    let mut json = serde_json::to_value(&outcome).expect("outcomes serialise");
    if let VariantResult::Plan(plan) = &outcome.result {
        json["plan"] = plan_json(plan);
    }
    Ok(serde_json::json!({"outcome": json, "rows": rows}).to_string())
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
    access::register(m)?;
    m.add_function(wrap_pyfunction!(coverage_within, m)?)?;
    m.add_function(wrap_pyfunction!(real_number, m)?)?;
    m.add_function(wrap_pyfunction!(whole_count, m)?)?;
    m.add_function(wrap_pyfunction!(real_array, m)?)?;
    Ok(())
}

//! Accessibility indices (`lifecircle.access`): the core's `access` stage
//! on numpy arrays. A matrix is built once from triplets; each index is one
//! function returning one value per demand point. And a scenario's access
//! stage (`lifecircle access`) as a typed report, [`AccessRun`].

use std::sync::Arc;

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;

use lifecircle::access::{self, AccessInput, Decay};
use lifecircle::outcome::{AccessReport, Run, ServiceAccess};
use lifecircle::travel::TravelTimes;
use pyo3::types::PyBytes;
use serde_json::{json, Value};

use crate::reports::{from_cbor, json_to_py, reduce};

use super::{count, interruptible, invalid, real, reals_1d, site_indices, Floats, Ints, OrPy};

/// Walking seconds from sites to demand points, sparse (pairs within `limit_s` only).
#[pyclass(frozen, module = "lifecircle._core")]
struct AccessMatrix {
    // Shared with the computing thread (see `gil::interruptible`).
    inner: Arc<TravelTimes>,
}

#[pymethods]
impl AccessMatrix {
    /// From `(site, demand point, seconds)` triplets, as `Network.travel_times` gives them.
    #[new]
    #[pyo3(signature = (sites, demand, seconds, n_sites, n_demand, limit_s))]
    fn new(
        sites: PyReadonlyArray1<'_, i64>,
        demand: PyReadonlyArray1<'_, i64>,
        seconds: PyReadonlyArray1<'_, f64>,
        n_sites: &Bound<'_, PyAny>,
        n_demand: &Bound<'_, PyAny>,
        limit_s: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let n_sites = count(n_sites, "n_sites")?;
        let n_demand = count(n_demand, "n_demand")?;
        let limit_s = real(limit_s, "limit_s")?;
        let s = indices("sites", sites)?;
        let d = indices("demand", demand)?;
        let inner = TravelTimes::from_triplets(
            n_sites,
            n_demand,
            limit_s,
            &s,
            &d,
            &seconds.as_array().to_vec(),
        )
        .py_err()?;
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    #[getter]
    fn n_sites(&self) -> usize {
        self.inner.n_sites()
    }

    #[getter]
    fn n_demand(&self) -> usize {
        self.inner.n_demand()
    }

    #[getter]
    fn limit_s(&self) -> f64 {
        self.inner.limit_s()
    }

    fn __repr__(&self) -> String {
        format!(
            "AccessMatrix(n_sites={}, n_demand={}, pairs={}, limit_s={})",
            self.inner.n_sites(),
            self.inner.n_demand(),
            self.inner.nnz(),
            self.inner.limit_s()
        )
    }
}

fn indices(name: &str, values: PyReadonlyArray1<'_, i64>) -> PyResult<Vec<usize>> {
    values
        .as_array()
        .iter()
        .map(|&i| usize::try_from(i).map_err(|_| invalid(name, format!("index {i} is negative"))))
        .collect()
}

/// A decay given as a dict (`{"kind": "gaussian", "cutoff_s": 900}`), read
/// by the core's serde types so that Python and TOML share one format, or
/// as the command line's text (`"gaussian:900"`).
pub(crate) fn decay(py: Python<'_>, spec: &Bound<'_, PyAny>) -> PyResult<Decay> {
    if let Ok(text) = spec.extract::<String>() {
        return text.parse().py_err();
    }
    let json: String = py
        .import("json")?
        .call_method1("dumps", (spec,))
        .and_then(|j| j.extract())
        .map_err(|e| invalid("decay", format!("must be a dict of plain numbers: {e}")))?;
    serde_json::from_str(&json).map_err(|e| invalid("decay", e.to_string()))
}

/// Validates the supply and demand and runs `index` with the GIL released.
fn run<T: Send + 'static>(
    py: Python<'_>,
    matrix: &AccessMatrix,
    facilities: &Bound<'_, PyAny>,
    capacity: Option<&Bound<'_, PyAny>>,
    demand: &Bound<'_, PyAny>,
    index: impl FnOnce(&AccessInput) -> lifecircle::Result<T> + Send + 'static,
) -> PyResult<T> {
    let rows = site_indices("facilities", facilities)?;
    let capacity = capacity.map(|c| reals_1d(c, "capacity")).transpose()?;
    let demand = reals_1d(demand, "demand")?;
    let matrix = Arc::clone(&matrix.inner);
    interruptible(py, move || {
        let input = AccessInput::new(&matrix, &rows, capacity.as_deref(), &demand)?;
        index(&input)
    })
}

/// A Python function per index with a decay (2SFCA, 3SFCA, gravity): the
/// decay read from its dict, the rest as [`run`].
macro_rules! decayed_index {
    ($(#[doc = $doc:literal] $name:ident => $index:path;)*) => {$(
        #[doc = $doc]
        #[pyfunction]
        #[pyo3(signature = (matrix, facilities, demand, decay_spec, capacity=None))]
        fn $name<'py>(
            py: Python<'py>,
            matrix: &AccessMatrix,
            facilities: &Bound<'py, PyAny>,
            demand: &Bound<'py, PyAny>,
            decay_spec: &Bound<'py, PyAny>,
            capacity: Option<&Bound<'py, PyAny>>,
        ) -> PyResult<Floats<'py>> {
            let f = decay(py, decay_spec)?;
            let a = run(py, matrix, facilities, capacity, demand, move |i| $index(i, &f))?;
            Ok(a.into_pyarray(py))
        }
    )*};
}

decayed_index! {
    /// 2SFCA with decay (E2SFCA with steps, Gaussian 2SFCA with `gaussian`).
    two_step_fca => access::two_step;
    /// 3SFCA (Wan et al. 2012).
    three_step_fca => access::three_step;
    /// Gravity (Hansen) access.
    gravity_access => access::gravity;
}

/// Supply within `limit_s`.
#[pyfunction]
#[pyo3(signature = (matrix, facilities, demand, limit_s, capacity=None))]
fn cumulative_opportunities<'py>(
    py: Python<'py>,
    matrix: &AccessMatrix,
    facilities: &Bound<'py, PyAny>,
    demand: &Bound<'py, PyAny>,
    limit_s: &Bound<'py, PyAny>,
    capacity: Option<&Bound<'py, PyAny>>,
) -> PyResult<Floats<'py>> {
    let limit_s = real(limit_s, "limit_s")?;
    let a = run(py, matrix, facilities, capacity, demand, move |i| {
        access::cumulative(i, limit_s)
    })?;
    Ok(a.into_pyarray(py))
}

/// Facilities within `limit_s` (0 flags a demand point nothing reaches).
#[pyfunction]
#[pyo3(signature = (matrix, facilities, demand, limit_s))]
fn facilities_in_reach<'py>(
    py: Python<'py>,
    matrix: &AccessMatrix,
    facilities: &Bound<'py, PyAny>,
    demand: &Bound<'py, PyAny>,
    limit_s: &Bound<'py, PyAny>,
) -> PyResult<Ints<'py>> {
    let limit_s = real(limit_s, "limit_s")?;
    let a = run(py, matrix, facilities, None, demand, move |i| {
        access::in_reach(i, limit_s)
    })?;
    Ok(a.into_iter()
        .map(i64::from)
        .collect::<Vec<_>>()
        .into_pyarray(py))
}

/// Mean seconds to the `n` nearest facilities; NaN where fewer are in reach.
#[pyfunction]
#[pyo3(signature = (matrix, facilities, demand, n))]
fn nearest_average<'py>(
    py: Python<'py>,
    matrix: &AccessMatrix,
    facilities: &Bound<'py, PyAny>,
    demand: &Bound<'py, PyAny>,
    n: &Bound<'py, PyAny>,
) -> PyResult<Floats<'py>> {
    let n = count(n, "n")?;
    let a = run(py, matrix, facilities, None, demand, move |i| {
        access::nearest_average(i, n)
    })?;
    Ok(a.into_iter()
        .map(|t| t.unwrap_or(f64::NAN))
        .collect::<Vec<_>>()
        .into_pyarray(py))
}

/// Adds this section's class and functions to `_core`.
/// Every access index of a scenario's gap services (`lifecircle access`):
/// `zones` (per zone, the area's `(all)` row last per service) and `points`
/// (per demand point on the network) as records, `skipped`, `summary` and
/// `geojson` (one point feature per demand point and service).
#[pyclass(module = "lifecircle._core", frozen)]
pub struct AccessRun(pub Arc<Run<AccessReport>>);

#[pymethods]
impl AccessRun {
    #[getter]
    fn zones<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        zone_records(py, &self.0.report.services)
    }
    /// One record per service and demand point: `id`, `zone`, `lon`, `lat`
    /// and the indices, as in `zones`.
    #[getter]
    fn points<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let places = &self.0.geometry.demand_points;
        let rows = self.0.report.services.iter().flat_map(|s| {
            s.points.iter().zip(places).map(move |(row, d)| {
                let mut r = record(s, row);
                r.remove("zone");
                r.insert("id".into(), json!(d.id));
                r.insert("zone".into(), json!(d.zone));
                r.insert("lon".into(), json!(d.lon));
                r.insert("lat".into(), json!(d.lat));
                Value::Object(r)
            })
        });
        json_to_py(py, &Value::Array(rows.collect()))
    }
    #[getter]
    fn skipped(&self) -> Vec<String> {
        self.0.report.skipped.clone()
    }
    /// Network and demand sizes and seconds per stage.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let r = &self.0.report;
        json_to_py(
            py,
            &json!({"network": r.network, "demand": r.demand, "seconds": r.seconds, "skipped": r.skipped}),
        )
    }
    #[getter]
    fn geojson<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &lifecircle::report::access_geojson(&self.0))
    }

    #[staticmethod]
    fn _from_cbor(bytes: &[u8]) -> PyResult<Self> {
        Ok(Self(Arc::new(from_cbor(bytes)?)))
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        reduce(slf, &*slf.get().0)
    }

    fn __repr__(&self) -> String {
        let r = &self.0.report;
        format!(
            "AccessRun({} services, {} demand points, {} skipped)",
            r.services.len(),
            self.0.geometry.demand_points.len(),
            r.skipped.len()
        )
    }
}

/// A zone (or point) row with its service's settings in front.
fn record(
    s: &ServiceAccess,
    row: &lifecircle::outcome::ZoneAccess,
) -> serde_json::Map<String, Value> {
    let mut r = serde_json::Map::new();
    r.insert("service".into(), json!(s.service));
    let Value::Object(values) = json!(row) else {
        unreachable!("a struct serialises to an object")
    };
    r.extend(values);
    for (k, v) in [
        ("walking_limit_min", json!(s.walking_limit_min)),
        ("facilities", json!(s.facilities)),
        ("supply_each", json!(s.supply_each)),
        ("no_facility", json!(s.no_facility)),
        ("threshold", json!(s.threshold)),
        ("nearest_n", json!(s.nearest_n)),
    ] {
        r.insert(k.into(), v);
    }
    r
}

/// Every service's zone rows, then its `(all)` row, as records.
pub(crate) fn zone_records<'py>(
    py: Python<'py>,
    services: &[ServiceAccess],
) -> PyResult<Bound<'py, PyAny>> {
    let rows = services.iter().flat_map(|s| {
        s.zones
            .iter()
            .chain([&s.all])
            .map(move |z| Value::Object(record(s, z)))
    });
    json_to_py(py, &Value::Array(rows.collect()))
}

/// Every access index of a scenario (a file's path, or a dict; its plan is
/// not run), per zone and per demand point; `threshold` overrides
/// `[access] threshold`.
#[pyfunction]
#[pyo3(signature = (path, threshold=None))]
fn scenario_access(
    py: Python<'_>,
    path: &Bound<'_, PyAny>,
    threshold: Option<&Bound<'_, PyAny>>,
) -> PyResult<AccessRun> {
    let scenario = super::scenario(path)?;
    let threshold = threshold.map(|t| real(t, "threshold")).transpose()?;
    let run = interruptible(py, move || scenario.access(threshold))?;
    Ok(AccessRun(Arc::new(run)))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<AccessMatrix>()?;
    m.add_class::<AccessRun>()?;
    m.add_function(wrap_pyfunction!(scenario_access, m)?)?;
    m.add_function(wrap_pyfunction!(two_step_fca, m)?)?;
    m.add_function(wrap_pyfunction!(three_step_fca, m)?)?;
    m.add_function(wrap_pyfunction!(gravity_access, m)?)?;
    m.add_function(wrap_pyfunction!(cumulative_opportunities, m)?)?;
    m.add_function(wrap_pyfunction!(facilities_in_reach, m)?)?;
    m.add_function(wrap_pyfunction!(nearest_average, m)?)?;
    Ok(())
}

//! Typed, frozen results of scenario runs: a plan ([`PlanRun`]), a gap
//! analysis ([`GapsRun`]) and a plan variant ([`VariantRun`]), each holding
//! the core crate's plain-data outcome (`lifecircle::outcome`) and read from
//! Python through getters. What a user reads one by one (services, sites) are
//! classes too; tables (gap rows, zone scores, demand points, comparison
//! rows) are lists of records, ready for `pandas.DataFrame`. Reports pickle
//! through their outcome's serde form, so a Dask worker can ship them.

use std::sync::Arc;

use numpy::{IntoPyArray, PyArray3};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use serde::Serialize;

use lifecircle::outcome::{self, comparison_rows, GapsReport, PlanReport, Run, VariantResult};

use crate::error::invalid;
use crate::solution::PresolveStats;

/// A serialisable value as plain Python objects (dicts, lists, floats, str, None).
pub(crate) fn to_py<'py>(py: Python<'py>, value: &impl Serialize) -> PyResult<Bound<'py, PyAny>> {
    let v = serde_json::to_value(value).expect("outcomes serialise");
    json_to_py(py, &v)
}

pub(crate) fn json_to_py<'py>(
    py: Python<'py>,
    v: &serde_json::Value,
) -> PyResult<Bound<'py, PyAny>> {
    use serde_json::Value;
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, item) in map {
                dict.set_item(k, json_to_py(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// `(cls._from_cbor, (bytes,))`: how every report pickles. CBOR rather than
/// JSON, which would read floats back a bit off.
pub(crate) fn reduce<'py, T: Serialize>(
    slf: &Bound<'py, impl pyo3::PyClass>,
    value: &T,
) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
    let mut bytes = Vec::new();
    ciborium::into_writer(value, &mut bytes).expect("outcomes serialise");
    let ctor = slf.as_any().get_type().getattr("_from_cbor")?;
    Ok((ctor, (PyBytes::new(slf.py(), &bytes),)))
}

pub(crate) fn from_cbor<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> PyResult<T> {
    ciborium::from_reader(bytes)
        .map_err(|e| invalid("report", format!("not a pickled report: {e}")))
}

/// A facility location: an existing facility or a new site (`service` names
/// the service a new site gets in `PlanRun.sites`; `None` in a service's own
/// lists). `cost` is 0 for existing ones; `newly_reached` counts the served
/// residents within its limit that existing facilities leave out.
#[pyclass(module = "lifecircle._core", frozen, get_all, eq, from_py_object)]
#[derive(Clone, PartialEq)]
pub struct Site {
    pub service: Option<String>,
    pub id: String,
    pub lon: f64,
    pub lat: f64,
    pub cost: f64,
    pub newly_reached: f64,
}

#[pymethods]
impl Site {
    #[new]
    #[pyo3(signature = (service, id, lon, lat, cost, newly_reached))]
    fn new(
        service: Option<String>,
        id: String,
        lon: f64,
        lat: f64,
        cost: f64,
        newly_reached: f64,
    ) -> Self {
        Self {
            service,
            id,
            lon,
            lat,
            cost,
            newly_reached,
        }
    }

    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> (
        Bound<'py, PyAny>,
        (Option<String>, String, f64, f64, f64, f64),
    ) {
        let s = slf.get().clone();
        let args = (s.service, s.id, s.lon, s.lat, s.cost, s.newly_reached);
        (slf.get_type().into_any(), args)
    }

    fn __repr__(&self) -> String {
        let service = self
            .service
            .as_deref()
            .map_or(String::new(), |s| format!("{s} "));
        format!(
            "Site({service}{} at ({:.5}, {:.5}), cost {}, newly reached {:.1})",
            self.id, self.lon, self.lat, self.cost, self.newly_reached
        )
    }
}

impl Site {
    fn of(service: Option<&str>, s: &outcome::Site) -> Self {
        Self::new(
            service.map(str::to_string),
            s.id.clone(),
            s.lon,
            s.lat,
            s.cost,
            s.newly_reached,
        )
    }
}

/// One planned service: its walking limit, capacity and `max_new`, its
/// `existing` and `new` sites, the residents it `served` and of them those
/// covered before and after (the 60+ apart, `None` when ages are unknown),
/// and the demand points no site reaches (`unreachable_ids`).
#[pyclass(module = "lifecircle._core", frozen)]
pub struct ServiceOutcome(outcome::ServiceOutcome);

#[pymethods]
impl ServiceOutcome {
    #[getter]
    fn service(&self) -> &str {
        &self.0.service
    }
    #[getter]
    fn walking_limit_min(&self) -> f64 {
        self.0.walking_limit_min
    }
    #[getter]
    fn capacity(&self) -> Option<f64> {
        self.0.capacity
    }
    #[getter]
    fn max_new(&self) -> Option<usize> {
        self.0.max_new
    }
    #[getter]
    fn existing(&self) -> Vec<Site> {
        self.0.existing.iter().map(|s| Site::of(None, s)).collect()
    }
    #[getter(new)]
    fn new_sites(&self) -> Vec<Site> {
        self.0.new.iter().map(|s| Site::of(None, s)).collect()
    }
    #[getter]
    fn served(&self) -> f64 {
        self.0.served
    }
    #[getter]
    fn covered_before(&self) -> f64 {
        self.0.covered_before
    }
    #[getter]
    fn covered_after(&self) -> f64 {
        self.0.covered_after
    }
    #[getter]
    fn covered_60plus_before(&self) -> Option<f64> {
        self.0.covered_60plus_before
    }
    #[getter]
    fn covered_60plus_after(&self) -> Option<f64> {
        self.0.covered_60plus_after
    }
    #[getter]
    fn unreachable_ids(&self) -> Vec<String> {
        self.0.unreachable_ids.clone()
    }

    #[staticmethod]
    fn _from_cbor(bytes: &[u8]) -> PyResult<Self> {
        Ok(Self(from_cbor(bytes)?))
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        reduce(slf, &slf.get().0)
    }

    fn __repr__(&self) -> String {
        let s = &self.0;
        format!(
            "ServiceOutcome({}: {} existing + {} new, covered {:.1} -> {:.1} of {:.1})",
            s.service,
            s.existing.len(),
            s.new.len(),
            s.covered_before,
            s.covered_after,
            s.served
        )
    }
}

/// What a scenario's plan produced (`lifecircle plan`): the solve
/// (`objective`, `bound`, `gap`, `status`, `presolve`), the plan (`cost`,
/// `services`, `sites`, `covered_before`/`covered_after` summed over the
/// planned services), the gap tables before and after (`current`, `after`,
/// `zones_before`, `zones_after`, as records), the demand points with their
/// covered shares per service (`demand`, records), the street segments
/// (`streets`, an array of shape `(edges, 2, 2)`), the plan map (`geojson`)
/// and the whole summary as the CLI's JSON has it (`summary`).
#[pyclass(module = "lifecircle._core", frozen)]
pub struct PlanRun(pub Arc<Run<PlanReport>>);

impl PlanRun {
    fn report(&self) -> &PlanReport {
        &self.0.report
    }
}

#[pymethods]
impl PlanRun {
    #[getter]
    fn objective_kind<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.report().objective_kind)
    }
    #[getter]
    fn objective(&self) -> f64 {
        self.report().objective
    }
    #[getter]
    fn bound(&self) -> f64 {
        self.report().bound
    }
    #[getter]
    fn gap(&self) -> f64 {
        self.report().gap
    }
    #[getter]
    fn status(&self) -> String {
        self.report().status.to_string()
    }
    #[getter]
    fn cost(&self) -> f64 {
        self.report().cost
    }
    #[getter]
    fn budget(&self) -> Option<f64> {
        self.report().budget
    }
    #[getter]
    fn candidates(&self) -> usize {
        self.report().candidates
    }
    #[getter]
    fn covered_before(&self) -> f64 {
        self.report().covered_before
    }
    #[getter]
    fn covered_after(&self) -> f64 {
        self.report().covered_after
    }
    #[getter]
    fn search_minutes(&self) -> f64 {
        self.report().search_minutes
    }
    #[getter]
    fn skipped(&self) -> Vec<String> {
        self.report().skipped.clone()
    }
    #[getter]
    fn presolve(&self) -> PresolveStats {
        self.report().presolve.into()
    }
    #[getter]
    fn services(&self) -> Vec<ServiceOutcome> {
        let services = &self.report().services;
        services.iter().cloned().map(ServiceOutcome).collect()
    }
    #[getter]
    fn sites(&self) -> Vec<Site> {
        let sites = &self.report().sites;
        sites
            .iter()
            .map(|s| Site::of(Some(&s.service), &s.site))
            .collect()
    }
    #[getter]
    fn current<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.report().current)
    }
    #[getter]
    fn after<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.report().after)
    }
    #[getter]
    fn zones_before<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.report().zones_before)
    }
    #[getter]
    fn zones_after<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.report().zones_after)
    }
    /// The summary as `lifecircle plan --json` prints it, as a dict.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.report())
    }
    /// One record per demand point: id, zone, lon, lat, population,
    /// aged_60_plus, and `<service>_before` / `<service>_after` covered shares
    /// with `<service>_reach`, the maps' class ("covered before", "newly
    /// covered", "not covered": `lifecircle::outcome::Reach`).
    #[getter]
    fn demand<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let records = PyList::empty(py);
        for p in &self.0.geometry.demand_points {
            let r = PyDict::new(py);
            r.set_item("id", &p.id)?;
            r.set_item("zone", &p.zone)?;
            r.set_item("lon", p.lon)?;
            r.set_item("lat", p.lat)?;
            r.set_item("population", p.population)?;
            r.set_item("aged_60_plus", p.aged_60_plus)?;
            for (k, v) in &p.before {
                r.set_item(format!("{k}_before"), v)?;
            }
            for (k, v) in &p.after {
                r.set_item(format!("{k}_after"), v)?;
                r.set_item(format!("{k}_reach"), p.reach(k).label())?;
            }
            records.append(r)?;
        }
        Ok(records)
    }
    #[getter]
    fn streets<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray3<f64>> {
        streets(py, &self.0.geometry)
    }
    /// The plan map as a GeoJSON FeatureCollection (WGS 84 longitudes, latitudes).
    #[getter]
    fn geojson<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &lifecircle::report::plan_geojson(&self.0))
    }
    /// Per planned service, the streets its existing facilities and its new
    /// sites reach within its walking limit, at the pace of whom it serves
    /// (`lifecircle::outcome::ServiceIsochrones`, as records).
    #[getter]
    fn isochrones<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.geometry.isochrones)
    }
    /// The zones' outlines with their ratings after the plan, as a GeoJSON
    /// FeatureCollection (`lifecircle::report::zones_geojson`).
    #[getter]
    fn zone_outlines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let zones = lifecircle::report::zones_geojson(&self.0.geometry, &self.0.report.zones_after);
        json_to_py(py, &zones)
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
        let r = self.report();
        let sites: Vec<String> = r
            .sites
            .iter()
            .map(|s| format!("{} {}", s.service, s.site.id))
            .collect();
        format!(
            "PlanRun({}: objective {:.1}, gap {:.4}, covered {:.1} -> {:.1}, new sites [{}])",
            r.status,
            r.objective,
            r.gap,
            r.covered_before,
            r.covered_after,
            sites.join(", ")
        )
    }
}

/// The street segments of a run as an `(edges, 2, 2)` array of `(lon, lat)` ends.
fn streets<'py>(py: Python<'py>, g: &outcome::Geometry) -> Bound<'py, PyArray3<f64>> {
    let flat: Vec<f64> = g
        .streets
        .iter()
        .flat_map(|[a, b]| [a.0, a.1, b.0, b.1])
        .collect();
    numpy::ndarray::Array3::from_shape_vec((g.streets.len(), 2, 2), flat)
        .expect("four numbers per segment")
        .into_pyarray(py)
}

/// A gap analysis (`lifecircle gaps`): the tables per zone and category
/// (`rows`), per category (`totals`) and per zone (`zones`), as records; the
/// services left out (`skipped`); everything else of the summary (network and
/// demand sizes, speeds, rating rules, search minutes, seconds) in `summary`;
/// the map (`geojson`) and the street segments (`streets`).
#[pyclass(module = "lifecircle._core", frozen)]
pub struct GapsRun(pub Arc<Run<GapsReport>>);

#[pymethods]
impl GapsRun {
    #[getter]
    fn rows<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.report.gaps.rows)
    }
    #[getter]
    fn totals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.report.gaps.totals)
    }
    #[getter]
    fn zones<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.report.gaps.zones)
    }
    #[getter]
    fn skipped(&self) -> Vec<String> {
        self.0.report.gaps.skipped.clone()
    }
    #[getter]
    fn search_minutes(&self) -> f64 {
        self.0.report.gaps.search_minutes
    }
    /// Access indices per zone and service (the area's `(all)` row last per
    /// service), as records: see `AccessRun.zones`.
    #[getter]
    fn access<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::access::zone_records(py, &self.0.report.access)
    }
    /// Network and demand sizes, seconds, speeds, rating rules, search
    /// minutes and skipped services: the JSON summary without its tables.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let r = &self.0.report;
        let summary = to_py(py, r)?.cast_into::<PyDict>()?;
        let gaps = summary.get_item("gaps")?.expect("a gaps key");
        let gaps = gaps.cast_into::<PyDict>()?;
        summary.del_item("gaps")?;
        summary.del_item("access")?;
        for table in ["rows", "totals", "zones"] {
            gaps.del_item(table)?;
        }
        summary.update(gaps.as_mapping())?;
        Ok(summary.into_any())
    }
    #[getter]
    fn streets<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray3<f64>> {
        streets(py, &self.0.geometry)
    }
    /// Demand points with the distance to the nearest facility of each
    /// category, as a GeoJSON FeatureCollection.
    #[getter]
    fn geojson<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &lifecircle::report::gaps_geojson(&self.0))
    }
    /// Per service of the table, the streets its existing facilities reach
    /// within its walking limit (`lifecircle::outcome::ServiceIsochrones`,
    /// as records; `new` is empty).
    #[getter]
    fn isochrones<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.geometry.isochrones)
    }
    /// The zones' outlines with their ratings, as a GeoJSON FeatureCollection
    /// (`lifecircle::report::zones_geojson`).
    #[getter]
    fn zone_outlines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let zones = lifecircle::report::zones_geojson(&self.0.geometry, &self.0.report.gaps.zones);
        json_to_py(py, &zones)
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
        let g = &self.0.report.gaps;
        format!(
            "GapsRun({} zones, {} categories, {} skipped)",
            g.zones.len(),
            g.totals.len(),
            g.skipped.len()
        )
    }
}

/// How one plan variant ended: its `name`, its `plan` (a `PlanRun`) or the
/// `error` that prevented it, and its comparison `rows` (records, as
/// `lifecircle compare` writes them: one per planned service, or one with
/// the error).
#[pyclass(module = "lifecircle._core", frozen)]
pub struct VariantRun(pub outcome::VariantOutcome);

/// A variant's serde form, for pickling (its outcome serialises its plan's
/// summary only, as `lifecircle compare --json` prints it).
#[derive(Serialize, serde::Deserialize)]
struct Pickled {
    name: String,
    plan: Option<Run<PlanReport>>,
    error: Option<String>,
}

#[pymethods]
impl VariantRun {
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }
    #[getter]
    fn plan(&self) -> Option<PlanRun> {
        match &self.0.result {
            VariantResult::Plan(plan) => Some(PlanRun(Arc::new(Run::clone(plan)))),
            VariantResult::Error(_) => None,
        }
    }
    #[getter]
    fn error(&self) -> Option<&str> {
        match &self.0.result {
            VariantResult::Plan(_) => None,
            VariantResult::Error(e) => Some(e),
        }
    }
    #[getter]
    fn rows<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &comparison_rows(std::slice::from_ref(&self.0)))
    }

    #[staticmethod]
    fn _from_cbor(bytes: &[u8]) -> PyResult<Self> {
        let p: Pickled = from_cbor(bytes)?;
        let result = match (p.plan, p.error) {
            (Some(plan), _) => VariantResult::Plan(Box::new(plan)),
            (None, e) => VariantResult::Error(e.unwrap_or_default()),
        };
        Ok(Self(outcome::VariantOutcome {
            name: p.name,
            result,
        }))
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let v = &slf.get().0;
        let (plan, error) = match &v.result {
            VariantResult::Plan(plan) => (Some(Run::clone(plan)), None),
            VariantResult::Error(e) => (None, Some(e.clone())),
        };
        let name = v.name.clone();
        reduce(slf, &Pickled { name, plan, error })
    }

    fn __repr__(&self) -> String {
        match &self.0.result {
            VariantResult::Plan(plan) => format!(
                "VariantRun({}: {}, objective {:.1})",
                self.0.name, plan.report.status, plan.report.objective
            ),
            VariantResult::Error(e) => format!("VariantRun({}: error {e})", self.0.name),
        }
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Site>()?;
    m.add_class::<ServiceOutcome>()?;
    m.add_class::<PlanRun>()?;
    m.add_class::<GapsRun>()?;
    m.add_class::<VariantRun>()?;
    Ok(())
}

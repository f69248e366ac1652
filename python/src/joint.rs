//! `JointPlan` on plain data: several services over one list of candidate
//! sites, each with its coverage in CSR form (as `solve_mclp` takes it),
//! solved by `lifecircle::model::JointPlan` with the GIL released.

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;

use lifecircle::model::{self as core_model, JointObjective};

use crate::convert::{count, real_or_none, reals_1d};
use crate::error::{invalid, OrPy};
use crate::gil::interruptible;
use crate::solution::JointSolution;
use crate::{coverage_sets, options, site_indices};

/// One service of a `JointPlan`: its name, the demand rows each candidate
/// site covers (`indptr`, `indices`: CSR by site, as `solve_mclp` takes it)
/// and each row's weight. Options: `max_new` (most new facilities; `None`:
/// no limit), `fixed` (sites already hosting it: open and free), `hosts`
/// (the only sites that may take a new one), `capacity` (residents one
/// facility serves), `site_capacity` (`{site: capacity}`), `loads` (what a
/// row takes of a capacity; default its weight), `zones` (a zone per row, for
/// the `"min_share"` objective).
#[pyclass(module = "lifecircle._core", frozen)]
pub struct JointService {
    inner: core_model::JointService,
}

#[pymethods]
impl JointService {
    #[new]
    #[pyo3(signature = (name, n_demand, indptr, indices, weights, max_new=None, fixed=None, hosts=None, capacity=None, site_capacity=None, loads=None, zones=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        name: String,
        n_demand: &Bound<'_, PyAny>,
        indptr: PyReadonlyArray1<'_, i64>,
        indices: PyReadonlyArray1<'_, i64>,
        weights: &Bound<'_, PyAny>,
        max_new: Option<&Bound<'_, PyAny>>,
        fixed: Option<&Bound<'_, PyAny>>,
        hosts: Option<&Bound<'_, PyAny>>,
        capacity: Option<&Bound<'_, PyAny>>,
        site_capacity: Option<std::collections::BTreeMap<usize, f64>>,
        loads: Option<&Bound<'_, PyAny>>,
        zones: Option<Vec<usize>>,
    ) -> PyResult<Self> {
        let mut s = core_model::JointService::new(
            name,
            coverage_sets(n_demand, indptr, indices)?,
            reals_1d(weights, "weights")?,
        );
        if let Some(m) = given(max_new) {
            s = s.max_new(count(m, "max_new")?);
        }
        if let Some(f) = given(fixed) {
            s = s.fixed_open(site_indices("fixed", f)?);
        }
        if let Some(h) = given(hosts) {
            s = s.hosts(site_indices("hosts", h)?);
        }
        if let Some(c) = real_or_none(capacity, "capacity")? {
            s = s.capacity(c);
        }
        if let Some(caps) = site_capacity {
            s = s.site_capacity(caps.into_iter().collect());
        }
        if let Some(l) = given(loads) {
            s = s.loads(reals_1d(l, "loads")?);
        }
        if let Some(z) = zones {
            s = s.zones(z);
        }
        Ok(Self { inner: s })
    }

    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    fn __repr__(&self) -> String {
        let s = &self.inner;
        format!(
            "JointService({}: {} rows, {} sites, max_new {:?}, {} fixed)",
            s.name,
            s.coverage.n_demand(),
            s.coverage.n_sites(),
            s.max_new,
            s.fixed_open.len()
        )
    }
}

/// Several services sited together over `n_sites` candidate sites: a site
/// opened once may host several services and its cost (`site_costs`,
/// default 1 each) is paid once; `budget` caps the total. `objective`:
/// `"coverage"` (most weight covered), `"min_share"` (best smallest share
/// over service x zone, then coverage) or `"min_cost"` (cheapest plan
/// covering every coverable row). Checked when built.
#[pyclass(module = "lifecircle._core", frozen)]
pub struct JointPlan {
    inner: core_model::JointPlan,
}

#[pymethods]
impl JointPlan {
    #[new]
    #[pyo3(signature = (n_sites, services, site_costs=None, budget=None, objective="coverage"))]
    fn new(
        n_sites: &Bound<'_, PyAny>,
        services: Vec<PyRef<'_, JointService>>,
        site_costs: Option<&Bound<'_, PyAny>>,
        budget: Option<&Bound<'_, PyAny>>,
        objective: &str,
    ) -> PyResult<Self> {
        let objective = match objective {
            "coverage" => JointObjective::Coverage,
            "min_share" => JointObjective::MinShare,
            "min_cost" => JointObjective::MinCost,
            other => {
                return Err(invalid(
                    "objective",
                    format!("unknown objective {other:?}: one of coverage, min_share, min_cost"),
                ))
            }
        };
        let n_sites = count(n_sites, "n_sites")?;
        let services = services.iter().map(|s| s.inner.clone()).collect();
        let mut plan = core_model::JointPlan::new(n_sites, services)
            .py_err()?
            .objective(objective);
        let costs = site_costs
            .filter(|c| !c.is_none())
            .map(|c| reals_1d(c, "site_costs"))
            .transpose()?;
        plan = match (real_or_none(budget, "budget")?, costs) {
            (Some(b), costs) => plan
                .budget(costs.unwrap_or_else(|| vec![1.0; n_sites]), b)
                .py_err()?,
            (None, Some(c)) => plan.site_costs(c).py_err()?,
            (None, None) => plan,
        };
        Ok(Self { inner: plan })
    }

    /// Number of candidate sites.
    #[getter]
    fn n_sites(&self) -> usize {
        self.inner.n_sites
    }

    /// Solves exactly (HiGHS) within the time limit and gap; the GIL is
    /// released and Ctrl-C raises `KeyboardInterrupt`.
    #[pyo3(signature = (time_limit=None, mip_gap=None))]
    fn solve(
        &self,
        py: Python<'_>,
        time_limit: Option<&Bound<'_, PyAny>>,
        mip_gap: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<JointSolution> {
        let opts = options(time_limit, mip_gap)?;
        let plan = self.inner.clone();
        Ok(interruptible(py, move || plan.solve(&opts))?.into())
    }

    fn __repr__(&self) -> String {
        let names: Vec<&str> = self
            .inner
            .services
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        format!(
            "JointPlan({} sites; services {}; budget {:?}; {:?})",
            self.inner.n_sites,
            names.join(", "),
            self.inner.budget,
            self.inner.objective
        )
    }
}

fn given<'a, 'py>(v: Option<&'a Bound<'py, PyAny>>) -> Option<&'a Bound<'py, PyAny>> {
    v.filter(|v| !v.is_none())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<JointService>()?;
    m.add_class::<JointPlan>()?;
    Ok(())
}

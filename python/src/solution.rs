//! Typed, frozen results of the models: what `lifecircle::solve::Solution`
//! and `lifecircle::model::JointSolution` hold, read-only from Python, each
//! with a `__repr__` and pickling (a result is rebuilt from its fields).

use pyo3::prelude::*;

use crate::alternatives::Alternatives;
use lifecircle::model as core_model;
use lifecircle::solve as core_solve;

/// Seconds spent in each phase of a solve.
#[pyclass(module = "lifecircle._core", frozen, get_all, eq, from_py_object)]
#[derive(Clone, PartialEq)]
pub struct Timings {
    /// Reduction of the instance.
    pub presolve: f64,
    /// Heuristic warm start.
    pub heuristic: f64,
    /// Building and solving the MIP.
    pub mip: f64,
    /// Everything.
    pub total: f64,
}

#[pymethods]
impl Timings {
    #[new]
    fn new(presolve: f64, heuristic: f64, mip: f64, total: f64) -> Self {
        Self {
            presolve,
            heuristic,
            mip,
            total,
        }
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> (Bound<'py, PyAny>, (f64, f64, f64, f64)) {
        let t = slf.get();
        let args = (t.presolve, t.heuristic, t.mip, t.total);
        (slf.get_type().into_any(), args)
    }

    fn __repr__(&self) -> String {
        format!(
            "Timings(presolve={:.3}, heuristic={:.3}, mip={:.3}, total={:.3})",
            self.presolve, self.heuristic, self.mip, self.total
        )
    }
}

impl From<core_solve::Timings> for Timings {
    fn from(t: core_solve::Timings) -> Self {
        Self::new(t.presolve_s, t.heuristic_s, t.mip_s, t.total_s)
    }
}

/// Instance size before and after presolve (demand rows, candidate sites).
#[pyclass(module = "lifecircle._core", frozen, get_all, eq, from_py_object)]
#[derive(Clone, PartialEq)]
pub struct PresolveStats {
    pub demand_before: usize,
    pub demand_after: usize,
    pub sites_before: usize,
    pub sites_after: usize,
}

#[pymethods]
impl PresolveStats {
    #[new]
    fn new(
        demand_before: usize,
        demand_after: usize,
        sites_before: usize,
        sites_after: usize,
    ) -> Self {
        Self {
            demand_before,
            demand_after,
            sites_before,
            sites_after,
        }
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> (Bound<'py, PyAny>, (usize, usize, usize, usize)) {
        let p = slf.get();
        let args = (
            p.demand_before,
            p.demand_after,
            p.sites_before,
            p.sites_after,
        );
        (slf.get_type().into_any(), args)
    }

    fn __repr__(&self) -> String {
        format!(
            "PresolveStats(demand {} -> {}, sites {} -> {})",
            self.demand_before, self.demand_after, self.sites_before, self.sites_after
        )
    }
}

impl From<core_solve::PresolveStats> for PresolveStats {
    fn from(p: core_solve::PresolveStats) -> Self {
        Self::new(
            p.demand_before,
            p.demand_after,
            p.sites_before,
            p.sites_after,
        )
    }
}

/// The answer of a model: which sites, how good, how sure.
///
/// `sites`: open sites (0-based, sorted), fixed ones included; `objective`:
/// the plan's value recomputed from the model's data; `bound`: best proven
/// bound on the optimum; `gap`: `|bound - objective| / max(|objective|, 1)`;
/// `status`: `"optimal"`, `"gap_limit"`, `"time_limit"` or `"memory_limit"`.
#[pyclass(module = "lifecircle._core", frozen, get_all, eq)]
#[derive(Clone, PartialEq)]
pub struct Solution {
    pub sites: Vec<usize>,
    pub objective: f64,
    pub bound: f64,
    pub gap: f64,
    pub status: String,
    pub timings: Timings,
    pub presolve: PresolveStats,
    /// Other optimal plans, when the solve was asked for them.
    pub alternatives: Option<Alternatives>,
}

type SolutionArgs = (
    Vec<usize>,
    f64,
    f64,
    f64,
    String,
    Timings,
    PresolveStats,
    Option<Alternatives>,
);

#[pymethods]
impl Solution {
    #[new]
    #[pyo3(signature = (sites, objective, bound, gap, status, timings, presolve, alternatives=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        sites: Vec<usize>,
        objective: f64,
        bound: f64,
        gap: f64,
        status: String,
        timings: Timings,
        presolve: PresolveStats,
        alternatives: Option<Alternatives>,
    ) -> Self {
        Self {
            sites,
            objective,
            bound,
            gap,
            status,
            timings,
            presolve,
            alternatives,
        }
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> (Bound<'py, PyAny>, SolutionArgs) {
        let s = slf.get().clone();
        let args = (
            s.sites,
            s.objective,
            s.bound,
            s.gap,
            s.status,
            s.timings,
            s.presolve,
            s.alternatives,
        );
        (slf.get_type().into_any(), args)
    }

    fn __repr__(&self) -> String {
        format!(
            "Solution({} sites {:?}, objective {}, bound {}, gap {}, {})",
            self.sites.len(),
            self.sites,
            self.objective,
            self.bound,
            self.gap,
            self.status
        )
    }
}

impl From<core_solve::Solution> for Solution {
    fn from(s: core_solve::Solution) -> Self {
        Self {
            sites: s.sites,
            objective: s.objective,
            bound: s.bound,
            gap: s.gap,
            status: s.status.to_string(),
            timings: s.timings.into(),
            presolve: s.presolve.into(),
            alternatives: None,
        }
    }
}

/// What one service gets in a joint plan: `new_sites` (sorted), `covered`
/// (weight covered or served, fixed sites included), `weight` (of all its
/// rows), `served` (share of each row covered, in [0, 1]) and `uncoverable`
/// (rows with positive weight that no fixed or allowed site covers).
#[pyclass(module = "lifecircle._core", frozen, get_all, eq, from_py_object)]
#[derive(Clone, PartialEq)]
pub struct ServicePlan {
    pub name: String,
    pub new_sites: Vec<usize>,
    pub covered: f64,
    pub weight: f64,
    pub served: Vec<f64>,
    pub uncoverable: Vec<usize>,
}

type ServicePlanArgs = (String, Vec<usize>, f64, f64, Vec<f64>, Vec<usize>);

#[pymethods]
impl ServicePlan {
    #[new]
    fn new(
        name: String,
        new_sites: Vec<usize>,
        covered: f64,
        weight: f64,
        served: Vec<f64>,
        uncoverable: Vec<usize>,
    ) -> Self {
        Self {
            name,
            new_sites,
            covered,
            weight,
            served,
            uncoverable,
        }
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> (Bound<'py, PyAny>, ServicePlanArgs) {
        let p = slf.get().clone();
        let args = (
            p.name,
            p.new_sites,
            p.covered,
            p.weight,
            p.served,
            p.uncoverable,
        );
        (slf.get_type().into_any(), args)
    }

    fn __repr__(&self) -> String {
        format!(
            "ServicePlan({}: new sites {:?}, covered {} of {})",
            self.name, self.new_sites, self.covered, self.weight
        )
    }
}

/// The answer of a joint plan: one `ServicePlan` per service (in the plan's
/// order), the `cost` of the sites opened, `sites_opened` (sorted), and
/// `objective`, `bound`, `gap`, `status`, `presolve`, `timings` as in
/// `Solution` (the objective is the covered weight, the smallest share or the
/// cost, by the plan's objective).
#[pyclass(module = "lifecircle._core", frozen, get_all, eq)]
#[derive(Clone, PartialEq)]
pub struct JointSolution {
    pub services: Vec<ServicePlan>,
    pub cost: f64,
    pub sites_opened: Vec<usize>,
    pub objective: f64,
    pub bound: f64,
    pub gap: f64,
    pub status: String,
    pub presolve: PresolveStats,
    pub timings: Timings,
}

type JointArgs = (
    Vec<ServicePlan>,
    f64,
    Vec<usize>,
    f64,
    f64,
    f64,
    String,
    PresolveStats,
    Timings,
);

#[pymethods]
impl JointSolution {
    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(
        services: Vec<ServicePlan>,
        cost: f64,
        sites_opened: Vec<usize>,
        objective: f64,
        bound: f64,
        gap: f64,
        status: String,
        presolve: PresolveStats,
        timings: Timings,
    ) -> Self {
        Self {
            services,
            cost,
            sites_opened,
            objective,
            bound,
            gap,
            status,
            presolve,
            timings,
        }
    }

    /// The plan of the service called `name`.
    fn service(&self, name: &str) -> PyResult<ServicePlan> {
        self.services
            .iter()
            .find(|s| s.name == name)
            .cloned()
            .ok_or_else(|| {
                let names: Vec<&str> = self.services.iter().map(|s| s.name.as_str()).collect();
                pyo3::exceptions::PyKeyError::new_err(format!(
                    "no service {name:?}; have {names:?}"
                ))
            })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> (Bound<'py, PyAny>, JointArgs) {
        let s = slf.get().clone();
        let args = (
            s.services,
            s.cost,
            s.sites_opened,
            s.objective,
            s.bound,
            s.gap,
            s.status,
            s.presolve,
            s.timings,
        );
        (slf.get_type().into_any(), args)
    }

    fn __repr__(&self) -> String {
        let per: Vec<String> = self
            .services
            .iter()
            .map(|s| format!("{} {:?}", s.name, s.new_sites))
            .collect();
        format!(
            "JointSolution({}; cost {}, objective {}, bound {}, gap {}, {})",
            per.join(", "),
            self.cost,
            self.objective,
            self.bound,
            self.gap,
            self.status
        )
    }
}

impl From<core_model::JointSolution> for JointSolution {
    fn from(s: core_model::JointSolution) -> Self {
        Self {
            services: s
                .services
                .into_iter()
                .map(|p| ServicePlan {
                    name: p.name,
                    new_sites: p.new_sites,
                    covered: p.covered,
                    weight: p.weight,
                    served: p.served,
                    uncoverable: p.uncoverable,
                })
                .collect(),
            cost: s.cost,
            sites_opened: s.sites_opened,
            objective: s.objective,
            bound: s.bound,
            gap: s.gap,
            status: s.status.to_string(),
            presolve: s.presolve.into(),
            timings: s.timings.into(),
        }
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Timings>()?;
    m.add_class::<PresolveStats>()?;
    m.add_class::<Solution>()?;
    m.add_class::<ServicePlan>()?;
    m.add_class::<JointSolution>()?;
    Ok(())
}

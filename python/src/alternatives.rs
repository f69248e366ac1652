//! Tied optima from Python: `solve_*(…, alternatives=k)` solves, then looks
//! for up to `k` other plans as good ([`lifecircle::model::alternatives`]);
//! the answer is the typed, frozen [`Alternatives`] on the solution.

use pyo3::prelude::*;

use lifecircle::model::{self as core_model, SitingModel};
use lifecircle::solve::{Solution, SolveOptions, SolveStatus};

/// Other optimal plans than a solution's: `exists` (another plan is as
/// good), `plans` (up to `k`, each its open sites, fixed ones included),
/// `exhausted` (the list holds every one), `more` (more exist than listed),
/// `shared_sites` (new sites open in the solution and every plan listed: in
/// every optimal plan when `exhausted`), `status` (`"optimal"`: the search
/// finished; `"time_limit"`: it stopped short), `optimum`, `tolerance`
/// (objectives within it are tied) and `seconds`.
#[pyclass(module = "lifecircle._core", frozen, get_all, eq, from_py_object)]
#[derive(Clone, PartialEq)]
pub struct Alternatives {
    pub exists: bool,
    pub plans: Vec<Vec<usize>>,
    pub exhausted: bool,
    pub more: bool,
    pub shared_sites: Vec<usize>,
    pub status: String,
    pub optimum: f64,
    pub tolerance: f64,
    pub seconds: f64,
}

type AlternativesArgs = (
    bool,
    Vec<Vec<usize>>,
    bool,
    bool,
    Vec<usize>,
    String,
    f64,
    f64,
    f64,
);

#[pymethods]
impl Alternatives {
    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(
        exists: bool,
        plans: Vec<Vec<usize>>,
        exhausted: bool,
        more: bool,
        shared_sites: Vec<usize>,
        status: String,
        optimum: f64,
        tolerance: f64,
        seconds: f64,
    ) -> Self {
        Self {
            exists,
            plans,
            exhausted,
            more,
            shared_sites,
            status,
            optimum,
            tolerance,
            seconds,
        }
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> (Bound<'py, PyAny>, AlternativesArgs) {
        let a = slf.get().clone();
        let args = (
            a.exists,
            a.plans,
            a.exhausted,
            a.more,
            a.shared_sites,
            a.status,
            a.optimum,
            a.tolerance,
            a.seconds,
        );
        (slf.get_type().into_any(), args)
    }

    fn __repr__(&self) -> String {
        format!(
            "Alternatives(exists={}, {} plans listed, exhausted={}, shared sites {:?}, {})",
            self.exists,
            self.plans.len(),
            self.exhausted,
            self.shared_sites,
            self.status
        )
    }
}

/// Solves `model`, then, with `k`, looks for up to `k` other optimal plans
/// (only beside a proven optimum: a stopped solve has no ties to speak of).
pub(crate) fn solve<M>(
    model: &M,
    options: &SolveOptions,
    k: Option<usize>,
) -> lifecircle::Result<(Solution, Option<Alternatives>)>
where
    M: SitingModel<Plan = [usize], Solution = Solution> + ?Sized,
{
    let solution = model.solve(options)?;
    let Some(k) = k else {
        return Ok((solution, None));
    };
    if solution.status != SolveStatus::Optimal {
        return Err(lifecircle::Error::InvalidParameter {
            name: "alternatives".into(),
            message: format!(
                "other optimal plans are looked for beside a proven optimum; the solve ended with status {}",
                solution.status
            ),
        });
    }
    let found = core_model::alternatives(model, &solution.sites, k, options)?;
    let alternatives = Alternatives {
        exists: found.exists(),
        shared_sites: found.shared_sites(),
        plans: found.plans,
        exhausted: found.exhausted,
        more: found.more,
        status: found.status.to_string(),
        optimum: found.optimum,
        tolerance: found.tolerance,
        seconds: found.total_s,
    };
    Ok((solution, Some(alternatives)))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Alternatives>()
}

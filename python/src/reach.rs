//! Every model on sparse walking times (`lifecircle::model::ModelKind::build_reach`):
//! the pairs within reach as three arrays, no dense demand × site table.

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;

use lifecircle::instances::ReachTimes;
use lifecircle::model::{ModelKind, ReachInput};

use crate::access::decay;
use crate::convert::{count, real, reals_1d};
use crate::error::{invalid, OrPy};
use crate::{site_indices, solution, solved};

/// The argument, `None` when absent or Python's `None`.
fn given<'a, 'py>(v: Option<&'a Bound<'py, PyAny>>) -> Option<&'a Bound<'py, PyAny>> {
    v.filter(|v| !v.is_none())
}

/// Solves `model` (a `lifecircle solve --model` name) on the walking times
/// `seconds[k]` from demand point `demand[k]` to site `site[k]`; pairs not
/// given are out of reach. The parameters are those of `lifecircle solve`:
/// one the model does not use is refused, one it needs and lacks is named.
#[pyfunction]
#[pyo3(signature = (
    model, demand, site, seconds, n_demand, n_sites, weights=None, p=None, fixed=None,
    radius=None, decay_spec=None, capacities=None, target=None, unreachable=None,
    time_limit=None, mip_gap=None, alternatives=None,
))]
#[allow(clippy::too_many_arguments)]
fn solve_on_times<'py>(
    py: Python<'py>,
    model: &str,
    demand: PyReadonlyArray1<'py, i64>,
    site: PyReadonlyArray1<'py, i64>,
    seconds: &Bound<'py, PyAny>,
    n_demand: &Bound<'py, PyAny>,
    n_sites: &Bound<'py, PyAny>,
    weights: Option<&Bound<'py, PyAny>>,
    p: Option<&Bound<'py, PyAny>>,
    fixed: Option<&Bound<'py, PyAny>>,
    radius: Option<&Bound<'py, PyAny>>,
    decay_spec: Option<&Bound<'py, PyAny>>,
    capacities: Option<&Bound<'py, PyAny>>,
    target: Option<&Bound<'py, PyAny>>,
    unreachable: Option<&Bound<'py, PyAny>>,
    time_limit: Option<&Bound<'py, PyAny>>,
    mip_gap: Option<&Bound<'py, PyAny>>,
    alternatives: Option<&Bound<'py, PyAny>>,
) -> PyResult<solution::Solution> {
    let kind: ModelKind = model.parse().py_err()?;
    let reach = reach_times(demand, site, seconds, n_demand, n_sites)?;
    let input = ReachInput {
        weights: match given(weights) {
            Some(w) => reals_1d(w, "weights")?,
            None => vec![1.0; reach.n_demand()],
        },
        p: given(p).map(|v| count(v, "p")).transpose()?,
        radius: given(radius).map(|v| real(v, "radius")).transpose()?,
        fixed: given(fixed).map_or(Ok(vec![]), |f| site_indices("fixed", f))?,
        decay: given(decay_spec).map(|d| decay(py, d)).transpose()?,
        capacities: given(capacities)
            .map(|c| reals_1d(c, "capacities"))
            .transpose()?,
        target: given(target).map(|v| real(v, "target")).transpose()?,
        unreachable: given(unreachable)
            .map(|v| real(v, "unreachable"))
            .transpose()?,
        reach,
    };
    solved(py, time_limit, mip_gap, alternatives, move || {
        kind.build_reach(input)
    })
}

/// The walking times `seconds[k]` from demand point `demand[k]` to site
/// `site[k]` as the core's sparse table (checked there: indices in range,
/// times finite and `>= 0`, no pair twice).
pub(crate) fn reach_times(
    demand: PyReadonlyArray1<'_, i64>,
    site: PyReadonlyArray1<'_, i64>,
    seconds: &Bound<'_, PyAny>,
    n_demand: &Bound<'_, PyAny>,
    n_sites: &Bound<'_, PyAny>,
) -> PyResult<ReachTimes> {
    let (n_demand, n_sites) = (count(n_demand, "n_demand")?, count(n_sites, "n_sites")?);
    let seconds = reals_1d(seconds, "seconds")?;
    let (demand, site) = (demand.as_array(), site.as_array());
    if demand.len() != seconds.len() || site.len() != seconds.len() {
        return Err(invalid(
            "seconds",
            format!(
                "demand, site and seconds differ in length ({}, {}, {})",
                demand.len(),
                site.len(),
                seconds.len()
            ),
        ));
    }
    let index = |name: &str, k: usize, v: i64| {
        usize::try_from(v).map_err(|_| invalid(name, format!("pair {k}: index {v} is negative")))
    };
    let mut triplets = Vec::with_capacity(seconds.len());
    for (k, ((&i, &j), &t)) in demand.iter().zip(site.iter()).zip(&seconds).enumerate() {
        triplets.push((index("demand", k, i)?, index("site", k, j)?, t));
    }
    ReachTimes::from_triplets(n_demand, n_sites, triplets).py_err()
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(solve_on_times, m)?)?;
    Ok(())
}

//! Who walks where under a plan of a cost model.

use crate::error::{Error, Result};
use crate::instances::{CostMatrix, ReachTimes};

/// Who each demand point walks to under a plan of a cost model (p-median,
/// p-center) on a dense cost matrix: its nearest open site, the lowest index
/// on a tie, whatever the point's weight (the weight counts in the objective,
/// not in who walks where). `None` only when `open` is empty.
///
/// ```
/// use lifecircle::coverage::nearest_open;
/// use lifecircle::model::CostMatrix;
/// let costs = CostMatrix::from_rows(vec![vec![1.0, 2.0], vec![3.0, 3.0]]).unwrap();
/// assert_eq!(nearest_open(&costs, &[0, 1]).unwrap(), vec![Some((0, 1.0)), Some((0, 3.0))]);
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] naming `open` for an unknown site.
pub fn nearest_open(costs: &CostMatrix, open: &[usize]) -> Result<Vec<Option<(usize, f64)>>> {
    let open = sorted_sites(open, costs.n_sites())?;
    Ok((0..costs.n_demand())
        .map(|i| {
            open.iter().map(|&j| (j, costs.cost(i, j))).fold(
                None,
                |best: Option<(usize, f64)>, (j, c)| match best {
                    Some((_, b)) if b <= c => best,
                    _ => Some((j, c)),
                },
            )
        })
        .collect())
}

/// The same rule on sparse walking times (a model built on [`ReachTimes`]):
/// each demand point's nearest open site among those in reach, the lowest
/// index on a tie; `None` for a point no open site reaches (it is not served;
/// the objective charges it the model's unreachable cost).
///
/// ```
/// use lifecircle::coverage::nearest_reached;
/// use lifecircle::instances::ReachTimes;
/// let r = ReachTimes::from_triplets(3, 2, [(0, 0, 60.0), (0, 1, 60.0), (1, 1, 90.0)]).unwrap();
/// assert_eq!(nearest_reached(&r, &[1, 0]).unwrap(), vec![Some((0, 60.0)), Some((1, 90.0)), None]);
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] naming `open` for an unknown site.
pub fn nearest_reached(reach: &ReachTimes, open: &[usize]) -> Result<Vec<Option<(usize, f64)>>> {
    let mut is_open = vec![false; reach.n_sites()];
    for j in sorted_sites(open, reach.n_sites())? {
        is_open[j] = true;
    }
    // Each point's sites come nearest first, the lower index first on a tie.
    Ok((0..reach.n_demand())
        .map(|i| reach.of_demand(i).find(|&(j, _)| is_open[j]))
        .collect())
}

fn sorted_sites(open: &[usize], n_sites: usize) -> Result<Vec<usize>> {
    if let Some(j) = open.iter().find(|&&j| j >= n_sites) {
        return Err(Error::param(
            "open",
            format!("site {j} does not exist ({n_sites} sites)"),
        ));
    }
    let mut open = open.to_vec();
    open.sort_unstable();
    open.dedup();
    Ok(open)
}

//! Who walks where under a plan of a cost model.

use crate::error::{Error, Result};
use crate::instances::{CostMatrix, CoverageSets};

/// Who each demand point walks to under a plan of a cost model (p-median,
/// p-center): its nearest open site, the lowest index on a tie, whatever the
/// point's weight (the weight counts in the objective, not in who walks
/// where). With `reach`, only the open sites that reach a point count, and a
/// point none reaches gets `None`: it is not served.
///
/// ```
/// use lifecircle::coverage::nearest_open;
/// use lifecircle::model::{CostMatrix, CoverageSets};
/// let costs = CostMatrix::from_rows(vec![vec![1.0, 2.0], vec![3.0, 3.0], vec![9.0, 9.0]]).unwrap();
/// assert_eq!(nearest_open(&costs, &[0, 1], None).unwrap()[1], Some((0, 3.0)));
/// let reach = CoverageSets::from_sets(3, vec![vec![0], vec![0, 1]]).unwrap();
/// let served = nearest_open(&costs, &[1], Some(&reach)).unwrap();
/// assert_eq!(served, vec![Some((1, 2.0)), Some((1, 3.0)), None]); // point 2 is beyond reach
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] naming `open` for an unknown site, or `reach`
/// for coverage sets of another shape.
pub fn nearest_open(
    costs: &CostMatrix,
    open: &[usize],
    reach: Option<&CoverageSets>,
) -> Result<Vec<Option<(usize, f64)>>> {
    let (n, m) = (costs.n_demand(), costs.n_sites());
    if let Some(j) = open.iter().find(|&&j| j >= m) {
        return Err(Error::param(
            "open",
            format!("site {j} does not exist ({m} sites)"),
        ));
    }
    let mut open = open.to_vec();
    open.sort_unstable();
    open.dedup();
    let mask: Option<Vec<Vec<bool>>> = match reach {
        Some(r) if (r.n_demand(), r.n_sites()) != (n, m) => {
            return Err(Error::param(
                "reach",
                format!(
                    "{} x {} coverage for {n} x {m} costs",
                    r.n_demand(),
                    r.n_sites()
                ),
            ))
        }
        Some(r) => Some(
            open.iter()
                .map(|&j| {
                    let mut m = vec![false; n];
                    r.site(j).iter().for_each(|&i| m[i as usize] = true);
                    m
                })
                .collect(),
        ),
        None => None,
    };
    Ok((0..n)
        .map(|i| {
            open.iter()
                .enumerate()
                .filter(|&(k, _)| mask.as_ref().is_none_or(|m| m[k][i]))
                .map(|(_, &j)| (j, costs.cost(i, j)))
                .fold(None, |best: Option<(usize, f64)>, (j, c)| match best {
                    Some((_, b)) if b <= c => best,
                    _ => Some((j, c)),
                })
        })
        .collect())
}

//! Brute force over every set of sites, priced by the model itself
//! ([`SitingModel::objective_of`], which refuses the plans the model does not
//! allow): the optimum of a small instance, for the contract tests and the
//! property tests. Included by path where needed.

use lifecircle::model::{Goal, SitingModel};

/// Every subset of `0..n`, as sorted site lists.
pub fn subsets(n: usize) -> impl Iterator<Item = Vec<usize>> {
    assert!(n <= 16, "brute force over 2^{n} plans");
    (0u32..(1 << n)).map(move |m| (0..n).filter(|j| m & (1 << j) != 0).collect())
}

/// The best objective over every plan of `n_sites` sites that the model
/// allows, or `None` if it allows none.
pub fn best<M: SitingModel<Plan = [usize]> + ?Sized>(model: &M, n_sites: usize) -> Option<f64> {
    let values = subsets(n_sites).filter_map(|s| model.objective_of(&s).ok());
    match model.goal() {
        Goal::Minimise => values.reduce(f64::min),
        Goal::Maximise => values.reduce(f64::max),
    }
}

//! Which demand points each site reaches within the walking limit: the sparse
//! site × demand incidence that every coverage model works on.

use super::cost_matrix::check_cost;
use super::CostMatrix;
use crate::error::{finite_non_negative, total_over_limit, Error, Result, MAX_TOTAL};

/// For each site, the sorted demand points it covers (compressed sparse rows).
///
/// # Example
/// ```
/// use lifecircle::model::CoverageSets;
/// let cov = CoverageSets::from_sets(4, vec![vec![0, 1], vec![1, 2, 3], vec![]]).unwrap();
/// assert_eq!(cov.n_sites(), 3);
/// assert_eq!(cov.site(1), &[1, 2, 3]);
/// assert_eq!(cov.covered(&[0, 2]), vec![true, true, false, false]);
/// assert_eq!(cov.covered_weight(&[1], &[5.0, 1.0, 1.0, 1.0]), 3.0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "RawCoverageSets")]
pub struct CoverageSets {
    n_demand: usize,
    offsets: Vec<usize>,
    demand: Vec<u32>,
}

/// The serialised form, checked on the way in by [`CoverageSets::from_sets`]:
/// a file must not build sets the constructor would refuse.
#[derive(serde::Deserialize)]
struct RawCoverageSets {
    n_demand: usize,
    offsets: Vec<usize>,
    demand: Vec<u32>,
}

impl TryFrom<RawCoverageSets> for CoverageSets {
    type Error = Error;

    fn try_from(raw: RawCoverageSets) -> Result<Self> {
        let ordered = raw.offsets.first() == Some(&0)
            && raw.offsets.windows(2).all(|w| w[0] <= w[1])
            && raw.offsets.last() == Some(&raw.demand.len());
        if !ordered {
            return Err(Error::record(
                "coverage sets",
                "offsets",
                "must start at 0, never decrease, and end at the number of entries",
            ));
        }
        let sets = raw
            .offsets
            .windows(2)
            .map(|w| raw.demand[w[0]..w[1]].iter().map(|&d| d as usize).collect())
            .collect();
        Self::from_sets(raw.n_demand, sets)
    }
}

impl CoverageSets {
    /// Builds from one list of covered demand indices per site (duplicates removed).
    ///
    /// # Errors
    /// [`Error::BadRecord`] naming the site if an index is `>= n_demand`.
    pub fn from_sets(n_demand: usize, sets: Vec<Vec<usize>>) -> Result<Self> {
        if n_demand > u32::MAX as usize {
            return Err(Error::param("n_demand", "at most 2^32 - 1 demand points"));
        }
        let mut offsets = Vec::with_capacity(sets.len() + 1);
        let mut demand = Vec::with_capacity(sets.iter().map(Vec::len).sum());
        offsets.push(0);
        for (site, mut set) in sets.into_iter().enumerate() {
            set.sort_unstable();
            set.dedup();
            if let Some(&bad) = set.last().filter(|&&d| d >= n_demand) {
                return Err(Error::record(
                    "coverage sets",
                    format!("site {site}"),
                    format!("covers demand point {bad}, but there are only {n_demand}"),
                ));
            }
            demand.extend(set.into_iter().map(|d| d as u32));
            offsets.push(demand.len());
        }
        Ok(Self {
            n_demand,
            offsets,
            demand,
        })
    }

    /// Builds from a cost matrix: site `j` covers demand point `i` when
    /// `cost(i, j) <= radius`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a negative or NaN radius (which would
    /// silently cover nothing) or an infinite one (which would cover every pair).
    pub fn within(costs: &CostMatrix, radius: f64) -> Result<Self> {
        check_radius(radius)?;
        let mut sets = vec![Vec::new(); costs.n_sites()];
        for i in 0..costs.n_demand() {
            for (j, &c) in costs.row(i).iter().enumerate() {
                if c <= radius {
                    sets[j].push(i);
                }
            }
        }
        Self::from_sets(costs.n_demand(), sets)
    }

    /// Builds from the stored `(demand, site, cost)` entries of a sparse cost
    /// matrix, where an absent pair is out of reach: site `j` covers demand
    /// point `i` when an entry `(i, j, cost)` has `cost <= radius`. Costs and
    /// radius obey the same rules as [`CostMatrix::new`] and [`CoverageSets::within`].
    ///
    /// ```
    /// use lifecircle::model::CoverageSets;
    /// let cov = CoverageSets::within_pairs(3, 2, [(0, 0, 1.0), (2, 0, 9.0), (1, 1, 0.0)], 2.0).unwrap();
    /// assert_eq!((cov.site(0), cov.site(1)), (&[0][..], &[1][..]));
    /// assert!(CoverageSets::within_pairs(1, 1, [(0, 0, f64::INFINITY)], 2.0).is_err());
    /// ```
    ///
    /// # Errors
    /// As [`CoverageSets::within`] for the radius; [`Error::BadRecord`] naming
    /// the row and column of a cost that is not finite and >= 0, or of an
    /// entry outside the `n_demand` × `n_sites` shape.
    pub fn within_pairs(
        n_demand: usize,
        n_sites: usize,
        pairs: impl IntoIterator<Item = (usize, usize, f64)>,
        radius: f64,
    ) -> Result<Self> {
        check_radius(radius)?;
        let mut sets = vec![Vec::new(); n_sites];
        for (i, j, c) in pairs {
            if i >= n_demand || j >= n_sites {
                return Err(Error::record(
                    "cost matrix",
                    format!("row {i}, column {j}"),
                    format!("is outside the {n_demand} x {n_sites} matrix"),
                ));
            }
            check_cost(i, j, c)?;
            if c <= radius {
                sets[j].push(i);
            }
        }
        Self::from_sets(n_demand, sets)
    }

    /// Number of demand points.
    pub fn n_demand(&self) -> usize {
        self.n_demand
    }

    /// Number of sites.
    pub fn n_sites(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of (site, demand) pairs.
    pub fn nnz(&self) -> usize {
        self.demand.len()
    }

    /// Demand points covered by a site, sorted.
    ///
    /// # Panics
    /// If `site >= n_sites()`, as indexing does.
    pub fn site(&self, site: usize) -> &[u32] {
        &self.demand[self.offsets[site]..self.offsets[site + 1]]
    }

    /// For each demand point, the sorted sites that cover it (the transpose).
    pub fn by_demand(&self) -> Vec<Vec<u32>> {
        let mut out = vec![Vec::new(); self.n_demand];
        for j in 0..self.n_sites() {
            for &d in self.site(j) {
                out[d as usize].push(j as u32);
            }
        }
        out
    }

    /// Which demand points at least one of `open` covers.
    ///
    /// # Panics
    /// If a site in `open` is `>= n_sites()`, as indexing does.
    pub fn covered(&self, open: &[usize]) -> Vec<bool> {
        let mut covered = vec![false; self.n_demand];
        for &j in open {
            for &d in self.site(j) {
                covered[d as usize] = true;
            }
        }
        covered
    }

    /// Total weight of the demand points that `open` covers.
    ///
    /// # Panics
    /// If a site in `open` is `>= n_sites()`, or `weights` does not hold one
    /// weight per demand point (rather than summing the wrong ones).
    pub fn covered_weight(&self, open: &[usize], weights: &[f64]) -> f64 {
        assert_eq!(
            weights.len(),
            self.n_demand,
            "covered_weight: one weight per demand point"
        );
        self.covered(open)
            .iter()
            .zip(weights)
            .filter(|(c, _)| **c)
            .map(|(_, w)| w)
            .sum()
    }

    /// The coverage of a subset of sites, in the given order (site `k` of the
    /// result is site `sites[k]` of `self`).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for an unknown site.
    pub fn select_sites(&self, sites: &[usize]) -> Result<Self> {
        self.check_sites("sites", sites)?;
        let sets = sites
            .iter()
            .map(|&j| self.site(j).iter().map(|&d| d as usize).collect())
            .collect();
        Self::from_sets(self.n_demand, sets)
    }

    /// The demand still to serve once `fixed` sites are open: for each demand
    /// point they do not cover and that `weight` keeps (it returns `None` to
    /// skip a point), its weight and the other sites covering it. Also returns
    /// `fixed` sorted and deduplicated.
    pub(crate) fn residual(
        &self,
        fixed: &[usize],
        weight: impl Fn(usize) -> Option<f64>,
    ) -> (Vec<usize>, Vec<(f64, Vec<u32>)>) {
        let mut fixed = fixed.to_vec();
        fixed.sort_unstable();
        fixed.dedup();
        let mut is_fixed = vec![false; self.n_sites()];
        fixed.iter().for_each(|&j| is_fixed[j] = true);
        let already = self.covered(&fixed);
        let demand = self
            .by_demand()
            .into_iter()
            .enumerate()
            .filter(|&(i, _)| !already[i])
            .filter_map(|(i, sites)| {
                let w = weight(i)?;
                Some((
                    w,
                    sites
                        .into_iter()
                        .filter(|&j| !is_fixed[j as usize])
                        .collect(),
                ))
            })
            .collect();
        (fixed, demand)
    }

    /// Checks that `sites` are valid site indices, naming the parameter otherwise.
    pub(crate) fn check_sites(&self, name: &str, sites: &[usize]) -> Result<()> {
        match sites.iter().find(|&&j| j >= self.n_sites()) {
            Some(j) => Err(Error::param(
                name,
                format!(
                    "site {j} does not exist (there are {} sites)",
                    self.n_sites()
                ),
            )),
            None => Ok(()),
        }
    }
}

/// Checks that weights are finite and non-negative, one per demand point.
pub(crate) fn check_weights(weights: &[f64], n_demand: usize) -> Result<()> {
    if weights.len() != n_demand {
        return Err(Error::param(
            "weights",
            format!("{} weights for {n_demand} demand points", weights.len()),
        ));
    }
    if let Some(i) = weights.iter().position(|w| !finite_non_negative(*w)) {
        return Err(Error::InvalidPopulation {
            id: i.to_string(),
            value: weights[i],
        });
    }
    match total_over_limit(weights.iter().copied()) {
        Some((i, sum)) => Err(Error::param(
            "weights",
            format!("they sum to {sum:e} by demand point {i}, above the limit of {MAX_TOTAL:e}: scale them down"),
        )),
        None => Ok(()),
    }
}

/// The one rule for a coverage radius, whoever gives it (the CLI's `--radius`,
/// Python's `service_radius`): a finite number >= 0.
fn check_radius(radius: f64) -> Result<()> {
    if finite_non_negative(radius) {
        Ok(())
    } else {
        Err(Error::param(
            "radius",
            format!("must be a finite number >= 0, got {radius}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_demand_names_the_site() {
        let err = CoverageSets::from_sets(2, vec![vec![0], vec![5]]).unwrap_err();
        assert!(err.to_string().contains("site 1"), "{err}");
    }

    #[test]
    fn cost_matrix_within_radius_and_transpose() {
        let m = CostMatrix::from_rows(vec![vec![1.0, 5.0], vec![3.0, 2.0]]).unwrap();
        let cov = CoverageSets::within(&m, 2.0).unwrap();
        assert_eq!(cov.site(0), &[0]);
        assert_eq!(cov.site(1), &[1]);
        assert_eq!(cov.by_demand(), vec![vec![0], vec![1]]);
    }

    #[test]
    fn nan_negative_or_infinite_radius_is_rejected_dense_or_sparse() {
        let m = CostMatrix::from_rows(vec![vec![1.0]]).unwrap();
        for radius in [f64::NAN, -1.0, f64::INFINITY] {
            for err in [
                CoverageSets::within(&m, radius).unwrap_err(),
                CoverageSets::within_pairs(1, 1, [(0, 0, 1.0)], radius).unwrap_err(),
            ] {
                assert!(
                    err.to_string()
                        .contains("radius: must be a finite number >= 0, got"),
                    "{err}"
                );
            }
        }
    }

    #[test]
    fn sparse_costs_follow_the_dense_rule_and_name_their_pair() {
        for bad in [f64::INFINITY, f64::NAN, -1.0] {
            let dense = CostMatrix::new(2, 2, vec![0.0, 1.0, 1.0, bad]).unwrap_err();
            let sparse = CoverageSets::within_pairs(2, 2, [(0, 0, 0.0), (1, 1, bad)], 1.0);
            assert_eq!(sparse.unwrap_err().to_string(), dense.to_string());
            assert!(dense.to_string().contains("row 1, column 1"), "{dense}");
        }
        let outside = CoverageSets::within_pairs(2, 2, [(0, 2, 1.0)], 1.0).unwrap_err();
        assert!(
            outside
                .to_string()
                .contains("row 0, column 2: is outside the 2 x 2"),
            "{outside}"
        );
    }

    #[test]
    fn nan_or_negative_weights_are_rejected() {
        assert!(check_weights(&[1.0, f64::NAN], 2).is_err());
        assert!(check_weights(&[1.0, -1.0], 2).is_err());
        assert!(check_weights(&[1.0], 2).is_err());
        assert!(check_weights(&[1.0, 0.0], 2).is_ok());
    }

    #[test]
    #[should_panic(expected = "one weight per demand point")]
    fn covered_weight_with_too_few_weights_panics_rather_than_undercount() {
        let cov = CoverageSets::from_sets(2, vec![vec![0, 1]]).unwrap();
        cov.covered_weight(&[0], &[1.0]);
    }

    #[test]
    fn serialised_sets_are_checked_on_the_way_in() {
        let cov = CoverageSets::from_sets(3, vec![vec![0, 2], vec![], vec![1]]).unwrap();
        let back: CoverageSets =
            serde_json::from_str(&serde_json::to_string(&cov).unwrap()).unwrap();
        assert_eq!(back, cov);
        for bad in [
            r#"{"n_demand": 2, "offsets": [0, 1], "demand": [5]}"#,
            r#"{"n_demand": 2, "offsets": [0, 3], "demand": [0]}"#,
            r#"{"n_demand": 2, "offsets": [1, 0], "demand": [0]}"#,
            r#"{"n_demand": 2, "offsets": [], "demand": []}"#,
        ] {
            assert!(serde_json::from_str::<CoverageSets>(bad).is_err(), "{bad}");
        }
    }
}

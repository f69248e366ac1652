//! Current coverage: who the open sites of one service reach.

use crate::error::Result;
use crate::instances::coverage_sets::check_weights;
use crate::instances::CoverageSets;

/// Coverage of one service by a set of open facilities.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CoverageSummary {
    /// Residents considered.
    pub residents: f64,
    /// Residents within the walking limit of an open facility.
    pub covered: f64,
    /// `covered / residents` (0 when there are no residents).
    pub share: f64,
    /// Residents left out.
    pub left_out: f64,
    /// Demand points (indices) left out that have residents.
    pub uncovered: Vec<usize>,
}

impl CoverageSummary {
    /// Summarises which demand points `open` sites cover.
    ///
    /// # Example
    /// ```
    /// use lifecircle::coverage::CoverageSummary;
    /// use lifecircle::model::CoverageSets;
    /// let cov = CoverageSets::from_sets(3, vec![vec![0, 1], vec![2]]).unwrap();
    /// let s = CoverageSummary::of(&cov, &[0], &[100.0, 50.0, 50.0]).unwrap();
    /// assert_eq!((s.covered, s.left_out, s.share), (150.0, 50.0, 0.75));
    /// assert_eq!(s.uncovered, vec![2]);
    /// assert!(CoverageSummary::of(&cov, &[2], &[100.0, 50.0, 50.0]).is_err());
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) naming `open` for an unknown site, or
    /// `weights` if their count is not the number of demand points;
    /// [`Error::InvalidPopulation`](crate::Error::InvalidPopulation) for a NaN, infinite or negative weight.
    pub fn of(coverage: &CoverageSets, open: &[usize], weights: &[f64]) -> Result<Self> {
        coverage.check_sites("open", open)?;
        check_weights(weights, coverage.n_demand())?;
        let flags = coverage.covered(open);
        let residents: f64 = weights.iter().sum();
        let covered: f64 = flags
            .iter()
            .zip(weights)
            .filter(|(c, _)| **c)
            .map(|(_, w)| w)
            .sum();
        Ok(Self {
            residents,
            covered,
            share: if residents > 0.0 {
                covered / residents
            } else {
                0.0
            },
            left_out: residents - covered,
            uncovered: (0..weights.len())
                .filter(|&i| !flags[i] && weights[i] > 0.0)
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_of_an_unknown_site_or_wrong_weights_is_an_error() {
        let cov = CoverageSets::from_sets(3, vec![vec![0, 1], vec![2]]).unwrap();
        let err = CoverageSummary::of(&cov, &[7], &[1.0; 3]).unwrap_err();
        assert!(
            err.to_string().contains("open: site 7 does not exist"),
            "{err}"
        );
        let err = CoverageSummary::of(&cov, &[0], &[1.0; 5]).unwrap_err();
        assert!(
            err.to_string().contains("5 weights for 3 demand points"),
            "{err}"
        );
        let err = CoverageSummary::of(&cov, &[0], &[1.0]).unwrap_err();
        assert!(
            err.to_string().contains("1 weights for 3 demand points"),
            "{err}"
        );
    }
}

//! Stage 4: what existing facilities cover now, and who is left out.

use crate::model::CoverageSets;

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
    /// let s = CoverageSummary::of(&cov, &[0], &[100.0, 50.0, 50.0]);
    /// assert_eq!((s.covered, s.left_out, s.share), (150.0, 50.0, 0.75));
    /// assert_eq!(s.uncovered, vec![2]);
    /// ```
    pub fn of(coverage: &CoverageSets, open: &[usize], weights: &[f64]) -> Self {
        let flags = coverage.covered(open);
        let residents: f64 = weights.iter().sum();
        let covered: f64 = flags
            .iter()
            .zip(weights)
            .filter(|(c, _)| **c)
            .map(|(_, w)| w)
            .sum();
        Self {
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
        }
    }
}

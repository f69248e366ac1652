//! Stage: accessibility beyond "within the limit" — distance decay, the
//! floating-catchment (2SFCA) family, gravity access, nearest-N times and
//! cumulative opportunities, per demand point and per zone.
//!
//! Parts: [`decay`] (the decay functions as plain data), [`indices`] (one
//! function per index over an [`AccessInput`]), and here the whole set for
//! one service ([`AccessIndices`]) and zone rows ([`zone_rows`]). Inputs are
//! the sparse walking-time matrix ([`TravelTimes`], sites × demand points)
//! and plain slices; nothing here reads a scenario.
//!
//! # Indices
//! With `t_ij` the walk from demand point `i` to facility `j`, `S_j` its
//! supply (capacity, or 1), `P_i` the demand (the service's residents) and
//! `f` a [`Decay`]:
//!
//! | index | formula | source |
//! |---|---|---|
//! | 2SFCA | `A_i = Σ_j f(t_ij) R_j`, `R_j = S_j / Σ_k f(t_kj) P_k`, `f` one step of weight 1 | Luo & Wang (2003); PySAL `access.fca.two_stage_fca` |
//! | E2SFCA | the same with steps (default: PySAL's 10/20/30 min weights 1/0.68/0.22, as thirds of the limit) | Luo & Qi (2009); PySAL `enhanced_two_stage_fca` |
//! | Gaussian 2SFCA | the same with Dai's Gaussian kernel ([`Decay::Gaussian`]) | Dai (2010) |
//! | 3SFCA | each pair also weighted by `G_ij = f(t_ij) / Σ_k f(t_ik)` in both steps | Wan, Zou & Sternberg (2012); PySAL `three_stage_fca` |
//! | gravity | `A_i = Σ_j S_j f(t_ij)` | Hansen (1959); PySAL `weighted_catchment` |
//! | nearest-N | mean `t_ij` over the `N` nearest facilities (`None` if fewer are in reach) | GOAT "closest average" |
//! | cumulative | `A_i = Σ_{j: t_ij <= limit} S_j` | cumulative opportunities (e.g. pandana aggregation, "flat") |
//!
//! Deliberate differences from PySAL `access` (tested in
//! `python/tests/test_access_peer.py`): a facility whose catchment holds no
//! demand gets `R_j = 0` (PySAL: `inf`, or NaN for `0/0`); a demand point no
//! facility reaches gets 0 and is flagged by [`AccessIndices::in_reach`]
//! (PySAL leaves it out of its result); a service without facilities gives
//! zeros and [`AccessIndices::no_facility`].
//!
//! # Complexity
//! `O(nnz)` time over the facilities' rows of the matrix for each index,
//! `O(nnz + n_demand)` memory.
//!
//! # Example
//! ```
//! use lifecircle::access::{two_step, AccessInput, Decay};
//! use lifecircle::travel::TravelTimes;
//!
//! // Two facilities, three demand points; site 0 reaches points 0 and 1, site 1 point 1.
//! let tt = TravelTimes::from_triplets(2, 3, 900.0, &[0, 0, 1], &[0, 1, 1], &[60.0, 300.0, 120.0]).unwrap();
//! let demand = [100.0, 300.0, 50.0];
//! let input = AccessInput::new(&tt, &[0, 1], Some(&[4.0, 3.0]), &demand).unwrap();
//! let a = two_step(&input, &Decay::two_step(900.0)).unwrap();
//! // R_0 = 4 / 400, R_1 = 3 / 300; point 2 reaches nothing.
//! assert_eq!(a, vec![0.01, 0.02, 0.0]);
//! ```

// The decay functions are plain data, so they live with the other instance
// types (the siting models use them too); this path keeps reaching them.
pub use crate::instances::decay;
pub mod indices;
pub mod isochrone;

use serde::{Deserialize, Serialize};

use crate::error::{finite_non_negative, Error, Result};
#[cfg(doc)]
use crate::travel::TravelTimes;

pub use decay::{Decay, Step, E2SFCA_WEIGHTS};
pub use indices::{
    cumulative, gravity, in_reach, nearest_average, three_step, two_step, AccessInput,
};

/// GOAT's default sensitivity for walking heatmaps (s²), used by the default gravity decay.
pub const GOAT_SENSITIVITY: f64 = 300_000.0;

/// The decays and limits of [`AccessIndices::compute`]. [`AccessParams::new`]
/// sets every decay's cutoff to the service's walking limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessParams {
    /// The service's walking limit in seconds: the 2SFCA catchment, the
    /// cumulative-opportunities limit and the reach of [`AccessIndices::in_reach`].
    pub limit_s: f64,
    /// E2SFCA steps.
    pub e2sfca: Decay,
    /// Gaussian 2SFCA kernel.
    pub gaussian: Decay,
    /// 3SFCA decay (Wan et al. use a Gaussian).
    pub three_step: Decay,
    /// Gravity decay.
    pub gravity: Decay,
    /// `N` of the nearest-N average time.
    pub nearest_n: usize,
}

impl AccessParams {
    /// Defaults for a service with walking limit `limit_s`: PySAL's E2SFCA
    /// weights in thirds of the limit, Dai's Gaussian to the limit for
    /// Gaussian 2SFCA and 3SFCA, GOAT's modified Gaussian (sensitivity
    /// [`GOAT_SENSITIVITY`]) cut at the limit for gravity, and N = 3.
    pub fn new(limit_s: f64) -> Self {
        Self {
            limit_s,
            e2sfca: Decay::e2sfca(limit_s),
            gaussian: Decay::Gaussian { cutoff_s: limit_s },
            three_step: Decay::Gaussian { cutoff_s: limit_s },
            gravity: Decay::ModifiedGaussian {
                sensitivity: GOAT_SENSITIVITY,
                cutoff_s: Some(limit_s),
            },
            nearest_n: 3,
        }
    }
}

/// Every index for one service, one value per demand point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessIndices {
    /// 2SFCA within the limit.
    pub two_sfca: Vec<f64>,
    /// E2SFCA.
    pub e2sfca: Vec<f64>,
    /// Gaussian 2SFCA.
    pub gaussian_2sfca: Vec<f64>,
    /// 3SFCA.
    pub three_sfca: Vec<f64>,
    /// Gravity access.
    pub gravity: Vec<f64>,
    /// Supply within the limit.
    pub cumulative: Vec<f64>,
    /// Mean seconds to the `nearest_n` nearest facilities (`None`: fewer in reach).
    pub nearest_average_s: Vec<Option<f64>>,
    /// Facilities within the limit; 0 flags a point nothing reaches (its indices are 0).
    pub in_reach: Vec<u32>,
    /// The service has no facility: every index is 0 for that reason.
    pub no_facility: bool,
}

impl AccessIndices {
    /// Computes every index.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for an invalid decay, a limit or cutoff
    /// beyond the matrix limit, `nearest_n = 0`, or an overflow.
    pub fn compute(input: &AccessInput, params: &AccessParams) -> Result<Self> {
        Ok(Self {
            two_sfca: two_step(input, &Decay::two_step(params.limit_s))?,
            e2sfca: two_step(input, &params.e2sfca)?,
            gaussian_2sfca: two_step(input, &params.gaussian)?,
            three_sfca: three_step(input, &params.three_step)?,
            gravity: gravity(input, &params.gravity)?,
            cumulative: cumulative(input, params.limit_s)?,
            nearest_average_s: nearest_average(input, params.nearest_n)?,
            in_reach: in_reach(input, params.limit_s)?,
            no_facility: input.no_facility(),
        })
    }
}

/// One zone's summary of an index.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ZoneRow {
    /// Residents (demand weight) in the zone.
    pub residents: f64,
    /// Resident-weighted mean of the index (0 for a zone without residents).
    pub mean: f64,
    /// Share of the zone's residents whose index is below the threshold
    /// (the underserved; 0 for a zone without residents).
    pub share_below: f64,
}

/// Resident-weighted zone means of `values` and the share of residents
/// below `threshold`, for demand points in zones `zone[i] < n_zones`.
///
/// # Errors
/// [`Error::InvalidParameter`] for slices of different lengths, a zone out
/// of range, or a NaN threshold; [`Error::InvalidPopulation`] for a
/// resident count that is NaN, infinite or negative.
pub fn zone_rows(
    values: &[f64],
    residents: &[f64],
    zone: &[usize],
    n_zones: usize,
    threshold: f64,
) -> Result<Vec<ZoneRow>> {
    if values.len() != residents.len() || values.len() != zone.len() {
        return Err(Error::param(
            "zones",
            format!(
                "{} values, {} resident counts and {} zones: one of each per demand point",
                values.len(),
                residents.len(),
                zone.len()
            ),
        ));
    }
    if threshold.is_nan() {
        return Err(Error::param("threshold", "must be a number, got NaN"));
    }
    let mut rows = vec![
        ZoneRow {
            residents: 0.0,
            mean: 0.0,
            share_below: 0.0,
        };
        n_zones
    ];
    for (i, ((&v, &r), &z)) in values.iter().zip(residents).zip(zone).enumerate() {
        if !finite_non_negative(r) {
            return Err(Error::InvalidPopulation {
                id: format!("{i} (zone residents)"),
                value: r,
            });
        }
        let row = rows.get_mut(z).ok_or_else(|| {
            Error::param(
                "zones",
                format!("demand point {i} is in zone {z}, but there are {n_zones} zones"),
            )
        })?;
        row.residents += r;
        row.mean += r * v;
        if v < threshold {
            row.share_below += r;
        }
    }
    for (z, row) in rows.iter_mut().enumerate() {
        if row.residents > 0.0 {
            row.mean /= row.residents;
            row.share_below /= row.residents;
        }
        if !(row.residents.is_finite() && row.mean.is_finite()) {
            return Err(Error::param(
                "zones",
                format!("zone {z}: the resident-weighted sum overflows: scale residents down"),
            ));
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::travel::TravelTimes;

    #[test]
    fn zone_rows_are_resident_weighted_with_the_underserved_share() {
        let values = [0.0, 2.0, 4.0, 9.0];
        let residents = [10.0, 30.0, 60.0, 5.0];
        let rows = zone_rows(&values, &residents, &[0, 0, 0, 2], 3, 3.0).unwrap();
        assert_eq!(rows[0].residents, 100.0);
        assert!((rows[0].mean - 3.0).abs() < 1e-12);
        assert!((rows[0].share_below - 0.4).abs() < 1e-12);
        // Zone 1 has no residents: zeros, not NaN.
        assert_eq!((rows[1].mean, rows[1].share_below), (0.0, 0.0));
        assert_eq!((rows[2].mean, rows[2].share_below), (9.0, 0.0));
        for (v, r, z, says) in [
            (&values[..], &residents[..], &[0, 0, 0, 3][..], "zone 3"),
            (
                &values[..3],
                &residents[..],
                &[0, 0, 0, 0][..],
                "3 values, 4",
            ),
            (
                &values[..],
                &[1.0, -1.0, 0.0, 0.0][..],
                &[0; 4][..],
                "demand point 1",
            ),
            (
                &[1e300; 4][..],
                &[1e300; 4][..],
                &[0; 4][..],
                "zone 0: the resident-weighted sum overflows",
            ),
        ] {
            let err = zone_rows(v, r, z, 3, 3.0).unwrap_err().to_string();
            assert!(err.contains(says), "{says}: {err}");
        }
        assert!(zone_rows(&values, &residents, &[0; 4], 1, f64::NAN).is_err());
    }

    #[test]
    fn the_whole_set_flags_unreached_points_and_a_service_without_facilities() {
        let tt =
            TravelTimes::from_triplets(2, 3, 900.0, &[0, 0, 1], &[0, 1, 1], &[60.0, 300.0, 120.0])
                .unwrap();
        let p = [100.0, 300.0, 50.0];
        let params = AccessParams::new(900.0);
        let all =
            AccessIndices::compute(&AccessInput::new(&tt, &[0, 1], None, &p).unwrap(), &params)
                .unwrap();
        assert_eq!(all.in_reach, vec![1, 2, 0]);
        assert!(!all.no_facility);
        assert_eq!(all.nearest_average_s, vec![None; 3]);
        for index in [
            &all.two_sfca,
            &all.e2sfca,
            &all.gaussian_2sfca,
            &all.three_sfca,
            &all.gravity,
        ] {
            assert!(
                index[0] > 0.0 && index[1] > 0.0 && index[2] == 0.0,
                "{index:?}"
            );
        }
        let none = AccessIndices::compute(&AccessInput::new(&tt, &[], None, &p).unwrap(), &params)
            .unwrap();
        assert!(none.no_facility);
        assert_eq!(none.two_sfca, vec![0.0; 3]);
        // A service limit beyond the matrix is refused, not cut short.
        assert!(AccessIndices::compute(
            &AccessInput::new(&tt, &[0], None, &p).unwrap(),
            &AccessParams::new(1000.0)
        )
        .is_err());
    }
}

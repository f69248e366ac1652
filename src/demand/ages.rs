//! The age groups of a demand point's residents, and the ratios that fill
//! them in where a table has no counts.

use crate::error::{finite_non_negative, Error, Result};

/// The residents of one demand point by age group (`None`: not known).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Residents {
    /// All residents.
    pub total: f64,
    /// Residents aged 60 and over.
    pub aged_60_plus: Option<f64>,
    /// Children under 6.
    pub under_6: Option<f64>,
}

impl Residents {
    /// Checks the counts of the demand point `id`.
    ///
    /// # Errors
    /// [`Error::InvalidPopulation`] for a NaN, infinite or negative total,
    /// [`Error::BadRecord`] naming `id` for an invalid age group (negative,
    /// not finite, or larger than the total, alone or with the other group).
    ///
    /// # Example
    /// ```
    /// use lifecircle::demand::Residents;
    /// let r = Residents { total: 10.0, aged_60_plus: Some(50.0), under_6: None };
    /// assert!(r.validate("cell-1").unwrap_err().to_string().contains("cell-1"));
    /// ```
    pub fn validate(&self, id: &str) -> Result<()> {
        if !(finite_non_negative(self.total)) {
            return Err(Error::InvalidPopulation {
                id: id.to_string(),
                value: self.total,
            });
        }
        let groups = [
            ("aged_60_plus", self.aged_60_plus),
            ("under_6", self.under_6),
        ];
        for (name, v) in groups {
            match v {
                Some(v) if !(finite_non_negative(v)) => {
                    return Err(Error::record(
                        "demand",
                        id,
                        format!("{name} must be a finite number >= 0, got {v}"),
                    ))
                }
                Some(v) if v > self.total => {
                    return Err(Error::record(
                        "demand",
                        id,
                        format!("{name} {v} exceeds the population {}", self.total),
                    ))
                }
                _ => {}
            }
        }
        if self.aged_60_plus.unwrap_or(0.0) + self.under_6.unwrap_or(0.0) > self.total {
            return Err(Error::record(
                "demand",
                id,
                format!(
                    "aged_60_plus + under_6 exceeds the population {}",
                    self.total
                ),
            ));
        }
        Ok(())
    }
}

/// Shares that fill in age groups a demand table lacks.
///
/// ```
/// use lifecircle::demand::{AgeRatios, DemandPoint};
/// // Yanhu district, Yuncheng (2020 census): 14.71 % aged 60+.
/// let ratios = AgeRatios { aged_60_plus: Some(0.1471), under_6: None };
/// let p = DemandPoint::new("cell-1", 24.9, 60.2, 1000.0);
/// let r = p.residents(&ratios);
/// assert!((r.aged_60_plus.unwrap() - 147.1).abs() < 1e-9);
/// assert_eq!(r.under_6, None);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeRatios {
    /// Share of residents aged 60+ where a point has no count of its own.
    #[serde(default)]
    pub aged_60_plus: Option<f64>,
    /// Share of children under 6 where a point has no count of its own.
    #[serde(default)]
    pub under_6: Option<f64>,
}

impl AgeRatios {
    /// Checks that the ratios lie in `[0, 1]` and add up to at most 1.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the ratio.
    pub fn validate(&self) -> Result<()> {
        for (name, r) in [
            ("aging_ratio", self.aged_60_plus),
            ("under_6_ratio", self.under_6),
        ] {
            if let Some(r) = r {
                if !(0.0..=1.0).contains(&r) {
                    return Err(Error::param(name, format!("must lie in [0, 1], got {r}")));
                }
            }
        }
        if self.aged_60_plus.unwrap_or(0.0) + self.under_6.unwrap_or(0.0) > 1.0 {
            return Err(Error::param(
                "under_6_ratio",
                "aging_ratio + under_6_ratio exceeds 1",
            ));
        }
        Ok(())
    }
}

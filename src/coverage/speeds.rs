//! Walking paces, and the one test of a walk against a limit.

use crate::error::{Error, Result};

/// Walking speeds: adults, and residents aged 60+ who walk slower.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Speeds {
    /// Adult walking speed, m/s (1.1 by default: 1,000 m in 15 minutes).
    pub adult_m_s: f64,
    /// Walking speed of residents aged 60+, m/s (0.9 by default: 800 m in 15 minutes).
    pub elderly_m_s: f64,
}

impl Default for Speeds {
    /// The two ends of GB 50180's 800–1,000 m per 15 minutes.
    fn default() -> Self {
        Self {
            adult_m_s: 1.1,
            elderly_m_s: 0.9,
        }
    }
}

impl Speeds {
    /// Checks both speeds are positive.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the speed.
    pub fn validate(&self) -> Result<()> {
        for (name, v) in [
            ("walking_speed_m_s", self.adult_m_s),
            ("elderly_walking_speed_m_s", self.elderly_m_s),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::param(name, format!("must be > 0, got {v}")));
            }
        }
        Ok(())
    }

    /// The farther of the two reaches within `minutes`, in metres.
    pub fn reach_m(&self, minutes: f64) -> f64 {
        minutes * 60.0 * self.adult_m_s.max(self.elderly_m_s)
    }

    /// The minutes the faster pace takes for `metres`: the inverse of
    /// [`reach_m`](Self::reach_m). Whoever is farther than `metres` walks
    /// longer than this, at either pace.
    ///
    /// ```
    /// let s = lifecircle::coverage::Speeds::default();
    /// assert_eq!(s.reach_minutes(s.reach_m(8.0)), 8.0);
    /// assert_eq!(s.reach_minutes(s.reach_m(30.0)), 30.0);
    /// ```
    pub fn reach_minutes(&self, metres: f64) -> f64 {
        let minutes = metres / 60.0 / self.adult_m_s.max(self.elderly_m_s);
        // Metres made from minutes come back a rounding error off (30 min at
        // 1.1 m/s gave 30.000000000000004 in every report): keep nine decimals.
        (minutes * 1e9).round() / 1e9
    }
}

/// Whether a walk of `d_m` metres at `speed_m_s` fits in `minutes`. Compared
/// in metres, as the plans' coverage sets are, so that a point at the limit
/// counts the same in the gap table and in a plan (dividing instead can round
/// the other way).
pub(crate) fn within_limit(d_m: f64, minutes: f64, speed_m_s: f64) -> bool {
    d_m <= minutes * 60.0 * speed_m_s
}

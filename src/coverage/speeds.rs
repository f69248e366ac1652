//! Walking paces, and the one test of a walk against a limit.

use crate::demand::DemandWeights;
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

/// Whose walking pace a service's walks are drawn at (its isochrones): see
/// [`Speeds::pace_of`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pace {
    /// The adult pace ([`Speeds::adult_m_s`]).
    #[default]
    Adult,
    /// The pace of residents aged 60+ ([`Speeds::elderly_m_s`]).
    Aged60Plus,
}

impl Pace {
    /// Words for a map's popup: "adult pace", "60+ pace".
    pub fn label(self) -> &'static str {
        match self {
            Pace::Adult => "adult pace",
            Pace::Aged60Plus => "60+ pace",
        }
    }
}

impl Speeds {
    /// The pace of the residents a service serves: the 60+ pace when they are
    /// the only ones its weights count (an elderly canteen, elderly care), as
    /// a plan's 60+ rows walk at it ([`site_rows`]); the adult pace when it
    /// serves anyone else too (children under 6 walk with an adult).
    ///
    /// ```
    /// use lifecircle::coverage::{Pace, Speeds};
    /// use lifecircle::demand::DemandWeights;
    ///
    /// let s = Speeds::default();
    /// assert_eq!(s.pace_of(&DemandWeights::aged_60_plus()), Pace::Aged60Plus);
    /// assert_eq!(s.pace_of(&DemandWeights::everyone()), Pace::Adult);
    /// assert_eq!(s.m_s(Pace::Aged60Plus), 0.9);
    /// ```
    pub fn pace_of(&self, serves: &DemandWeights) -> Pace {
        if serves.aged_60_plus > 0.0 && serves.everyone == 0.0 && serves.under_6 == 0.0 {
            Pace::Aged60Plus
        } else {
            Pace::Adult
        }
    }

    /// The speed of `pace`, m/s.
    pub fn m_s(&self, pace: Pace) -> f64 {
        match pace {
            Pace::Adult => self.adult_m_s,
            Pace::Aged60Plus => self.elderly_m_s,
        }
    }
}

/// Whether a walk of `d_m` metres at `speed_m_s` fits in `minutes`. Compared
/// in metres, as the plans' coverage sets are, so that a point at the limit
/// counts the same in the gap table and in a plan (dividing instead can round
/// the other way).
pub fn within_limit(d_m: f64, minutes: f64, speed_m_s: f64) -> bool {
    d_m <= minutes * 60.0 * speed_m_s
}

/// The demand rows a plan counts and who reaches them, as scenarios build
/// them: with `by_age`, row `2i` holds the residents aged 60+ of demand point
/// `i`, who walk at `speeds.elderly_m_s`, and row `2i + 1` the others, at
/// `speeds.adult_m_s`; without, row `i` holds everyone, at the adult pace.
/// `metres` are the walking distances from sites to demand points (a
/// [`TravelTimes`](crate::travel::TravelTimes) computed at 1 m/s, so that one
/// search serves both paces). Returns, per site, the rows within `minutes`
/// ([`within_limit`], compared in metres) and each row's walking minutes.
///
/// ```
/// use lifecircle::coverage::{rows_within, Speeds};
/// use lifecircle::travel::TravelTimes;
/// // One site, 500 m and 600 m from two points: 7.6 and 9.1 minutes at 1.1 m/s, 9.3 and 11.1 at 0.9.
/// let metres = TravelTimes::from_triplets(1, 2, 1000.0, &[0, 0], &[0, 1], &[500.0, 600.0]).unwrap();
/// let rows = rows_within(&metres, 10.0, Speeds::default(), true);
/// assert_eq!(rows[0].iter().map(|r| r.0).collect::<Vec<_>>(), vec![0, 1, 3]);
/// assert_eq!(rows_within(&metres, 8.0, Speeds::default(), false)[0], vec![(0, 500.0 / 1.1 / 60.0)]);
/// ```
pub fn rows_within(
    metres: &crate::travel::TravelTimes,
    minutes: f64,
    speeds: Speeds,
    by_age: bool,
) -> Vec<Vec<(usize, f64)>> {
    (0..metres.n_sites())
        .map(|j| site_rows(metres.row(j), minutes, speeds, by_age).collect())
        .collect()
}

/// [`rows_within`] for one site, from its `(demand point, metres)` pairs.
pub fn site_rows(
    metres: impl Iterator<Item = (usize, f64)>,
    minutes: f64,
    speeds: Speeds,
    by_age: bool,
) -> impl Iterator<Item = (usize, f64)> {
    // Rows per point, and their paces: the 60+ first.
    let (n, paces) = if by_age {
        (2, [speeds.elderly_m_s, speeds.adult_m_s])
    } else {
        (1, [speeds.adult_m_s, speeds.adult_m_s])
    };
    metres.flat_map(move |(i, d)| {
        (0..n).filter_map(move |k| {
            let v = paces[k];
            within_limit(d, minutes, v).then(|| (n * i + k, d / v / 60.0))
        })
    })
}

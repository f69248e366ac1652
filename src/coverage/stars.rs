//! Completeness: when a zone counts a category as present, and its stars.

use super::GapRow;
use crate::error::{Error, Result};
use crate::services::ServiceClass;

/// When a zone counts a category as present, and the star levels (Shanxi
/// 2023 style: 3★ basic, 4★ improved, 5★ quality).
///
/// A category is present in a zone when at least `present_share` of the
/// residents it serves there are within its walking limit (a zone with none of
/// them, e.g. no children for a kindergarten, counts it as present). A zone earns
/// the highest level whose shares of basic and of quality categories it meets.
///
/// Defaults: the Shanxi rating (中国社会报, 2023-10-12) asks for at least 15 of
/// 23 basic types for 3★ and, for 5★, also 20 of 30 quality types; they are
/// applied as shares of the catalogue's categories. The source gives no count
/// for 4★: we put it halfway, 10 of 30 quality types. `present_share` = 0.9
/// echoes the 2023–25 action plan's 90 % target.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingRules {
    /// Share of a zone's served residents within the limit for a category to count.
    #[serde(default = "default_present_share")]
    pub present_share: f64,
    /// Star levels, any order.
    #[serde(default = "default_levels")]
    pub levels: Vec<StarLevel>,
}

/// One star level: the shares of basic and of quality categories a zone needs.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StarLevel {
    /// Stars awarded.
    pub stars: u8,
    /// Share of basic categories present, at least.
    pub basic_share: f64,
    /// Share of quality categories present, at least.
    pub quality_share: f64,
}

fn default_present_share() -> f64 {
    0.9
}

fn default_levels() -> Vec<StarLevel> {
    let basic = 15.0 / 23.0;
    vec![
        StarLevel {
            stars: 3,
            basic_share: basic,
            quality_share: 0.0,
        },
        StarLevel {
            stars: 4,
            basic_share: basic,
            quality_share: 10.0 / 30.0,
        },
        StarLevel {
            stars: 5,
            basic_share: basic,
            quality_share: 20.0 / 30.0,
        },
    ]
}

impl Default for RatingRules {
    fn default() -> Self {
        Self {
            present_share: default_present_share(),
            levels: default_levels(),
        }
    }
}

impl RatingRules {
    /// Checks that shares lie in `[0, 1]`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the share.
    pub fn validate(&self) -> Result<()> {
        let mut shares = vec![("rating.present_share".to_string(), self.present_share)];
        for l in &self.levels {
            shares.push((
                format!("rating level {}★ basic_share", l.stars),
                l.basic_share,
            ));
            shares.push((
                format!("rating level {}★ quality_share", l.stars),
                l.quality_share,
            ));
        }
        match shares.iter().find(|(_, s)| !(0.0..=1.0).contains(s)) {
            Some((name, s)) => Err(Error::param(name, format!("must lie in [0, 1], got {s}"))),
            None => Ok(()),
        }
    }

    /// Stars for a zone with these shares of basic and quality categories present (0: none).
    ///
    /// ```
    /// use lifecircle::coverage::RatingRules;
    /// let r = RatingRules::default();
    /// assert_eq!(r.stars(1.0, 1.0), 5);
    /// assert_eq!(r.stars(0.7, 0.5), 4);
    /// assert_eq!(r.stars(0.7, 0.0), 3);
    /// assert_eq!(r.stars(0.5, 1.0), 0);
    /// ```
    pub fn stars(&self, basic_share: f64, quality_share: f64) -> u8 {
        self.levels
            .iter()
            .filter(|l| {
                basic_share >= l.basic_share - 1e-12 && quality_share >= l.quality_share - 1e-12
            })
            .map(|l| l.stars)
            .max()
            .unwrap_or(0)
    }
}

/// The living-circle completeness of one zone.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ZoneScore {
    /// Zone (community).
    pub zone: String,
    /// Residents.
    pub residents: f64,
    /// Residents aged 60+ (`None`: unknown).
    pub residents_60plus: Option<f64>,
    /// Basic categories present.
    pub basic_present: usize,
    /// Basic categories in the catalogue.
    pub basic_total: usize,
    /// Quality categories present.
    pub quality_present: usize,
    /// Quality categories in the catalogue.
    pub quality_total: usize,
    /// Star rating (0: below every level).
    pub stars: u8,
    /// Categories not present.
    pub missing: Vec<String>,
}

impl ZoneScore {
    /// Scores `zone` from its gap rows, one per category analysed (their
    /// classes give the totals of basic and quality categories);
    /// `residents` counts the zone's residents when there is no row to take
    /// them from.
    pub(super) fn of(
        zone: &str,
        rows: &[GapRow],
        rating: &RatingRules,
        residents: impl FnOnce() -> f64,
    ) -> Self {
        let present = |r: &GapRow| r.served <= 0.0 || r.share >= rating.present_share - 1e-12;
        let of_class = |class| rows.iter().filter(move |r| r.class == class);
        let (basic, quality) = (ServiceClass::Basic, ServiceClass::Quality);
        let (basic_total, quality_total) = (of_class(basic).count(), of_class(quality).count());
        let basic_present = of_class(basic).filter(|r| present(r)).count();
        let quality_present = of_class(quality).filter(|r| present(r)).count();
        // A class with no category in the analysis has nothing present (no free stars).
        let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
        let first = rows.first();
        Self {
            zone: zone.to_string(),
            residents: first.map_or_else(residents, |r| r.residents),
            residents_60plus: first.and_then(|r| r.residents_60plus),
            basic_present,
            basic_total,
            quality_present,
            quality_total,
            stars: rating.stars(
                share(basic_present, basic_total),
                share(quality_present, quality_total),
            ),
            missing: rows
                .iter()
                .filter(|r| !present(r))
                .map(|r| r.category.clone())
                .collect(),
        }
    }
}

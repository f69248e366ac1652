//! Stage 4: what existing facilities cover now, and who is left out — per
//! service, per zone (community) and per age group — and how complete each
//! zone's living circle is (查缺补漏: find what is missing).

use crate::demand::Residents;
use crate::error::{finite_non_negative, Error, Result};
use crate::instances::coverage_sets::check_weights;
use crate::instances::{CostMatrix, CoverageSets};
use crate::services::{Service, ServiceClass};

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
    /// [`Error::InvalidParameter`] naming `open` for an unknown site, or
    /// `weights` if their count is not the number of demand points;
    /// [`Error::InvalidPopulation`] for a NaN, infinite or negative weight.
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

/// One demand point for the gap analysis: its zone and residents.
#[derive(Debug, Clone, PartialEq)]
pub struct GapPoint {
    /// The point's id (reported when left out).
    pub id: String,
    /// Index into the zone names.
    pub zone: usize,
    /// Residents by age group.
    pub residents: Residents,
}

/// One service for the gap analysis: its catalogue entry and, for each demand
/// point, the walking distance in metres to the nearest existing facility
/// (`None`: none within the distance searched).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceReach<'a> {
    /// The service.
    pub service: &'a Service,
    /// Metres to the nearest facility, per demand point.
    pub nearest_m: Vec<Option<f64>>,
    /// Facilities counted (existing, and new ones after a plan).
    pub facilities: usize,
}

/// One row of the gap table: a zone (or `"(all)"`) and a service.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GapRow {
    /// Zone (community), or `"(all)"` for the whole area.
    pub zone: String,
    /// Service key.
    pub category: String,
    /// Basic or quality.
    pub class: ServiceClass,
    /// Walking limit, minutes.
    pub walking_limit_min: f64,
    /// Facilities of the service in the whole area (after a plan: existing
    /// and new).
    pub facilities: usize,
    /// All residents of the zone.
    pub residents: f64,
    /// Residents aged 60+ (`None`: age structure unknown).
    pub residents_60plus: Option<f64>,
    /// Residents within the limit (those aged 60+ at their slower pace).
    pub covered: f64,
    /// Residents aged 60+ within the limit at their pace.
    pub covered_60plus: Option<f64>,
    /// Weight of the residents the service serves (e.g. the 60+ for a canteen).
    pub served: f64,
    /// Share of `served` within the limit (1 when `served` is 0).
    pub share: f64,
    /// Walking minutes to the nearest facility, median over the served
    /// residents, each weighing what the service counts them (those aged 60+ at
    /// their pace): the shortest time `t` such that the residents walking at
    /// most `t` make up at least half of the served weight, with no
    /// interpolation. A cumulative weight short of half by at most 1e-9 of
    /// the total counts as reaching it, so that rounding cannot move it.
    /// Residents with no facility within the search count as the farthest;
    /// `None` when the median falls among them (or nobody is served).
    pub nearest_minutes_p50: Option<f64>,
    /// 90th percentile, as the median with 0.9 for one half.
    pub nearest_minutes_p90: Option<f64>,
    /// The longest walk of any served resident, however small their weight
    /// (`None`: someone served has no facility within the search, or nobody
    /// is served).
    pub nearest_minutes_max: Option<f64>,
    /// Ids of demand points with served residents beyond the limit.
    pub uncovered_ids: Vec<String>,
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

/// Current coverage and gaps per zone and category, and completeness per zone.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GapReport {
    /// Walking speeds used.
    pub speeds: Speeds,
    /// Rules used for the rating.
    pub rating: RatingRules,
    /// How far the nearest facility was searched, in minutes at the faster
    /// pace ([`Speeds::reach_minutes`]): a served resident with no facility
    /// that near (`None` minutes, `>N` in the tables) walks longer.
    pub search_minutes: f64,
    /// One row per zone × category, zones in input order.
    pub rows: Vec<GapRow>,
    /// One row per category for the whole area (zone `"(all)"`).
    pub totals: Vec<GapRow>,
    /// One score per zone.
    pub zones: Vec<ZoneScore>,
    /// Services left out, with why: they serve an age group the residents
    /// table does not give (and no ratio fills in). They count in no rating.
    pub skipped: Vec<String>,
}

impl GapReport {
    /// Analyses coverage per zone and category.
    ///
    /// `zones` names the zones `points` refer to; `search_minutes` is how far
    /// `nearest_m` was searched, in minutes at the faster pace, for the report.
    ///
    /// A service for an age group some point lacks is left out and listed in
    /// [`skipped`](Self::skipped).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a bad zone index, a distance list of
    /// the wrong length, or a negative or non-finite distance; what
    /// [`Residents::validate`] and [`Service::validate`] report for a point's
    /// counts or a service.
    ///
    /// # Example
    /// ```
    /// use lifecircle::coverage::{GapPoint, GapReport, RatingRules, ServiceReach, Speeds};
    /// use lifecircle::demand::Residents;
    /// use lifecircle::services::Catalogue;
    ///
    /// let cat = Catalogue::default();
    /// let canteen = cat.get("elderly_canteen").unwrap();   // 60+, 10 minutes
    /// let points = vec![
    ///     GapPoint { id: "a".into(), zone: 0, residents: Residents { total: 100.0, aged_60_plus: Some(30.0), under_6: None } },
    ///     GapPoint { id: "b".into(), zone: 0, residents: Residents { total: 100.0, aged_60_plus: Some(10.0), under_6: None } },
    /// ];
    /// // 600 m away: 9.1 minutes for adults, 11.1 for the elderly at 0.9 m/s.
    /// let reach = ServiceReach { service: canteen, nearest_m: vec![Some(600.0), Some(300.0)], facilities: 1 };
    /// let r = GapReport::compute(&["A".into()], &points, &[reach], Speeds::default(), &RatingRules::default(), 30.0).unwrap();
    /// let row = &r.rows[0];
    /// assert_eq!((row.served, row.covered_60plus), (40.0, Some(10.0)));
    /// assert_eq!(row.covered, 170.0);   // 70 + 90 younger residents, 10 older
    /// assert_eq!(row.uncovered_ids, vec!["a".to_string()]);
    /// assert!((row.nearest_minutes_max.unwrap() - 600.0 / 0.9 / 60.0).abs() < 1e-9);
    /// ```
    pub fn compute(
        zones: &[String],
        points: &[GapPoint],
        services: &[ServiceReach<'_>],
        speeds: Speeds,
        rating: &RatingRules,
        search_minutes: f64,
    ) -> Result<Self> {
        speeds.validate()?;
        rating.validate()?;
        if let Some(p) = points.iter().find(|p| p.zone >= zones.len()) {
            return Err(Error::param(
                "zone",
                format!(
                    "demand point {} has zone {} of {}",
                    p.id,
                    p.zone,
                    zones.len()
                ),
            ));
        }
        if let Some(s) = services.iter().find(|s| s.nearest_m.len() != points.len()) {
            return Err(Error::param(
                "nearest_m",
                format!(
                    "{}: {} distances for {} demand points",
                    s.service.key,
                    s.nearest_m.len(),
                    points.len()
                ),
            ));
        }
        for p in points {
            p.residents.validate(&p.id)?;
        }
        for s in services {
            s.service.validate()?;
            let bad = |d: &&Option<f64>| d.is_some_and(|d| !(finite_non_negative(d)));
            if let Some((i, d)) = s.nearest_m.iter().enumerate().find(|(_, d)| bad(d)) {
                return Err(Error::param(
                    "nearest_m",
                    format!(
                        "{}: demand point {} is {} m from a facility; distances must be finite and >= 0",
                        s.service.key,
                        points[i].id,
                        d.unwrap_or_default()
                    ),
                ));
            }
        }
        // Per service and point: (served weight aged 60+, served weight of the
        // rest). A service for an age group the table lacks is left out, and said so.
        let mut split: Vec<Vec<(f64, f64)>> = Vec::with_capacity(services.len());
        let mut kept: Vec<ServiceReach<'_>> = Vec::with_capacity(services.len());
        let mut skipped = Vec::new();
        for s in services {
            let v: std::result::Result<Vec<_>, String> = points
                .iter()
                .map(|p| {
                    s.service
                        .serves
                        .split(&p.residents)
                        .map_err(|m| format!("{} (demand point {}): {m}", s.service.key, p.id))
                })
                .collect();
            match v {
                Ok(v) => {
                    split.push(v);
                    kept.push(s.clone());
                }
                Err(m) => skipped.push(m),
            }
        }
        let services = kept.as_slice();
        let members: Vec<Vec<usize>> = {
            let mut m = vec![Vec::new(); zones.len()];
            points
                .iter()
                .enumerate()
                .for_each(|(i, p)| m[p.zone].push(i));
            m
        };
        let all: Vec<usize> = (0..points.len()).collect();
        let row = |zone: &str, idx: &[usize], k: usize| {
            gap_row(zone, idx, points, &services[k], &split[k], speeds)
        };
        let mut rows = Vec::with_capacity(zones.len() * services.len());
        let mut scores = Vec::with_capacity(zones.len());
        let count = |class| services.iter().filter(|s| s.service.class == class).count();
        let (basic_total, quality_total) =
            (count(ServiceClass::Basic), count(ServiceClass::Quality));
        for (z, name) in zones.iter().enumerate() {
            let zone_rows: Vec<GapRow> = (0..services.len())
                .map(|k| row(name, &members[z], k))
                .collect();
            let present = |r: &GapRow| r.served <= 0.0 || r.share >= rating.present_share - 1e-12;
            let present_in = |class| {
                zone_rows
                    .iter()
                    .filter(|r| r.class == class && present(r))
                    .count()
            };
            let (basic_present, quality_present) = (
                present_in(ServiceClass::Basic),
                present_in(ServiceClass::Quality),
            );
            // A class with no category in the analysis has nothing present (no free stars).
            let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
            let first = zone_rows.first();
            scores.push(ZoneScore {
                zone: name.clone(),
                residents: first.map_or_else(
                    || members[z].iter().map(|&i| points[i].residents.total).sum(),
                    |r| r.residents,
                ),
                residents_60plus: first.and_then(|r| r.residents_60plus),
                basic_present,
                basic_total,
                quality_present,
                quality_total,
                stars: rating.stars(
                    share(basic_present, basic_total),
                    share(quality_present, quality_total),
                ),
                missing: zone_rows
                    .iter()
                    .filter(|r| !present(r))
                    .map(|r| r.category.clone())
                    .collect(),
            });
            rows.extend(zone_rows);
        }
        let totals = (0..services.len()).map(|k| row("(all)", &all, k)).collect();
        Ok(Self {
            speeds,
            rating: rating.clone(),
            search_minutes,
            rows,
            totals,
            zones: scores,
            skipped,
        })
    }
}

/// Whether a walk of `d_m` metres at `speed_m_s` fits in `minutes`. Compared
/// in metres, as the plans' coverage sets are, so that a point at the limit
/// counts the same in the gap table and in a plan (dividing instead can round
/// the other way).
pub fn within_limit(d_m: f64, minutes: f64, speed_m_s: f64) -> bool {
    d_m <= minutes * 60.0 * speed_m_s
}

/// The gap row of one service over the points `idx`.
fn gap_row(
    zone: &str,
    idx: &[usize],
    points: &[GapPoint],
    reach: &ServiceReach<'_>,
    split: &[(f64, f64)],
    speeds: Speeds,
) -> GapRow {
    let s = reach.service;
    let minutes = |i: usize, speed: f64| reach.nearest_m[i].map(|d| d / speed / 60.0);
    let within = |i: usize, speed: f64| {
        reach.nearest_m[i].is_some_and(|d| within_limit(d, s.walking_limit_min, speed))
    };
    let mut residents = 0.0;
    let mut old_total = Some(0.0);
    let (mut covered, mut old_covered) = (0.0, Some(0.0));
    let (mut served, mut served_covered) = (0.0, 0.0);
    // (minutes or None = beyond the search, weight) of the served residents.
    let mut times: Vec<(Option<f64>, f64)> = Vec::with_capacity(2 * idx.len());
    let mut uncovered_ids = Vec::new();
    for &i in idx {
        let r = &points[i].residents;
        let old = r.aged_60_plus;
        let young_in = within(i, speeds.adult_m_s);
        let old_in = within(i, speeds.elderly_m_s);
        residents += r.total;
        old_total = old_total.zip(old).map(|(a, b)| a + b);
        let n_old = old.unwrap_or(0.0);
        covered += if young_in { r.total - n_old } else { 0.0 } + if old_in { n_old } else { 0.0 };
        old_covered = old_covered
            .zip(old)
            .map(|(a, b)| a + if old_in { b } else { 0.0 });
        let (w_old, w_young) = split[i];
        served += w_old + w_young;
        served_covered += if old_in { w_old } else { 0.0 } + if young_in { w_young } else { 0.0 };
        times.push((minutes(i, speeds.elderly_m_s), w_old));
        times.push((minutes(i, speeds.adult_m_s), w_young));
        if (w_old > 0.0 && !old_in) || (w_young > 0.0 && !young_in) {
            uncovered_ids.push(points[i].id.clone());
        }
    }
    times.retain(|t| t.1 > 0.0);
    // Beyond the search sorts last.
    times.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let total_w: f64 = times.iter().map(|t| t.1).sum();
    let quantile = |q: f64| -> Option<f64> {
        let mut acc = 0.0;
        for t in &times {
            acc += t.1;
            if acc >= q * total_w - 1e-9 * total_w {
                return t.0;
            }
        }
        times.last().and_then(|t| t.0)
    };
    GapRow {
        zone: zone.to_string(),
        category: s.key.clone(),
        class: s.class,
        walking_limit_min: s.walking_limit_min,
        facilities: reach.facilities,
        residents,
        residents_60plus: old_total,
        covered,
        covered_60plus: old_covered,
        served,
        share: if served > 0.0 {
            served_covered / served
        } else {
            1.0
        },
        nearest_minutes_p50: quantile(0.5),
        nearest_minutes_p90: quantile(0.9),
        nearest_minutes_max: times.last().and_then(|t| t.0),
        uncovered_ids,
    }
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
    let paces: &[(usize, f64)] = if by_age {
        &[(0, speeds.elderly_m_s), (1, speeds.adult_m_s)]
    } else {
        &[(0, speeds.adult_m_s)]
    };
    (0..metres.n_sites())
        .map(|j| {
            metres
                .row(j)
                .flat_map(|(i, d)| {
                    paces
                        .iter()
                        .filter(move |&&(_, v)| within_limit(d, minutes, v))
                        .map(move |&(k, v)| (paces.len() * i + k, d / v / 60.0))
                })
                .collect()
        })
        .collect()
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::Catalogue;

    /// The gap report with the default paces and rating and a 30-minute search.
    fn report(
        zones: &[String],
        points: &[GapPoint],
        reach: &[ServiceReach<'_>],
    ) -> Result<GapReport> {
        GapReport::compute(
            zones,
            points,
            reach,
            Speeds::default(),
            &RatingRules::default(),
            30.0,
        )
    }

    #[test]
    fn gap_inputs_that_would_give_wrong_shares_are_refused() {
        let cat = crate::services::Catalogue::default();
        let canteen = cat.get("elderly_canteen").unwrap();
        let compute = |total: f64, old: Option<f64>, d: Option<f64>, service: &Service| {
            let points = vec![GapPoint {
                id: "a".into(),
                zone: 0,
                residents: Residents {
                    total,
                    aged_60_plus: old,
                    under_6: None,
                },
            }];
            let reach = ServiceReach {
                service,
                nearest_m: vec![d],
                facilities: 1,
            };
            report(&["A".into()], &points, &[reach])
                .unwrap_err()
                .to_string()
        };
        let err = compute(f64::NAN, Some(1.0), Some(10.0), canteen);
        assert!(err.contains("demand point a: population"), "{err}");
        let err = compute(10.0, Some(50.0), Some(10.0), canteen);
        assert!(
            err.contains("aged_60_plus 50 exceeds the population 10"),
            "{err}"
        );
        for d in [f64::NAN, -10.0] {
            let err = compute(10.0, Some(5.0), Some(d), canteen);
            assert!(err.contains("elderly_canteen: demand point a is"), "{err}");
        }
        let broken = Service {
            walking_limit_min: f64::NAN,
            ..canteen.clone()
        };
        let err = compute(10.0, Some(5.0), Some(10.0), &broken);
        assert!(err.contains("walking_limit_min"), "{err}");
    }

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
    fn point(id: &str, zone: usize, total: f64, old: f64) -> GapPoint {
        GapPoint {
            id: id.into(),
            zone,
            residents: Residents {
                total,
                aged_60_plus: Some(old),
                under_6: None,
            },
        }
    }

    #[test]
    fn zones_percentiles_and_stars_by_hand() {
        let cat = Catalogue::default();
        let pharmacy = cat.get("pharmacy").unwrap(); // basic, 8 minutes, everyone
        let canteen = cat.get("elderly_canteen").unwrap(); // quality, 10 minutes, 60+
        let points = vec![
            point("a", 0, 100.0, 10.0),
            point("b", 0, 100.0, 0.0),
            point("c", 1, 50.0, 50.0),
        ];
        // Pharmacy: a at 264 m (4 min adults, 4.9 min elderly), b at 660 m (10 min), c none.
        // Canteen: c at 594 m (9 min at 1.1 m/s but 11 min at 0.9 m/s), a at 66 m.
        let reach = vec![
            ServiceReach {
                service: pharmacy,
                nearest_m: vec![Some(264.0), Some(660.0), None],
                facilities: 2,
            },
            ServiceReach {
                service: canteen,
                nearest_m: vec![Some(66.0), None, Some(594.0)],
                facilities: 1,
            },
        ];
        let zones = ["north".to_string(), "south".to_string()];
        let r = report(&zones, &points, &reach).unwrap();
        assert!(r.skipped.is_empty());
        let row = |zone: &str, cat: &str| {
            r.rows
                .iter()
                .chain(&r.totals)
                .find(|x| x.zone == zone && x.category == cat)
                .unwrap()
        };

        let north_ph = row("north", "pharmacy");
        assert_eq!(
            (north_ph.residents, north_ph.residents_60plus),
            (200.0, Some(10.0))
        );
        assert_eq!(
            (north_ph.covered, north_ph.covered_60plus, north_ph.share),
            (100.0, Some(10.0), 0.5)
        );
        // Weighted by residents: 90 adults at 4 min, 10 elderly at 4.9 min, 100 at 10 min.
        assert!((north_ph.nearest_minutes_p50.unwrap() - 264.0 / 0.9 / 60.0).abs() < 1e-9);
        assert!((north_ph.nearest_minutes_max.unwrap() - 10.0).abs() < 1e-9);
        assert_eq!(north_ph.uncovered_ids, vec!["b".to_string()]);

        let south_canteen = row("south", "elderly_canteen");
        assert_eq!(
            (south_canteen.served, south_canteen.covered_60plus),
            (50.0, Some(0.0))
        );
        assert!((south_canteen.nearest_minutes_p50.unwrap() - 11.0).abs() < 1e-9);
        let south_ph = row("south", "pharmacy");
        assert_eq!(south_ph.nearest_minutes_p90, None); // no pharmacy within the search

        // North: canteen share 10/10, pharmacy share 0.5 (< 0.9): basic 0/1, quality 1/1.
        let north = &r.zones[0];
        assert_eq!(
            (north.basic_present, north.quality_present, north.stars),
            (0, 1, 0)
        );
        assert_eq!(north.missing, vec!["pharmacy".to_string()]);
        let lenient = RatingRules {
            present_share: 0.5,
            ..RatingRules::default()
        };
        let r2 =
            GapReport::compute(&zones, &points, &reach, Speeds::default(), &lenient, 30.0).unwrap();
        assert_eq!(r2.zones[0].stars, 5);

        let all = row("(all)", "pharmacy");
        assert_eq!((all.residents, all.covered), (250.0, 100.0));
    }

    #[test]
    fn the_largest_walk_counts_however_few_walk_it() {
        // A city of 5 million and a cell of 0.004 residents (grids spread
        // people fractionally) with no pharmacy within the search: the slack
        // that keeps rounding from moving a percentile must not hide them.
        let cat = Catalogue::default();
        let points = vec![
            point("city", 0, 5_000_000.0, 0.0),
            point("far", 0, 0.004, 0.0),
        ];
        let reach = vec![ServiceReach {
            service: cat.get("pharmacy").unwrap(),
            nearest_m: vec![Some(66.0), None],
            facilities: 1,
        }];
        let r = report(&["z".into()], &points, &reach).unwrap();
        assert_eq!(r.rows[0].nearest_minutes_p90, Some(66.0 / 1.1 / 60.0));
        assert_eq!(r.rows[0].nearest_minutes_max, None);
    }

    #[test]
    fn a_walk_one_ulp_past_the_limit_is_not_covered() {
        // 10 minutes at 1.1 m/s is 660 m; one ulp more divided by 1.1 rounds
        // back to 600 s, so a test in seconds would call it covered while the
        // plan's coverage sets (in metres) would not.
        let d = f64::from_bits(660.0f64.to_bits() + 1);
        assert!(d / 1.1 <= 600.0 && !within_limit(d, 10.0, 1.1));
        let cat = Catalogue::default();
        let reach = vec![ServiceReach {
            service: cat.get("parcel").unwrap(), // 10 minutes, everyone
            nearest_m: vec![Some(d)],
            facilities: 1,
        }];
        let r = report(&["z".into()], &[point("a", 0, 100.0, 0.0)], &reach).unwrap();
        assert_eq!(r.rows[0].covered, 0.0);
    }

    #[test]
    fn services_for_unknown_age_groups_are_listed_not_silently_dropped() {
        let cat = Catalogue::default();
        let points = vec![GapPoint {
            id: "x".into(),
            zone: 0,
            residents: Residents {
                total: 10.0,
                aged_60_plus: None,
                under_6: None,
            },
        }];
        let reach = vec![
            ServiceReach {
                service: cat.get("pharmacy").unwrap(),
                nearest_m: vec![Some(10.0)],
                facilities: 1,
            },
            ServiceReach {
                service: cat.get("kindergarten").unwrap(),
                nearest_m: vec![None],
                facilities: 0,
            },
        ];
        let r = report(&["z".into()], &points, &reach).unwrap();
        assert_eq!(r.totals.len(), 1);
        assert_eq!(r.totals[0].residents_60plus, None);
        assert!(
            r.skipped[0].contains("kindergarten") && r.skipped[0].contains("under_6_ratio"),
            "{:?}",
            r.skipped
        );
        let bad = RatingRules {
            present_share: 1.5,
            ..RatingRules::default()
        };
        assert!(GapReport::compute(
            &["z".into()],
            &points,
            &reach,
            Speeds::default(),
            &bad,
            30.0
        )
        .is_err());
    }
}

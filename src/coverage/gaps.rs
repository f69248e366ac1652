//! The gap tables: coverage per zone and category, walking-time
//! percentiles, and who is left out.

use super::{within_limit, RatingRules, Speeds, ZoneScore};
use crate::demand::Residents;
use crate::error::{finite_non_negative, Error, Result};
use crate::services::{Service, ServiceClass};

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
        for (z, name) in zones.iter().enumerate() {
            let zone_rows: Vec<GapRow> = (0..services.len())
                .map(|k| row(name, &members[z], k))
                .collect();
            scores.push(ZoneScore::of(name, &zone_rows, rating, || {
                members[z].iter().map(|&i| points[i].residents.total).sum()
            }));
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

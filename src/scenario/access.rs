//! The accessibility stage of a scenario (`lifecircle access`, and the access
//! columns of `lifecircle gaps`): every index of [`crate::access`] for each
//! gap service with its existing facilities, per zone, for the whole area and
//! per demand point.
//!
//! Each demand point enters as two rows, as in a plan: its residents aged 60+,
//! who walk at their own pace, and the others at the adult pace, each row
//! weighted by the residents the service serves (an elderly canteen: the 60+
//! only). Zone and point values are resident-weighted means over those rows.
//! Supply is the service's capacity per facility, or 1 (in a plan, its
//! `[plan] capacity`, and a new site's own where the candidate has one). The decays and the
//! threshold come from the scenario's `[access]` table ([`AccessSpec`]).

use std::time::Instant;

use super::prepare::Prepared;
use super::{AccessSpec, Scenario};
use crate::access::{zone_rows, AccessIndices, AccessInput, AccessParams, Decay};
use crate::coverage::site_rows;
use crate::error::{Error, Result};
use crate::outcome::{AccessReport, Geometry, Run, ServiceAccess, ZoneAccess};
use crate::services::Service;
use crate::travel::TravelTimes;

/// Facilities GOAT's "closest average" counts, unless `[access] nearest_n` says otherwise.
const NEAREST_N: usize = 3;

impl Scenario {
    /// Every access index of the gap services, per zone, for the whole area
    /// and per demand point (in [`AccessReport::points`]). `threshold`
    /// (supply per resident) marks residents as underserved and overrides
    /// `[access] threshold`; with neither, each service's area-wide ratio,
    /// total supply over the residents it serves.
    ///
    /// # Errors
    /// Any error of the stages (as [`Scenario::gaps`]), and
    /// [`Error::InvalidParameter`] for a threshold that is NaN or negative,
    /// an invalid `[access]` decay, `nearest_n = 0`, or a decay cutoff
    /// beyond the search (`search_minutes`).
    pub fn access(&self, threshold: Option<f64>) -> Result<Run<AccessReport>> {
        let mut spec = self.access.clone().unwrap_or_default();
        spec.threshold = threshold.or(spec.threshold);
        spec.validate()?;
        let p = Scenario {
            plan: None,
            ..self.clone()
        }
        .prepare(&[])?;
        let (services, skipped) = p.access(self, &spec, true)?;
        let t_coverage = Instant::now();
        Ok(Run {
            report: AccessReport {
                services,
                skipped,
                network: p.network_summary(),
                demand: p.demand_summary(),
                seconds: p.seconds(t_coverage, t_coverage),
            },
            geometry: Geometry {
                demand_points: p.demand_points(),
                streets: p.streets(),
                ..Geometry::default()
            },
        })
    }
}

impl AccessSpec {
    /// Checks the threshold, `nearest_n` and every decay, naming the key.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `threshold`, `access.nearest_n` or
    /// the decay (`access.gravity: ...`).
    pub fn validate(&self) -> Result<()> {
        if let Some(t) = self.threshold.filter(|t| !(t.is_finite() && *t >= 0.0)) {
            return Err(Error::param(
                "threshold",
                format!("must be a finite number >= 0, got {t}"),
            ));
        }
        if self.nearest_n == Some(0) {
            return Err(Error::param("access.nearest_n", "must be at least 1"));
        }
        for (name, d) in self.decays() {
            d.validate()
                .map_err(|e| Error::param(&format!("access.{name}"), e.to_string()))?;
        }
        Ok(())
    }

    /// The decays the scenario sets, by key.
    fn decays(&self) -> impl Iterator<Item = (&'static str, &Decay)> {
        [
            ("e2sfca", &self.e2sfca),
            ("gaussian", &self.gaussian),
            ("three_step", &self.three_step),
            ("gravity", &self.gravity),
        ]
        .into_iter()
        .filter_map(|(k, d)| d.as_ref().map(|d| (k, d)))
    }

    /// The index parameters for a service with walking limit `limit_s`.
    fn params(&self, limit_s: f64) -> AccessParams {
        let mut params = AccessParams::new(limit_s);
        params.nearest_n = self.nearest_n.unwrap_or(NEAREST_N);
        let set = |slot: &mut Decay, d: &Option<Decay>| {
            if let Some(d) = d {
                slot.clone_from(d);
            }
        };
        set(&mut params.e2sfca, &self.e2sfca);
        set(&mut params.gaussian, &self.gaussian);
        set(&mut params.three_step, &self.three_step);
        set(&mut params.gravity, &self.gravity);
        params
    }
}

/// A plan's new facilities of one service, for its access indices after:
/// rows `rows` of `walks` (metres from the new sites, as far as the search),
/// each with its candidate's own capacity (`None`: the service's).
pub(super) struct NewFacilities<'a> {
    pub walks: &'a TravelTimes,
    pub rows: &'a [usize],
    pub capacity: Vec<Option<f64>>,
}

impl Prepared {
    /// The indices of every gap service; the points' rows only with `points`.
    pub(super) fn access(
        &self,
        scenario: &Scenario,
        spec: &AccessSpec,
        points: bool,
    ) -> Result<(Vec<ServiceAccess>, Vec<String>)> {
        let (mut services, mut skipped) = (Vec::new(), Vec::new());
        for svc in scenario.gap_services(&self.catalogue) {
            match self.split_by_age(svc) {
                Ok(split) => {
                    services.push(self.indices(scenario, svc, &split, spec, points, None)?)
                }
                Err(e) => skipped.push(e.to_string()),
            }
        }
        Ok((services, skipped))
    }

    /// The indices of one service over the age rows of every demand point,
    /// with its existing facilities and a plan's `new` ones. No point rows.
    pub(super) fn service_access(
        &self,
        scenario: &Scenario,
        svc: &Service,
        split: &[(f64, f64)],
        spec: &AccessSpec,
        new: Option<NewFacilities>,
    ) -> Result<ServiceAccess> {
        self.indices(scenario, svc, split, spec, false, new)
    }

    /// The indices of one service over the age rows of every demand point.
    fn indices(
        &self,
        scenario: &Scenario,
        svc: &Service,
        split: &[(f64, f64)],
        spec: &AccessSpec,
        points: bool,
        new: Option<NewFacilities>,
    ) -> Result<ServiceAccess> {
        let limit_s = svc.walking_limit_min * 60.0;
        let params = spec.params(limit_s);
        // The matrix reaches as far as the farthest decay counts, within the search.
        let reach_s = [
            &params.e2sfca,
            &params.gaussian,
            &params.three_step,
            &params.gravity,
        ]
        .iter()
        .map(|d| d.cutoff_s())
        .fold(limit_s, f64::max);
        let searched_s = scenario.speeds().reach_minutes(self.facility_m.limit_s()) * 60.0;
        if reach_s > searched_s * (1.0 + 1e-12) {
            return Err(Error::param(
                "access",
                format!(
                    "a decay of {} counts walks of up to {reach_s} s, but facilities were searched only {searched_s} s away at the faster pace: raise search_minutes",
                    svc.key
                ),
            ));
        }
        let rows: Vec<usize> = (0..self.facilities.len())
            .filter(|&r| self.facilities[r].0 == svc.key)
            .collect();
        let mut sources: Vec<Box<dyn Iterator<Item = (usize, f64)> + '_>> = rows
            .iter()
            .map(|&r| Box::new(self.facility_m.row(r)) as Box<dyn Iterator<Item = _>>)
            .collect();
        // Existing facilities have the service's room; new sites their own where the candidate says.
        let supply_each = svc.capacity.unwrap_or(1.0);
        let mut supply = vec![supply_each; sources.len()];
        if let Some(new) = &new {
            sources.extend(
                new.rows
                    .iter()
                    .map(|&r| Box::new(new.walks.row(r)) as Box<dyn Iterator<Item = _>>),
            );
            supply.extend(new.capacity.iter().map(|c| c.unwrap_or(supply_each)));
        }
        let n_facilities = sources.len();
        let (mut site, mut row, mut seconds) = (Vec::new(), Vec::new(), Vec::new());
        for (k, metres) in sources.into_iter().enumerate() {
            for (i, minutes) in site_rows(metres, reach_s / 60.0, scenario.speeds(), true) {
                site.push(k);
                row.push(i);
                seconds.push((minutes * 60.0).min(reach_s));
            }
        }
        let n_rows = 2 * self.inside.len();
        let travel =
            TravelTimes::from_triplets(n_facilities, n_rows, reach_s, &site, &row, &seconds)?;
        let demand: Vec<f64> = split.iter().flat_map(|&(old, rest)| [old, rest]).collect();
        let facilities: Vec<usize> = (0..n_facilities).collect();
        let input = AccessInput::new(&travel, &facilities, Some(&supply), &demand)?;
        let a = AccessIndices::compute(&input, &params)?;
        let served: f64 = demand.iter().sum();
        let threshold = spec.threshold.unwrap_or(if served > 0.0 {
            supply.iter().sum::<f64>() / served
        } else {
            0.0
        });
        let table = |group: &[usize], names: &[String]| -> Result<Vec<ZoneAccess>> {
            zone_table(&a, &demand, group, names, threshold)
        };
        let zone: Vec<usize> = (0..n_rows).map(|r| self.zone_of[r / 2]).collect();
        let zones = table(&zone, &self.zones)?;
        let all = table(&vec![0; n_rows], &["(all)".to_string()])?.remove(0);
        let points = if points {
            let point: Vec<usize> = (0..n_rows).map(|r| r / 2).collect();
            let ids: Vec<String> = self
                .inside
                .iter()
                .map(|&i| self.people[i].id.clone())
                .collect();
            table(&point, &ids)?
        } else {
            Vec::new()
        };
        Ok(ServiceAccess {
            service: svc.key.clone(),
            walking_limit_min: svc.walking_limit_min,
            facilities: n_facilities,
            supply_each,
            no_facility: a.no_facility,
            threshold,
            nearest_n: params.nearest_n,
            zones,
            all,
            points,
        })
    }
}

/// One row per group (zone, or demand point) name: every index's
/// resident-weighted mean and the shares out of reach and underserved.
fn zone_table(
    a: &AccessIndices,
    demand: &[f64],
    zone: &[usize],
    names: &[String],
    threshold: f64,
) -> Result<Vec<ZoneAccess>> {
    let n = names.len();
    let mean = |values: &[f64]| zone_rows(values, demand, zone, n, f64::NEG_INFINITY);
    let reach: Vec<f64> = a.in_reach.iter().map(|&k| f64::from(k)).collect();
    let out_of_reach = zone_rows(&reach, demand, zone, n, 0.5)?;
    // Nothing in reach is underserved whatever the threshold (0 when there is no facility).
    let ratio: Vec<f64> = a
        .two_sfca
        .iter()
        .zip(&a.in_reach)
        .map(|(&v, &k)| if k == 0 { -1.0 } else { v })
        .collect();
    let underserved = zone_rows(&ratio, demand, zone, n, threshold)?;
    // Nearest-N over the residents who have N facilities in reach.
    let has: Vec<f64> = a
        .nearest_average_s
        .iter()
        .zip(demand)
        .map(|(t, &d)| if t.is_some() { d } else { 0.0 })
        .collect();
    let minutes: Vec<f64> = a
        .nearest_average_s
        .iter()
        .map(|t| t.map_or(0.0, |s| s / 60.0))
        .collect();
    let nearest = zone_rows(&minutes, &has, zone, n, f64::NEG_INFINITY)?;
    let [two, e2, gauss, three, gravity, cumulative] = [
        &a.two_sfca,
        &a.e2sfca,
        &a.gaussian_2sfca,
        &a.three_sfca,
        &a.gravity,
        &a.cumulative,
    ]
    .map(|v| mean(v));
    let [two, e2, gauss, three, gravity, cumulative] =
        [two?, e2?, gauss?, three?, gravity?, cumulative?];
    Ok((0..n)
        .map(|z| ZoneAccess {
            zone: names[z].clone(),
            residents: two[z].residents,
            two_sfca: two[z].mean,
            e2sfca: e2[z].mean,
            gaussian_2sfca: gauss[z].mean,
            three_sfca: three[z].mean,
            gravity: gravity[z].mean,
            cumulative: cumulative[z].mean,
            nearest_min: (nearest[z].residents > 0.0).then_some(nearest[z].mean),
            out_of_reach: out_of_reach[z].share_below,
            underserved: underserved[z].share_below,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn demo() -> Scenario {
        Scenario::from_file(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("data/helsinki/centroids.toml"),
        )
        .unwrap()
    }

    #[test]
    fn the_area_gets_all_the_supply_in_reach_and_the_elderly_pace_shows() {
        let run = demo().access(None).unwrap();
        let r = &run.report;
        assert!(r.services.len() >= 5, "{:?}", r.skipped);
        for s in &r.services {
            // 2SFCA hands each facility's supply out to the residents in its
            // catchment: over the area, sum P_i A_i is the supply of the
            // facilities that reach anyone, at most all of it.
            let handed = s.all.residents * s.all.two_sfca;
            let supply = s.supply_each * s.facilities as f64;
            assert!(
                handed <= supply * (1.0 + 1e-9),
                "{}: {handed} > {supply}",
                s.service
            );
            assert!(
                s.all.underserved >= s.all.out_of_reach - 1e-12,
                "{}",
                s.service
            );
            let residents: f64 = s.zones.iter().map(|z| z.residents).sum();
            assert!((residents - s.all.residents).abs() < 1e-6 * residents.max(1.0));
        }
        // Every pharmacy reaches someone here: the identity holds exactly.
        let ph = r.services.iter().find(|s| s.service == "pharmacy").unwrap();
        assert!((ph.all.residents * ph.all.two_sfca - 6.0).abs() < 1e-9);
        // At one pace for all, nobody is out of reach only for being 60+.
        let mut same = demo();
        same.elderly_walking_speed_m_s = same.walking_speed_m_s;
        let even = same.access(None).unwrap().report;
        let ph_even = even
            .services
            .iter()
            .find(|s| s.service == "pharmacy")
            .unwrap();
        assert!(ph_even.all.out_of_reach < ph.all.out_of_reach);
    }

    #[test]
    fn point_rows_add_up_to_the_zone_rows() {
        let run = demo().access(None).unwrap();
        for s in &run.report.services {
            assert_eq!(s.points.len(), run.geometry.demand_points.len());
            for z in &s.zones {
                let (mut residents, mut sum) = (0.0, 0.0);
                for (p, d) in s.points.iter().zip(&run.geometry.demand_points) {
                    assert_eq!(p.zone, d.id);
                    if d.zone == z.zone {
                        residents += p.residents;
                        sum += p.residents * p.gravity;
                    }
                }
                assert!((residents - z.residents).abs() <= 1e-9 * residents.max(1.0));
                let mean = if residents > 0.0 {
                    sum / residents
                } else {
                    0.0
                };
                assert!(
                    (mean - z.gravity).abs() <= 1e-9 * mean.abs().max(1.0),
                    "{}",
                    s.service
                );
            }
        }
    }

    #[test]
    fn the_access_table_sets_decays_and_nearest_n() {
        let base = demo().access(None).unwrap().report;
        let mut s = demo();
        s.access = Some(AccessSpec {
            nearest_n: Some(1),
            gravity: Some(Decay::two_step(300.0)),
            threshold: Some(0.5),
            ..AccessSpec::default()
        });
        let r = s.access(None).unwrap().report;
        let find = |r: &AccessReport| {
            r.services
                .iter()
                .find(|s| s.service == "pharmacy")
                .unwrap()
                .clone()
        };
        let (before, after) = (find(&base), find(&r));
        assert_eq!(after.nearest_n, 1);
        assert_eq!(after.threshold, 0.5);
        // A step of weight 1 to 5 minutes counts facilities within 5 minutes:
        // no more than the cumulative count within the 8-minute limit.
        assert!(after.all.gravity <= after.all.cumulative + 1e-12);
        assert_ne!(after.all.gravity, before.all.gravity);
        // The nearest one is never farther than the mean of the nearest three,
        // and more residents have one in reach than three.
        let mut compared = 0;
        for (a, b) in after.points.iter().zip(&before.points) {
            if let Some(three) = b.nearest_min {
                assert!(a.nearest_min.unwrap() <= three + 1e-12);
                compared += 1;
            }
        }
        assert!(compared > 0);
        let has = |s: &ServiceAccess| s.points.iter().filter(|p| p.nearest_min.is_some()).count();
        assert!(has(&after) > has(&before));
        // An explicit threshold overrides the table's.
        assert_eq!(find(&s.access(Some(0.25)).unwrap().report).threshold, 0.25);
    }

    #[test]
    fn bad_access_options_are_refused_by_name() {
        let with = |spec: AccessSpec| {
            let mut s = demo();
            s.access = Some(spec);
            s.access(None).unwrap_err().to_string()
        };
        let e = with(AccessSpec {
            gravity: Some(Decay::Linear { cutoff_s: -1.0 }),
            ..AccessSpec::default()
        });
        assert!(e.contains("access.gravity"), "{e}");
        let e = with(AccessSpec {
            nearest_n: Some(0),
            ..AccessSpec::default()
        });
        assert!(e.contains("access.nearest_n"), "{e}");
        // The demo searches 30 minutes: a decay counting walks of an hour would be cut short.
        let e = with(AccessSpec {
            e2sfca: Some(Decay::e2sfca(3600.0)),
            ..AccessSpec::default()
        });
        assert!(e.contains("raise search_minutes"), "{e}");
        // The gap report refuses them too, before reading anything.
        let mut s = demo();
        s.access = Some(AccessSpec {
            nearest_n: Some(0),
            ..AccessSpec::default()
        });
        assert!(s
            .gaps()
            .unwrap_err()
            .to_string()
            .contains("access.nearest_n"));
    }

    #[test]
    fn the_gap_report_carries_the_zone_indices() {
        let gaps = demo().gaps().unwrap().report;
        let access = demo().access(None).unwrap().report;
        assert_eq!(gaps.access.len(), access.services.len());
        for (g, a) in gaps.access.iter().zip(&access.services) {
            assert!(g.points.is_empty());
            assert_eq!((&g.zones, &g.all), (&a.zones, &a.all));
        }
        let csv = crate::report::gaps_csv(&gaps);
        assert!(csv
            .lines()
            .next()
            .unwrap()
            .ends_with(",two_sfca,underserved"));
        let text = crate::report::gaps_text(&gaps);
        assert!(text.contains("Access per zone: 2SFCA"), "{text}");
    }

    #[test]
    fn the_readmes_access_table_reads_and_runs() {
        let readme = include_str!("../../README.md");
        let start = readme
            .find("```toml\n[access]\n")
            .expect("README has an [access] example")
            + 8;
        let block = &readme[start..start + readme[start..].find("```").unwrap()];
        let table: toml::Table = toml::from_str(block).unwrap();
        let spec: AccessSpec = table["access"].clone().try_into().unwrap();
        assert_eq!((spec.nearest_n, spec.threshold), (Some(1), Some(0.002)));
        let mut s = demo();
        s.access = Some(spec);
        let r = s.access(None).unwrap().report;
        assert!(r
            .services
            .iter()
            .all(|s| s.nearest_n == 1 && s.threshold == 0.002));
    }

    #[test]
    fn a_bad_threshold_is_refused_by_name() {
        for t in [f64::NAN, -1.0, f64::INFINITY] {
            let e = demo().access(Some(t)).unwrap_err().to_string();
            assert!(e.contains("threshold"), "{e}");
        }
    }
}

//! The accessibility stage of a scenario (`lifecircle access`): every index of
//! [`crate::access`] for each gap service with its existing facilities, per
//! zone and for the whole area.
//!
//! Each demand point enters as two rows, as in a plan: its residents aged 60+,
//! who walk at their own pace, and the others at the adult pace, each row
//! weighted by the residents the service serves (an elderly canteen: the 60+
//! only). Zone values are resident-weighted means over those rows. Supply is
//! the service's capacity per facility, or 1.

use std::time::Instant;

use super::prepare::Prepared;
use super::Scenario;
use crate::access::{zone_rows, AccessIndices, AccessInput, AccessParams};
use crate::coverage::site_rows;
use crate::error::{Error, Result};
use crate::outcome::{AccessReport, Geometry, Run, ServiceAccess, ZoneAccess};
use crate::services::Service;
use crate::travel::TravelTimes;

/// Facilities GOAT's "closest average" counts.
const NEAREST_N: usize = 3;

impl Scenario {
    /// Every access index of the gap services, per zone and for the whole
    /// area. `threshold` (supply per resident) marks residents as
    /// underserved; `None`: each service's area-wide ratio, total supply over
    /// the residents it serves.
    ///
    /// # Errors
    /// Any error of the stages (as [`Scenario::gaps`]), and
    /// [`Error::InvalidParameter`] for a threshold that is NaN or negative.
    pub fn access(&self, threshold: Option<f64>) -> Result<Run<AccessReport>> {
        if let Some(t) = threshold.filter(|t| !(t.is_finite() && *t >= 0.0)) {
            return Err(Error::param(
                "threshold",
                format!("must be a finite number >= 0, got {t}"),
            ));
        }
        let p = Scenario {
            plan: None,
            ..self.clone()
        }
        .prepare(&[])?;
        let mut services = Vec::new();
        let mut skipped = Vec::new();
        for svc in self.gap_services(&p.catalogue) {
            match p.split_by_age(svc) {
                Ok(split) => services.push(p.service_access(self, svc, &split, threshold)?),
                Err(e) => skipped.push(e.to_string()),
            }
        }
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

impl Prepared {
    /// The indices of one service over the age rows of every demand point.
    fn service_access(
        &self,
        scenario: &Scenario,
        svc: &Service,
        split: &[(f64, f64)],
        threshold: Option<f64>,
    ) -> Result<ServiceAccess> {
        let rows: Vec<usize> = (0..self.facilities.len())
            .filter(|&r| self.facilities[r].0 == svc.key)
            .collect();
        let limit_s = svc.walking_limit_min * 60.0;
        let (mut site, mut row, mut seconds) = (Vec::new(), Vec::new(), Vec::new());
        for (k, &r) in rows.iter().enumerate() {
            for (i, minutes) in site_rows(
                self.facility_m.row(r),
                svc.walking_limit_min,
                scenario.speeds(),
                true,
            ) {
                site.push(k);
                row.push(i);
                seconds.push((minutes * 60.0).min(limit_s));
            }
        }
        let n_rows = 2 * self.inside.len();
        let travel =
            TravelTimes::from_triplets(rows.len(), n_rows, limit_s, &site, &row, &seconds)?;
        let demand: Vec<f64> = split.iter().flat_map(|&(old, rest)| [old, rest]).collect();
        let supply_each = svc.capacity.unwrap_or(1.0);
        let supply = vec![supply_each; rows.len()];
        let facilities: Vec<usize> = (0..rows.len()).collect();
        let input = AccessInput::new(&travel, &facilities, Some(&supply), &demand)?;
        let mut params = AccessParams::new(limit_s);
        params.nearest_n = NEAREST_N;
        let a = AccessIndices::compute(&input, &params)?;
        let served: f64 = demand.iter().sum();
        let threshold = threshold.unwrap_or(if served > 0.0 {
            supply_each * rows.len() as f64 / served
        } else {
            0.0
        });
        let zone: Vec<usize> = (0..n_rows).map(|r| self.zone_of[r / 2]).collect();
        let whole = vec![0; n_rows];
        let table = |zone: &[usize], names: &[String]| -> Result<Vec<ZoneAccess>> {
            zone_table(&a, &demand, zone, names, threshold)
        };
        let zones = table(&zone, &self.zones)?;
        let all = table(&whole, &["(all)".to_string()])?.remove(0);
        Ok(ServiceAccess {
            service: svc.key.clone(),
            walking_limit_min: svc.walking_limit_min,
            facilities: rows.len(),
            supply_each,
            no_facility: a.no_facility,
            threshold,
            zones,
            all,
        })
    }
}

/// One row per zone name: every index's resident-weighted mean and the shares
/// out of reach and underserved.
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
            nearest_3_min: (nearest[z].residents > 0.0).then_some(nearest[z].mean),
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
        Scenario::from_file(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/helsinki/demo.toml"))
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
    fn a_bad_threshold_is_refused_by_name() {
        for t in [f64::NAN, -1.0, f64::INFINITY] {
            let e = demo().access(Some(t)).unwrap_err().to_string();
            assert!(e.contains("threshold"), "{e}");
        }
    }
}

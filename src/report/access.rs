//! `lifecircle access` as text and CSV.

use std::fmt::Write;

use super::sizes;
use crate::outcome::{AccessReport, ZoneAccess};

/// 2SFCA-family ratios are supply per resident: shown per 1,000 residents.
const PER: f64 = 1000.0;

/// The access indices as text: per service, one line per zone and the area.
pub fn access_text(r: &AccessReport) -> String {
    let mut o = String::new();
    sizes(&mut o, &r.network, &r.demand);
    for s in &r.services {
        let _ = writeln!(
            o,
            "\n{}: {} facilities of supply {}, {} min; 2SFCA family per {PER:.0} residents; underserved: 2SFCA below {:.3}{}",
            s.service,
            s.facilities,
            s.supply_each,
            s.walking_limit_min,
            s.threshold * PER,
            if s.no_facility { " (no facility: every index is 0)" } else { "" }
        );
        let _ = writeln!(
            o,
            "{:<12} {:>9} {:>7} {:>7} {:>7} {:>7} {:>8} {:>6} {:>7} {:>8} {:>7}",
            "zone",
            "residents",
            "2SFCA",
            "E2SFCA",
            "G2SFCA",
            "3SFCA",
            "gravity",
            "cum",
            "near3",
            "no-reach",
            "under"
        );
        for z in s.zones.iter().chain([&s.all]) {
            line(&mut o, z);
        }
    }
    for m in &r.skipped {
        let _ = writeln!(o, "left out: {m}");
    }
    o
}

fn line(o: &mut String, z: &ZoneAccess) {
    let near = z
        .nearest_3_min
        .map_or("-".to_string(), |m| format!("{m:.1}"));
    let _ = writeln!(
        o,
        "{:<12} {:>9.0} {:>7.3} {:>7.3} {:>7.3} {:>7.3} {:>8.3} {:>6.2} {:>7} {:>7.1}% {:>6.1}%",
        z.zone,
        z.residents,
        z.two_sfca * PER,
        z.e2sfca * PER,
        z.gaussian_2sfca * PER,
        z.three_sfca * PER,
        z.gravity,
        z.cumulative,
        near,
        100.0 * z.out_of_reach,
        100.0 * z.underserved
    );
}

/// One row per service and zone (then the service's `(all)` row), values unscaled.
pub fn access_csv(r: &AccessReport) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "service",
        "zone",
        "residents",
        "two_sfca",
        "e2sfca",
        "gaussian_2sfca",
        "three_sfca",
        "gravity",
        "cumulative",
        "nearest_3_min",
        "out_of_reach",
        "underserved",
        "threshold",
    ])
    .expect("writing to memory");
    for s in &r.services {
        for z in s.zones.iter().chain([&s.all]) {
            w.write_record([
                s.service.clone(),
                z.zone.clone(),
                z.residents.to_string(),
                z.two_sfca.to_string(),
                z.e2sfca.to_string(),
                z.gaussian_2sfca.to_string(),
                z.three_sfca.to_string(),
                z.gravity.to_string(),
                z.cumulative.to_string(),
                z.nearest_3_min.map(|m| m.to_string()).unwrap_or_default(),
                z.out_of_reach.to_string(),
                z.underserved.to_string(),
                s.threshold.to_string(),
            ])
            .expect("writing to memory");
        }
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV of UTF-8 fields")
}

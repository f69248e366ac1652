//! `lifecircle access` as text, CSV and GeoJSON.

use std::fmt::Write;

use serde_json::{json, Map, Value};

use super::{point, sizes};
use crate::outcome::{AccessReport, Run, ServiceAccess, ZoneAccess};

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
            format!("near{}", s.nearest_n),
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
    let near = z.nearest_min.map_or("-".to_string(), |m| format!("{m:.1}"));
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
        "nearest_min",
        "nearest_n",
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
                z.nearest_min.map(|m| m.to_string()).unwrap_or_default(),
                s.nearest_n.to_string(),
                z.out_of_reach.to_string(),
                z.underserved.to_string(),
                s.threshold.to_string(),
            ])
            .expect("writing to memory");
        }
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV of UTF-8 fields")
}

/// Every demand point's indices as a GeoJSON FeatureCollection: one point
/// feature per demand point and service (`service`, `id`, `zone`, then the
/// columns of [`access_csv`]), in WGS 84.
pub fn access_geojson(run: &Run<AccessReport>) -> Value {
    let mut features = Vec::new();
    for s in &run.report.services {
        for (d, z) in run.geometry.demand_points.iter().zip(&s.points) {
            let mut props = Map::new();
            props.insert("service".into(), json!(s.service));
            props.insert("id".into(), json!(d.id));
            props.insert("zone".into(), json!(d.zone));
            for (key, value) in [
                ("residents", z.residents),
                ("two_sfca", z.two_sfca),
                ("e2sfca", z.e2sfca),
                ("gaussian_2sfca", z.gaussian_2sfca),
                ("three_sfca", z.three_sfca),
                ("gravity", z.gravity),
                ("cumulative", z.cumulative),
                ("out_of_reach", z.out_of_reach),
                ("underserved", z.underserved),
            ] {
                props.insert(key.into(), json!(value));
            }
            props.insert("nearest_min".into(), json!(z.nearest_min));
            features.push(point(d.lon, d.lat, Value::Object(props)));
        }
    }
    json!({"type": "FeatureCollection", "features": features})
}

/// The access row of `service` for `zone` (`(all)`: the area), if analysed.
pub(super) fn zone_row<'a>(
    access: &'a [ServiceAccess],
    service: &str,
    zone: &str,
) -> Option<&'a ZoneAccess> {
    let s = access.iter().find(|s| s.service == service)?;
    s.zones.iter().chain([&s.all]).find(|z| z.zone == zone)
}

/// The gap report's access table: a row per zone (then the area), a column
/// per service that has facilities, the 2SFCA ratio per 1,000 residents and
/// the share of residents underserved.
pub(super) fn zone_columns(o: &mut String, access: &[ServiceAccess]) {
    let shown: Vec<&ServiceAccess> = access.iter().filter(|s| !s.no_facility).collect();
    let Some(first) = shown.first() else {
        return;
    };
    let _ = writeln!(
        o,
        "\nAccess per zone: 2SFCA supply per {PER:.0} residents served / share underserved (2SFCA below the area's ratio, or none in reach)"
    );
    let _ = write!(o, "{:<12}", "zone");
    for s in &shown {
        let name: String = s.service.chars().take(13).collect();
        let _ = write!(o, " {name:>13}");
    }
    let _ = writeln!(o);
    for (k, zone) in first.zones.iter().chain([&first.all]).enumerate() {
        let _ = write!(o, "{:<12}", zone.zone);
        for s in &shown {
            let z = s.zones.get(k).unwrap_or(&s.all);
            let cell = format!("{:.2} / {:.0}%", z.two_sfca * PER, 100.0 * z.underserved);
            let _ = write!(o, " {cell:>13}");
        }
        let _ = writeln!(o);
    }
}

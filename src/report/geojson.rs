//! GeoJSON of gap analyses and plans, and the move of every position to
//! another datum (GCJ-02 for Amap).

use serde_json::{json, Map, Value};

use crate::coverage::ZoneScore;
use crate::outcome::{GapsReport, Geometry, PlanReport, Run};

/// A GeoJSON point feature.
pub(super) fn point(lon: f64, lat: f64, props: Value) -> Value {
    json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props})
}

/// The gap analysis as a GeoJSON FeatureCollection of demand points with, per
/// category, the metres to the nearest facility (`<key>_nearest_m`, null
/// beyond the search) and the zone's rating.
pub fn gaps_geojson(run: &Run<GapsReport>) -> Value {
    let gaps = &run.report.gaps;
    let geometry = &run.geometry;
    let features: Vec<Value> = geometry
        .demand_points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let zone = gaps.zones.iter().find(|z| z.zone == p.zone);
            let mut props = Map::new();
            props.insert("id".into(), json!(p.id));
            props.insert("zone".into(), json!(p.zone));
            props.insert("population".into(), json!(p.population));
            props.insert("stars".into(), json!(zone.map(|z| z.stars)));
            for key in gaps.totals.iter().map(|t| &t.category) {
                props.insert(
                    format!("{key}_nearest_m"),
                    json!(geometry.nearest_m[key][i]),
                );
            }
            point(p.lon, p.lat, Value::Object(props))
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

/// The zones' outlines as a GeoJSON FeatureCollection of MultiPolygons in
/// WGS 84, each with its rating from `scores` (a gap analysis's zones, or a
/// plan's `zones_after`): `zone`, `from_file` (the zones file's polygon, or an
/// outline drawn around its demand points), `residents`, `stars`,
/// `basic_present`/`basic_total`, `quality_present`/`quality_total` and
/// `missing` (the categories it lacks, comma-separated); a zone without a
/// score (no residents on the network) has nulls there.
///
/// ```
/// use lifecircle::report::zones_geojson;
/// use lifecircle::scenario::Scenario;
///
/// let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/data/helsinki/centroids.toml");
/// let gaps = Scenario::from_file(demo)?.gaps()?;
/// let zones = zones_geojson(&gaps.geometry, &gaps.report.gaps.zones);
/// assert_eq!(zones["features"].as_array().unwrap().len(), gaps.report.gaps.zones.len());
/// assert_eq!(zones["features"][0]["geometry"]["type"], "MultiPolygon");
/// # Ok::<(), lifecircle::Error>(())
/// ```
pub fn zones_geojson(geometry: &Geometry, scores: &[ZoneScore]) -> Value {
    let features: Vec<Value> = geometry
        .zones
        .iter()
        .map(|outline| {
            let z = scores.iter().find(|z| z.zone == outline.zone);
            let rings: Vec<Vec<Vec<[f64; 2]>>> = outline
                .area
                .iter()
                .map(|p| {
                    p.iter()
                        .map(|r| r.iter().map(|&(x, y)| [x, y]).collect())
                        .collect()
                })
                .collect();
            json!({
                "type": "Feature",
                "geometry": {"type": "MultiPolygon", "coordinates": rings},
                "properties": {
                    "zone": outline.zone,
                    "from_file": outline.from_file,
                    "residents": z.map(|z| z.residents),
                    "stars": z.map(|z| z.stars),
                    "basic_present": z.map(|z| z.basic_present),
                    "basic_total": z.map(|z| z.basic_total),
                    "quality_present": z.map(|z| z.quality_present),
                    "quality_total": z.map(|z| z.quality_total),
                    "missing": z.map(|z| z.missing.join(", ")),
                },
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

/// The plan as a GeoJSON FeatureCollection: new sites (`kind: "new"`), existing
/// facilities (`kind: "existing"`), both with their `service`, and residents
/// (`kind: "demand"`, with `<service>_before` / `<service>_after`: the share of
/// the residents it serves there that are covered), all as points in WGS 84.
pub fn plan_geojson(run: &Run<PlanReport>) -> Value {
    let mut features = Vec::new();
    for s in &run.report.services {
        for site in &s.new {
            features.push(point(site.lon, site.lat, json!({"kind": "new", "service": s.service, "id": site.id, "cost": site.cost, "newly_reached": site.newly_reached})));
        }
        for site in &s.existing {
            features.push(point(
                site.lon,
                site.lat,
                json!({"kind": "existing", "service": s.service, "id": site.id}),
            ));
        }
    }
    for d in &run.geometry.demand_points {
        let mut props = Map::new();
        props.insert("kind".into(), json!("demand"));
        props.insert("id".into(), json!(d.id));
        props.insert("zone".into(), json!(d.zone));
        props.insert("population".into(), json!(d.population));
        props.insert("aged_60_plus".into(), json!(d.aged_60_plus));
        for (k, v) in &d.before {
            props.insert(format!("{k}_before"), json!(v));
        }
        for (k, v) in &d.after {
            props.insert(format!("{k}_after"), json!(v));
        }
        features.push(point(d.lon, d.lat, Value::Object(props)));
    }
    json!({"type": "FeatureCollection", "features": features})
}

/// Moves every position of a GeoJSON value (as [`gaps_geojson`] and
/// [`plan_geojson`] write, in WGS 84) by `to`: e.g. to GCJ-02 with
/// `|lon, lat| Crs::Gcj02.from_wgs84(lon, lat)` (`lifecircle::demand::Crs`),
/// so that the outputs overlay Amap's tiles.
pub fn move_positions(geojson: &mut Value, to: &impl Fn(f64, f64) -> (f64, f64)) {
    match geojson {
        Value::Object(map) => {
            // A feature's properties are the user's, whatever their names.
            for (key, v) in map.iter_mut().filter(|(k, _)| *k != "properties") {
                if key == "coordinates" {
                    move_coordinates(v, to);
                } else {
                    move_positions(v, to);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| move_positions(v, to)),
        _ => {}
    }
}

fn move_coordinates(c: &mut Value, to: &impl Fn(f64, f64) -> (f64, f64)) {
    let Value::Array(items) = c else { return };
    if let [Value::Number(x), Value::Number(y), ..] = items.as_slice() {
        if let (Some(lon), Some(lat)) = (x.as_f64(), y.as_f64()) {
            let (lon, lat) = to(lon, lat);
            items[0] = json!(lon);
            items[1] = json!(lat);
        }
        return;
    }
    items.iter_mut().for_each(|v| move_coordinates(v, to));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_move_and_properties_stay() {
        let mut v = json!({"type": "FeatureCollection", "features": [
            point(1.0, 2.0, json!({"id": "a", "coordinates": [5, 6]})),
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}, "properties": {}}
        ]});
        move_positions(&mut v, &|x, y| (x + 10.0, y * 2.0));
        assert_eq!(
            v["features"][0]["geometry"]["coordinates"],
            json!([11.0, 4.0])
        );
        assert_eq!(v["features"][0]["properties"]["coordinates"], json!([5, 6]));
        assert_eq!(
            v["features"][1]["geometry"]["coordinates"],
            json!([[11.0, 4.0], [13.0, 8.0]])
        );
    }
}

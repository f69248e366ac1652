//! Demand points from a CSV table or a GeoJSON FeatureCollection.

use std::path::Path;

use geo::Centroid;

use super::DemandPoint;
use crate::error::{check_total, Error, Result};
use crate::tables::not_lon_lat;
use crate::tables::{misspelt, no_records, CsvTable, Records, UniqueIds};

/// Reads demand points from a CSV or GeoJSON file (by the extension:
/// `.geojson` or `.json` is GeoJSON), see [`read_demand_csv`] and
/// [`read_demand_geojson`].
///
/// # Errors
/// As the two readers.
pub fn read_demand(path: impl AsRef<Path>) -> Result<Vec<DemandPoint>> {
    let path = path.as_ref();
    match path.extension().and_then(|e| e.to_str()) {
        Some("geojson" | "json") => read_demand_geojson(path),
        _ => read_demand_csv(path),
    }
}

/// Reads demand points from a CSV file with a header holding `id`,
/// `population` and either `lon` and `lat` columns or a `wkt` column with a
/// point or polygon (a polygon is replaced by its centroid). Optional columns:
/// `aged_60_plus` (or `pop_60plus`), `under_6`, `aging_ratio` (the point's
/// share aged 60+, when there is no count) and `zone` (or `community`).
///
/// ```text
/// id,population,aged_60_plus,zone,wkt
/// 0,389,61,Kamppi,"POLYGON ((24.905455 60.160864, 24.905448 60.163108, …))"
/// ```
///
/// # Errors
/// [`Error::Io`] if the file cannot be read, [`Error::BadRecord`] naming the
/// line for a missing or misspelt column, an unparsable value, a location that
/// is not WGS 84 degrees, an empty or repeated id, or naming the point for an age group larger than its
/// population, or the file if it holds no point, or naming the line where
/// the total population exceeds [`MAX_TOTAL`](crate::error::MAX_TOTAL);
/// [`Error::InvalidPopulation`] for a NaN or negative population.
pub fn read_demand_csv(path: impl AsRef<Path>) -> Result<Vec<DemandPoint>> {
    let path = path.as_ref();
    let table = CsvTable::read(path, &COLUMNS[..2], &COLUMNS[2..], Records::Needed)?;
    let name = table.source.as_str();
    let has_location = (table.has("lon") && table.has("lat")) || table.has("wkt");
    if !has_location {
        return Err(Error::record(
            name,
            "header",
            "needs `lon` and `lat` columns or a `wkt` column",
        ));
    }
    let (mut points, mut lines) = (Vec::new(), Vec::<usize>::new());
    table.for_each(|record| {
        let line = format!("line {}", record.line());
        let field = |c: &str| record.field(c).map(str::to_string);
        let location = match (field("lon"), field("lat")) {
            (Some(lon), Some(lat)) => (
                number(name, &line, "lon", &lon)?,
                number(name, &line, "lat", &lat)?,
            ),
            _ => {
                let wkt = field("wkt").unwrap_or_default();
                wkt_centroid(&wkt).ok_or_else(|| {
                    Error::record(name, &line, "wkt is not a point or polygon with an area")
                })?
            }
        };
        points.push(point_from_fields(name, &line, location, field)?);
        lines.push(record.line());
        Ok(())
    })?;
    unique_ids(name, &points, |k| format!("line {}", lines[k]))?;
    check_total(
        name,
        "population",
        points.iter().map(|p| p.population),
        |k| format!("line {} (id {})", lines[k], points[k].id),
    )?;
    Ok(points)
}

/// Reads demand points from a GeoJSON FeatureCollection of points or polygons
/// (a polygon is replaced by its centroid) whose properties hold `population`
/// and optionally `id` (else the feature's id, else its position),
/// `aged_60_plus` (or `pop_60plus`), `under_6`, `aging_ratio` and `zone` (or
/// `community`), as in [`read_demand_csv`].
///
/// # Errors
/// [`Error::Io`] if the file cannot be read, [`Error::BadRecord`] naming the
/// feature for invalid GeoJSON, a missing geometry or one not in WGS 84
/// degrees, a misspelt property, an unparsable value or a repeated id, or the
/// file if it holds no feature, or the feature where the total population
/// exceeds [`MAX_TOTAL`](crate::error::MAX_TOTAL);
/// [`Error::InvalidPopulation`] for a NaN or negative population.
pub fn read_demand_geojson(path: impl AsRef<Path>) -> Result<Vec<DemandPoint>> {
    let (name, collection) = feature_collection(path.as_ref())?;
    // The location comes from the geometry alone: `lon`, `lat` or `wkt`
    // properties are the user's own data, not misspellings of a location.
    let known: Vec<&str> = COLUMNS
        .into_iter()
        .filter(|c| !["lon", "lat", "wkt"].contains(c))
        .collect();
    if collection.features.is_empty() {
        return Err(no_records(&name));
    }
    let mut points = Vec::new();
    for (n, feature) in collection.features.iter().enumerate() {
        let label = format!("feature {n}");
        let geometry: Option<geo::Geometry<f64>> =
            feature.geometry.clone().and_then(|g| g.try_into().ok());
        let (lon, lat) = geometry
            .and_then(|g| g.centroid())
            .map(|c| (c.x(), c.y()))
            .ok_or_else(|| Error::record(&name, &label, "needs a point or polygon geometry"))?;
        if let Some(properties) = &feature.properties {
            if let Some(message) = misspelt(
                ("property", "properties"),
                properties.keys().map(String::as_str),
                &known,
            ) {
                return Err(Error::record(&name, &label, message));
            }
        }
        let property = |key: &str| property(feature, key);
        let id = feature_id(feature).unwrap_or_else(|| n.to_string());
        let field = |key: &str| {
            if key == "id" {
                Some(id.clone())
            } else {
                property(key)
            }
        };
        points.push(point_from_fields(&name, &label, (lon, lat), field)?);
    }
    unique_ids(&name, &points, |k| format!("feature {k}"))?;
    check_total(
        &name,
        "population",
        points.iter().map(|p| p.population),
        |k| format!("feature {k} (id {})", points[k].id),
    )?;
    Ok(points)
}

/// A GeoJSON file's FeatureCollection, with the file's name for errors.
pub(super) fn feature_collection(path: &Path) -> Result<(String, geojson::FeatureCollection)> {
    let name = path.display().to_string();
    let text = crate::tables::read_text(path)?;
    Ok((name.clone(), parse_feature_collection(&name, &text)?))
}

/// A FeatureCollection from GeoJSON text; `name` (a file, or what a caller
/// calls the text) is the source its errors name.
pub(super) fn parse_feature_collection(
    name: &str,
    text: &str,
) -> Result<geojson::FeatureCollection> {
    text.parse::<geojson::GeoJson>()
        .and_then(geojson::FeatureCollection::try_from)
        .map_err(|e| {
            Error::record(
                name,
                "file",
                format!("not a GeoJSON FeatureCollection: {e}"),
            )
        })
}

/// A feature's property as text (trimmed; `None` if absent or null).
pub(super) fn property(feature: &geojson::Feature, key: &str) -> Option<String> {
    match feature.property(key)? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.trim().to_string()),
        v => Some(v.to_string()),
    }
}

/// A feature's `id` property, else its GeoJSON id.
pub(super) fn feature_id(feature: &geojson::Feature) -> Option<String> {
    property(feature, "id").or_else(|| {
        feature.id.as_ref().map(|id| match id {
            geojson::feature::Id::String(s) => s.clone(),
            geojson::feature::Id::Number(x) => x.to_string(),
        })
    })
}

/// Every column a demand table may have, the required ones (`id` and
/// `population`) first; a GeoJSON feature's properties are the same but for
/// the location (`lon`, `lat`, `wkt`), which its geometry gives.
const COLUMNS: [&str; 11] = [
    "id",
    "population",
    "lon",
    "lat",
    "wkt",
    "aged_60_plus",
    "pop_60plus",
    "under_6",
    "aging_ratio",
    "zone",
    "community",
];

/// Checks that the ids of a table's demand points are unique: a point
/// without its own zone is a zone of its id, so two with one id would be
/// counted as one zone.
fn unique_ids(
    source: &str,
    points: &[DemandPoint],
    record: impl Fn(usize) -> String,
) -> Result<()> {
    let mut ids = UniqueIds::default();
    for (k, p) in points.iter().enumerate() {
        ids.insert(&p.id, &record(k))
            .map_err(|m| Error::record(source, record(k), m))?;
    }
    Ok(())
}

pub(super) fn number(source: &str, record: &str, what: &str, text: &str) -> Result<f64> {
    text.parse::<f64>()
        .map_err(|_| Error::record(source, record, format!("{what} {text:?} is not a number")))
}

/// One demand point from a record's named fields (CSV columns or GeoJSON properties).
fn point_from_fields(
    source: &str,
    record: &str,
    (lon, lat): (f64, f64),
    field: impl Fn(&str) -> Option<String>,
) -> Result<DemandPoint> {
    let optional = |names: &[&str]| -> Result<Option<f64>> {
        for &n in names {
            if let Some(text) = field(n).filter(|t| !t.is_empty()) {
                return number(source, record, n, &text).map(Some);
            }
        }
        Ok(None)
    };
    // Projected metres would not snap at all: say so here, naming the record.
    if let Some(message) = not_lon_lat(lon, lat) {
        return Err(Error::record(source, record, message));
    }
    let id = field("id")
        .filter(|id| !id.is_empty())
        .ok_or_else(|| Error::record(source, record, "empty `id`"))?;
    let population = match field("population") {
        Some(text) => number(source, record, "population", &text)?,
        None => return Err(Error::record(source, record, "no population")),
    };
    let mut aged_60_plus = optional(&["aged_60_plus", "pop_60plus"])?;
    if let (None, Some(ratio)) = (aged_60_plus, optional(&["aging_ratio"])?) {
        if !(0.0..=1.0).contains(&ratio) {
            return Err(Error::record(
                source,
                record,
                format!("aging_ratio must lie in [0, 1], got {ratio}"),
            ));
        }
        aged_60_plus = Some(ratio * population);
    }
    let point = DemandPoint {
        id,
        lon,
        lat,
        population,
        aged_60_plus,
        under_6: optional(&["under_6"])?,
        zone: field("zone")
            .or_else(|| field("community"))
            .filter(|z| !z.is_empty()),
    };
    point.validate().map_err(|e| match e {
        Error::BadRecord { message, .. } => {
            Error::record(source, format!("{record} (id {})", point.id), message)
        }
        other => other,
    })?;
    Ok(point)
}

fn wkt_centroid(text: &str) -> Option<(f64, f64)> {
    use std::str::FromStr;
    let geom: geo::Geometry<f64> = wkt::Wkt::<f64>::from_str(text).ok()?.try_into().ok()?;
    geom.centroid().map(|c| (c.x(), c.y()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demand::AgeRatios;
    use crate::tables::temp_file;

    #[test]
    fn polygon_becomes_centroid() {
        let f = temp_file(
            ".csv",
            "id,population,wkt\na,10,\"POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))\"\n",
        );
        let pts = read_demand_csv(f.path()).unwrap();
        assert_eq!(pts[0].id, "a");
        assert!((pts[0].lon - 1.0).abs() < 1e-12 && (pts[0].lat - 1.0).abs() < 1e-12);
    }

    #[test]
    fn lon_lat_columns_work() {
        let f = temp_file(".csv", "lat,lon,population,id\n60.1,24.9,5,x\n");
        let pts = read_demand_csv(f.path()).unwrap();
        assert_eq!(
            (pts[0].lon, pts[0].lat, pts[0].population),
            (24.9, 60.1, 5.0)
        );
    }

    #[test]
    fn bad_population_names_the_record() {
        let f = temp_file(
            ".csv",
            "id,population,lon,lat\nok,1,24,60\ncell-7,NaN,24,60\n",
        );
        let err = read_demand_csv(f.path()).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidPopulation { id, .. } if id == "cell-7"),
            "{err}"
        );
        let f = temp_file(".csv", "id,population,lon,lat\ncell-8,-3,24,60\n");
        assert!(matches!(
            read_demand_csv(f.path()),
            Err(Error::InvalidPopulation { .. })
        ));
        let f = temp_file(".csv", "id,population,lon,lat\ncell-9,many,24,60\n");
        let err = read_demand_csv(f.path()).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
        let f = temp_file(
            ".csv",
            "id,population,wkt\na,10,\"POINT (385000 6672000)\"\n",
        );
        let err = read_demand_csv(f.path()).unwrap_err().to_string();
        assert!(
            err.ends_with("record line 2: (385000, 6672000) must be WGS 84 degrees: lon in [-180, 180], lat in [-90, 90]"),
            "{err}"
        );
        let f = temp_file(
            ".geojson",
            r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [24.9, -95]}, "properties": {"population": 1}}]}"#,
        );
        let err = read_demand(f.path()).unwrap_err().to_string();
        assert!(
            err.contains("record feature 0: (24.9, -95) must be WGS 84"),
            "{err}"
        );
        let f = temp_file(".csv", "id,population,lon,lat\ncell-9,5,24,NaN\n");
        let err = read_demand_csv(f.path()).unwrap_err().to_string();
        assert!(
            err.contains("record line 2: (24, NaN) must be WGS 84"),
            "{err}"
        );
    }

    #[test]
    fn missing_columns_and_files_are_errors() {
        let f = temp_file(".csv", "id,pop\n1,2\n");
        assert!(read_demand_csv(f.path())
            .unwrap_err()
            .to_string()
            .contains("population"));
        assert!(matches!(
            read_demand_csv("/no/such/file.csv"),
            Err(Error::Io { .. })
        ));
        let f = temp_file(
            ".csv",
            "id,population,lon,lat\na,1,24,60\nb,2,24,60\na,3,24,60\n",
        );
        let e = read_demand_csv(f.path()).unwrap_err().to_string();
        assert!(
            e.contains("line 4: duplicate id \"a\" (first on line 2)"),
            "{e}"
        );
        let f = temp_file(".csv", "id,population,lon,lat\n,1,24,60\n");
        let e = read_demand_csv(f.path()).unwrap_err().to_string();
        assert!(e.contains("line 2: empty `id`"), "{e}");
        let f = temp_file(".csv", "id,population,lon,lat\n");
        let e = read_demand_csv(f.path()).unwrap_err().to_string();
        assert!(e.ends_with("record file: holds no record"), "{e}");
        let f = temp_file(
            ".geojson",
            r#"{"type": "FeatureCollection", "features": []}"#,
        );
        let e = read_demand(f.path()).unwrap_err().to_string();
        assert!(e.ends_with("record file: holds no record"), "{e}");
        // A misspelt age column would leave the ages to the aging ratio.
        let f = temp_file(".csv", "id,population,aged_60plus,lon,lat\na,10,2,24,60\n");
        let e = read_demand_csv(f.path()).unwrap_err().to_string();
        assert!(e.contains("did you mean `aged_60_plus`"), "{e}");
    }

    #[test]
    fn age_columns_zones_and_ratios() {
        let f = temp_file(".csv", "id,population,aged_60_plus,under_6,zone,lon,lat\na,100,20,5,Kamppi,24,60\nb,50,,,Kamppi,24,60\n");
        let pts = read_demand_csv(f.path()).unwrap();
        assert_eq!(
            (pts[0].aged_60_plus, pts[0].under_6, pts[0].zone()),
            (Some(20.0), Some(5.0), "Kamppi")
        );
        assert_eq!((pts[1].aged_60_plus, pts[1].under_6), (None, None));
        let r = pts[1].residents(&AgeRatios {
            aged_60_plus: Some(0.2),
            under_6: None,
        });
        assert_eq!((r.aged_60_plus, r.under_6), (Some(10.0), None));
        let f = temp_file(
            ".csv",
            "id,population,aging_ratio,lon,lat\nc,200,0.25,24,60\n",
        );
        let pts = read_demand_csv(f.path()).unwrap();
        assert_eq!((pts[0].aged_60_plus, pts[0].zone()), (Some(50.0), "c"));
    }

    #[test]
    fn age_group_larger_than_total_names_the_point() {
        let f = temp_file(
            ".csv",
            "id,population,aged_60_plus,lon,lat\nok,10,2,24,60\ncell-3,10,12,24,60\n",
        );
        let err = read_demand_csv(f.path()).unwrap_err().to_string();
        assert!(
            err.contains("line 3 (id cell-3): aged_60_plus 12 exceeds the population 10"),
            "{err}"
        );
        let f = temp_file(
            ".csv",
            "id,population,aged_60_plus,under_6,lon,lat\nx,10,6,6,24,60\n",
        );
        assert!(read_demand_csv(f.path())
            .unwrap_err()
            .to_string()
            .contains("aged_60_plus + under_6"));
        let f = temp_file(
            ".csv",
            "id,population,aging_ratio,lon,lat\nx,10,1.5,24,60\n",
        );
        assert!(read_demand_csv(f.path())
            .unwrap_err()
            .to_string()
            .contains("aging_ratio"));
    }

    #[test]
    fn geojson_points_and_polygons() {
        let f = temp_file(
            ".geojson",
            r#"{"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": 7, "geometry": {"type": "Point", "coordinates": [24.9, 60.1]},
             "properties": {"population": 30, "aged_60_plus": 6, "community": "A"}},
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0,0],[2,0],[2,2],[0,2],[0,0]]]},
             "properties": {"id": "z", "population": 10}}]}"#,
        );
        let pts = read_demand(f.path()).unwrap();
        assert_eq!(
            (pts[0].id.as_str(), pts[0].aged_60_plus, pts[0].zone()),
            ("7", Some(6.0), "A")
        );
        assert_eq!(
            (pts[1].id.as_str(), pts[1].lon, pts[1].lat),
            ("z", 1.0, 1.0)
        );
        let typo = temp_file(
            ".geojson",
            r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [24.9, 60.1]}, "properties": {"population": 1, "Aged_60_Plus": 1, "name": "x"}}]}"#,
        );
        let e = read_demand(typo.path()).unwrap_err().to_string();
        assert!(
            e.contains("feature 0: unknown property `Aged_60_Plus`: did you mean `aged_60_plus`? (rename it; properties not known at all"),
            "{e}"
        );
        let located = temp_file(
            ".geojson",
            r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [24.9, 60.1]}, "properties": {"population": 1, "LON": 24.9, "LAT": 60.1, "WKT": "POINT (24.9 60.1)"}}]}"#,
        );
        let pts = read_demand(located.path()).unwrap();
        assert_eq!((pts[0].lon, pts[0].lat), (24.9, 60.1));
        let bad = temp_file(
            ".geojson",
            r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null, "properties": {"population": 1}}]}"#,
        );
        assert!(read_demand(bad.path())
            .unwrap_err()
            .to_string()
            .contains("feature 0"));
    }

    /// Two points of 1e308 residents once summed to "Residents: inf" and a
    /// "NaN%" share: the readers refuse a total above MAX_TOTAL.
    #[test]
    fn a_total_population_above_the_bound_names_the_record() {
        let f = temp_file(
            ".csv",
            "id,population,lon,lat\na,1e308,24,60\nb,1e308,24,60\n",
        );
        let e = read_demand(f.path()).unwrap_err().to_string();
        assert!(
            e.contains("line 2 (id a): population 1e308 brings the total to 1e308, above the largest total accepted (1e15)"),
            "{e}"
        );
        let f = temp_file(
            ".csv",
            "id,population,lon,lat\na,6e14,24,60\nb,6e14,24,60\n",
        );
        let e = read_demand(f.path()).unwrap_err().to_string();
        assert!(
            e.contains("line 3 (id b): population 6e14 brings the total to 1.2e15"),
            "{e}"
        );
        let point = |p: f64| {
            format!(
                r#"{{"type": "Feature", "geometry": {{"type": "Point", "coordinates": [24.9, 60.1]}}, "properties": {{"population": {p}}}}}"#
            )
        };
        let f = temp_file(
            ".geojson",
            &format!(
                r#"{{"type": "FeatureCollection", "features": [{}, {}]}}"#,
                point(1.0),
                point(1e15)
            ),
        );
        let e = read_demand(f.path()).unwrap_err().to_string();
        assert!(
            e.contains("feature 1 (id 1): population 1e15 brings the total"),
            "{e}"
        );
        let f = temp_file(
            ".csv",
            "id,population,lon,lat\na,5e14,24,60\nb,5e14,24,60\n",
        );
        assert_eq!(read_demand(f.path()).unwrap().len(), 2);
    }
}

//! Zones (communities, 社区) as polygons, and the rule that puts each demand
//! point in one.
//!
//! A zones file is a GeoJSON FeatureCollection of polygons and multipolygons,
//! each with an `id` (the property, else the feature's id), optionally a
//! `name` and any of the counts `population`, `aged_60_plus`, `under_6` and
//! `aging_ratio` (the census figures a civil-affairs office gives per
//! community; read and checked here for the split onto buildings).
//!
//! A point belongs to the zone whose polygon holds it, its boundary included.
//! Where two zones hold it (a shared boundary, or overlapping polygons) it
//! goes to the one with the lowest id (string order, so the result does not
//! depend on the file's order) and is counted in
//! [`ZoneAssignment::ambiguous`]. A point in no zone keeps the zone it had
//! (its `zone` column, else its own id), is still planned for, and is listed
//! in [`ZoneAssignment::outside`].

use std::path::Path;
use std::str::FromStr;

use geo::{BoundingRect, Intersects, MapCoords, MultiPolygon, Point, Validation};
use rstar::{primitives::GeomWithData, primitives::Rectangle, RTree, AABB};

use super::read::{feature_collection, feature_id, number, parse_feature_collection, property};
use super::{Crs, DemandPoint};
use crate::error::{finite_non_negative, Error, Result};
use crate::tables::{misspelt, no_records, not_lon_lat, CsvTable, Records, UniqueIds};

/// One zone: its polygon (WGS 84) and the counts given for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// The zone's id (what demand points name as their `zone`).
    pub id: String,
    /// Its name, if given.
    pub name: Option<String>,
    /// Its outline in WGS 84 degrees.
    pub geometry: MultiPolygon<f64>,
    /// Residents (`None`: not given).
    pub population: Option<f64>,
    /// Residents aged 60+ (`None`: not given).
    pub aged_60_plus: Option<f64>,
    /// Children under 6 (`None`: not given).
    pub under_6: Option<f64>,
    /// Share aged 60+ (`None`: not given).
    pub aging_ratio: Option<f64>,
}

/// The properties a zone may have.
const PROPERTIES: [&str; 6] = [
    "id",
    "name",
    "population",
    "aged_60_plus",
    "under_6",
    "aging_ratio",
];

/// Reads a zones file (GeoJSON, see the [module docs](self)) whose
/// coordinates are in `crs`, converting them to WGS 84.
///
/// # Errors
/// [`Error::Io`] if unreadable; [`Error::BadRecord`] naming the file if it is
/// not a FeatureCollection or holds no feature, or naming the feature (and its
/// id, when it has one) for a missing or repeated id, a misspelt property, a
/// geometry that is not a polygon or multipolygon, an empty or unclosed ring,
/// a non-finite or non-degree coordinate, a self-intersecting or otherwise
/// invalid polygon (geo's [`Validation`]), a negative or NaN count, an age
/// count above the population or an aging ratio outside `[0, 1]`.
pub fn read_zones(path: impl AsRef<Path>, crs: Crs) -> Result<Vec<Zone>> {
    let (name, collection) = feature_collection(path.as_ref())?;
    zones_of(&name, collection, crs)
}

/// Zones from GeoJSON text, as [`read_zones`] reads a file; errors name
/// `source` (what the caller calls the text: `zones`, a frame's name).
///
/// # Errors
/// As [`read_zones`], the file's errors naming `source`.
pub fn zones_from_geojson(source: &str, text: &str, crs: Crs) -> Result<Vec<Zone>> {
    zones_of(source, parse_feature_collection(source, text)?, crs)
}

fn zones_of(name: &str, collection: geojson::FeatureCollection, crs: Crs) -> Result<Vec<Zone>> {
    let name = name.to_string();
    if collection.features.is_empty() {
        return Err(no_records(&name));
    }
    let mut ids = UniqueIds::default();
    let mut zones = Vec::with_capacity(collection.features.len());
    for (n, feature) in collection.features.iter().enumerate() {
        let id = feature_id(feature).filter(|id| !id.is_empty());
        let label = match &id {
            Some(id) => format!("feature {n} (id {id})"),
            None => format!("feature {n}"),
        };
        let fail = |m: String| Error::record(&name, &label, m);
        let id = id.ok_or_else(|| fail("needs an `id`".into()))?;
        ids.insert(&id, &format!("feature {n}")).map_err(fail)?;
        if let Some(properties) = &feature.properties {
            if let Some(m) = misspelt(
                ("property", "properties"),
                properties.keys().map(String::as_str),
                &PROPERTIES,
            ) {
                return Err(fail(m));
            }
        }
        let geometry = polygon_of(feature.geometry.as_ref(), crs, true).map_err(fail)?;
        let count = |key: &str| -> Result<Option<f64>> {
            property(feature, key)
                .filter(|t| !t.is_empty())
                .map(|t| number(&name, &label, key, &t))
                .transpose()
        };
        let zone = Zone {
            name: property(feature, "name").filter(|t| !t.is_empty()),
            geometry,
            population: count("population")?,
            aged_60_plus: count("aged_60_plus")?,
            under_6: count("under_6")?,
            aging_ratio: count("aging_ratio")?,
            id,
        };
        check_counts(&zone).map_err(fail)?;
        zones.push(zone);
    }
    Ok(zones)
}

/// Reads zones from a GeoJSON file ([`read_zones`]) or, for a `.csv`
/// file, from a table with `id` and a `wkt` column of polygons or
/// multipolygons (a population grid's cells) and any of the same counts
/// and `name`.
///
/// # Errors
/// As [`read_zones`], naming the line of a CSV record.
pub fn read_zone_polygons(path: impl AsRef<Path>, crs: Crs) -> Result<Vec<Zone>> {
    let path = path.as_ref();
    if !path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        return read_zones(path, crs);
    }
    let table = CsvTable::read(path, &["id", "wkt"], &PROPERTIES[1..], Records::Needed)?;
    let mut ids = UniqueIds::default();
    let mut zones = Vec::new();
    table.for_each(|record| {
        let id = record.text("id")?;
        record.unique(&mut ids, &id)?;
        let fail = |m: String| record.error(format!("(id {id}) {m}"));
        let wkt = record.text("wkt")?;
        let geometry: geo::Geometry<f64> = wkt::Wkt::<f64>::from_str(&wkt)
            .map_err(|e| fail(format!("wkt is not a polygon: {e}")))?
            .try_into()
            .map_err(|_| fail("wkt is not a polygon".into()))?;
        let json = geojson::Geometry::from(&geometry);
        let geometry = polygon_of(Some(&json), crs, true).map_err(fail)?;
        let count = |key: &str| record.get(key).map(|_| record.number(key)).transpose();
        let zone = Zone {
            name: record.get("name").map(str::to_string),
            geometry,
            population: count("population")?,
            aged_60_plus: count("aged_60_plus")?,
            under_6: count("under_6")?,
            aging_ratio: count("aging_ratio")?,
            id: id.clone(),
        };
        check_counts(&zone).map_err(fail)?;
        zones.push(zone);
        Ok(())
    })?;
    Ok(zones)
}

/// A polygon from its GeoJSON geometry, checked before geo closes its rings
/// (an unclosed ring is a truncated file, not a shape), converted to WGS 84
/// and then, if `validate`, refused unless valid (geo's [`Validation`]).
pub(super) fn polygon_of(
    geometry: Option<&geojson::Geometry>,
    crs: Crs,
    validate: bool,
) -> std::result::Result<MultiPolygon<f64>, String> {
    use geojson::Value;
    let polygons: Vec<&Vec<Vec<Vec<f64>>>> = match geometry.map(|g| &g.value) {
        Some(Value::Polygon(rings)) => vec![rings],
        Some(Value::MultiPolygon(polygons)) => polygons.iter().collect(),
        _ => return Err("needs a Polygon or MultiPolygon geometry".into()),
    };
    if polygons.is_empty() || polygons.iter().any(|p| p.is_empty()) {
        return Err("empty polygon".into());
    }
    for ring in polygons.iter().flat_map(|p| p.iter()) {
        if ring.len() < 4 {
            return Err(format!(
                "a ring of {} positions (a polygon needs at least 4, the last equal to the first)",
                ring.len()
            ));
        }
        if ring.first() != ring.last() {
            return Err("unclosed ring: its last position differs from the first".into());
        }
        for position in ring {
            let (lon, lat) = match position.as_slice() {
                [lon, lat, ..] => (*lon, *lat),
                _ => return Err("a position with fewer than 2 coordinates".into()),
            };
            if let Some(m) = not_lon_lat(lon, lat) {
                return Err(m);
            }
        }
    }
    let multi: MultiPolygon<f64> = match geometry.cloned().map(geo::Geometry::try_from) {
        Some(Ok(geo::Geometry::Polygon(p))) => MultiPolygon(vec![p]),
        Some(Ok(geo::Geometry::MultiPolygon(m))) => m,
        _ => return Err("needs a Polygon or MultiPolygon geometry".into()),
    };
    let multi = if crs.is_wgs84() {
        multi
    } else {
        multi.map_coords(|c| {
            let (x, y) = crs.to_wgs84(c.x, c.y);
            geo::coord! { x: x, y: y }
        })
    };
    if validate {
        multi
            .check_validation()
            .map_err(|e| format!("invalid polygon: {e}"))?;
    }
    Ok(multi)
}

/// Checks a zone made in code as [`read_zones`] checks a file's: a
/// non-empty valid outline and counts that fit together.
pub(super) fn check_zone(z: &Zone) -> std::result::Result<(), String> {
    if z.geometry.0.is_empty() {
        return Err("empty polygon".into());
    }
    z.geometry
        .check_validation()
        .map_err(|e| format!("invalid polygon: {e}"))?;
    check_counts(z)
}

fn check_counts(z: &Zone) -> std::result::Result<(), String> {
    let counts = [
        ("population", z.population),
        ("aged_60_plus", z.aged_60_plus),
        ("under_6", z.under_6),
        ("aging_ratio", z.aging_ratio),
    ];
    for (key, v) in counts {
        if let Some(v) = v.filter(|v| !finite_non_negative(*v)) {
            return Err(format!("{key} must be a finite number >= 0, got {v}"));
        }
    }
    if let Some(r) = z.aging_ratio.filter(|r| *r > 1.0) {
        return Err(format!("aging_ratio must lie in [0, 1], got {r}"));
    }
    if let Some(total) = z.population {
        for (key, v) in [("aged_60_plus", z.aged_60_plus), ("under_6", z.under_6)] {
            if let Some(v) = v.filter(|v| *v > total) {
                return Err(format!("{key} {v} exceeds the population {total}"));
            }
        }
    }
    Ok(())
}

/// Zones indexed by an R-tree over their bounding boxes, for point-in-polygon.
pub struct ZoneIndex<'z> {
    zones: &'z [Zone],
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

impl<'z> ZoneIndex<'z> {
    /// Indexes `zones` (as [`read_zones`] gives them: valid, non-empty).
    pub fn new(zones: &'z [Zone]) -> Self {
        let boxes = zones
            .iter()
            .enumerate()
            .filter_map(|(k, z)| {
                let r = z.geometry.bounding_rect()?;
                let rect = Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
                Some(GeomWithData::new(rect, k))
            })
            .collect();
        Self {
            zones,
            tree: RTree::bulk_load(boxes),
        }
    }

    /// The zones (indices) whose polygon holds the point, boundary included,
    /// lowest id first.
    pub fn locate(&self, lon: f64, lat: f64) -> Vec<usize> {
        let point = Point::new(lon, lat);
        let mut hits: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&AABB::from_point([lon, lat]))
            .map(|g| g.data)
            .filter(|&k| self.zones[k].geometry.intersects(&point))
            .collect();
        hits.sort_by(|&a, &b| self.zones[a].id.cmp(&self.zones[b].id));
        hits
    }
}

/// What [`assign_zones`] did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ZoneAssignment {
    /// Ids of the demand points in no zone (kept, with their own zone).
    pub outside: Vec<String>,
    /// Points held by two or more zones, given to the lowest id.
    pub ambiguous: usize,
}

/// Puts each demand point in the zone whose polygon holds it (the rule in the
/// [module docs](self)), replacing its `zone`.
pub fn assign_zones(points: &mut [DemandPoint], zones: &[Zone]) -> ZoneAssignment {
    let index = ZoneIndex::new(zones);
    let mut out = ZoneAssignment::default();
    for p in points.iter_mut() {
        let hits = index.locate(p.lon, p.lat);
        match hits.first() {
            Some(&k) => p.zone = Some(zones[k].id.clone()),
            None => out.outside.push(p.id.clone()),
        }
        if hits.len() > 1 {
            out.ambiguous += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::temp_file;

    fn square(x0: f64, y0: f64, side: f64) -> String {
        let (x1, y1) = (x0 + side, y0 + side);
        format!("[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]")
    }

    fn feature(id: &str, coordinates: &str, props: &str) -> String {
        format!(
            r#"{{"type": "Feature", "geometry": {{"type": "Polygon", "coordinates": {coordinates}}}, "properties": {{"id": "{id}"{props}}}}}"#
        )
    }

    fn zones_file(features: &[String]) -> tempfile::NamedTempFile {
        temp_file(
            ".geojson",
            &format!(
                r#"{{"type": "FeatureCollection", "features": [{}]}}"#,
                features.join(",")
            ),
        )
    }

    fn read(features: &[String]) -> Result<Vec<Zone>> {
        read_zones(zones_file(features).path(), Crs::Wgs84)
    }

    #[test]
    fn reads_polygons_multipolygons_and_counts() {
        let multi = format!(
            r#"{{"type": "Feature", "id": 9, "geometry": {{"type": "MultiPolygon", "coordinates": [{}, {}]}}, "properties": {{"name": "二"}}}}"#,
            square(2.0, 0.0, 1.0),
            square(4.0, 0.0, 1.0)
        );
        let zones = read(&[
            feature(
                "a",
                &square(0.0, 0.0, 1.0),
                r#", "name": "Kamppi", "population": 100, "aged_60_plus": 20, "aging_ratio": 0.2"#,
            ),
            multi,
        ])
        .unwrap();
        assert_eq!(zones.len(), 2);
        assert_eq!(
            (
                zones[0].name.as_deref(),
                zones[0].population,
                zones[0].aged_60_plus,
                zones[0].under_6
            ),
            (Some("Kamppi"), Some(100.0), Some(20.0), None)
        );
        assert_eq!((zones[1].id.as_str(), zones[1].geometry.0.len()), ("9", 2));
    }

    #[test]
    fn bad_zones_are_refused_naming_the_id() {
        let cases = [
            (
                feature("a", &square(0.0, 0.0, 1.0), r#", "population": -1"#),
                "feature 0 (id a): population must be a finite number >= 0",
            ),
            (
                feature(
                    "a",
                    &square(0.0, 0.0, 1.0),
                    r#", "population": 10, "under_6": 11"#,
                ),
                "(id a): under_6 11 exceeds the population 10",
            ),
            (
                feature("a", &square(0.0, 0.0, 1.0), r#", "aging_ratio": 1.5"#),
                "(id a): aging_ratio must lie in [0, 1]",
            ),
            (
                feature("a", &square(0.0, 0.0, 1.0), r#", "Population": 5"#),
                "(id a): unknown property `Population`",
            ),
            (
                feature("bow", "[[[0,0],[1,1],[1,0],[0,1],[0,0]]]", ""),
                "(id bow): invalid polygon",
            ),
            (
                feature("open", "[[[0,0],[1,0],[1,1],[0,1]]]", ""),
                "(id open): unclosed ring",
            ),
            (
                feature("tiny", "[[[0,0],[1,0],[0,0]]]", ""),
                "(id tiny): a ring of 3 positions",
            ),
            (feature("none", "[]", ""), "(id none): empty polygon"),
            (
                feature("far", "[[[0,0],[1000,0],[1000,1],[0,0]]]", ""),
                "(id far): (1000, 0) must be WGS 84",
            ),
        ];
        for (f, expected) in cases {
            let e = read(&[f]).unwrap_err().to_string();
            assert!(e.contains(expected), "{e}\nwanted: {expected}");
        }
        let nan = zones_file(&[feature("a", &square(0.0, 0.0, 1.0), "")]);
        let text = std::fs::read_to_string(nan.path())
            .unwrap()
            .replace("[0,0],[1,0]", "[0,0],[NaN,0]");
        let f = temp_file(".geojson", &text);
        assert!(read_zones(f.path(), Crs::Wgs84).is_err());
        let twice = [
            feature("a", &square(0.0, 0.0, 1.0), ""),
            feature("a", &square(2.0, 0.0, 1.0), ""),
        ];
        let e = read(&twice).unwrap_err().to_string();
        assert!(e.contains("feature 1 (id a): duplicate id \"a\""), "{e}");
        let no_id = r#"{"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}, "properties": {}}"#;
        let e = read(&[no_id.to_string()]).unwrap_err().to_string();
        assert!(e.contains("feature 0: needs an `id`"), "{e}");
    }

    #[test]
    fn points_get_their_zone_and_the_rest_are_listed() {
        let zones = read(&[
            feature("b", &square(0.0, 0.0, 1.0), ""),
            feature("a", &square(1.0, 0.0, 1.0), ""),
            feature("c", &square(5.0, 5.0, 2.0), ""),
            feature("d", &square(6.0, 6.0, 2.0), ""),
        ])
        .unwrap();
        let mut points = vec![
            DemandPoint::new("in-b", 0.5, 0.5, 1.0),
            DemandPoint::new("edge", 1.0, 0.5, 1.0),
            DemandPoint::new("overlap", 6.5, 6.5, 1.0),
            DemandPoint::new("lost", 3.0, 3.0, 1.0),
            DemandPoint {
                zone: Some("old".into()),
                ..DemandPoint::new("lost-too", -1.0, 0.5, 1.0)
            },
        ];
        let got = assign_zones(&mut points, &zones);
        let zone_of: Vec<&str> = points.iter().map(DemandPoint::zone).collect();
        // The shared edge of b and a goes to a, the overlap of c and d to c.
        assert_eq!(zone_of, ["b", "a", "c", "lost", "old"]);
        assert_eq!(got.outside, ["lost", "lost-too"]);
        assert_eq!(got.ambiguous, 2);
    }

    /// A zones file in GCJ-02 lands where the WGS 84 points are.
    #[test]
    fn zones_in_gcj02_are_converted() {
        let (lon, lat) = Crs::Gcj02.from_wgs84(111.0, 35.0);
        let f = zones_file(&[feature("yh", &square(lon - 0.001, lat - 0.001, 0.002), "")]);
        let zones = read_zones(f.path(), Crs::Gcj02).unwrap();
        let index = ZoneIndex::new(&zones);
        assert_eq!(index.locate(111.0, 35.0), [0]);
        assert!(index.locate(lon, lat).is_empty(), "GCJ-02 is ~500 m off");
    }
}

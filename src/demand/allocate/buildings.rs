//! Buildings and land-use areas, the things population is split onto, and
//! the rule that says which buildings are homes.

use std::path::Path;

use geo::{GeodesicArea, InteriorPoint, MakeValid, MultiPolygon, Validation};

use super::super::read::{feature_collection, feature_id, parse_feature_collection, property};
use super::super::Crs;
use crate::error::{Error, Result};
use crate::tables::{no_records, UniqueIds};

/// One building footprint (WGS 84) with the tags the split reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Building {
    /// Its id (`way/123`, `relation/45` from OSM; the table's otherwise).
    pub id: String,
    /// Its footprint.
    pub footprint: MultiPolygon<f64>,
    /// The value of its `building` tag (`yes`, `apartments`, `retail` …).
    pub kind: String,
    /// Its `building:levels` (`None`: not given, or not a positive number).
    pub levels: Option<f64>,
}

/// A land-use area (`landuse=*`): whether a building of an unspecific kind
/// (`building=yes`) is a home depends on the areas holding it.
#[derive(Debug, Clone, PartialEq)]
pub struct Landuse {
    /// Its id.
    pub id: String,
    /// The value of its `landuse` tag.
    pub kind: String,
    /// Its outline.
    pub area: MultiPolygon<f64>,
}

/// What population may be split onto: buildings and land-use areas, and the
/// footprints that could not be used.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BuildingSet {
    /// Buildings with a valid footprint of positive area.
    pub buildings: Vec<Building>,
    /// Land-use areas.
    pub landuse: Vec<Landuse>,
    /// Footprints skipped, with why (an outline that does not close, an
    /// area of zero, an invalid polygon that geo's `MakeValid` could not repair).
    pub dropped: Vec<(String, String)>,
    /// Invalid footprints (self-intersecting …) repaired by geo's `MakeValid`.
    pub repaired: Vec<String>,
}

/// `building=*` values that are homes whatever the land use around them
/// (the "accommodation" values of the OSM wiki's `Key:building`).
pub const RESIDENTIAL_KINDS: [&str; 15] = [
    "apartments",
    "bungalow",
    "cabin",
    "detached",
    "dormitory",
    "farm",
    "ger",
    "house",
    "houseboat",
    "residential",
    "semidetached_house",
    "static_caravan",
    "stilt_house",
    "terrace",
    "tree_house",
];

/// `building=*` values that house no residents (the OSM wiki's commercial,
/// religious, civic, agricultural, sports, storage, technical and other
/// non-accommodation values; `hotel` too: guests are not residents).
pub const NON_RESIDENTIAL_KINDS: [&str; 62] = [
    "commercial",
    "industrial",
    "kiosk",
    "office",
    "retail",
    "supermarket",
    "warehouse",
    "hotel",
    "cathedral",
    "chapel",
    "church",
    "monastery",
    "mosque",
    "presbytery",
    "religious",
    "shrine",
    "synagogue",
    "temple",
    "bakehouse",
    "civic",
    "college",
    "fire_station",
    "government",
    "hospital",
    "kindergarten",
    "museum",
    "public",
    "school",
    "toilets",
    "train_station",
    "transportation",
    "university",
    "barn",
    "conservatory",
    "cowshed",
    "farm_auxiliary",
    "greenhouse",
    "slurry_tank",
    "stable",
    "sty",
    "grandstand",
    "pavilion",
    "riding_hall",
    "sports_centre",
    "sports_hall",
    "stadium",
    "boathouse",
    "carport",
    "garage",
    "garages",
    "parking",
    "shed",
    "hangar",
    "hut",
    "roof",
    "bridge",
    "bunker",
    "construction",
    "container",
    "service",
    "transformer_tower",
    "water_tower",
];

/// `landuse=*` values under which an unspecific building counts as a home.
pub const RESIDENTIAL_LANDUSE: [&str; 1] = ["residential"];

/// `landuse=*` values under which an unspecific building does not (unless a
/// residential area holds it too); other values (`grass`, `civic` …) say
/// nothing either way.
pub const NON_RESIDENTIAL_LANDUSE: [&str; 12] = [
    "commercial",
    "retail",
    "industrial",
    "railway",
    "military",
    "religious",
    "education",
    "institutional",
    "garages",
    "port",
    "cemetery",
    "landfill",
];

impl Building {
    /// The building's floor area in m²: its footprint's geodesic area times
    /// its levels (`default_levels` where not given).
    ///
    /// ```
    /// use geo::{polygon, MultiPolygon};
    /// use lifecircle::demand::Building;
    /// // 0.0001° × 0.0001° at the equator is 11.13 m × 11.06 m, 123.1 m².
    /// let square = polygon![(x: 0.0, y: 0.0), (x: 0.0001, y: 0.0), (x: 0.0001, y: 0.0001), (x: 0.0, y: 0.0001)];
    /// let b = Building { id: "a".into(), footprint: MultiPolygon(vec![square]), kind: "yes".into(), levels: Some(3.0) };
    /// assert!((b.floor_area_m2(1.0) - 3.0 * 123.1).abs() < 2.0);
    /// ```
    pub fn floor_area_m2(&self, default_levels: f64) -> f64 {
        self.footprint.geodesic_area_unsigned() * self.levels.unwrap_or(default_levels)
    }

    /// A point inside its footprint (geo's `InteriorPoint`), where its
    /// residents are placed and by which its zone is found.
    pub fn point(&self) -> Option<(f64, f64)> {
        self.footprint.interior_point().map(|p| (p.x(), p.y()))
    }
}

/// A `building:levels` value as a level count: the first number of a list
/// (`3;4`), `None` unless positive and finite.
pub(super) fn parse_levels(text: &str) -> Option<f64> {
    let first = text.split([';', ',']).next()?.trim();
    first
        .parse::<f64>()
        .ok()
        .filter(|l| l.is_finite() && *l > 0.0)
}

impl BuildingSet {
    /// Adds a footprint, repairing an invalid one with geo's `MakeValid`
    /// and dropping (and listing) one that cannot be used.
    pub(super) fn push_footprint(
        &mut self,
        id: String,
        footprint: MultiPolygon<f64>,
        kind: String,
        levels: Option<f64>,
    ) {
        match usable(&id, footprint, &mut self.repaired) {
            Ok(footprint) => self.buildings.push(Building {
                id,
                footprint,
                kind,
                levels,
            }),
            Err(why) => self.dropped.push((id, why)),
        }
    }

    /// Adds a land-use area (repaired like a footprint; one that cannot be
    /// used is left out: it only refines which buildings are homes).
    pub(super) fn push_landuse(&mut self, id: String, area: MultiPolygon<f64>, kind: String) {
        if let Ok(area) = usable(&id, area, &mut Vec::new()) {
            self.landuse.push(Landuse { id, kind, area });
        }
    }
}

/// A polygon as the split can use it: valid (repaired if need be) and of
/// positive area.
fn usable(
    id: &str,
    polygon: MultiPolygon<f64>,
    repaired: &mut Vec<String>,
) -> std::result::Result<MultiPolygon<f64>, String> {
    let polygon = if polygon.is_valid() {
        polygon
    } else {
        let fixed = polygon
            .make_valid()
            .map_err(|e| format!("invalid footprint that cannot be repaired: {e}"))?;
        repaired.push(id.to_string());
        fixed
    };
    if polygon.0.is_empty() || polygon.geodesic_area_unsigned() <= 0.0 {
        return Err("footprint of zero area".into());
    }
    Ok(polygon)
}

/// Reads buildings (and land-use areas) from GeoJSON whose coordinates are in
/// `crs`: a FeatureCollection of polygons and multipolygons, each with an `id`
/// (the property, else the feature's id) and either a `building` property (its
/// kind; a feature with neither `building` nor `landuse` is a building of kind
/// `yes`) with optional `building:levels` (or `levels`), or a `landuse`
/// property. Features of other geometries are refused.
///
/// # Errors
/// [`Error::Io`] if unreadable; [`Error::BadRecord`] naming the file if it is
/// not a FeatureCollection or holds no feature, or naming the feature for a
/// missing or repeated id, a geometry that is not a polygon, a non-finite or
/// non-degree coordinate, or a `building:levels` that is not a positive
/// number. Invalid footprints are repaired or dropped as
/// [`BuildingSet::dropped`] says.
pub fn read_buildings_geojson(path: impl AsRef<Path>, crs: Crs) -> Result<BuildingSet> {
    let (name, collection) = feature_collection(path.as_ref())?;
    buildings_of(&name, collection, crs)
}

/// Buildings from GeoJSON text, as [`read_buildings_geojson`] reads a file;
/// errors name `source`.
///
/// # Errors
/// As [`read_buildings_geojson`], the file's errors naming `source`.
pub fn buildings_from_geojson(source: &str, text: &str, crs: Crs) -> Result<BuildingSet> {
    buildings_of(source, parse_feature_collection(source, text)?, crs)
}

fn buildings_of(
    name: &str,
    collection: geojson::FeatureCollection,
    crs: Crs,
) -> Result<BuildingSet> {
    let name = name.to_string();
    if collection.features.is_empty() {
        return Err(no_records(&name));
    }
    let mut ids = UniqueIds::default();
    let mut set = BuildingSet::default();
    for (n, feature) in collection.features.iter().enumerate() {
        let id = feature_id(feature).filter(|id| !id.is_empty());
        let label = match &id {
            Some(id) => format!("feature {n} (id {id})"),
            None => format!("feature {n}"),
        };
        let fail = |m: String| Error::record(&name, &label, m);
        let id = id.ok_or_else(|| fail("needs an `id`".into()))?;
        ids.insert(&id, &format!("feature {n}")).map_err(fail)?;
        let polygon =
            super::super::zones::polygon_of(feature.geometry.as_ref(), crs, false).map_err(fail)?;
        if let Some(kind) =
            property(feature, "landuse").filter(|_| property(feature, "building").is_none())
        {
            set.push_landuse(id, polygon, kind);
            continue;
        }
        let levels =
            match property(feature, "building:levels").or_else(|| property(feature, "levels")) {
                None => None,
                Some(t) if t.is_empty() => None,
                Some(t) => Some(parse_levels(&t).ok_or_else(|| {
                    fail(format!("building:levels {t:?} is not a positive number"))
                })?),
            };
        let kind = property(feature, "building").unwrap_or_else(|| "yes".into());
        set.push_footprint(id, polygon, kind, levels);
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_read_leniently_but_only_when_positive() {
        assert_eq!(parse_levels("3"), Some(3.0));
        assert_eq!(parse_levels("2.5"), Some(2.5));
        assert_eq!(parse_levels("4;5"), Some(4.0));
        assert_eq!(parse_levels("0"), None);
        assert_eq!(parse_levels("-1"), None);
        assert_eq!(parse_levels("many"), None);
        assert_eq!(parse_levels("NaN"), None);
    }

    #[test]
    fn the_lists_do_not_overlap() {
        for k in RESIDENTIAL_KINDS {
            assert!(!NON_RESIDENTIAL_KINDS.contains(&k), "{k}");
        }
    }
}

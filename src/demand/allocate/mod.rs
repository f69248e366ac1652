//! Population per zone (a community polygon, a grid cell) split onto the
//! homes inside it: dasymetric mapping.
//!
//! # The rules
//! 1. **Which buildings are homes.** A building whose `building=*` value is in
//!    [`AllocationRules::residential`] (default [`RESIDENTIAL_KINDS`]) is a
//!    home; one in [`AllocationRules::non_residential`] (default
//!    [`NON_RESIDENTIAL_KINDS`]) is not. Any other value (`yes`, local
//!    values) is a home unless its point lies in an area of
//!    [`AllocationRules::non_residential_landuse`] (default
//!    [`NON_RESIDENTIAL_LANDUSE`]: `commercial`, `retail`, `industrial` …)
//!    and in none of [`AllocationRules::residential_landuse`] (default
//!    `residential`). Mixed-use city centres mapped as `landuse=commercial`
//!    have flats above the shops: there, leave `commercial` out of the list.
//! 2. **Which zone a building is in.** The zone holding its point (a point
//!    inside the footprint, geo's `InteriorPoint`), boundary included. A
//!    building in two zones (overlapping polygons, a point on a shared
//!    edge) goes whole to the one with the lowest id, as demand points do
//!    ([`ZoneIndex`]), and is listed in [`Allocation::ambiguous`]. Buildings
//!    in no zone are counted in [`Allocation::outside`].
//! 3. **The split.** A zone's residents go to its homes in proportion to
//!    floor area: the footprint's geodesic area times `building:levels`,
//!    [`AllocationRules::default_levels`] (1) where not tagged. The 60+ and
//!    under-6 counts are split by the same shares; where a zone gives an
//!    `aging_ratio` and no 60+ count, the count is the ratio times the
//!    population. A footprint that is invalid (self-intersecting …) is
//!    repaired by geo's `MakeValid`; one that cannot be, or of zero area, is
//!    dropped and listed ([`BuildingSet::dropped`]).
//! 4. **Fallbacks.** A zone with residents and no home inside gets them
//!    along its walkable streets, in proportion to the length of each piece
//!    of street inside the polygon (a point at each piece's middle); with no
//!    street either, at its centroid. A zone with residents and none of
//!    these (a polygon of zero area) is an error. [`ZoneSplit::rule`] says
//!    which rule each zone used.
//!
//! Shares are computed in a fixed order (zones by id, then buildings by
//! id), so the result does not depend on the order of the inputs, and each
//! zone's counts are conserved to floating-point rounding.
//!
//! # Example
//! ```
//! use geo::{polygon, MultiPolygon};
//! use lifecircle::demand::{allocate, AllocationRules, Building, BuildingSet, SplitRule, Zone};
//!
//! let square = |x: f64, y: f64, s: f64| {
//!     MultiPolygon(vec![polygon![(x: x, y: y), (x: x + s, y: y), (x: x + s, y: y + s), (x: x, y: y + s)]])
//! };
//! let zone = Zone {
//!     id: "z".into(), name: None, geometry: square(24.0, 60.0, 0.01),
//!     population: Some(300.0), aged_60_plus: Some(60.0), under_6: None, aging_ratio: None,
//! };
//! let home = |id: &str, x: f64, levels: f64| Building {
//!     id: id.into(), footprint: square(x, 60.004, 0.0002), kind: "apartments".into(), levels: Some(levels),
//! };
//! let set = BuildingSet { buildings: vec![home("a", 24.001, 1.0), home("b", 24.005, 2.0)], ..Default::default() };
//! let split = allocate(&[zone], &set, None, &AllocationRules::default()).unwrap();
//! assert_eq!(split.zones[0].rule, SplitRule::FloorArea);
//! let people: Vec<f64> = split.points.iter().map(|p| p.population.round()).collect();
//! assert_eq!(people, [100.0, 200.0]); // b has twice a's floor area
//! assert_eq!(split.points[1].aged_60_plus.map(f64::round), Some(40.0));
//! ```

mod buildings;
mod osm;
#[cfg(test)]
mod tests;

use geo::{
    BooleanOps, BoundingRect, Centroid, Euclidean, GeodesicArea, Haversine, InterpolatableLine,
    Intersects, Length, LineString, MultiLineString, Point,
};
use rstar::{primitives::GeomWithData, primitives::Rectangle, RTree, AABB};

use super::zones::check_zone;
use super::{DemandPoint, Zone, ZoneIndex};
use crate::error::{Error, Result};
use crate::network::Network;

pub use buildings::{
    buildings_from_geojson, read_buildings_geojson, Building, BuildingSet, Landuse,
    NON_RESIDENTIAL_KINDS, NON_RESIDENTIAL_LANDUSE, RESIDENTIAL_KINDS, RESIDENTIAL_LANDUSE,
};
pub use osm::read_osm_buildings;

/// Which buildings are homes and how their floor area is counted (see the
/// [module docs](self)).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationRules {
    /// Levels of a building without `building:levels`.
    #[serde(default = "one")]
    pub default_levels: f64,
    /// `building=*` values that are homes.
    #[serde(default = "residential")]
    pub residential: Vec<String>,
    /// `building=*` values that are not.
    #[serde(default = "non_residential")]
    pub non_residential: Vec<String>,
    /// `landuse=*` values under which a building of another kind is a home.
    #[serde(default = "residential_landuse")]
    pub residential_landuse: Vec<String>,
    /// `landuse=*` values under which it is not.
    #[serde(default = "non_residential_landuse")]
    pub non_residential_landuse: Vec<String>,
}

fn one() -> f64 {
    1.0
}
fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}
fn residential() -> Vec<String> {
    strings(&RESIDENTIAL_KINDS)
}
fn non_residential() -> Vec<String> {
    strings(&NON_RESIDENTIAL_KINDS)
}
fn residential_landuse() -> Vec<String> {
    strings(&RESIDENTIAL_LANDUSE)
}
fn non_residential_landuse() -> Vec<String> {
    strings(&NON_RESIDENTIAL_LANDUSE)
}

impl Default for AllocationRules {
    fn default() -> Self {
        Self {
            default_levels: one(),
            residential: residential(),
            non_residential: non_residential(),
            residential_landuse: residential_landuse(),
            non_residential_landuse: non_residential_landuse(),
        }
    }
}

/// How a zone's residents were placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitRule {
    /// Onto its homes, by floor area.
    FloorArea,
    /// Along its walkable streets, by length (it holds no home).
    StreetLength,
    /// At its centroid (no home, no street).
    Centroid,
    /// Nowhere: the zone has no residents.
    NoResidents,
}

impl SplitRule {
    /// The rule's name as files and reports write it (`floor_area` …).
    pub fn name(self) -> &'static str {
        match self {
            Self::FloorArea => "floor_area",
            Self::StreetLength => "street_length",
            Self::Centroid => "centroid",
            Self::NoResidents => "no_residents",
        }
    }
}

/// One zone's part of an [`Allocation`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ZoneSplit {
    /// The zone's id.
    pub zone: String,
    /// The rule used.
    pub rule: SplitRule,
    /// Its demand points: `points[first..first + count]` of the allocation.
    pub first: usize,
    /// How many.
    pub count: usize,
    /// Floor area (m²) or street length (m) its residents were split by
    /// (0 for a centroid).
    pub weight: f64,
}

/// Population split onto homes: the demand points and how each zone was split.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Allocation {
    /// Demand points (a home, a piece of street or a centroid), zone by zone
    /// in id order, each named by its building (or `zone/street/k`,
    /// `zone`) and carrying its zone.
    pub points: Vec<DemandPoint>,
    /// Each zone's rule, in id order.
    pub zones: Vec<ZoneSplit>,
    /// Homes held by two or more zones, given to the lowest id (a warning:
    /// the zones overlap or the home sits on a shared edge).
    pub ambiguous: Vec<String>,
    /// Homes in no zone.
    pub outside: usize,
    /// Buildings that are not homes by the rules.
    pub not_homes: usize,
}

impl Allocation {
    /// The rule that placed each point, in point order.
    pub fn point_rules(&self) -> Vec<SplitRule> {
        self.zones
            .iter()
            .flat_map(|z| std::iter::repeat_n(z.rule, z.count))
            .collect()
    }
}

/// Where some of a zone's residents go: an id, a point and its weight.
type Place = (String, (f64, f64), f64);

/// A home ready for the split.
struct Home<'b> {
    id: &'b str,
    point: (f64, f64),
    floor_m2: f64,
}

/// Splits each zone's residents onto the homes of `set` inside it, falling
/// back to the walkable streets of `streets` and then to its centroid (the
/// rules in the [module docs](self)).
///
/// # Errors
/// [`Error::BadRecord`] naming the zone (source `zones`) for a repeated id, an
/// empty or invalid polygon, a missing population, a negative or NaN count
/// or an age count above the population, or residents and nowhere to put
/// them; naming the building (source `buildings`) for a repeated id or a
/// non-finite level count; [`Error::InvalidParameter`] for `default_levels`
/// not positive.
pub fn allocate(
    zones: &[Zone],
    set: &BuildingSet,
    streets: Option<&Network>,
    rules: &AllocationRules,
) -> Result<Allocation> {
    if !(rules.default_levels.is_finite() && rules.default_levels > 0.0) {
        return Err(Error::param(
            "default_levels",
            format!("must be a positive number, got {}", rules.default_levels),
        ));
    }
    let mut order: Vec<usize> = (0..zones.len()).collect();
    order.sort_by(|&a, &b| zones[a].id.cmp(&zones[b].id));
    for w in order.windows(2) {
        if zones[w[0]].id == zones[w[1]].id {
            return Err(Error::record("zones", &zones[w[1]].id, "duplicate id"));
        }
    }
    for z in zones {
        check_zone(z).map_err(|m| Error::record("zones", &z.id, m))?;
        if z.population.is_none() {
            return Err(Error::record(
                "zones",
                &z.id,
                "needs a population to split onto buildings",
            ));
        }
    }
    let mut by_id: Vec<&Building> = set.buildings.iter().collect();
    by_id.sort_by(|a, b| a.id.cmp(&b.id));
    for w in by_id.windows(2) {
        if w[0].id == w[1].id {
            return Err(Error::record("buildings", &w[1].id, "duplicate id"));
        }
    }
    let landuse = LanduseIndex::new(&set.landuse, rules);
    let index = ZoneIndex::new(zones);
    let mut homes: Vec<Vec<Home>> = (0..zones.len()).map(|_| Vec::new()).collect();
    let mut out = Allocation {
        points: Vec::new(),
        zones: Vec::new(),
        ambiguous: Vec::new(),
        outside: 0,
        not_homes: 0,
    };
    for b in by_id {
        if let Some(l) = b.levels.filter(|l| !(l.is_finite() && *l > 0.0)) {
            return Err(Error::record(
                "buildings",
                &b.id,
                format!("levels must be a positive number, got {l}"),
            ));
        }
        let Some(point) = b.point() else {
            continue; // an empty footprint: BuildingSet keeps none
        };
        if !is_home(b, point, rules, &landuse) {
            out.not_homes += 1;
            continue;
        }
        let hits = index.locate(point.0, point.1);
        match hits.first() {
            None => out.outside += 1,
            Some(&k) => homes[k].push(Home {
                id: &b.id,
                point,
                floor_m2: b.floor_area_m2(rules.default_levels),
            }),
        }
        if hits.len() > 1 {
            out.ambiguous.push(b.id.clone());
        }
    }
    let street_index = streets.map(StreetIndex::new);
    for k in order {
        let z = &zones[k];
        let population = z.population.unwrap_or_default();
        let first = out.points.len();
        let (rule, places) = if population == 0.0 {
            (SplitRule::NoResidents, Vec::new())
        } else if !homes[k].is_empty() {
            let places = homes[k]
                .iter()
                .map(|h| (h.id.to_string(), h.point, h.floor_m2))
                .collect();
            (SplitRule::FloorArea, places)
        } else if let Some(places) = street_index.as_ref().and_then(|s| s.pieces(z)) {
            (SplitRule::StreetLength, places)
        } else if let Some(c) = z
            .geometry
            .centroid()
            .filter(|_| z.geometry.geodesic_area_unsigned() > 0.0)
        {
            (
                SplitRule::Centroid,
                vec![(z.id.clone(), (c.x(), c.y()), 1.0)],
            )
        } else {
            return Err(Error::record(
                "zones",
                &z.id,
                format!("{population} residents but no building, street or area to put them on"),
            ));
        };
        let total: f64 = places.iter().map(|p| p.2).sum();
        let aged = z.aged_60_plus.or(z.aging_ratio.map(|r| r * population));
        for (id, (lon, lat), w) in &places {
            let share = w / total;
            out.points.push(DemandPoint {
                id: id.clone(),
                lon: *lon,
                lat: *lat,
                population: population * share,
                aged_60_plus: aged.map(|a| a * share),
                under_6: z.under_6.map(|u| u * share),
                zone: Some(z.id.clone()),
            });
        }
        out.zones.push(ZoneSplit {
            zone: z.id.clone(),
            rule,
            first,
            count: places.len(),
            weight: if rule == SplitRule::Centroid {
                0.0
            } else {
                total
            },
        });
    }
    Ok(out)
}

/// Whether a building is a home (rule 1 of the [module docs](self)).
fn is_home(
    b: &Building,
    point: (f64, f64),
    rules: &AllocationRules,
    landuse: &LanduseIndex,
) -> bool {
    if rules.residential.contains(&b.kind) {
        return true;
    }
    if rules.non_residential.contains(&b.kind) {
        return false;
    }
    let (mut residential, mut other) = (false, false);
    for l in landuse.holding(point) {
        residential |= l == Some(true);
        other |= l == Some(false);
    }
    residential || !other
}

/// Land-use areas in an R-tree; each says whether it is residential
/// (`Some(true)`), not (`Some(false)`) or neither.
struct LanduseIndex<'l> {
    areas: &'l [Landuse],
    residential: Vec<Option<bool>>,
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

impl<'l> LanduseIndex<'l> {
    fn new(areas: &'l [Landuse], rules: &AllocationRules) -> Self {
        Self {
            areas,
            residential: areas
                .iter()
                .map(|a| {
                    if rules.residential_landuse.contains(&a.kind) {
                        Some(true)
                    } else if rules.non_residential_landuse.contains(&a.kind) {
                        Some(false)
                    } else {
                        None
                    }
                })
                .collect(),
            tree: RTree::bulk_load(boxes(areas.iter().map(|a| a.area.bounding_rect()))),
        }
    }

    /// For each area holding the point, whether it is residential.
    fn holding(&self, (lon, lat): (f64, f64)) -> impl Iterator<Item = Option<bool>> + '_ {
        let p = Point::new(lon, lat);
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_point([lon, lat]))
            .filter(move |g| self.areas[g.data].area.intersects(&p))
            .map(|g| self.residential[g.data])
    }
}

/// R-tree entries for bounding rectangles (`None`: left out).
fn boxes(
    rects: impl Iterator<Item = Option<geo::Rect<f64>>>,
) -> Vec<GeomWithData<Rectangle<[f64; 2]>, usize>> {
    rects
        .enumerate()
        .filter_map(|(k, r)| {
            let r = r?;
            let rect = Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
            Some(GeomWithData::new(rect, k))
        })
        .collect()
}

/// The network's streets as segments in an R-tree.
struct StreetIndex {
    segments: Vec<LineString<f64>>,
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

impl StreetIndex {
    fn new(net: &Network) -> Self {
        let segments: Vec<LineString<f64>> = net
            .edges()
            .map(|(a, b, _)| {
                let (a, b) = (net.node(a), net.node(b));
                LineString::from(vec![(a.lon, a.lat), (b.lon, b.lat)])
            })
            .collect();
        let tree = RTree::bulk_load(boxes(segments.iter().map(|s| s.bounding_rect())));
        Self { segments, tree }
    }

    /// The pieces of street inside the zone, as (id, middle, length in m),
    /// ordered by position so that the result does not depend on the
    /// network's edge order; `None` if there are none.
    fn pieces(&self, z: &Zone) -> Option<Vec<Place>> {
        let r = z.geometry.bounding_rect()?;
        let near: Vec<LineString<f64>> = self
            .tree
            .locate_in_envelope_intersecting(&AABB::from_corners(
                [r.min().x, r.min().y],
                [r.max().x, r.max().y],
            ))
            .map(|g| self.segments[g.data].clone())
            .collect();
        let inside = z.geometry.clip(&MultiLineString(near), false);
        let mut pieces: Vec<((f64, f64), f64)> = inside
            .0
            .iter()
            .filter_map(|line| {
                let m = line.point_at_ratio_from_start(&Euclidean, 0.5)?;
                let length = Haversine.length(line);
                (length > 0.0).then_some(((m.x(), m.y()), length))
            })
            .collect();
        if pieces.is_empty() {
            return None;
        }
        pieces.sort_by(|a, b| a.0 .0.total_cmp(&b.0 .0).then(a.0 .1.total_cmp(&b.0 .1)));
        Some(
            pieces
                .into_iter()
                .enumerate()
                .map(|(k, (m, l))| (format!("{}/street/{k}", z.id), m, l))
                .collect(),
        )
    }
}

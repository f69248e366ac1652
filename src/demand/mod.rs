//! Stage 3 (first part): residents as demand points, their age structure, and
//! how much each of them weighs for a service.
//!
//! A demand point is a location with a number of residents: a building, a
//! census zone or a population-grid cell, optionally in a community (zone) and
//! with the residents aged 60+ and under 6. Zones given as polygons are
//! represented by their centroid (the bundled 250 m Helsinki grid works that
//! way): a 250 m cell is within a minute's walk of its centre, well inside the
//! 5–15-minute limits, so the error is small next to the split's complexity.
//!
//! Where a table has no age columns, an aging ratio (share of residents aged
//! 60+) and an under-6 ratio fill them in: [`AgeRatios`].
//!
//! # Files, one job each
//! - `read`: CSV tables and GeoJSON into [`DemandPoint`]s, every record checked.
//! - `point`: [`DemandPoint`], one location with residents.
//! - `ages`: [`Residents`] by age group and the [`AgeRatios`] that fill them in.
//! - `weights`: [`DemandWeights`], what a resident of each group counts for a service.
//! - `snap`: the on-network rule, [`snap_demand`].
//! - `crs`: China's map coordinates (GCJ-02, BD-09) to WGS 84 and back, [`Crs`].
//! - `zones`: community polygons ([`Zone`], [`read_zones`]) and the
//!   point-in-polygon rule that puts each demand point in one ([`ZoneIndex`]).
//! - `allocate`: zone and grid-cell population split onto the residential
//!   buildings inside ([`allocate`]; buildings from OSM or GeoJSON).
//! - `raster`: gridded population by age group from a GeoTIFF
//!   ([`read_population_raster`]): cells as demand points, or as zones for
//!   [`allocate`].

mod ages;
mod allocate;
mod crs;
mod point;
mod raster;
mod read;
mod snap;
mod weights;
mod zones;

pub use ages::{AgeRatios, Residents};
pub use allocate::{
    allocate, buildings_from_geojson, read_buildings_geojson, read_osm_buildings, Allocation,
    AllocationRules, Building, BuildingSet, Landuse, SplitRule, ZoneSplit, NON_RESIDENTIAL_KINDS,
    NON_RESIDENTIAL_LANDUSE, RESIDENTIAL_KINDS, RESIDENTIAL_LANDUSE,
};
pub use crs::{Crs, INVERSE_TOLERANCE_DEG};
pub use point::DemandPoint;
pub use raster::{read_population_raster, Band, PopulationRaster, RasterCell, SUPPORTED_EPSG};
pub use read::{read_demand, read_demand_csv, read_demand_geojson};
pub use snap::{snap_demand, SnappedDemand, EXTENT_SLACK_DEG};
pub use weights::DemandWeights;
pub use zones::{
    assign_zones, read_zone_polygons, read_zones, zones_from_geojson, Zone, ZoneAssignment,
    ZoneIndex,
};

//! The district as a planner receives it from a civil-affairs office: each
//! community's outline with its census counts, and building footprints
//! without residents, for the split onto buildings
//! ([`allocate`](crate::demand::allocate)).
//!
//! A community's outline is the union of its blocks (geo's `unary_union`);
//! its counts are the sums over its buildings. Each building's footprint is
//! a square centred on its door with [`LEVELS`] levels and
//! [`FLOOR_M2_PER_RESIDENT`] m² of floor per resident, so floor area is
//! proportional to the residents the generator gave it, and the split gives
//! them back (to rounding): a check on the whole path.

use std::path::{Path, PathBuf};

use geo::{unary_union, LineString, MultiPolygon, Polygon};
use serde_json::json;

use super::write::write_file;
use super::District;
use crate::demand::DemandPoint;
use crate::error::{Error, Result};
use crate::network::snap::LocalProjection;

/// Floor area per resident, m²: urban households' 36.52 m² per person in
/// China's 2020 census.
pub const FLOOR_M2_PER_RESIDENT: f64 = 36.52;

/// Levels of every generated building (a walk-up of six storeys).
pub const LEVELS: f64 = 6.0;

impl District {
    /// Writes `communities.geojson` (outlines with `population`,
    /// `aged_60_plus`, `under_6`), `buildings.geojson` (footprints with
    /// `building=apartments` and `building:levels`) and `polygons.toml`
    /// (`scenario.toml`'s plan on them, with `[allocate]`) into `dir`;
    /// returns the scenario's path. [`write`](Self::write) writes the
    /// network and sites the scenario uses.
    ///
    /// # Errors
    /// [`Error::Io`] naming the file that cannot be written.
    pub fn write_polygons(&self, dir: impl AsRef<Path>) -> Result<PathBuf> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        write_json(
            &dir.join("communities.geojson"),
            &self.communities_geojson(),
        )?;
        write_json(&dir.join("buildings.geojson"), &self.buildings_geojson())?;
        let path = dir.join("polygons.toml");
        write_file(&path, &self.scenario_toml(true)?)?;
        Ok(path)
    }

    fn communities_geojson(&self) -> serde_json::Value {
        let mut blocks: std::collections::BTreeMap<&str, Vec<Polygon<f64>>> = Default::default();
        for (q, c) in &self.block_outlines {
            let ring = LineString::from(vec![q[0], q[1], q[3], q[2], q[0]]);
            blocks
                .entry(c)
                .or_default()
                .push(Polygon::new(ring, vec![]));
        }
        let mut counts: std::collections::BTreeMap<&str, [f64; 3]> = Default::default();
        for b in &self.buildings {
            let c = counts.entry(b.zone()).or_default();
            c[0] += b.population;
            c[1] += b.aged_60_plus.unwrap_or(0.0);
            c[2] += b.under_6.unwrap_or(0.0);
        }
        let features: Vec<_> = blocks
            .iter()
            .map(|(id, polygons)| {
                let outline: MultiPolygon<f64> = unary_union(polygons.iter());
                let [population, aged, young] = counts.get(id).copied().unwrap_or_default();
                json!({
                    "type": "Feature",
                    "geometry": geojson::Geometry::from(&outline),
                    "properties": {"id": id, "population": population, "aged_60_plus": aged, "under_6": young},
                })
            })
            .collect();
        json!({"type": "FeatureCollection", "features": features})
    }

    fn buildings_geojson(&self) -> serde_json::Value {
        let proj = LocalProjection::new(self.params.origin.0, self.params.origin.1);
        let features: Vec<_> = self
            .buildings
            .iter()
            .map(|b| {
                json!({
                    "type": "Feature",
                    "geometry": geojson::Geometry::from(&footprint(&proj, b)),
                    "properties": {"id": b.id, "building": "apartments", "building:levels": LEVELS},
                })
            })
            .collect();
        json!({"type": "FeatureCollection", "features": features})
    }
}

/// A square centred on the building's door whose floor area (times
/// [`LEVELS`]) houses its residents (at least one, so that none is empty).
fn footprint(proj: &LocalProjection, b: &DemandPoint) -> Polygon<f64> {
    let half = (b.population.max(1.0) * FLOOR_M2_PER_RESIDENT / LEVELS).sqrt() / 2.0;
    let [x, y] = proj.project(b.lon, b.lat);
    let corner = |dx: f64, dy: f64| {
        let (lon, lat) = proj.unproject(x + dx, y + dy);
        ((lon * 1e7).round() / 1e7, (lat * 1e7).round() / 1e7)
    };
    let ring = vec![
        corner(-half, -half),
        corner(half, -half),
        corner(half, half),
        corner(-half, half),
        corner(-half, -half),
    ];
    Polygon::new(LineString::from(ring), vec![])
}

fn write_json(path: &Path, value: &serde_json::Value) -> Result<()> {
    write_file(path, &value.to_string())
}

#[cfg(test)]
mod tests {
    use crate::demand::SplitRule;
    use crate::scenario::Scenario;

    /// Polygons → buildings gives back the generator's residents per
    /// building, and the scenario plans on them.
    #[test]
    fn polygons_split_back_onto_the_buildings() {
        let d = super::super::small(5);
        let dir = tempfile::tempdir().unwrap();
        d.write(dir.path()).unwrap();
        let path = d.write_polygons(dir.path()).unwrap();
        let s = Scenario::from_file(&path).unwrap();
        let a = s.allocation(None).unwrap();
        assert_eq!(a.zones.len(), 3);
        assert!(a.zones.iter().all(|z| z.rule == SplitRule::FloorArea));
        assert_eq!(a.points.len(), d.buildings.len());
        assert!(a.ambiguous.is_empty() && a.outside == 0);
        for p in &a.points {
            let b = d.buildings.iter().find(|b| b.id == p.id).unwrap();
            assert_eq!(p.zone, b.zone);
            // Footprints are rounded to 1e-7° (1 cm): shares to well under a resident.
            assert!(
                (p.population - b.population).abs() < 0.5,
                "{} {} {}",
                p.id,
                p.population,
                b.population
            );
        }
        let plan = s.run().unwrap().report;
        assert!(
            plan.demand.on_network == d.buildings.len(),
            "{:?}",
            plan.demand
        );
    }
}

//! `lifecircle.allocate`: zone counts split onto the homes inside
//! (`lifecircle::demand::allocate`). The frames arrive as GeoJSON text in
//! WGS 84 degrees (or GCJ-02/BD-09, converted by the same readers as a
//! scenario's files), so every rule and every error is the core crate's.

use pyo3::prelude::*;

use lifecircle::demand::{
    allocate, buildings_from_geojson, zones_from_geojson, AllocationRules, BuildingSet, Crs,
};

use crate::error::{invalid, OrPy};
use crate::gil::interruptible;
use crate::network::Network;

/// An allocation's points as columns, and per zone its rule.
#[derive(IntoPyObject)]
pub(crate) struct Split {
    id: Vec<String>,
    zone: Vec<String>,
    lon: Vec<f64>,
    lat: Vec<f64>,
    population: Vec<f64>,
    /// NaN where the zone gave no count and no ratio.
    aged_60_plus: Vec<f64>,
    under_6: Vec<f64>,
    rule: Vec<&'static str>,
    /// `(zone, rule, points, weight)`, zones in id order.
    zones: Vec<(String, &'static str, usize, f64)>,
    ambiguous: Vec<String>,
    outside: usize,
    not_homes: usize,
    dropped: Vec<(String, String)>,
    repaired: Vec<String>,
}

/// Splits the zones of `zones_geojson` onto the buildings of
/// `buildings_geojson` (else along the streets of `network`, else at the
/// zones' centroids). `rules_json`: the `[allocate]` keys that say which
/// buildings are homes (`default_levels`, `residential`, …; `None`: the
/// defaults).
#[pyfunction]
#[pyo3(signature = (zones_geojson, buildings_geojson=None, network=None, crs="wgs84", rules_json=None))]
fn allocate_zones(
    py: Python<'_>,
    zones_geojson: String,
    buildings_geojson: Option<String>,
    network: Option<&Network>,
    crs: &str,
    rules_json: Option<String>,
) -> PyResult<Split> {
    let crs = Crs::from_name(crs, "crs").py_err()?;
    let rules: AllocationRules = match rules_json {
        None => AllocationRules::default(),
        Some(j) => serde_json::from_str(&j).map_err(|e| invalid("rules", e.to_string()))?,
    };
    let streets = network.map(|n| std::sync::Arc::clone(&n.inner));
    let a = interruptible(py, move || {
        let zones = zones_from_geojson("zones", &zones_geojson, crs)?;
        let set = match &buildings_geojson {
            Some(text) => buildings_from_geojson("buildings", text, crs)?,
            None => BuildingSet::default(),
        };
        let split = allocate(&zones, &set, streets.as_deref(), &rules)?;
        Ok((split, set.dropped, set.repaired))
    })?;
    let (split, dropped, repaired) = a;
    let rules = split.point_rules();
    let p = &split.points;
    Ok(Split {
        id: p.iter().map(|d| d.id.clone()).collect(),
        zone: p
            .iter()
            .map(|d| d.zone.clone().unwrap_or_default())
            .collect(),
        lon: p.iter().map(|d| d.lon).collect(),
        lat: p.iter().map(|d| d.lat).collect(),
        population: p.iter().map(|d| d.population).collect(),
        aged_60_plus: p
            .iter()
            .map(|d| d.aged_60_plus.unwrap_or(f64::NAN))
            .collect(),
        under_6: p.iter().map(|d| d.under_6.unwrap_or(f64::NAN)).collect(),
        rule: rules.iter().map(|r| r.name()).collect(),
        zones: split
            .zones
            .iter()
            .map(|z| (z.zone.clone(), z.rule.name(), z.count, z.weight))
            .collect(),
        ambiguous: split.ambiguous,
        outside: split.outside,
        not_homes: split.not_homes,
        dropped,
        repaired,
    })
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(allocate_zones, m)?)?;
    Ok(())
}

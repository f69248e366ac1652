//! One location with residents.

use super::{AgeRatios, Residents};
use crate::error::{Error, Result};

/// Residents at one location.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DemandPoint {
    /// The caller's id (a grid-cell or zone id).
    pub id: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// Number of residents.
    pub population: f64,
    /// Residents aged 60+ (`None`: not in the input).
    #[serde(default)]
    pub aged_60_plus: Option<f64>,
    /// Children under 6 (`None`: not in the input).
    #[serde(default)]
    pub under_6: Option<f64>,
    /// Community or zone the point belongs to (`None`: the point is its own zone).
    #[serde(default)]
    pub zone: Option<String>,
}

impl DemandPoint {
    /// A point with residents and no age structure or zone.
    pub fn new(id: impl Into<String>, lon: f64, lat: f64, population: f64) -> Self {
        Self {
            id: id.into(),
            lon,
            lat,
            population,
            aged_60_plus: None,
            under_6: None,
            zone: None,
        }
    }

    /// The zone the point belongs to: its own, or its id.
    pub fn zone(&self) -> &str {
        self.zone.as_deref().unwrap_or(&self.id)
    }

    /// Its residents by age group, missing groups filled in from `ratios`.
    pub fn residents(&self, ratios: &AgeRatios) -> Residents {
        Residents {
            total: self.population,
            aged_60_plus: self
                .aged_60_plus
                .or(ratios.aged_60_plus.map(|r| r * self.population)),
            under_6: self.under_6.or(ratios.under_6.map(|r| r * self.population)),
        }
    }

    /// Checks the population, age groups and coordinates.
    ///
    /// # Errors
    /// [`Error::InvalidPopulation`] for a NaN, infinite or negative population,
    /// [`Error::BadRecord`] for an invalid age group (negative, or larger
    /// than the total) or non-finite coordinates.
    pub fn validate(&self) -> Result<()> {
        Residents {
            total: self.population,
            aged_60_plus: self.aged_60_plus,
            under_6: self.under_6,
        }
        .validate(&self.id)?;
        if !(self.lon.is_finite() && self.lat.is_finite()) {
            return Err(Error::record(
                "demand",
                &self.id,
                "coordinates must be finite",
            ));
        }
        Ok(())
    }
}

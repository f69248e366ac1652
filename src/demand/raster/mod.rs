//! Gridded population (a GeoTIFF raster, one band per age group or one band
//! of residents) as demand: each populated cell becomes a demand point at its
//! centre, or a zone whose residents [`allocate`](super::allocate) splits onto
//! the homes inside it, exactly as a census polygon's.
//!
//! # The file
//! A GeoTIFF (read with the pure-Rust `tiff` crate, no GDAL) whose bands
//! ("samples per pixel", interleaved or planar, any integer or float type,
//! uncompressed, Deflate or LZW) are declared by the caller as [`Band`]s, in
//! file order:
//! - `population`: the residents of the cell (at most one such band);
//! - `aged_60_plus`, `under_6`: those age groups; `other`: residents in
//!   neither (6–59). A role may repeat (five-year bins of a census grid):
//!   its bands are added up.
//!
//! A cell's residents are its `population` band, or without one the sum of
//! all its bands; its 60+ and under-6 counts are the sums of their bands
//! (`None` without such a band: a scenario's `aging_ratio` then fills them
//! in). A WorldPop total-population grid is `["population"]`; an age-group
//! stack without a total is e.g. `["under_6", "other", "aged_60_plus"]`.
//!
//! # Georeference and coordinate system
//! The cell grid is read from `ModelPixelScale` + one `ModelTiepoint`, or a
//! `ModelTransformation` (rotated grids too), with `GTRasterTypeGeoKey`'s
//! pixel-is-area (default) or pixel-is-point rule. The coordinate system
//! must be geographic lon/lat: EPSG:4326 (WGS 84, what WorldPop publishes)
//! or EPSG:4490 (CGCS2000, China's national datum, within centimetres of
//! WGS 84: taken as it). A projected grid (UTM, Web Mercator, a Gauss–Krüger
//! zone) is refused with [`Error::UnsupportedCrs`] naming its EPSG code:
//! reproject it first (`gdalwarp -t_srs EPSG:4326`), since no well-kept
//! pure-Rust crate converts the general case. Cells whose value is the
//! `GDAL_NODATA` tag's are left out, as cells with no residents are.
//!
//! # Example
//! ```
//! use lifecircle::demand::{read_population_raster, Band, PopulationRaster};
//!
//! // 2 × 2 cells of 0.001°, the north-west corner at (24.94, 60.17).
//! let raster = PopulationRaster {
//!     width: 2, height: 2,
//!     transform: [24.94, 0.001, 0.0, 60.17, 0.0, -0.001],
//!     bands: vec![Band::Population, Band::AgedSixtyPlus],
//!     values: vec![vec![100.0, 0.0, -1.0, 40.0], vec![20.0, 0.0, -1.0, 10.0]],
//!     nodata: Some(-1.0),
//! };
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("grid.tif");
//! raster.write_geotiff(&path).unwrap();
//! let back = read_population_raster(&path, &[Band::Population, Band::AgedSixtyPlus]).unwrap();
//! let points = back.demand_points(lifecircle::demand::Crs::Wgs84);
//! // The empty cell and the nodata cell are left out.
//! assert_eq!(points.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["r0c0", "r1c1"]);
//! assert_eq!((points[1].population, points[1].aged_60_plus), (40.0, Some(10.0)));
//! assert!((points[0].lon - 24.9405).abs() < 1e-12 && (points[0].lat - 60.1695).abs() < 1e-12);
//! ```

mod geotiff;
#[cfg(test)]
mod tests;

use std::path::Path;

use geo::{LineString, MultiPolygon, Polygon};

use super::{Crs, DemandPoint, Zone};
use crate::error::{check_total, Error, Result};
use crate::tables::not_lon_lat;

pub use geotiff::{read_population_raster, SUPPORTED_EPSG};

/// What one band of a population raster counts (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Band {
    /// All residents of the cell.
    #[serde(rename = "population")]
    Population,
    /// Residents aged 60+.
    #[serde(rename = "aged_60_plus")]
    AgedSixtyPlus,
    /// Children under 6.
    #[serde(rename = "under_6")]
    Under6,
    /// Residents in neither group (part of the total only).
    #[serde(rename = "other")]
    Other,
}

impl Band {
    /// The band's name as scenario files write it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Population => "population",
            Self::AgedSixtyPlus => "aged_60_plus",
            Self::Under6 => "under_6",
            Self::Other => "other",
        }
    }
}

/// A population grid in lon/lat (WGS 84) with its bands.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationRaster {
    /// Columns.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// Affine map from the grid to lon/lat, GDAL's order: the outer corner
    /// of cell (row 0, column 0) is `(t[0], t[3])`, and a point `col`
    /// columns and `row` rows from it is at
    /// `(t[0] + col·t[1] + row·t[2], t[3] + col·t[4] + row·t[5])`.
    pub transform: [f64; 6],
    /// What each band counts, in file order.
    pub bands: Vec<Band>,
    /// Each band's values, row by row (`width × height` each).
    pub values: Vec<Vec<f64>>,
    /// The value of cells without data.
    pub nodata: Option<f64>,
}

/// One populated cell of a [`PopulationRaster`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RasterCell {
    /// Its row (0 at the first row of the file, north for a north-up grid).
    pub row: usize,
    /// Its column.
    pub col: usize,
    /// Residents.
    pub population: f64,
    /// Residents aged 60+ (`None`: no such band).
    pub aged_60_plus: Option<f64>,
    /// Children under 6 (`None`: no such band).
    pub under_6: Option<f64>,
}

impl RasterCell {
    /// The cell's id, `r{row}c{col}`: what its demand points and zone are named.
    pub fn id(&self) -> String {
        format!("r{}c{}", self.row, self.col)
    }
}

impl PopulationRaster {
    /// The point `col` columns and `row` rows (fractions allowed) from the
    /// grid's outer corner, in lon/lat.
    pub fn at(&self, col: f64, row: f64) -> (f64, f64) {
        let t = &self.transform;
        (
            t[0] + col * t[1] + row * t[2],
            t[3] + col * t[4] + row * t[5],
        )
    }

    /// The cells with residents, row by row (nodata and empty cells left out).
    pub fn cells(&self) -> Vec<RasterCell> {
        let sum = |role: Band, k: usize| -> Option<f64> {
            let mut found = false;
            let mut s = 0.0;
            for (band, values) in self.bands.iter().zip(&self.values) {
                if *band == role {
                    found = true;
                    s += values[k];
                }
            }
            found.then_some(s)
        };
        let mut cells = Vec::new();
        for k in 0..self.width * self.height {
            if self.is_nodata(k) {
                continue;
            }
            let population =
                sum(Band::Population, k).unwrap_or_else(|| self.values.iter().map(|v| v[k]).sum());
            if population > 0.0 {
                cells.push(RasterCell {
                    row: k / self.width,
                    col: k % self.width,
                    population,
                    aged_60_plus: sum(Band::AgedSixtyPlus, k),
                    under_6: sum(Band::Under6, k),
                });
            }
        }
        cells
    }

    /// Whether cell `k` (row-major) has no data: any band at the nodata value.
    fn is_nodata(&self, k: usize) -> bool {
        self.nodata
            .is_some_and(|nd| self.values.iter().any(|v| same_value(v[k], nd)))
    }

    /// The cell's outline in lon/lat (its four corners), converted from `crs`.
    pub fn cell_polygon(&self, cell: &RasterCell, crs: Crs) -> Polygon<f64> {
        let (c, r) = (cell.col as f64, cell.row as f64);
        let corners = [
            (c, r),
            (c + 1.0, r),
            (c + 1.0, r + 1.0),
            (c, r + 1.0),
            (c, r),
        ];
        let ring: Vec<(f64, f64)> = corners
            .iter()
            .map(|&(c, r)| {
                let (x, y) = self.at(c, r);
                crs.to_wgs84(x, y)
            })
            .collect();
        Polygon::new(LineString::from(ring), vec![])
    }

    /// Each populated cell as a demand point at its centre (id
    /// [`RasterCell::id`], no zone), converted from `crs`.
    pub fn demand_points(&self, crs: Crs) -> Vec<DemandPoint> {
        self.cells()
            .into_iter()
            .map(|cell| {
                let (x, y) = self.at(cell.col as f64 + 0.5, cell.row as f64 + 0.5);
                let (lon, lat) = crs.to_wgs84(x, y);
                DemandPoint {
                    id: cell.id(),
                    lon,
                    lat,
                    population: cell.population,
                    aged_60_plus: cell.aged_60_plus,
                    under_6: cell.under_6,
                    zone: None,
                }
            })
            .collect()
    }

    /// Each populated cell as a zone (its outline and counts), for
    /// [`allocate`](super::allocate) to split onto the homes inside it.
    /// Homes in empty or nodata cells are then in no zone
    /// ([`Allocation::outside`](super::Allocation::outside)).
    pub fn zones(&self, crs: Crs) -> Vec<Zone> {
        self.cells()
            .into_iter()
            .map(|cell| Zone {
                id: cell.id(),
                name: None,
                geometry: MultiPolygon(vec![self.cell_polygon(&cell, crs)]),
                population: Some(cell.population),
                aged_60_plus: cell.aged_60_plus,
                under_6: cell.under_6,
                aging_ratio: None,
            })
            .collect()
    }

    /// Checks what [`read_population_raster`] checks of a file: bands and
    /// values that fit the grid, a lon/lat extent, every value finite and
    /// `>= 0` (nodata aside) and no age group above its cell's population.
    ///
    /// # Errors
    /// [`Error::BadRecord`] (source `source`) naming the band and cell
    /// (`band 2 (aged_60_plus), cell r3c4`), or `bands`, or `georeference`.
    pub fn check(&self, source: &str) -> Result<()> {
        let cells = self.width.checked_mul(self.height).filter(|&n| n > 0);
        let Some(cells) = cells else {
            return Err(Error::record(
                source,
                "size",
                format!(
                    "a raster of {} × {} cells holds no cell",
                    self.width, self.height
                ),
            ));
        };
        if self.bands.len() != self.values.len() {
            return Err(Error::record(
                source,
                "bands",
                format!(
                    "{} bands of values, {} declared ({})",
                    self.values.len(),
                    self.bands.len(),
                    band_names(&self.bands)
                ),
            ));
        }
        check_roles(&self.bands).map_err(|m| Error::record(source, "bands", m))?;
        for (b, v) in self.values.iter().enumerate() {
            if v.len() != cells {
                return Err(Error::record(
                    source,
                    band_label(b, self.bands[b]),
                    format!("{} values for {cells} cells", v.len()),
                ));
            }
        }
        let (w, h) = (self.width as f64, self.height as f64);
        for (c, r) in [(0.0, 0.0), (w, 0.0), (0.0, h), (w, h)] {
            let (x, y) = self.at(c, r);
            if let Some(m) = not_lon_lat(x, y) {
                return Err(Error::record(
                    source,
                    "georeference",
                    format!("the grid's corner {m} (a projected grid labelled lon/lat?)"),
                ));
            }
        }
        let total_band = self.bands.iter().position(|b| *b == Band::Population);
        for k in 0..cells {
            if self.is_nodata(k) {
                continue;
            }
            let cell = || format!("r{}c{}", k / self.width, k % self.width);
            for (b, v) in self.values.iter().enumerate() {
                let x = v[k];
                if !(x.is_finite() && x >= 0.0) {
                    return Err(Error::record(
                        source,
                        format!("{}, cell {}", band_label(b, self.bands[b]), cell()),
                        format!(
                            "{x} residents: must be a finite number >= 0 (or the nodata value {})",
                            self.nodata
                                .map_or("none declared".into(), |n| n.to_string())
                        ),
                    ));
                }
            }
            if let Some(t) = total_band {
                let total = self.values[t][k];
                let parts: f64 = (0..self.values.len())
                    .filter(|&b| b != t)
                    .map(|b| self.values[b][k])
                    .sum();
                // Bands rounded to float each may add up a hair above the total.
                if parts > total * (1.0 + 1e-9) + 1e-9 {
                    return Err(Error::record(
                        source,
                        format!("cell {}", cell()),
                        format!(
                            "its age groups ({}) add up to {parts}, above its population {total}",
                            band_names(&self.bands)
                        ),
                    ));
                }
            }
        }
        let populated = self.cells();
        check_total(
            source,
            "population",
            populated.iter().map(|c| c.population),
            |k| format!("cell {}", populated[k].id()),
        )
    }

    /// Writes the raster as a GeoTIFF that [`read_population_raster`] reads
    /// back (64-bit float bands, planar, EPSG:4326, pixel-is-area,
    /// `GDAL_NODATA` when set): a grid made in code (a rasterised
    /// residents table, a synthetic district) for any GIS to open.
    ///
    /// # Errors
    /// [`check`](Self::check)'s errors (source: the path); [`Error::Io`] if
    /// the file cannot be written.
    pub fn write_geotiff(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        self.check(&path.display().to_string())?;
        let bytes = geotiff::encode(self, &geotiff::Tags::of(self))
            .map_err(|e| Error::record(path.display().to_string(), "file", e.to_string()))?;
        std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
    }

    /// Residents of `points` summed into the cells of a north-up grid whose
    /// north-west corner is `(west, north)`, with cells of `cell_deg`
    /// (lon, lat) degrees: bands `population`, then `aged_60_plus` and
    /// `under_6` when every point has them. Points outside the grid are
    /// left out; `(width, height)` cells.
    pub fn from_points(
        points: &[DemandPoint],
        (west, north): (f64, f64),
        cell_deg: (f64, f64),
        (width, height): (usize, usize),
    ) -> Self {
        let mut bands = vec![Band::Population];
        if points.iter().all(|p| p.aged_60_plus.is_some()) {
            bands.push(Band::AgedSixtyPlus);
        }
        if points.iter().all(|p| p.under_6.is_some()) {
            bands.push(Band::Under6);
        }
        let mut values = vec![vec![0.0; width * height]; bands.len()];
        for p in points {
            let col = ((p.lon - west) / cell_deg.0).floor();
            let row = ((north - p.lat) / cell_deg.1).floor();
            if !(col >= 0.0 && row >= 0.0 && col < width as f64 && row < height as f64) {
                continue;
            }
            let k = row as usize * width + col as usize;
            for (band, v) in bands.iter().zip(&mut values) {
                v[k] += match band {
                    Band::AgedSixtyPlus => p.aged_60_plus.unwrap_or_default(),
                    Band::Under6 => p.under_6.unwrap_or_default(),
                    _ => p.population,
                };
            }
        }
        Self {
            width,
            height,
            transform: [west, cell_deg.0, 0.0, north, 0.0, -cell_deg.1],
            bands,
            values,
            nodata: None,
        }
    }
}

/// Whether a value is the nodata value (NaN nodata matches NaN).
fn same_value(x: f64, nodata: f64) -> bool {
    x == nodata || (x.is_nan() && nodata.is_nan())
}

/// At least one band, and one `population` band at most.
fn check_roles(bands: &[Band]) -> std::result::Result<(), String> {
    if bands.is_empty() {
        return Err("no band declared: list what each band counts (population, aged_60_plus, under_6, other)".into());
    }
    if bands.iter().filter(|b| **b == Band::Population).count() > 1 {
        return Err(format!(
            "`population` declared more than once ({}): it is the cell's total",
            band_names(bands)
        ));
    }
    Ok(())
}

fn band_names(bands: &[Band]) -> String {
    bands
        .iter()
        .map(|b| b.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `band 2 (aged_60_plus)`: bands are numbered from 1, as GIS tools do.
fn band_label(b: usize, band: Band) -> String {
    format!("band {} ({})", b + 1, band.name())
}

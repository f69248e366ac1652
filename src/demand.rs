//! Stage 3 (first part): residents as demand points.
//!
//! A demand point is a location with a number of residents: a building, a
//! census zone or a population-grid cell. Zones given as polygons are
//! represented by their centroid (the bundled 250 m Helsinki grid works that
//! way); a finer split onto nearby network nodes is future work.

use std::path::Path;

use geo::Centroid;

use crate::error::{Error, Result};
use crate::network::{Network, Snapped, Snapper, ATTACH_NODES, ATTACH_SLACK_M};

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
}

impl DemandPoint {
    /// Checks the population and coordinates.
    ///
    /// # Errors
    /// [`Error::InvalidPopulation`] for a NaN, infinite or negative population,
    /// [`Error::BadRecord`] for non-finite coordinates.
    pub fn validate(&self) -> Result<()> {
        if !(self.population.is_finite() && self.population >= 0.0) {
            return Err(Error::InvalidPopulation {
                id: self.id.clone(),
                value: self.population,
            });
        }
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

/// Reads demand points from a CSV file with a header holding `id`,
/// `population` and either `lon` and `lat` columns or a `wkt` column with a
/// point or polygon (a polygon is replaced by its centroid).
///
/// ```text
/// id,population,wkt
/// 0,389,"POLYGON ((24.905455 60.160864, 24.905448 60.163108, …))"
/// ```
///
/// # Errors
/// [`Error::Io`] if the file cannot be read, [`Error::BadRecord`] naming the
/// line for a missing column or unparsable value, [`Error::InvalidPopulation`]
/// for a NaN or negative population.
pub fn read_demand_csv(path: impl AsRef<Path>) -> Result<Vec<DemandPoint>> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let mut reader = csv::Reader::from_path(path).map_err(|e| Error::csv_open(path, e))?;
    let headers = reader
        .headers()
        .map_err(|e| Error::record(&name, "header", e.to_string()))?
        .clone();
    let col = |c: &str| headers.iter().position(|h| h.trim() == c);
    let id_col = col("id").ok_or_else(|| Error::record(&name, "header", "no `id` column"))?;
    let pop_col = col("population")
        .ok_or_else(|| Error::record(&name, "header", "no `population` column"))?;
    let location = match (col("lon"), col("lat"), col("wkt")) {
        (Some(lon), Some(lat), _) => Location::LonLat(lon, lat),
        (_, _, Some(wkt)) => Location::Wkt(wkt),
        _ => {
            return Err(Error::record(
                &name,
                "header",
                "needs `lon` and `lat` columns or a `wkt` column",
            ))
        }
    };
    let mut points = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = format!("line {}", n + 2);
        let record = record.map_err(|e| Error::record(&name, &line, e.to_string()))?;
        let field = |i: usize| record.get(i).map(str::trim).unwrap_or("");
        let number = |i: usize, what: &str| -> Result<f64> {
            field(i).parse::<f64>().map_err(|_| {
                Error::record(
                    &name,
                    &line,
                    format!("{what} {:?} is not a number", field(i)),
                )
            })
        };
        let (lon, lat) = match location {
            Location::LonLat(lon, lat) => (number(lon, "lon")?, number(lat, "lat")?),
            Location::Wkt(w) => wkt_centroid(field(w)).ok_or_else(|| {
                Error::record(&name, &line, "wkt is not a point or polygon with an area")
            })?,
        };
        let point = DemandPoint {
            id: field(id_col).to_string(),
            lon,
            lat,
            population: number(pop_col, "population")?,
        };
        point.validate()?;
        points.push(point);
    }
    Ok(points)
}

#[derive(Clone, Copy)]
enum Location {
    LonLat(usize, usize),
    Wkt(usize),
}

fn wkt_centroid(text: &str) -> Option<(f64, f64)> {
    use std::str::FromStr;
    let geom: geo::Geometry<f64> = wkt::Wkt::<f64>::from_str(text).ok()?.try_into().ok()?;
    geom.centroid().map(|c| (c.x(), c.y()))
}

/// Demand points attached to the network, and those left out because they lie
/// outside it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SnappedDemand {
    /// Indices (into the input) of the points on the network.
    pub inside: Vec<usize>,
    /// The nodes each of them may step onto (nearest first), parallel to `inside`.
    pub snapped: Vec<Vec<Snapped>>,
    /// Indices of points outside the network's bounding box or farther than the tolerance from any node.
    pub outside: Vec<usize>,
}

/// Snaps demand points, leaving out those the network does not reach: outside
/// its bounding box (an extract cut at the border would put them at the wrong
/// end of the street) or more than `max_m` metres from a node. Each point is
/// attached to its nearest nodes ([`Snapper::attach`] with the defaults).
pub fn snap_demand(
    points: &[DemandPoint],
    network: &Network,
    snapper: &Snapper,
    max_m: f64,
) -> SnappedDemand {
    let (min_lon, min_lat, max_lon, max_lat) = network.bbox();
    let mut out = SnappedDemand {
        inside: Vec::new(),
        snapped: Vec::new(),
        outside: Vec::new(),
    };
    for (i, p) in points.iter().enumerate() {
        let in_box = (min_lon..=max_lon).contains(&p.lon) && (min_lat..=max_lat).contains(&p.lat);
        match snapper.nearest(p.lon, p.lat) {
            Some(s) if in_box && s.offset_m <= max_m => {
                out.inside.push(i);
                out.snapped
                    .push(snapper.attach(p.lon, p.lat, ATTACH_NODES, ATTACH_SLACK_M));
            }
            _ => out.outside.push(i),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn polygon_becomes_centroid() {
        let f = write("id,population,wkt\na,10,\"POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))\"\n");
        let pts = read_demand_csv(f.path()).unwrap();
        assert_eq!(pts[0].id, "a");
        assert!((pts[0].lon - 1.0).abs() < 1e-12 && (pts[0].lat - 1.0).abs() < 1e-12);
    }

    #[test]
    fn lon_lat_columns_work() {
        let f = write("lat,lon,population,id\n60.1,24.9,5,x\n");
        let pts = read_demand_csv(f.path()).unwrap();
        assert_eq!(
            (pts[0].lon, pts[0].lat, pts[0].population),
            (24.9, 60.1, 5.0)
        );
    }

    #[test]
    fn bad_population_names_the_record() {
        let f = write("id,population,lon,lat\nok,1,24,60\ncell-7,NaN,24,60\n");
        let err = read_demand_csv(f.path()).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidPopulation { id, .. } if id == "cell-7"),
            "{err}"
        );
        let f = write("id,population,lon,lat\ncell-8,-3,24,60\n");
        assert!(matches!(
            read_demand_csv(f.path()),
            Err(Error::InvalidPopulation { .. })
        ));
        let f = write("id,population,lon,lat\ncell-9,many,24,60\n");
        let err = read_demand_csv(f.path()).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn missing_columns_and_files_are_errors() {
        let f = write("id,pop\n1,2\n");
        assert!(read_demand_csv(f.path())
            .unwrap_err()
            .to_string()
            .contains("population"));
        assert!(matches!(
            read_demand_csv("/no/such/file.csv"),
            Err(Error::Io { .. })
        ));
    }
}

//! Stage 1 (inputs): facilities and candidate sites given as tables, for what
//! OpenStreetMap does not hold — an elderly canteen run by the street office, a
//! plot the district can build on and what it costs.

use std::path::Path;

use crate::error::{finite_non_negative, Result};
use crate::network::Network;
use crate::services::Catalogue;
use crate::tables::{read_table, Records, UniqueIds};

/// Where new facilities may be placed when no candidate table is given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Candidates {
    /// Street intersections (nodes where three or more walkable edges meet).
    #[default]
    Intersections,
    /// Every node of the walking network.
    AllNodes,
}

impl Candidates {
    /// The network nodes (indices, in node order) that are candidates: the
    /// rule of a scenario without a candidate table, and of Python's
    /// `Network.candidates`.
    pub fn nodes(self, net: &Network) -> Vec<usize> {
        (0..net.node_count())
            .filter(|&v| self == Candidates::AllNodes || net.degree(v) >= 3)
            .collect()
    }
}

/// An existing facility from the user's table.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Facility {
    /// The caller's id.
    pub id: String,
    /// Service key (in the catalogue).
    pub service: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
}

/// A place where new facilities may go.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CandidateSite {
    /// The caller's id.
    pub id: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// Cost of opening it (paid once, whatever it hosts).
    pub cost: f64,
    /// Services it may host (`None`: any).
    pub services: Option<Vec<String>>,
    /// Residents a facility here can serve, whatever its service (`None`: the
    /// service's own capacity, if any).
    pub capacity: Option<f64>,
}

impl CandidateSite {
    /// Whether a new facility of `service` may go here.
    pub fn hosts(&self, service: &str) -> bool {
        self.services
            .as_ref()
            .is_none_or(|keys| keys.iter().any(|k| k == service))
    }
}

/// Reads existing facilities from a CSV file with columns `id`, `service`,
/// `lon`, `lat`.
///
/// ```text
/// id,service,lon,lat
/// canteen-1,elderly_canteen,24.9402,60.1688
/// ```
///
/// # Errors
/// [`Error::Io`](crate::Error::Io) if unreadable;
/// [`Error::BadRecord`](crate::Error::BadRecord) naming the line for a missing
/// or misspelt column, an empty id, an unparsable coordinate or one that is not
/// WGS 84 degrees, a service the catalogue lacks or an id listed twice for one
/// service. A table with a header and no record is no facility.
pub fn read_facilities_csv(path: impl AsRef<Path>, catalogue: &Catalogue) -> Result<Vec<Facility>> {
    let mut out = Vec::new();
    let mut ids = UniqueIds::default();
    read_table(
        path.as_ref(),
        &["id", "service", "lon", "lat"],
        &[],
        Records::MayBeNone,
        |rec| {
            let service = rec.text("service")?;
            catalogue
                .get(&service)
                .map_err(|e| rec.error(e.to_string()))?;
            // One building may host several services under one id.
            let id = rec.text("id")?;
            rec.unique(&mut ids, &format!("{id} ({service})"))?;
            let (lon, lat) = rec.lon_lat()?;
            out.push(Facility {
                id,
                service,
                lon,
                lat,
            });
            Ok(())
        },
    )?;
    Ok(out)
}

/// Reads candidate sites from a CSV file with columns `id`, `lon`, `lat` and
/// optionally `cost` (default `default_cost`), `services` (keys separated
/// by `;`, default: any service) and `capacity` (residents a facility there
/// can serve; default: the service's capacity).
///
/// ```text
/// id,lon,lat,cost,services,capacity
/// plot-4,24.9411,60.1702,2.5,elderly_canteen;health_station,120
/// ```
///
/// # Errors
/// [`Error::Io`](crate::Error::Io) if unreadable;
/// [`Error::BadRecord`](crate::Error::BadRecord) naming the line for a missing
/// or misspelt column, a negative or unparsable cost, a capacity that is not
/// positive, an unknown service, a `services` field naming none, an empty or
/// repeated id, coordinates that are not WGS 84 degrees, or naming the file if
/// it holds no site.
pub fn read_candidates_csv(
    path: impl AsRef<Path>,
    catalogue: &Catalogue,
    default_cost: f64,
) -> Result<Vec<CandidateSite>> {
    let mut out = Vec::new();
    let mut ids = UniqueIds::default();
    let optional = ["cost", "services", "capacity"];
    let path = path.as_ref();
    read_table(
        path,
        &["id", "lon", "lat"],
        &optional,
        Records::Needed,
        |rec| {
            let id = rec.text("id")?;
            rec.unique(&mut ids, &id)?;
            let cost = match rec.get("cost") {
                Some(_) => rec.number("cost")?,
                None => default_cost,
            };
            if !(finite_non_negative(cost)) {
                return Err(rec.error(format!("cost must be a finite number >= 0, got {cost}")));
            }
            let services = match rec.get("services") {
                Some(list) => {
                    let keys: Vec<String> = list
                        .split(';')
                        .map(|k| k.trim().to_string())
                        .filter(|k| !k.is_empty())
                        .collect();
                    if keys.is_empty() {
                        return Err(rec.error(format!(
                            "services {list:?} names no service (leave it empty for any service)"
                        )));
                    }
                    for k in &keys {
                        catalogue.get(k).map_err(|e| rec.error(e.to_string()))?;
                    }
                    Some(keys)
                }
                None => None,
            };
            let capacity = match rec.get("capacity") {
                Some(_) => {
                    let c = rec.number("capacity")?;
                    if c <= 0.0 {
                        return Err(rec.error(format!("capacity must be > 0, got {c}")));
                    }
                    Some(c)
                }
                None => None,
            };
            let (lon, lat) = rec.lon_lat()?;
            out.push(CandidateSite {
                id,
                lon,
                lat,
                cost,
                services,
                capacity,
            });
            Ok(())
        },
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::temp_file;

    #[test]
    fn facilities_and_candidates() {
        let cat = Catalogue::default();
        let f = temp_file(".csv", "id,service,lon,lat\nc1,elderly_canteen,24.9,60.1\n");
        let fac = read_facilities_csv(f.path(), &cat).unwrap();
        assert_eq!(
            (fac[0].id.as_str(), fac[0].service.as_str()),
            ("c1", "elderly_canteen")
        );
        let f = temp_file(".csv", "id,lon,lat,cost,services,capacity\na,24.9,60.1,2.5,elderly_canteen;health_station,80\nb,24.9,60.1,,,\n");
        let c = read_candidates_csv(f.path(), &cat, 1.0).unwrap();
        assert_eq!(
            (c[0].cost, c[0].capacity, c[1].capacity),
            (2.5, Some(80.0), None)
        );
        assert_eq!(
            c[0].services.as_deref().unwrap(),
            ["elderly_canteen", "health_station"]
        );
        assert_eq!((c[1].cost, c[1].services.is_none()), (1.0, true));
    }

    #[test]
    fn bad_rows_name_the_line() {
        let cat = Catalogue::default();
        let f = temp_file(".csv", "id,service,lon,lat\nc1,cinema,24.9,60.1\n");
        let e = read_facilities_csv(f.path(), &cat).unwrap_err().to_string();
        assert!(
            e.contains("line 2") && e.contains("unknown service \"cinema\""),
            "{e}"
        );
        let f = temp_file(".csv", "id,lon,lat,capacity\na,24.9,60.1,0\n");
        let e = read_candidates_csv(f.path(), &cat, 1.0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2: capacity must be > 0"), "{e}");
        let f = temp_file(".csv", "id,lon,lat,cost\na,24.9,60.1,-1\n");
        let e = read_candidates_csv(f.path(), &cat, 1.0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2: cost must be"), "{e}");
        let f = temp_file(
            ".csv",
            "id,service,lon,lat\nc1,pharmacy,24.9,60.1\nc1,clinic,24.9,60.1\nc1,pharmacy,24.8,60.1\n",
        );
        let e = read_facilities_csv(f.path(), &cat).unwrap_err().to_string();
        assert!(
            e.contains("line 4: duplicate id \"c1 (pharmacy)\" (first on line 2)"),
            "{e}"
        );
        let f = temp_file(".csv", "id,lon,lat\na,24.9,60.1\na,24.8,60.1\n");
        let e = read_candidates_csv(f.path(), &cat, 1.0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3: duplicate id \"a\""), "{e}");
        let f = temp_file(".csv", "id,lon,lat,services\na,24.9,60.1,;\n");
        let e = read_candidates_csv(f.path(), &cat, 1.0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2: services \";\" names no service"), "{e}");
        let f = temp_file(".csv", "id,service,lon,lat\n");
        assert_eq!(read_facilities_csv(f.path(), &cat).unwrap(), []);
        let f = temp_file(".csv", "id,lon,lat\n");
        let e = read_candidates_csv(f.path(), &cat, 1.0)
            .unwrap_err()
            .to_string();
        assert!(e.ends_with("record file: holds no record"), "{e}");
        let f = temp_file(".csv", "id,service,lon,lat\nc1,pharmacy,385000,6672000\n");
        let e = read_facilities_csv(f.path(), &cat).unwrap_err().to_string();
        assert!(
            e.ends_with("record line 2: (385000, 6672000) must be WGS 84 degrees: lon in [-180, 180], lat in [-90, 90]"),
            "{e}"
        );
        let f = temp_file(".csv", "id,lon,lat\na,24.9,60.1\nb,24.9,91\n");
        let e = read_candidates_csv(f.path(), &cat, 1.0)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("record line 3: (24.9, 91) must be WGS 84"),
            "{e}"
        );
        let f = temp_file(".csv", "id,lon\na,24.9\n");
        assert!(read_candidates_csv(f.path(), &cat, 1.0)
            .unwrap_err()
            .to_string()
            .contains("no `lat` column"));
    }
}

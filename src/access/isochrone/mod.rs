//! Walking isochrones: the area reached from a facility (or any point)
//! within a few minutes at a given pace, as polygons.
//!
//! # Method
//! One bounded search over the walking network gives the metres `d(v)` to
//! every node within the largest limit. For a limit of `R` metres an edge
//! `u–v` of length `ℓ` is walked from `u` for `R − d(u)` metres and from `v`
//! for `R − d(v)`; where the two reach past each other the whole edge is in,
//! otherwise the two walked parts are — so a street half walked counts half.
//! The reached segments, in a local equirectangular projection (metres,
//! within 0.1 % of geodesic at city scale: the one snapping uses), are
//! buffered by a street-side distance and unioned — as the zero contour of
//! their distance field on a grid of a quarter of that distance (see
//! [`area`]: 20–50 times faster than unioning geo's round-capped strokes, and
//! within 1.5 % of their area, tested against them) — and projected back to
//! longitude/latitude.
//!
//! The street-side distance stands for the buildings along a street that a
//! walker reaches without walking further on it. Its default,
//! [`STREET_SIDE_M`] = 50 m, is about the depth of a city block's frontage;
//! GOAT and pandana-style "network buffers" use 25–100 m.
//!
//! A point on a reached street is inside the isochrone exactly when the
//! network reaches it; a point off the streets is inside when it lies within
//! the street-side distance of a reached segment (tested in this module on a
//! grid against [`crate::travel::TravelTimes`]).
//!
//! # Complexity
//! Per origin: the search `O(E' log V')` over the part of the network within
//! the largest limit, then per limit one pass over the `k` segments reached
//! (each sets the grid vertices within reach, `O((ℓ + side)·side / cell²)`)
//! and one contour over the grid. Origins run in parallel.
//!
//! # Example
//! ```
//! use lifecircle::access::isochrone::{isochrones, IsochroneParams};
//! use lifecircle::network::{NetworkBuilder, Node, Snapped};
//!
//! // A straight street of 11 nodes, 100 m apart (0.0018° of longitude at 60° N).
//! let mut b = NetworkBuilder::new();
//! for i in 0..11 {
//!     b.add_node(Node { id: i, lon: 24.94 + 0.0018 * i as f64, lat: 60.17 });
//!     if i > 0 { b.add_edge_with_length(i - 1, i, 100.0).unwrap(); }
//! }
//! let net = b.build().unwrap();
//! let shop = [Snapped { node: 0, offset_m: 0.0 }];
//! // 5 minutes at 1 m/s: 300 m of street, buffered by 20 m.
//! let params = IsochroneParams::new(vec![5.0], 1.0).unwrap().street_side_m(20.0).unwrap();
//! let iso = &isochrones(&net, &[shop], &params).unwrap()[0][0];
//! assert_eq!(iso.minutes, 5.0);
//! assert!((iso.street_m - 300.0).abs() < 1e-9);
//! // A 300 m × 40 m pill with round ends: 12,000 m² + a 20 m circle.
//! let expected = 300.0 * 40.0 + std::f64::consts::PI * 400.0;
//! assert!((iso.area_m2 - expected).abs() / expected < 0.01, "{}", iso.area_m2);
//! ```

use std::collections::HashMap;

use geo::{Area, Coord, LineString, MapCoords, MultiLineString};
use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::network::snap::LocalProjection;
use crate::network::{Network, Snapped};
use crate::travel::{check_attachments, reached_nodes};

pub mod area;

/// Default street-side distance in metres (see the module docs).
pub const STREET_SIDE_M: f64 = 50.0;

/// What to draw: the limits, the pace and the street-side distance.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IsochroneParams {
    /// Walking limits in minutes, ascending (e.g. 5 / 10 / 15).
    pub minutes: Vec<f64>,
    /// Walking speed, m/s (the 60+ walk more slowly: pass their pace).
    pub speed_m_s: f64,
    /// Buffer around the reached streets, metres.
    pub street_side_m: f64,
}

impl IsochroneParams {
    /// Limits (minutes, each finite and > 0; sorted here) at a speed (m/s,
    /// finite and > 0), with the default street-side distance.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the bad limit or speed, or for no limit.
    pub fn new(mut minutes: Vec<f64>, speed_m_s: f64) -> Result<Self> {
        if minutes.is_empty() {
            return Err(Error::param("minutes", "give at least one limit"));
        }
        if let Some(bad) = minutes.iter().find(|m| !(m.is_finite() && **m > 0.0)) {
            return Err(Error::param(
                "minutes",
                format!("every limit must be finite and > 0, got {bad}"),
            ));
        }
        if !(speed_m_s.is_finite() && speed_m_s > 0.0) {
            return Err(Error::param(
                "speed",
                format!("must be finite and > 0 m/s, got {speed_m_s}"),
            ));
        }
        minutes.sort_by(f64::total_cmp);
        minutes.dedup();
        Ok(Self {
            minutes,
            speed_m_s,
            street_side_m: STREET_SIDE_M,
        })
    }

    /// Another street-side distance (metres, finite and > 0).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a distance that is not finite and > 0.
    pub fn street_side_m(mut self, metres: f64) -> Result<Self> {
        if !(metres.is_finite() && metres > 0.0) {
            return Err(Error::param(
                "street_side_m",
                format!("must be finite and > 0 m, got {metres}"),
            ));
        }
        self.street_side_m = metres;
        Ok(self)
    }
}

/// The area one origin reaches within one limit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Isochrone {
    /// The limit, minutes.
    pub minutes: f64,
    /// The area, longitude/latitude (WGS 84); empty if the origin is farther
    /// from the network than the limit.
    #[serde(skip)]
    pub polygon: geo::MultiPolygon<f64>,
    /// Its area in square metres.
    pub area_m2: f64,
    /// Metres of street reached (partly walked edges in part).
    pub street_m: f64,
}

/// Isochrones for each origin (a facility's attachments to the network), one
/// per limit in ascending order.
///
/// # Errors
/// [`Error::UnknownNode`] for an attachment outside the network;
/// [`Error::InvalidParameter`] for a negative or non-finite offset.
pub fn isochrones<S: AsRef<[Snapped]> + Sync>(
    network: &Network,
    origins: &[S],
    params: &IsochroneParams,
) -> Result<Vec<Vec<Isochrone>>> {
    let (projection, walks) = walks(network, origins, params)?;
    Ok(walks
        .into_par_iter()
        .map(|levels| {
            params
                .minutes
                .iter()
                .zip(levels)
                .map(|(&minutes, (lines, street_m))| {
                    let metres = area::within(&lines, params.street_side_m);
                    Isochrone {
                        minutes,
                        area_m2: metres.unsigned_area(),
                        polygon: metres.map_coords(|c| {
                            let (x, y) = projection.unproject(c.x, c.y);
                            Coord { x, y }
                        }),
                        street_m,
                    }
                })
                .collect()
        })
        .collect())
}

/// Polylines of `(lon, lat)` positions.
pub type Polylines = Vec<Vec<(f64, f64)>>;

/// The streets each origin reaches within each limit, as longitude/latitude
/// polylines (partly walked edges in part): what [`isochrones`] buffers.
/// Stroked `2 × street_side_m` wide with round caps and joins they draw the
/// isochrone itself, without the cost of the union (the maps do so).
///
/// # Errors
/// As [`isochrones`].
///
/// ```
/// use lifecircle::access::isochrone::{reached_streets, IsochroneParams};
/// use lifecircle::network::{NetworkBuilder, Node, Snapped};
///
/// let mut b = NetworkBuilder::new();
/// for i in 0..3 {
///     b.add_node(Node { id: i, lon: 24.94 + 0.0018 * i as f64, lat: 60.17 });
///     if i > 0 { b.add_edge_with_length(i - 1, i, 100.0).unwrap(); }
/// }
/// let net = b.build().unwrap();
/// // 150 m of the 200 m street in 150 s at 1 m/s: one edge and half the next.
/// let params = IsochroneParams::new(vec![2.5], 1.0).unwrap();
/// let lines = &reached_streets(&net, &[[Snapped { node: 0, offset_m: 0.0 }]], &params).unwrap()[0][0];
/// let east = lines.iter().flatten().map(|p| p.0).fold(f64::MIN, f64::max);
/// assert!((east - (24.94 + 0.0027)).abs() < 1e-6);
/// ```
pub fn reached_streets<S: AsRef<[Snapped]> + Sync>(
    network: &Network,
    origins: &[S],
    params: &IsochroneParams,
) -> Result<Vec<Vec<Polylines>>> {
    let (projection, walks) = walks(network, origins, params)?;
    Ok(walks
        .into_iter()
        .map(|levels| {
            levels
                .into_iter()
                .map(|(lines, _)| {
                    lines
                        .0
                        .iter()
                        .map(|l| l.coords().map(|c| projection.unproject(c.x, c.y)).collect())
                        .collect()
                })
                .collect()
        })
        .collect())
}

/// Per origin and limit, the streets walked (projected metres) and their
/// length, with the projection they are in.
#[allow(clippy::type_complexity)]
fn walks<S: AsRef<[Snapped]> + Sync>(
    network: &Network,
    origins: &[S],
    params: &IsochroneParams,
) -> Result<(LocalProjection, Vec<Vec<(MultiLineString<f64>, f64)>>)> {
    check_attachments("isochrone origin", origins, network.node_count())?;
    let max_m = params.minutes.last().copied().unwrap_or(0.0) * 60.0 * params.speed_m_s;
    let (lon0, lat0) = centre(network);
    let projection = LocalProjection::new(lon0, lat0);
    let reached = reached_nodes(network, origins, max_m);
    let walks = reached
        .par_iter()
        .map(|nodes| {
            let dist: HashMap<usize, f64> = nodes.iter().copied().collect();
            params
                .minutes
                .iter()
                .map(|&minutes| {
                    walked(
                        network,
                        &projection,
                        &dist,
                        minutes * 60.0 * params.speed_m_s,
                    )
                })
                .collect()
        })
        .collect();
    Ok((projection, walks))
}

fn centre(network: &Network) -> (f64, f64) {
    let (min_lon, min_lat, max_lon, max_lat) = network.bbox();
    ((min_lon + max_lon) / 2.0, (min_lat + max_lat) / 2.0)
}

/// The street walked within `limit_m` (projected metres) and its length.
/// Whole edges are joined into polylines through the nodes where just two of
/// them meet: the exported streets are a few long lines, and geo's exact
/// buffer (the fallback for huge grids) strokes those instead of one short
/// segment per shape point, whose caps and overlaps are its cost; partly
/// walked edges stay single segments.
fn walked(
    network: &Network,
    projection: &LocalProjection,
    dist: &HashMap<usize, f64>,
    limit_m: f64,
) -> (MultiLineString<f64>, f64) {
    let at = |v: usize| {
        let n = network.node(v);
        let [x, y] = projection.project(n.lon, n.lat);
        Coord { x, y }
    };
    // A point `t` of the way from `a` to `b`.
    let along = |a: Coord, b: Coord, t: f64| a + (b - a) * t;
    let mut lines = Vec::new();
    let mut street_m = 0.0;
    // Whole edges by node; a pair joined twice is one straight segment on the map.
    let mut whole: HashMap<usize, Vec<usize>> = HashMap::new();
    for (&u, &du) in dist.iter().filter(|(_, d)| **d <= limit_m) {
        for (v, len) in network.neighbors(u) {
            let from_u = limit_m - du;
            let from_v = dist.get(&v).map(|dv| limit_m - dv).filter(|r| *r >= 0.0);
            // Each edge once: from its lower end when both ends are reached.
            if from_v.is_some() && v < u {
                continue;
            }
            if len <= 0.0 || from_u + from_v.unwrap_or(0.0) >= len {
                street_m += len;
                if u != v {
                    for (a, b) in [(u, v), (v, u)] {
                        let next = whole.entry(a).or_default();
                        if !next.contains(&b) {
                            next.push(b);
                        }
                    }
                }
                continue;
            }
            let (pu, pv) = (at(u), at(v));
            lines.push(LineString::new(vec![pu, along(pu, pv, from_u / len)]));
            street_m += from_u;
            if let Some(r) = from_v {
                lines.push(LineString::new(vec![along(pv, pu, r / len), pv]));
                street_m += r;
            }
        }
    }
    // Polylines: from every node where other than two whole edges meet, then
    // around what is left (closed loops).
    let mut used: std::collections::HashSet<(usize, usize)> = Default::default();
    let key = |a: usize, b: usize| (a.min(b), a.max(b));
    let mut starts: Vec<usize> = whole.keys().copied().collect();
    starts.sort_unstable_by_key(|v| (whole[v].len() == 2, *v));
    for s in starts {
        for &first in &whole[&s] {
            if used.contains(&key(s, first)) {
                continue;
            }
            let mut v = first;
            used.insert(key(s, v));
            let mut line = vec![at(s), at(v)];
            while whole[&v].len() == 2 {
                let Some(&next) = whole[&v].iter().find(|&&w| !used.contains(&key(v, w))) else {
                    break;
                };
                used.insert(key(v, next));
                v = next;
                line.push(at(v));
            }
            lines.push(LineString::new(line));
        }
    }
    (MultiLineString::new(lines), street_m)
}

/// Isochrones as a GeoJSON FeatureCollection: one feature per origin and
/// limit, with `origin` (the label given), `minutes`, `area_m2` and `street_m`.
pub fn to_geojson(labels: &[String], isochrones: &[Vec<Isochrone>]) -> geojson::FeatureCollection {
    let features = labels
        .iter()
        .zip(isochrones)
        .flat_map(|(label, levels)| {
            levels.iter().map(move |iso| {
                let mut properties = geojson::JsonObject::new();
                properties.insert("origin".into(), label.clone().into());
                properties.insert("minutes".into(), iso.minutes.into());
                properties.insert("area_m2".into(), iso.area_m2.into());
                properties.insert("street_m".into(), iso.street_m.into());
                geojson::Feature {
                    geometry: Some(geojson::Geometry::new(geojson::Value::from(&iso.polygon))),
                    properties: Some(properties),
                    ..Default::default()
                }
            })
        })
        .collect();
    geojson::FeatureCollection {
        features,
        bbox: None,
        foreign_members: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{NetworkBuilder, Node};
    use crate::travel::TravelTimes;
    use geo::{Contains, Point};

    /// A `k × k` street grid, `spacing` metres apart, around Helsinki.
    fn grid(k: i64, spacing: f64) -> Network {
        let proj = LocalProjection::new(24.94, 60.17);
        let mut b = NetworkBuilder::new();
        for r in 0..k {
            for c in 0..k {
                let (lon, lat) = proj.unproject(c as f64 * spacing, r as f64 * spacing);
                b.add_node(Node {
                    id: r * k + c,
                    lon,
                    lat,
                });
                if c > 0 {
                    b.add_edge_with_length(r * k + c - 1, r * k + c, spacing)
                        .unwrap();
                }
                if r > 0 {
                    b.add_edge_with_length((r - 1) * k + c, r * k + c, spacing)
                        .unwrap();
                }
            }
        }
        b.build().unwrap()
    }

    #[test]
    fn residents_on_the_streets_are_inside_exactly_when_the_network_reaches_them() {
        // 100 m blocks, 20 m street side; limits whose remainders (50, 30,
        // 10 m past a node) keep each walked tip more than 20 m from the next
        // node, so an unreached node is outside every buffer.
        let net = grid(15, 100.0);
        let origins: Vec<[Snapped; 1]> = [0usize, 112, 77]
            .iter()
            .map(|&v| {
                [Snapped {
                    node: v,
                    offset_m: 0.0,
                }]
            })
            .collect();
        let params = IsochroneParams::new(vec![7.5, 10.5, 3.5], 1.0)
            .unwrap()
            .street_side_m(20.0)
            .unwrap();
        let iso = isochrones(&net, &origins, &params).unwrap();
        let homes: Vec<Snapped> = (0..net.node_count())
            .map(|v| Snapped {
                node: v,
                offset_m: 0.0,
            })
            .collect();
        for (o, levels) in origins.iter().zip(&iso) {
            for level in levels {
                let limit_s = level.minutes * 60.0;
                let tt = TravelTimes::compute(&net, o, &homes, 1.0, limit_s).unwrap();
                let covered: Vec<usize> = tt.row(0).map(|(d, _)| d).collect();
                let inside: Vec<usize> = (0..net.node_count())
                    .filter(|&v| {
                        let n = net.node(v);
                        level.polygon.contains(&Point::new(n.lon, n.lat))
                    })
                    .collect();
                assert_eq!(inside, covered, "origin {:?}, {} min", o[0], level.minutes);
                assert!(!covered.is_empty());
            }
        }
    }

    #[test]
    fn a_partly_walked_edge_counts_its_walked_part() {
        let net = grid(3, 100.0);
        let params = IsochroneParams::new(vec![2.5], 1.0).unwrap();
        let iso = &isochrones(
            &net,
            &[[Snapped {
                node: 4,
                offset_m: 0.0,
            }]],
            &params,
        )
        .unwrap()[0][0];
        // From the centre of a 3 × 3 grid, 150 m: four arms of 100 m, then
        // 50 m along each of the two edges at each arm's end.
        assert!(
            (iso.street_m - (4.0 * 100.0 + 8.0 * 50.0)).abs() < 1e-9,
            "{}",
            iso.street_m
        );
        // An origin 20 m off its node has 20 m less to walk.
        let off = &isochrones(
            &net,
            &[[Snapped {
                node: 4,
                offset_m: 20.0,
            }]],
            &params,
        )
        .unwrap()[0][0];
        assert!(
            (off.street_m - (4.0 * 100.0 + 8.0 * 30.0)).abs() < 1e-9,
            "{}",
            off.street_m
        );
    }

    #[test]
    fn larger_limits_reach_more_and_an_origin_beyond_the_limit_reaches_nothing() {
        let net = grid(6, 100.0);
        let params = IsochroneParams::new(vec![15.0, 5.0, 10.0], 1.1).unwrap();
        let iso = &isochrones(
            &net,
            &[[Snapped {
                node: 0,
                offset_m: 0.0,
            }]],
            &params,
        )
        .unwrap()[0];
        assert_eq!(
            iso.iter().map(|i| i.minutes).collect::<Vec<_>>(),
            [5.0, 10.0, 15.0]
        );
        assert!(iso[0].area_m2 < iso[1].area_m2 && iso[1].area_m2 < iso[2].area_m2);
        let far = [Snapped {
            node: 0,
            offset_m: 5000.0,
        }];
        let none = &isochrones(&net, &[far], &params).unwrap()[0];
        assert!(none
            .iter()
            .all(|i| i.polygon.0.is_empty() && i.area_m2 == 0.0 && i.street_m == 0.0));
    }

    #[test]
    fn bad_parameters_and_origins_are_refused_by_name() {
        for (minutes, speed) in [
            (vec![], 1.0),
            (vec![f64::NAN], 1.0),
            (vec![-5.0], 1.0),
            (vec![5.0], 0.0),
        ] {
            assert!(IsochroneParams::new(minutes, speed).is_err());
        }
        let p = IsochroneParams::new(vec![5.0], 1.0).unwrap();
        assert!(p.clone().street_side_m(f64::INFINITY).is_err());
        let net = grid(2, 100.0);
        let e = isochrones(
            &net,
            &[[Snapped {
                node: 99,
                offset_m: 0.0,
            }]],
            &p,
        )
        .unwrap_err();
        assert!(e.to_string().contains("isochrone origin 0"), "{e}");
        let e = isochrones(
            &net,
            &[[Snapped {
                node: 0,
                offset_m: f64::NAN,
            }]],
            &p,
        )
        .unwrap_err();
        assert!(e.to_string().contains("isochrone origin 0"), "{e}");
    }

    #[test]
    fn geojson_has_one_feature_per_origin_and_limit() {
        let net = grid(4, 100.0);
        let params = IsochroneParams::new(vec![2.0, 4.0], 1.0).unwrap();
        let origins = [
            [Snapped {
                node: 0,
                offset_m: 0.0,
            }],
            [Snapped {
                node: 15,
                offset_m: 0.0,
            }],
        ];
        let iso = isochrones(&net, &origins, &params).unwrap();
        let fc = to_geojson(&["a".into(), "b".into()], &iso);
        assert_eq!(fc.features.len(), 4);
        let p = fc.features[3].properties.as_ref().unwrap();
        assert_eq!(p["origin"], "b");
        assert_eq!(p["minutes"], 4.0);
    }
}

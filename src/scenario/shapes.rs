//! What the maps draw besides points and streets: the walking isochrones of
//! each service's facilities and the outlines of the zones.
//!
//! A service's isochrone is what its facilities reach within its walking
//! limit at the pace of the residents it serves (the 60+ pace for a service
//! of the 60+ alone, else the adult pace: [`Speeds::pace_of`];
//! [`crate::access::isochrone`], default street-side
//! distance), from one search started at all of them at once: the streets
//! reached, which the maps widen by the street-side distance. Buffering them
//! into a polygon costs about a second per service on the Helsinki demo (the
//! union of thousands of strokes), the streets a few milliseconds.
//!
//! A zone from a zones file is drawn as its polygon. A zone named only by its
//! demand points (the `zone` column, or a point that is its own zone) has no
//! outline of its own; it is drawn as the convex hull of its points widened
//! by half the median distance between neighbouring demand points (25 to
//! 250 m): a grid cell's point becomes a disc about the cell's size, a
//! community of buildings a hull around them. Hulls of zones that are not
//! convex can overlap their neighbours'.

use std::collections::HashMap;

use geo::{Area as _, Buffer, ConvexHull, Coord, MapCoords, MultiPoint, MultiPolygon, Point};
use rstar::RTree;

use crate::access::isochrone::{reached_streets, IsochroneParams};
use crate::coverage::Speeds;
use crate::error::Result;
use crate::network::snap::LocalProjection;
use crate::network::Snapped;
use crate::outcome::{Area, ServiceIsochrones, ZoneOutline};
use crate::services::Service;

use super::prepare::Prepared;

/// Bounds on the widening of a zone drawn around its points, metres.
const MIN_WIDENING_M: f64 = 25.0;
const MAX_WIDENING_M: f64 = 250.0;

impl Prepared {
    /// The isochrones of `service` at its walking limit and the pace of
    /// whom it serves: of its existing facilities and of `new` sites (their
    /// attachments).
    pub(super) fn service_isochrones(
        &self,
        service: &Service,
        speeds: Speeds,
        new: &[&[Snapped]],
    ) -> Result<ServiceIsochrones> {
        let pace = speeds.pace_of(&service.serves);
        let speed_m_s = speeds.m_s(pace);
        let params = IsochroneParams::new(vec![service.walking_limit_min], speed_m_s)?;
        let existing: Vec<&[Snapped]> = self
            .facilities
            .iter()
            .filter(|f| f.0 == service.key)
            .map(|f| f.2.as_slice())
            .collect();
        Ok(ServiceIsochrones {
            service: service.key.clone(),
            minutes: service.walking_limit_min,
            pace,
            speed_m_s,
            street_side_m: params.street_side_m,
            existing: self.reach_of(&existing, &params)?,
            new: self.reach_of(new, &params)?,
        })
    }

    /// The streets reached from any of `sites`.
    fn reach_of(
        &self,
        sites: &[&[Snapped]],
        params: &IsochroneParams,
    ) -> Result<Vec<Vec<(f64, f64)>>> {
        if sites.is_empty() {
            return Ok(Vec::new());
        }
        let all: Vec<Snapped> = sites.iter().flat_map(|s| s.iter().copied()).collect();
        let mut reached = reached_streets(&self.network, &[all], params)?;
        Ok(reached.pop().and_then(|mut l| l.pop()).unwrap_or_default())
    }

    /// The outline of every zone, in the order of `self.zones`: its polygon
    /// from `file` when there is one, else drawn around its points.
    pub(super) fn zone_outlines(&self) -> Vec<ZoneOutline> {
        let file = &self.zone_polygons;
        let polygons: HashMap<&str, &MultiPolygon<f64>> =
            file.iter().map(|z| (z.id.as_str(), &z.geometry)).collect();
        let (lon0, lat0) = {
            let (a, b, c, d) = self.network.bbox();
            ((a + c) / 2.0, (b + d) / 2.0)
        };
        let projection = LocalProjection::new(lon0, lat0);
        let metres: Vec<[f64; 2]> = self
            .inside
            .iter()
            .map(|&i| projection.project(self.people[i].lon, self.people[i].lat))
            .collect();
        let widening = widening_m(&metres);
        let mut members: Vec<Vec<Point<f64>>> = vec![Vec::new(); self.zones.len()];
        for (k, m) in metres.iter().enumerate() {
            members[self.zone_of[k]].push(Point::new(m[0], m[1]));
        }
        self.zones
            .iter()
            .zip(members)
            .map(|(zone, points)| match polygons.get(zone.as_str()) {
                Some(polygon) => ZoneOutline {
                    zone: zone.clone(),
                    area: area(polygon),
                    from_file: true,
                },
                None => {
                    let around = around(points, widening).map_coords(|c| {
                        let (x, y) = projection.unproject(c.x, c.y);
                        Coord { x, y }
                    });
                    ZoneOutline {
                        zone: zone.clone(),
                        area: area(&around),
                        from_file: false,
                    }
                }
            })
            .collect()
    }
}

/// Half the median distance from a demand point to its nearest neighbour,
/// within the bounds.
fn widening_m(points: &[[f64; 2]]) -> f64 {
    if points.len() < 2 {
        return MAX_WIDENING_M;
    }
    let tree = RTree::bulk_load(points.to_vec());
    let mut nearest: Vec<f64> = points
        .iter()
        .filter_map(|p| {
            tree.nearest_neighbor_iter(p)
                .nth(1)
                .map(|q| ((q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2)).sqrt())
        })
        .collect();
    nearest.sort_by(f64::total_cmp);
    (nearest[nearest.len() / 2] / 2.0).clamp(MIN_WIDENING_M, MAX_WIDENING_M)
}

/// The convex hull of `points` (metres) widened by `by` metres; points in a
/// line or a single point are widened themselves (their hull has no area).
fn around(points: Vec<Point<f64>>, by: f64) -> MultiPolygon<f64> {
    let points = MultiPoint::new(points);
    let hull = points.convex_hull();
    if hull.unsigned_area() > 1.0 {
        hull.buffer(by)
    } else {
        points.buffer(by)
    }
}

/// A geo multipolygon as plain rings.
fn area(polygons: &MultiPolygon<f64>) -> Area {
    polygons
        .iter()
        .map(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(|ring| ring.coords().map(|c| (c.x, c.y)).collect())
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_point_and_points_in_a_line_get_an_outline() {
        let one = around(vec![Point::new(0.0, 0.0)], 100.0);
        assert!((one.unsigned_area() - std::f64::consts::PI * 1e4).abs() < 0.01 * 3.2e4);
        let line = around(vec![Point::new(0.0, 0.0), Point::new(300.0, 0.0)], 50.0);
        assert!(line.unsigned_area() > 2.0 * std::f64::consts::PI * 2500.0 * 0.99);
        let square = around(
            [
                (0.0, 0.0),
                (100.0, 0.0),
                (100.0, 100.0),
                (0.0, 100.0),
                (50.0, 50.0),
            ]
            .map(|(x, y)| Point::new(x, y))
            .to_vec(),
            10.0,
        );
        // The 100 m square, 10 m all round with round corners.
        let expected = 1e4 + 4.0 * 1000.0 + std::f64::consts::PI * 100.0;
        assert!((square.unsigned_area() - expected).abs() < 0.01 * expected);
    }

    #[test]
    fn the_widening_is_half_the_median_spacing_within_bounds() {
        let grid: Vec<[f64; 2]> = (0..5)
            .flat_map(|i| (0..5).map(move |j| [250.0 * i as f64, 250.0 * j as f64]))
            .collect();
        assert_eq!(widening_m(&grid), 125.0);
        assert_eq!(widening_m(&[[0.0, 0.0], [1.0, 0.0]]), MIN_WIDENING_M);
        assert_eq!(widening_m(&[[0.0, 0.0]]), MAX_WIDENING_M);
    }
}

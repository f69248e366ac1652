//! Snapping points (residents, facilities, candidate sites) to the nearest
//! network node through an R-tree.
//!
//! Distances use a local equirectangular projection around the network's
//! centre: at city scale (a few km) it is within 0.1 % of the geodesic distance,
//! far below the uncertainty of where a resident actually steps onto a street.

use rstar::{primitives::GeomWithData, RTree};

use super::{check_lon_lat, Network};
use crate::error::{Error, Result};

/// A point attached to the network: the node it joins and the straight-line
/// distance walked to reach that node.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Snapped {
    /// Dense index of the nearest network node.
    pub node: usize,
    /// Distance in metres from the point to that node; travel times add it.
    pub offset_m: f64,
}

impl AsRef<[Snapped]> for Snapped {
    fn as_ref(&self) -> &[Snapped] {
        std::slice::from_ref(self)
    }
}

/// Metres per degree around a reference latitude (WGS 84 series expansion).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LocalProjection {
    lon0: f64,
    lat0: f64,
    m_per_deg_lon: f64,
    m_per_deg_lat: f64,
}

impl LocalProjection {
    pub(crate) fn new(lon0: f64, lat0: f64) -> Self {
        let phi = lat0.to_radians();
        Self {
            lon0,
            lat0,
            m_per_deg_lat: 111_132.954 - 559.822 * (2.0 * phi).cos() + 1.175 * (4.0 * phi).cos(),
            m_per_deg_lon: 111_412.84 * phi.cos() - 93.5 * (3.0 * phi).cos(),
        }
    }

    pub(crate) fn project(&self, lon: f64, lat: f64) -> [f64; 2] {
        [
            (lon - self.lon0) * self.m_per_deg_lon,
            (lat - self.lat0) * self.m_per_deg_lat,
        ]
    }

    /// The inverse of `project`: metres east and north of the origin to `(lon, lat)`.
    pub(crate) fn unproject(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.lon0 + x / self.m_per_deg_lon,
            self.lat0 + y / self.m_per_deg_lat,
        )
    }
}

/// How many nearby nodes a resident or facility may step onto by default.
pub const ATTACH_NODES: usize = 4;
/// How much farther than the nearest node those may be, in metres.
pub const ATTACH_SLACK_M: f64 = 50.0;

/// Finds the nearest network node of any point.
///
/// # Example
/// ```
/// use lifecircle::network::{NetworkBuilder, Node, Snapper};
///
/// let mut b = NetworkBuilder::new();
/// b.add_node(Node { id: 10, lon: 24.940, lat: 60.170 });
/// b.add_node(Node { id: 11, lon: 24.950, lat: 60.170 });
/// b.add_edge(10, 11).unwrap();
/// let net = b.build().unwrap();
/// let snapper = Snapper::new(&net);
/// let s = snapper.nearest(24.9489, 60.1701).unwrap();
/// assert_eq!(net.node(s.node).id, 11);
/// assert!(s.offset_m < 70.0);
/// ```
#[derive(Debug, Clone)]
pub struct Snapper {
    tree: RTree<GeomWithData<[f64; 2], usize>>,
    projection: LocalProjection,
    dropped_nodes: usize,
}

impl Snapper {
    /// Indexes every node of the network.
    pub fn new(network: &Network) -> Self {
        let (min_lon, min_lat, max_lon, max_lat) = network.bbox();
        let projection = LocalProjection::new((min_lon + max_lon) / 2.0, (min_lat + max_lat) / 2.0);
        let points = network
            .nodes()
            .enumerate()
            .map(|(i, n)| GeomWithData::new(projection.project(n.lon, n.lat), i))
            .collect();
        Self {
            tree: RTree::bulk_load(points),
            projection,
            dropped_nodes: network.component_report().dropped_nodes,
        }
    }

    /// The nearest node, or `None` for an empty index or non-finite coordinates.
    pub fn nearest(&self, lon: f64, lat: f64) -> Option<Snapped> {
        if !(lon.is_finite() && lat.is_finite()) {
            return None;
        }
        let p = self.projection.project(lon, lat);
        self.tree.nearest_neighbor(&p).map(|hit| {
            let q = hit.geom();
            Snapped {
                node: hit.data,
                offset_m: ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt(),
            }
        })
    }

    /// The up to `k` nearest nodes no farther than `slack_m` metres beyond the
    /// nearest one, nearest first (empty for non-finite coordinates).
    ///
    /// A point may step onto any of them: the nearest node alone can be a
    /// dead end (an indoor corridor, a courtyard path) while the street is a
    /// few metres farther.
    ///
    /// ```
    /// use lifecircle::network::{NetworkBuilder, Node, Snapper};
    /// let mut b = NetworkBuilder::new();
    /// for (id, lon) in [(1, 24.9400), (2, 24.9405), (3, 24.9500)] {
    ///     b.add_node(Node { id, lon, lat: 60.17 });
    /// }
    /// b.add_edge(1, 2).unwrap();
    /// b.add_edge(2, 3).unwrap();
    /// let net = b.build().unwrap();
    /// let near = Snapper::new(&net).attach(24.9401, 60.17, 4, 50.0);
    /// assert_eq!(near.iter().map(|s| net.node(s.node).id).collect::<Vec<_>>(), vec![1, 2]);
    /// ```
    pub fn attach(&self, lon: f64, lat: f64, k: usize, slack_m: f64) -> Vec<Snapped> {
        if !(lon.is_finite() && lat.is_finite()) {
            return Vec::new();
        }
        let p = self.projection.project(lon, lat);
        let mut out: Vec<Snapped> = Vec::new();
        for hit in self.tree.nearest_neighbor_iter(&p).take(k) {
            let q = hit.geom();
            let d = ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt();
            if out
                .first()
                .is_some_and(|first| d > first.offset_m + slack_m)
            {
                break;
            }
            out.push(Snapped {
                node: hit.data,
                offset_m: d,
            });
        }
        out
    }

    /// Snaps a site that must be on the network.
    ///
    /// # Errors
    /// [`Error::BadRecord`] naming the site if its coordinates are not WGS 84
    /// degrees (see [`check_lon_lat`]), [`Error::SiteNotSnapped`] if it is
    /// farther than `max_m` metres from every node.
    pub fn snap_site(&self, id: &str, lon: f64, lat: f64, max_m: f64) -> Result<Snapped> {
        check_lon_lat(&format!("site {id}"), lon, lat)?;
        match self.nearest(lon, lat) {
            Some(s) if s.offset_m <= max_m => Ok(s),
            found => Err(Error::SiteNotSnapped {
                id: id.to_string(),
                lon,
                lat,
                distance_m: found.map_or(f64::INFINITY, |s| s.offset_m),
                max_m,
                dropped_nodes: self.dropped_nodes,
            }),
        }
    }

    /// Like [`snap_site`](Self::snap_site), but attaches the site to its
    /// nearest nodes as [`attach`](Self::attach) does with the defaults
    /// [`ATTACH_NODES`] and [`ATTACH_SLACK_M`].
    ///
    /// # Errors
    /// As [`snap_site`](Self::snap_site).
    pub fn attach_site(&self, id: &str, lon: f64, lat: f64, max_m: f64) -> Result<Vec<Snapped>> {
        self.snap_site(id, lon, lat, max_m)?;
        Ok(self.attach(lon, lat, ATTACH_NODES, ATTACH_SLACK_M))
    }

    /// The reference point `(lon, lat)` of the local projection.
    pub fn origin(&self) -> (f64, f64) {
        (self.projection.lon0, self.projection.lat0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{NetworkBuilder, Node};
    use geo::{Distance, Geodesic, Point};

    #[test]
    fn projected_distance_is_close_to_geodesic() {
        let proj = LocalProjection::new(24.94, 60.17);
        let (a, b) = ((24.93, 60.165), (24.955, 60.178));
        let pa = proj.project(a.0, a.1);
        let pb = proj.project(b.0, b.1);
        let planar = ((pa[0] - pb[0]).powi(2) + (pa[1] - pb[1]).powi(2)).sqrt();
        let geodesic = Geodesic.distance(Point::new(a.0, a.1), Point::new(b.0, b.1));
        assert!(
            (planar / geodesic - 1.0).abs() < 1e-3,
            "{planar} vs {geodesic}"
        );
    }

    #[test]
    fn far_site_is_an_error_naming_it() {
        let mut b = NetworkBuilder::new();
        b.add_node(Node {
            id: 1,
            lon: 24.0,
            lat: 60.0,
        });
        b.add_node(Node {
            id: 2,
            lon: 24.001,
            lat: 60.0,
        });
        b.add_edge(1, 2).unwrap();
        let s = Snapper::new(&b.build().unwrap());
        let err = s.snap_site("shop 7", 24.1, 60.0, 500.0).unwrap_err();
        assert!(err.to_string().contains("shop 7"), "{err}");
        assert!(!err.to_string().contains("cut off"), "{err}");
        let err = s.snap_site("nan", f64::NAN, 60.0, 500.0).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("coordinates, record site nan: (NaN, 60)"),
            "{err}"
        );
    }

    #[test]
    fn site_on_a_cut_off_piece_says_so() {
        let mut b = NetworkBuilder::new();
        for (id, lon) in [(1, 24.0), (2, 24.001), (3, 24.002), (4, 24.1), (5, 24.101)] {
            b.add_node(Node { id, lon, lat: 60.0 });
        }
        for (a, c) in [(1, 2), (2, 3), (4, 5)] {
            b.add_edge(a, c).unwrap();
        }
        let s = Snapper::new(&b.build().unwrap());
        let err = s
            .snap_site("shop 8", 24.1, 60.0, 500.0)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("2 nodes in pieces cut off from the main network were dropped"),
            "{err}"
        );
    }
}

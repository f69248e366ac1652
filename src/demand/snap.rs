//! The on-network rule: which demand points the network reaches, and the
//! nodes each one steps onto.

use super::DemandPoint;
use crate::network::{Network, Snapped, Snapper, ATTACH_NODES, ATTACH_SLACK_M};

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

/// How far outside the network's bounding box, in degrees (about a
/// centimetre), a demand point still counts as inside it.
pub const EXTENT_SLACK_DEG: f64 = 1e-7;

/// Snaps demand points, leaving out those the network does not reach: outside
/// its bounding box, give or take [`EXTENT_SLACK_DEG`] (an extract cut at the
/// border would put them at the wrong end of the street), or more than `max_m`
/// metres from a node. Each point is
/// attached to its nearest nodes ([`Snapper::attach`] with the defaults).
pub fn snap_demand(
    points: &[DemandPoint],
    network: &Network,
    snapper: &Snapper,
    max_m: f64,
) -> SnappedDemand {
    let (min_lon, min_lat, max_lon, max_lat) = network.bbox();
    // A centimetre of slack: a point reprojected from metres (a frame in
    // EPSG:3067, say) may land a rounding error outside a street's extent.
    let (min_lon, min_lat) = (min_lon - EXTENT_SLACK_DEG, min_lat - EXTENT_SLACK_DEG);
    let (max_lon, max_lat) = (max_lon + EXTENT_SLACK_DEG, max_lat + EXTENT_SLACK_DEG);
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

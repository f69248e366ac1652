//! The area within a distance of some polylines (their buffer's union), as
//! the zero contour of a distance field on a grid.
//!
//! Buffering each polyline and unioning the strokes (geo's [`geo::Buffer`])
//! costs 50–150 ms for a 15-minute isochrone, nearly all of it in the union
//! of hundreds of overlapping round caps. Here every grid vertex within
//! reach of a segment gets `side − distance` (exact: the distance to the
//! nearest segment), and the `contour` crate traces where that crosses 0 by
//! marching squares with linear interpolation. Across a straight street the
//! field is linear, so its edge is found exactly; along a round cap of
//! radius `side` the cut corners lose at most `cell² / (8 side)` (0.4 m at
//! the default 50 m and [`CELLS_PER_SIDE`] = 4); where two buffers meet in a
//! concave corner the interpolated edge can cut the corner by up to a cell.
//! The tests compare the area with geo's exact buffer.
//!
//! Cost: `O(k (ℓ + side)·side / cell²)` field updates for `k` segments of
//! length `ℓ`, plus the contour over the bounding box's cells.

use contour::ContourBuilder;
use geo::{Buffer, Coord, MultiLineString, MultiPolygon};

/// Grid cells per street-side distance.
pub const CELLS_PER_SIDE: f64 = 4.0;

/// Grid vertices one area may use (8 bytes each): beyond this (a street side
/// of a few metres around a walk of many kilometres) geo's exact buffer is
/// used instead, which needs no grid.
const MAX_VERTICES: usize = 4_000_000;

/// The points within `side` metres of `lines` (projected metres).
pub fn within(lines: &MultiLineString<f64>, side: f64) -> MultiPolygon<f64> {
    let mut coords = lines.0.iter().flat_map(|l| l.0.iter());
    let Some(first) = coords.next() else {
        return MultiPolygon::new(Vec::new());
    };
    let (mut lo, mut hi) = (*first, *first);
    for c in coords {
        lo = Coord {
            x: lo.x.min(c.x),
            y: lo.y.min(c.y),
        };
        hi = Coord {
            x: hi.x.max(c.x),
            y: hi.y.max(c.y),
        };
    }
    let cell = side / CELLS_PER_SIDE;
    // Vertices farther than `reach` keep the floor value: they are more than
    // one cell outside, so every grid edge the contour crosses has both ends
    // computed exactly.
    let reach = side + 1.5 * cell;
    let origin = Coord {
        x: lo.x - reach - cell,
        y: lo.y - reach - cell,
    };
    let nx = ((hi.x - origin.x + reach + cell) / cell).ceil() as usize + 1;
    let ny = ((hi.y - origin.y + reach + cell) / cell).ceil() as usize + 1;
    if nx.saturating_mul(ny) > MAX_VERTICES {
        return lines.buffer(side);
    }
    let mut field = vec![side - reach; nx * ny];
    for segment in lines.0.iter().flat_map(|l| l.lines()) {
        let (a, b) = (segment.start, segment.end);
        let ab = b - a;
        let len2 = ab.x * ab.x + ab.y * ab.y;
        let index = |v: f64, o: f64, n: usize| (((v - o) / cell).max(0.0) as usize).min(n - 1);
        let (i0, i1) = (
            index(a.x.min(b.x) - reach, origin.x, nx),
            index(a.x.max(b.x) + reach, origin.x, nx) + 1,
        );
        let (j0, j1) = (
            index(a.y.min(b.y) - reach, origin.y, ny),
            index(a.y.max(b.y) + reach, origin.y, ny) + 1,
        );
        for j in j0..j1.min(ny) {
            let y = origin.y + j as f64 * cell;
            let row = &mut field[j * nx..(j + 1) * nx];
            for (i, value) in row.iter_mut().enumerate().take(i1.min(nx)).skip(i0) {
                let p = Coord {
                    x: origin.x + i as f64 * cell,
                    y,
                };
                let ap = p - a;
                let t = if len2 > 0.0 {
                    ((ap.x * ab.x + ap.y * ab.y) / len2).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let d = ap - ab * t;
                let v = side - (d.x * d.x + d.y * d.y).sqrt();
                if v > *value {
                    *value = v;
                }
            }
        }
    }
    // The contour crate (like d3-contour) puts value `i` at the centre of
    // pixel `i`, `origin + (i + ½)·step`: shift the origin back half a cell.
    ContourBuilder::new(nx, ny, true)
        .x_origin(origin.x - cell / 2.0)
        .y_origin(origin.y - cell / 2.0)
        .x_step(cell)
        .y_step(cell)
        .contours(&field, &[0.0])
        .ok()
        .and_then(|mut c| c.pop())
        .map(|c| c.into_inner().0)
        .unwrap_or_else(|| MultiPolygon::new(Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::algorithm::buffer::{BufferStyle, LineCap, LineJoin};
    use geo::{Area, BooleanOps, LineString};
    use proptest::prelude::*;

    fn lines(paths: &[Vec<(f64, f64)>]) -> MultiLineString<f64> {
        MultiLineString::new(paths.iter().map(|p| LineString::from(p.clone())).collect())
    }

    #[test]
    fn a_straight_street_is_a_pill() {
        let m = within(&lines(&[vec![(0.0, 0.0), (300.0, 0.0)]]), 20.0);
        let expected = 300.0 * 40.0 + std::f64::consts::PI * 400.0;
        assert!((m.unsigned_area() - expected).abs() / expected < 2e-3);
    }

    #[test]
    fn a_block_ring_leaves_a_hole() {
        // A 200 m square loop, 30 m side: a 140 m square hole in the middle.
        let sq = vec![
            (0.0, 0.0),
            (200.0, 0.0),
            (200.0, 200.0),
            (0.0, 200.0),
            (0.0, 0.0),
        ];
        let m = within(&lines(&[sq]), 30.0);
        assert_eq!(m.0.len(), 1);
        assert_eq!(m.0[0].interiors().len(), 1);
        let hole = m.0[0].interiors()[0].clone();
        let hole_area = geo::Polygon::new(hole, vec![]).unsigned_area();
        assert!(
            (hole_area - 140.0 * 140.0).abs() / (140.0 * 140.0) < 0.01,
            "{hole_area}"
        );
    }

    #[test]
    fn nothing_to_buffer_is_empty() {
        assert!(within(&MultiLineString::new(Vec::new()), 50.0).0.is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Random street walks against geo's buffer with fine round joins:
        /// the symmetric difference is a thin sliver along the edge, mostly
        /// at the concave corners where buffers meet. Over 1,500 walks of
        /// this kind (seeded, run once): median 0.45 % of the area, 99th
        /// percentile 0.83 %, worst 1.09 %; hence the 1.5 % asserted.
        #[test]
        fn agrees_with_the_exact_buffer(
            steps in proptest::collection::vec((0.0f64..1.0, 0.0f64..std::f64::consts::TAU), 2..30),
            side in 10.0f64..60.0,
        ) {
            let mut at = (0.0, 0.0);
            let mut path = vec![at];
            for (length, angle) in steps {
                at = (at.0 + 120.0 * length * angle.cos(), at.1 + 120.0 * length * angle.sin());
                path.push(at);
            }
            let ls = lines(&[path]);
            let ours = within(&ls, side);
            // geo's default round joins (0.2 rad chords) lose 0.2 % of the
            // area on winding walks: the reference takes 0.02 rad ones.
            let fine = LineJoin::Round(0.02);
            let exact = ls.buffer_with_style(
                BufferStyle::new(side).line_join(fine).line_cap(LineCap::Round(0.02)),
            );
            let diff = ours.xor(&exact).unsigned_area();
            prop_assert!(diff / exact.unsigned_area() < 0.015,
                "{diff} of {}", exact.unsigned_area());
        }
    }
}

//! The local equirectangular projection of the module docs and the shapes
//! the maps are drawn from.

/// Pixels from lon/lat: the local equirectangular projection of the module docs,
/// fitted into a rectangle of the picture.
pub(super) struct Frame {
    mid_lon: f64,
    mid_lat: f64,
    cos_lat: f64,
    scale: f64,
    centre: (f64, f64),
}

impl Frame {
    pub(super) fn fit(
        points: impl Iterator<Item = (f64, f64)>,
        (x0, y0, x1, y1): (f64, f64, f64, f64),
    ) -> Self {
        // Nothing to draw: any frame will do.
        let (lo, hi) = bounds(points).unwrap_or(((0.0, 0.0), (0.0, 0.0)));
        let (mid_lon, mid_lat) = ((lo.0 + hi.0) / 2.0, (lo.1 + hi.1) / 2.0);
        let cos_lat = mid_lat.to_radians().cos();
        // A single point (zero extent) is centred at an arbitrary finite scale.
        let span_x = ((hi.0 - lo.0) * cos_lat).max(1e-9);
        let span_y = (hi.1 - lo.1).max(1e-9);
        let scale = ((x1 - x0) / span_x).min((y1 - y0) / span_y);
        Self {
            mid_lon,
            mid_lat,
            cos_lat,
            scale,
            centre: ((x0 + x1) / 2.0, (y0 + y1) / 2.0),
        }
    }

    /// Metres on the ground per pixel (north-south, and east-west at the
    /// middle latitude), on the sphere of the mean Earth radius.
    pub(super) fn metres_per_px(&self) -> f64 {
        const METRES_PER_DEGREE: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;
        METRES_PER_DEGREE / self.scale
    }

    pub(super) fn px(&self, lon: f64, lat: f64) -> (i32, i32) {
        let x = self.centre.0 + (lon - self.mid_lon) * self.cos_lat * self.scale;
        let y = self.centre.1 - (lat - self.mid_lat) * self.scale;
        (x.round() as i32, y.round() as i32)
    }
}

/// The smallest and largest longitude and latitude, `None` without points.
fn bounds(points: impl Iterator<Item = (f64, f64)>) -> Option<((f64, f64), (f64, f64))> {
    let (mut lo, mut hi) = (
        (f64::INFINITY, f64::INFINITY),
        (f64::NEG_INFINITY, f64::NEG_INFINITY),
    );
    for (lon, lat) in points {
        lo = (lo.0.min(lon), lo.1.min(lat));
        hi = (hi.0.max(lon), hi.1.max(lat));
    }
    (lo.0 <= hi.0).then_some((lo, hi))
}

/// Width over height of the points on the map (the projection of the
/// module docs); `None` without points or without extent in either direction.
pub(super) fn aspect(points: impl Iterator<Item = (f64, f64)>) -> Option<f64> {
    let (lo, hi) = bounds(points)?;
    let cos_lat = ((lo.1 + hi.1) / 2.0).to_radians().cos();
    let ratio = (hi.0 - lo.0) * cos_lat / (hi.1 - lo.1);
    (ratio.is_finite() && ratio > 0.0).then_some(ratio)
}

/// Pixel segments joined into polylines where one ends where the next starts,
/// as consecutive edges of an OSM way do: an SVG element per edge would triple
/// the file. Segments within one pixel are invisible and dropped.
pub(super) fn polylines(
    segments: impl Iterator<Item = ((i32, i32), (i32, i32))>,
) -> Vec<Vec<(i32, i32)>> {
    let mut lines: Vec<Vec<(i32, i32)>> = Vec::new();
    for (a, b) in segments.filter(|(a, b)| a != b) {
        match lines.last_mut() {
            Some(line) if line.last() == Some(&a) => line.push(b),
            _ => lines.push(vec![a, b]),
        }
    }
    lines
}

/// A five-pointed star around `(x, y)` with outer radius `r`.
pub(super) fn star((x, y): (i32, i32), r: f64) -> Vec<(i32, i32)> {
    (0..10)
        .map(|k| {
            let radius = if k % 2 == 0 { r } else { 0.42 * r };
            let angle = std::f64::consts::PI * (k as f64 / 5.0 - 0.5);
            (
                x + (radius * angle.cos()).round() as i32,
                y + (radius * angle.sin()).round() as i32,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touching_segments_join_and_dots_vanish() {
        let lines = polylines(
            [
                ((0, 0), (1, 0)),
                ((1, 0), (2, 2)),
                ((5, 5), (5, 5)),
                ((3, 3), (4, 4)),
                ((4, 4), (0, 0)),
            ]
            .into_iter(),
        );
        assert_eq!(
            lines,
            [vec![(0, 0), (1, 0), (2, 2)], vec![(3, 3), (4, 4), (0, 0)]]
        );
    }
}

//! China's map coordinate systems: GCJ-02 (Amap, Tencent, Google in China)
//! and BD-09 (Baidu), offset 300–700 m from the WGS 84 that OSM and GPS use.
//!
//! The formulas (the GCJ-02 offset polynomials, the BD-09 rotation) come from
//! the `coordtransform` crate. Two rules are this module's own:
//! - **Region.** Points outside the standard rough bounding box of mainland
//!   China (lon 72.004–137.8347, lat 0.8293–55.8271, the test of the common
//!   JavaScript/Python/Java implementations) are left as they are. The crate's
//!   own default is a finer mask that exempts Hong Kong and Macau; Amap's
//!   exports shift Hong Kong like the mainland, so the box is the safer rule
//!   for data taken from Amap.
//! - **Exact inverse.** GCJ-02 → WGS 84 has no closed form. The usual one-step
//!   inverse (subtract the offset computed at the GCJ-02 point) is off by
//!   1–2 m; here the forward transform is iterated as a fixed point,
//!   `w ← w − (gcj(w) − g)`, until the residual is below [`INVERSE_TOLERANCE_DEG`]
//!   in both coordinates. The offset varies by about 1e-5 per degree, so each
//!   step shrinks the error some 10⁵ times: two or three steps suffice.

use std::fmt;

use crate::error::{Error, Result};

/// The coordinate system of an input's longitudes and latitudes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Crs {
    /// WGS 84 (GPS, OpenStreetMap): used as it is.
    #[default]
    Wgs84,
    /// GCJ-02 ("Mars coordinates"): Amap (Gaode), Tencent.
    Gcj02,
    /// BD-09: Baidu maps.
    Bd09,
}

/// The residual at which the GCJ-02 inverse stops, in degrees (about 0.1 mm):
/// well below the 1e-7° (1 cm) any input is given to.
pub const INVERSE_TOLERANCE_DEG: f64 = 1e-9;

/// More than enough steps: the fixed point converges in two or three.
const INVERSE_MAX_STEPS: usize = 20;

impl Crs {
    /// The system named `name` (`wgs84`, `gcj02` or `bd09`) for the input `source`.
    ///
    /// # Errors
    /// [`Error::BadRecord`] naming `source` for any other name.
    ///
    /// ```
    /// use lifecircle::demand::Crs;
    /// assert_eq!(Crs::from_name("gcj02", "shops.csv").unwrap(), Crs::Gcj02);
    /// let e = Crs::from_name("epsg4490", "shops.csv").unwrap_err().to_string();
    /// assert!(e.contains("shops.csv") && e.contains("wgs84, gcj02 or bd09"), "{e}");
    /// ```
    pub fn from_name(name: &str, source: &str) -> Result<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "wgs84" => Ok(Self::Wgs84),
            "gcj02" => Ok(Self::Gcj02),
            "bd09" => Ok(Self::Bd09),
            _ => Err(Error::record(
                source,
                "crs",
                format!("unknown crs {name:?}: use wgs84, gcj02 or bd09"),
            )),
        }
    }

    /// The WGS 84 position of a point given in this system.
    ///
    /// ```
    /// use lifecircle::demand::Crs;
    /// // Beijing, WGS 84 (116.404, 39.915) in GCJ-02 (coordtransform-rs's tests).
    /// let (lon, lat) = Crs::Gcj02.to_wgs84(116.41024449916938, 39.91640428150164);
    /// assert!((lon - 116.404).abs() < 1e-7 && (lat - 39.915).abs() < 1e-7);
    /// // Helsinki is outside China: not shifted.
    /// assert_eq!(Crs::Gcj02.to_wgs84(24.94, 60.17), (24.94, 60.17));
    /// ```
    pub fn to_wgs84(self, lon: f64, lat: f64) -> (f64, f64) {
        if self == Self::Wgs84 || !in_china(lon, lat) {
            return (lon, lat);
        }
        let gcj = match self {
            Self::Bd09 => coordtransform::bd09_to_gcj02(lon, lat),
            _ => (lon, lat),
        };
        gcj02_to_wgs84(gcj)
    }

    /// A WGS 84 position in this system (for outputs read in Amap or Baidu).
    pub fn from_wgs84(self, lon: f64, lat: f64) -> (f64, f64) {
        if self == Self::Wgs84 || !in_china(lon, lat) {
            return (lon, lat);
        }
        let gcj = coordtransform::wgs84_to_gcj02_in_mainland(lon, lat);
        match self {
            Self::Bd09 => coordtransform::gcj02_to_bd09(gcj.0, gcj.1),
            _ => gcj,
        }
    }

    /// Whether positions in this system need converting at all.
    pub fn is_wgs84(self) -> bool {
        self == Self::Wgs84
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Wgs84 => "wgs84",
            Self::Gcj02 => "gcj02",
            Self::Bd09 => "bd09",
        })
    }
}

/// The standard rough test for mainland China (see the module docs).
fn in_china(lon: f64, lat: f64) -> bool {
    (72.004..=137.8347).contains(&lon) && (0.8293..=55.8271).contains(&lat)
}

/// The exact GCJ-02 inverse by fixed-point iteration (see the module docs).
fn gcj02_to_wgs84((lon, lat): (f64, f64)) -> (f64, f64) {
    let mut w = (lon, lat);
    for _ in 0..INVERSE_MAX_STEPS {
        let g = coordtransform::wgs84_to_gcj02_in_mainland(w.0, w.1);
        let (dx, dy) = (g.0 - lon, g.1 - lat);
        w = (w.0 - dx, w.1 - dy);
        if dx.abs() < INVERSE_TOLERANCE_DEG && dy.abs() < INVERSE_TOLERANCE_DEG {
            break;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Published conversion pairs: city centres from gcoord's test fixture
    /// (github.com/hujiulong/gcoord, test/fixtures/china-cities.json, used by
    /// its test/unit/crs/*.spec.ts), given to 7 decimals, as
    /// (WGS 84, GCJ-02, BD-09): Yuncheng (运城市), Zhumadian (驻马店市),
    /// Naqu (那曲地区, far west), Shenyang (沈阳市), Xilinhot (锡林郭勒盟,
    /// far north), Qinzhou (钦州市, far south).
    const CITIES: [[(f64, f64); 3]; 6] = [
        [
            (111.0017421, 35.0271663),
            (111.0075355, 35.0264171),
            (111.0139261, 35.0327206),
        ],
        [
            (114.0164322, 33.0133556),
            (114.022306, 33.0115324),
            (114.0287781, 33.0176697),
        ],
        [
            (92.0499619, 31.4784436),
            (92.0512438, 31.4762063),
            (92.0576832, 31.4824421),
        ],
        [
            (123.4253306, 41.8032629),
            (123.4314787, 41.8057023),
            (123.438095, 41.8114013),
        ],
        [
            (116.0414035, 43.9312805),
            (116.0482308, 43.9334573),
            (116.0546232, 43.9397782),
        ],
        [
            (108.6503952, 21.9828281),
            (108.6541485, 21.9799392),
            (108.6607283, 21.9856319),
        ],
    ];

    fn close(a: (f64, f64), b: (f64, f64), tol: f64) -> bool {
        (a.0 - b.0).abs() < tol && (a.1 - b.1).abs() < tol
    }

    /// The fixture's figures come from the map services themselves, which
    /// differ from the public formula by up to ~0.5 m: gcoord checks them to 4
    /// decimals (`toBeCloseTo(x, 4)`, |error| < 5e-5°), and so does this.
    #[test]
    fn published_pairs() {
        let tol = 5e-5;
        for [wgs, gcj, bd] in CITIES {
            let got = Crs::Gcj02.from_wgs84(wgs.0, wgs.1);
            assert!(close(got, gcj, tol), "{wgs:?} → {got:?}, not {gcj:?}");
            let got = Crs::Gcj02.to_wgs84(gcj.0, gcj.1);
            assert!(close(got, wgs, tol), "{gcj:?} → {got:?}, not {wgs:?}");
            let got = Crs::Bd09.from_wgs84(wgs.0, wgs.1);
            assert!(close(got, bd, tol), "{wgs:?} → {got:?}, not {bd:?}");
            let got = Crs::Bd09.to_wgs84(bd.0, bd.1);
            assert!(close(got, wgs, tol), "{bd:?} → {got:?}, not {wgs:?}");
        }
    }

    /// The formula's own output, to full precision: coordtransform-rs's test
    /// file (github.com/wyxloading/coordtransform-rs, tests/tests.rs:
    /// `wgs84_to_gcj02(116.404, 39.915)`, `wgs84_to_bd09(116.404, 39.915)`).
    /// The exact inverse takes both back to within 1e-7°, where that file's
    /// one-step `gcj02_to_wgs84` is ~1e-5° off.
    #[test]
    fn published_formula_pairs_and_their_exact_inverse() {
        let wgs = (116.404, 39.915);
        let gcj = (116.41024449916938, 39.91640428150164);
        let bd = (116.41662724378733, 39.922699552216216);
        assert!(close(Crs::Gcj02.from_wgs84(wgs.0, wgs.1), gcj, 1e-9));
        assert!(close(Crs::Bd09.from_wgs84(wgs.0, wgs.1), bd, 1e-9));
        assert!(close(Crs::Gcj02.to_wgs84(gcj.0, gcj.1), wgs, 1e-7));
        assert!(close(Crs::Bd09.to_wgs84(bd.0, bd.1), wgs, 1e-7));
    }

    #[test]
    fn outside_china_is_not_shifted() {
        for (lon, lat) in [(24.94, 60.17), (-74.0, 40.7), (139.69, 35.69), (72.0, 30.0)] {
            for crs in [Crs::Wgs84, Crs::Gcj02, Crs::Bd09] {
                assert_eq!(crs.to_wgs84(lon, lat), (lon, lat), "{crs}");
                assert_eq!(crs.from_wgs84(lon, lat), (lon, lat), "{crs}");
            }
        }
    }

    #[test]
    fn names_and_serde() {
        assert_eq!(Crs::from_name(" BD09 ", "x").unwrap(), Crs::Bd09);
        let e = Crs::from_name("wgs-84", "zones.geojson")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("zones.geojson") && e.contains("\"wgs-84\""),
            "{e}"
        );
        let c: Crs = serde_json::from_str("\"gcj02\"").unwrap();
        assert_eq!((c, c.to_string()), (Crs::Gcj02, "gcj02".to_string()));
    }

    /// Metres between two nearby positions (equirectangular: enough at 1 m).
    fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
        let k = 6_371_000.0_f64.to_radians();
        let dx = (a.0 - b.0) * (0.5 * (a.1 + b.1)).to_radians().cos();
        k * dx.hypot(a.1 - b.1)
    }

    proptest! {
        /// WGS 84 → GCJ-02/BD-09 → WGS 84 comes back within 1 m (in fact
        /// within the inverse's tolerance) anywhere in the region.
        #[test]
        fn round_trip_within_a_metre(lon in 73.0f64..135.0, lat in 18.0f64..54.0) {
            for crs in [Crs::Gcj02, Crs::Bd09] {
                let there = crs.from_wgs84(lon, lat);
                prop_assert!(metres(there, (lon, lat)) > 1.0, "{crs} did not shift");
                let back = crs.to_wgs84(there.0, there.1);
                prop_assert!(metres(back, (lon, lat)) < 1.0, "{crs}: {back:?}");
                prop_assert!(close(back, (lon, lat), 1e-7), "{crs}: {back:?}");
            }
        }
    }
}

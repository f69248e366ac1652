//! Maps of a plan, drawn with plotters, and a self-contained HTML report with
//! an interactive map (Leaflet, embedded) of one or several plans or of a
//! gap analysis, from their [outcomes](crate::outcome): `frame` (the
//! projection and shapes), `plan` (the SVG and PNG map of a planned service),
//! `community` (the SVG and PNG community map of a gap analysis), `picture`
//! (one drawing as SVG or PNG), `text` (the font, title, legend, scale bar and
//! attribution), `html` (the report page and what its map draws; see
//! [`plan_html`] for the layers).
//!
//! A map shows one planned service:
//! - streets of the walking network as thin grey lines
//!   ([`Geometry::streets`](crate::outcome::Geometry::streets));
//! - residents (demand points) as circles whose **area** grows with their
//!   population, coloured by coverage: **green** covered by the existing
//!   facilities, **blue** newly covered by the plan, **red** still uncovered.
//!   A point counts as covered when at least half of the residents the service
//!   serves there are within its walking limit
//!   ([`DemandOutcome::reach`](crate::outcome::DemandOutcome::reach));
//! - existing facilities as black squares, new sites as orange stars.
//!
//! Coordinates use a local equirectangular projection: longitudes are scaled
//! by the cosine of the map's middle latitude, so at Helsinki's 60° N a metre
//! east is as long on the map as a metre north. Over a few kilometres the
//! error of this projection is far below a pixel.
//!
//! Both SVG and PNG maps carry a title (coverage before → after), a legend,
//! a scale bar (a round length: 1, 2 or 5 times a power of ten metres, at
//! most a quarter of the width) and the attribution "© OpenStreetMap
//! contributors". Their text is laid out with DejaVu Sans, embedded in the
//! crate (`src/map/fonts/`, Bitstream Vera licence in `fonts/LICENSE`) and
//! rasterised into PNGs by plotters' `ab_glyph` backend, so a PNG is the same
//! on every machine, with no system fonts; SVGs ask the viewer for its
//! `sans-serif`.
//!
//! A PNG's size follows what is drawn, not the number of residents: one
//! circle per demand point and one line per street, on a picture of at most
//! [`MapStyle::MAX_SIDE`] pixels a side, which [`fit_style`] cuts to the
//! data's proportions (the Helsinki demo's map: 530 x 700 pixels, 83 KB).
//!
//! # Example
//! ```
//! use lifecircle::map::{plan_html, plan_png, plan_svg, plan_svgs, MapStyle};
//! use lifecircle::scenario::Scenario;
//!
//! let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/data/helsinki/centroids.toml");
//! let plan = Scenario::from_file(demo)?.run()?;
//! let style = MapStyle::default();
//!
//! let svg = plan_svg(&plan, "pharmacy", &style)?;
//! assert!(svg.contains("pharmacy: 50.1 % → 98.9 % covered"));
//! let png = plan_png(&plan, "pharmacy", &style)?;
//! assert!(png.starts_with(b"\x89PNG"));
//! assert!(svg.contains("© OpenStreetMap contributors") && svg.contains("\n500 m\n"));
//!
//! // One page for several variants: here only the demo's plan.
//! let html = plan_html(&[("demo".to_string(), &plan)]);
//! assert!(html.starts_with("<!DOCTYPE html>") && html.contains("id=\"lifecircle-data\""));
//! assert_eq!(plan_svgs(&plan, &style)?.len(), plan.report.services.len());
//! # Ok::<(), lifecircle::Error>(())
//! ```

use crate::error::{Error, Result};

mod community;
#[cfg(test)]
mod fixture;
mod frame;
mod html;
mod picture;
mod plan;
mod text;

pub use community::{fit_gaps_style, gaps_png, gaps_svg};
pub use html::{comparison_html, gaps_html, plan_html, MAX_DETAILED_VARIANTS};
pub use plan::{fit_style, plan_png, plan_svg, plan_svgs};

/// Size and marker scale of a map.
///
/// # Example
/// ```
/// use lifecircle::map::MapStyle;
///
/// let big = MapStyle { width: 1200, height: 1000, ..MapStyle::default() };
/// assert_eq!(big.max_radius, MapStyle::default().max_radius);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapStyle {
    /// Width of the picture in pixels, 200 to 4096.
    pub width: u32,
    /// Height of the picture in pixels, 200 to 4096.
    pub height: u32,
    /// Radius in pixels of the circle of the most populous demand point (at
    /// most a quarter of the shorter side); the others get the radius that makes circle areas proportional to
    /// population (never below 2 px, so that small points stay visible).
    pub max_radius: f64,
}

impl Default for MapStyle {
    fn default() -> Self {
        Self {
            width: 800,
            height: 700,
            max_radius: 18.0,
        }
    }
}

impl MapStyle {
    /// Smallest width and height in pixels.
    pub const MIN_SIDE: u32 = 200;
    /// Largest width and height in pixels: a PNG of 4096 x 4096 takes 48 MB
    /// while it is drawn.
    pub const MAX_SIDE: u32 = 4096;

    /// Checks the size and the radius; every drawing function calls it first.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`]: a side outside
    /// [`MIN_SIDE`](Self::MIN_SIDE)..=[`MAX_SIDE`](Self::MAX_SIDE), or a
    /// radius that is not a positive number at most a quarter of the shorter side.
    ///
    /// ```
    /// use lifecircle::map::MapStyle;
    /// assert!(MapStyle::default().validate().is_ok());
    /// assert!(MapStyle { width: 1_000_000, ..MapStyle::default() }.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        let sides = Self::MIN_SIDE..=Self::MAX_SIDE;
        if !(sides.contains(&self.width) && sides.contains(&self.height)) {
            return Err(Error::param(
                "map size",
                format!(
                    "{} x {} pixels; each side must lie in {}..={}",
                    self.width,
                    self.height,
                    Self::MIN_SIDE,
                    Self::MAX_SIDE
                ),
            ));
        }
        // Beyond a quarter of the picture the padding that keeps circles whole leaves no map.
        let most = f64::from(self.width.min(self.height)) / 4.0;
        if !(self.max_radius.is_finite() && self.max_radius > 0.0 && self.max_radius <= most) {
            return Err(Error::param(
                "max_radius",
                format!(
                    "must be > 0 and at most {most} pixels (a quarter of the shorter side), got {}",
                    self.max_radius
                ),
            ));
        }
        Ok(())
    }
}

//! The words of a map: the embedded font, the title band, the legend, the
//! scale bar and the attribution, laid out around the map area.
//!
//! Text is drawn with DejaVu Sans, embedded from `fonts/` (licence in
//! `fonts/LICENSE`) and rasterised by plotters' `ab_glyph` backend: PNGs look
//! the same on every machine, with no system fonts. SVGs name the family
//! `sans-serif`, which the viewer draws with its own font; the layout is
//! measured with DejaVu Sans, whose letters are wider than most sans-serifs',
//! so labels do not run into each other there either.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{register_font, FontError, FontStyle};

use super::frame::star;

/// Sizes as plotters takes them (it writes them divided by 1.24 into SVGs: 16 px and 12.9 px).
const TITLE_PX: f64 = 20.0;
const TEXT_PX: f64 = 16.0;
const SMALL_PX: f64 = 14.0;
/// Height of the title band (two lines).
pub(super) const TITLE_BAND: i32 = 56;
pub(super) const MARGIN: i32 = 10;
const ROW: i32 = 20;
pub(super) const NEW_SITE: RGBColor = RGBColor(255, 127, 0);
const ATTRIBUTION: &str = "© OpenStreetMap contributors";
const GREY_TEXT: RGBColor = RGBColor(80, 80, 80);

/// Registers the embedded DejaVu Sans (regular and bold) as plotters'
/// `sans-serif`, once per process; every drawing function calls it first.
pub(super) fn fonts() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            for (style, bytes) in [
                (
                    FontStyle::Normal,
                    &include_bytes!("fonts/DejaVuSans.ttf")[..],
                ),
                (
                    FontStyle::Bold,
                    &include_bytes!("fonts/DejaVuSans-Bold.ttf")[..],
                ),
            ] {
                register_font("sans-serif", style, bytes).map_err(|_| {
                    format!(
                        "the embedded font DejaVu Sans ({}) is invalid",
                        style.as_str()
                    )
                })?;
            }
            Ok(())
        })
        .clone()
}

fn font(size: f64, style: FontStyle, colour: &RGBColor) -> TextStyle<'static> {
    FontDesc::new(FontFamily::SansSerif, size, style).color(colour)
}

/// Width in pixels of `text` in the embedded font.
fn text_width(text: &str, size: f64, style: FontStyle) -> Result<i32, FontError> {
    Ok(FontDesc::new(FontFamily::SansSerif, size, style)
        .box_size(text)?
        .0 as i32)
}

/// Width in pixels of the wider line of a title.
pub(super) fn title_width(title: &[String; 2]) -> Result<i32, FontError> {
    Ok(
        text_width(&title[0], TITLE_PX, FontStyle::Bold)?.max(text_width(
            &title[1],
            TEXT_PX,
            FontStyle::Normal,
        )?),
    )
}

/// What the legend shows, one entry per marker.
pub(super) enum Swatch {
    Circle(RGBColor),
    /// A filled patch of an area's colour (a zone of a choropleth).
    Patch(RGBColor),
    Square,
    Star,
    None,
}

/// A legend entry with its top-left corner, relative to the legend band.
struct Entry {
    swatch: Swatch,
    label: String,
    at: (i32, i32),
}

/// A rectangle of the picture, `(x0, y0, x1, y1)`, where words are drawn.
pub(super) type TextBox = (i32, i32, i32, i32);

/// The map's words laid out for a picture of `width` x `height`: the map
/// area lies between `top` and `bottom`; the boxes say where each group of
/// words is drawn (the PNG tests look for letters there).
pub(super) struct Layout {
    title: [String; 2],
    entries: Vec<Entry>,
    pub(super) top: i32,
    pub(super) bottom: i32,
    pub(super) title_box: TextBox,
    pub(super) legend_boxes: Vec<TextBox>,
    pub(super) footer_y: i32,
}

impl Layout {
    /// Wraps the legend entries into rows that fit a picture of `width` x
    /// `height`, with the footer (scale bar, attribution) as the last row.
    pub(super) fn new(
        (width, height): (u32, u32),
        title: [String; 2],
        legend: Vec<(Swatch, String)>,
    ) -> Result<Self, FontError> {
        let (w, h) = (width as i32, height as i32);
        let (mut x, mut y) = (MARGIN, 0);
        let mut entries = Vec::with_capacity(legend.len());
        let mut widths = Vec::with_capacity(legend.len());
        for (swatch, label) in legend {
            let label_w = text_width(&label, TEXT_PX, FontStyle::Normal)?;
            let item_w = if matches!(swatch, Swatch::None) {
                0
            } else {
                20
            } + label_w
                + 16;
            if x + item_w > w - MARGIN && x > MARGIN {
                (x, y) = (MARGIN, y + ROW);
            }
            entries.push(Entry {
                swatch,
                label,
                at: (x, y),
            });
            widths.push(label_w);
            x += item_w;
        }
        let legend_height = y + ROW;
        let bottom = h - legend_height - ROW - 2 * MARGIN;
        let legend_boxes = entries
            .iter()
            .zip(widths)
            .map(|(e, label_w)| {
                let x = e.at.0
                    + if matches!(e.swatch, Swatch::None) {
                        0
                    } else {
                        20
                    };
                let y = bottom + MARGIN / 2 + e.at.1;
                (x, y, x + label_w, y + ROW)
            })
            .collect();
        Ok(Self {
            title_box: (MARGIN, 0, MARGIN + title_width(&title)?, TITLE_BAND),
            title,
            entries,
            top: TITLE_BAND,
            bottom,
            legend_boxes,
            footer_y: bottom + MARGIN / 2 + legend_height + MARGIN / 2,
        })
    }

    /// Draws the title, the legend, a scale bar for `metres_per_px` and the
    /// attribution; with `words` false only the swatches and the bar (the
    /// PNG tests' control picture).
    pub(super) fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        metres_per_px: f64,
        words: bool,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let plain = font(TEXT_PX, FontStyle::Normal, &BLACK);
        let say = |text: &str, at: (i32, i32), style: &TextStyle| {
            if words {
                root.draw(&Text::new(text.to_string(), at, style.clone()))
            } else {
                Ok(())
            }
        };
        let x = self.title_box.0;
        say(
            &self.title[0],
            (x, MARGIN),
            &font(TITLE_PX, FontStyle::Bold, &BLACK),
        )?;
        say(&self.title[1], (x, MARGIN + 26), &plain)?;
        for (entry, &(label_x, y, _, _)) in self.entries.iter().zip(&self.legend_boxes) {
            let x = entry.at.0;
            let centre = (x + 7, y + 8);
            match entry.swatch {
                Swatch::Circle(c) => root.draw(&Circle::new(centre, 6u32, c.mix(0.8).filled()))?,
                Swatch::Patch(c) => {
                    root.draw(&Rectangle::new([(x, y + 2), (x + 14, y + 14)], c.filled()))?;
                    root.draw(&Rectangle::new(
                        [(x, y + 2), (x + 14, y + 14)],
                        GREY_TEXT.stroke_width(1),
                    ))?
                }
                Swatch::Square => root.draw(&Rectangle::new(
                    [(x + 3, y + 4), (x + 11, y + 12)],
                    BLACK.filled(),
                ))?,
                Swatch::Star => root.draw(&Polygon::new(star(centre, 8.0), NEW_SITE.filled()))?,
                Swatch::None => {}
            }
            say(&entry.label, (label_x, y), &plain)?;
        }

        let (w, _) = root.dim_in_pixel();
        let (x, y) = (MARGIN, self.footer_y);
        if let Some((metres, bar_px)) = scale_bar(metres_per_px, f64::from(w) / 4.0) {
            root.draw(&Rectangle::new(
                [(x, y + 4), (x + bar_px, y + 8)],
                BLACK.filled(),
            ))?;
            for tick in [x, x + bar_px] {
                root.draw(&Rectangle::new(
                    [(tick, y), (tick + 1, y + 12)],
                    BLACK.filled(),
                ))?;
            }
            let small = font(SMALL_PX, FontStyle::Normal, &BLACK);
            say(&distance_label(metres), (x + bar_px + 8, y - 1), &small)?;
        }
        let grey = font(SMALL_PX, FontStyle::Normal, &GREY_TEXT);
        let attribution_w = root.estimate_text_size(ATTRIBUTION, &grey)?.0 as i32;
        say(
            ATTRIBUTION,
            (w as i32 - MARGIN - attribution_w, y - 1),
            &grey,
        )
    }

    /// Where the scale bar's label and the attribution are drawn.
    #[cfg(test)]
    pub(super) fn footer_box(&self, width: i32) -> TextBox {
        (
            MARGIN,
            self.footer_y - 4,
            width - MARGIN,
            self.footer_y + ROW,
        )
    }
}

/// The longest round length (1, 2 or 5 times a power of ten metres) at most
/// `most_px` long on the map, and its length in pixels; `None` for a frame
/// without a finite, positive scale.
pub(super) fn scale_bar(metres_per_px: f64, most_px: f64) -> Option<(f64, i32)> {
    let most = most_px * metres_per_px;
    if !(most.is_finite() && most > 0.0) {
        return None;
    }
    let power = 10f64.powi(most.log10().floor() as i32);
    let metres = [5.0, 2.0, 1.0]
        .into_iter()
        .map(|k| k * power)
        .find(|&m| m <= most)
        .unwrap_or(power);
    Some((metres, (metres / metres_per_px).round() as i32))
}

fn distance_label(metres: f64) -> String {
    if metres >= 1000.0 {
        format!("{} km", metres / 1000.0)
    } else {
        format!("{metres} m")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_bars_are_round_and_fit() {
        // 2 m per pixel, at most 200 px: 400 m → the bar is 200 m, 100 px.
        assert_eq!(scale_bar(2.0, 200.0), Some((200.0, 100)));
        assert_eq!(scale_bar(2.0, 250.0), Some((500.0, 250)));
        assert_eq!(scale_bar(10.0, 150.0), Some((1000.0, 100)));
        assert_eq!(scale_bar(0.001, 150.0), Some((0.1, 100)));
        assert_eq!(distance_label(1000.0), "1 km");
        assert_eq!(distance_label(2500.0), "2.5 km");
        assert_eq!(distance_label(50.0), "50 m");
        // Helsinki's demo at 800 px: about 6 m per pixel.
        let (m, px) = scale_bar(6.1, 200.0).unwrap();
        assert_eq!(m, 1000.0);
        assert!((px - 164).abs() <= 1, "{px}");
        // No bar for a frame without a scale.
        assert_eq!(scale_bar(f64::INFINITY, 200.0), None);
        assert_eq!(scale_bar(0.0, 200.0), None);
    }
}

//! One drawing, two encodings: a map draws itself on any plotters backend,
//! and is written as SVG text or as PNG bytes; and the picture's size cut to
//! the proportions of what it draws.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};

use super::text::{Layout, MARGIN};
use super::MapStyle;

/// A map that can draw itself.
pub(super) trait Picture {
    /// Its size (checked when the picture was made).
    fn style(&self) -> &MapStyle;

    /// Width and height in pixels.
    fn size(&self) -> (u32, u32) {
        (self.style().width, self.style().height)
    }

    /// Draws the map on `root`; `words` false leaves the text out (the PNG
    /// tests' control picture).
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        words: bool,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>>;
}

/// The picture as an SVG document.
pub(super) fn svg(picture: &impl Picture) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, picture.size()).into_drawing_area();
        picture
            .draw(&root, true)
            .map_err(|e| Error::Map(e.to_string()))?;
    }
    Ok(svg)
}

/// The picture's RGB pixels, row by row.
pub(super) fn pixels(picture: &impl Picture, words: bool) -> Result<Vec<u8>> {
    let (w, h) = picture.size();
    let mut pixels = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        picture
            .draw(&root, words)
            .map_err(|e| Error::Map(e.to_string()))?;
    }
    Ok(pixels)
}

/// The picture as PNG bytes (RGB, 8 bits).
pub(super) fn png(picture: &impl Picture) -> Result<Vec<u8>> {
    let pixels = pixels(picture, true)?;
    let (w, h) = picture.size();
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
        .write_header()
        .and_then(|mut writer| writer.write_image_data(&pixels))
        .map_err(|e| Error::Map(format!("PNG encoding: {e}")))?;
    Ok(png)
}

/// `style` with the picture cut to `aspect` (the drawn data's width over
/// height; `None`: as it is): the width (or the height) shrinks until the
/// map area has those proportions, never below `words` (the widest title
/// with its margins) nor below [`MapStyle::MIN_SIDE`]; the other side stays.
/// `bands` is the height the words above and below the map take; `pad` the
/// margin kept around the map area on each side.
pub(super) fn fitted(
    style: &MapStyle,
    aspect: Option<f64>,
    words: f64,
    bands: f64,
    pad: f64,
) -> MapStyle {
    let Some(aspect) = aspect else {
        return *style;
    };
    let (w, h) = (f64::from(style.width), f64::from(style.height));
    let (map_w, map_h) = (w - 2.0 * pad, h - bands - 2.0 * pad);
    let min = f64::from(MapStyle::MIN_SIDE);
    if aspect < map_w / map_h {
        MapStyle {
            width: (aspect * map_h + 2.0 * pad)
                .max(words)
                .max(min)
                .min(w)
                .ceil() as u32,
            ..*style
        }
    } else {
        MapStyle {
            height: (map_w / aspect + 2.0 * pad + bands).max(min).min(h).ceil() as u32,
            ..*style
        }
    }
}

/// What [`fitted`] needs of a layout: the title's width with its margins,
/// and the height of the bands above and below the map.
pub(super) fn extent(layout: &Layout, title_width: i32, height: u32) -> (f64, f64) {
    (
        f64::from(title_width + 2 * MARGIN),
        f64::from(layout.top + height as i32 - layout.bottom),
    )
}

/// Pixels of text inside `(x0, y0, x1, y1)`: every channel below 120, as
/// the black and grey letters are, anti-aliased edges aside; nothing else
/// drawn outside the map area is that dark but the swatches and the scale
/// bar, which lie outside the label boxes. For the PNG tests.
#[cfg(test)]
pub(super) fn ink(pixels: &[u8], width: u32, (x0, y0, x1, y1): (i32, i32, i32, i32)) -> usize {
    (y0.max(0)..y1)
        .flat_map(|y| (x0.max(0)..x1.min(width as i32)).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let i = 3 * (y as usize * width as usize + x as usize);
            pixels
                .get(i..i + 3)
                .is_some_and(|p| p.iter().all(|&c| c < 120))
        })
        .count()
}

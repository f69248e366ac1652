//! The GeoTIFF side of a [`PopulationRaster`]: the `tiff` crate decodes the
//! image and its tags; the GeoTIFF keys (coordinate system, raster type) and
//! the georeference are read here, and written back by [`encode`].
//!
//! georust's `geotiff` crate (0.1) was looked at and not taken: it keeps the
//! decoded bands private (only a value at a model coordinate), does not read
//! `GDAL_NODATA`, panics on a band index out of range and pins `tiff` 0.9.

use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::Path;

use tiff::decoder::{Decoder, DecodingResult};
use tiff::encoder::TiffEncoder;
use tiff::tags::Tag;
use tiff::{TiffError, TiffResult};

use super::{band_names, check_roles, Band, PopulationRaster};
use crate::error::{Error, Result};

/// The EPSG codes of the lon/lat coordinate systems read: WGS 84 and
/// CGCS2000 (China's datum, taken as WGS 84: they differ by centimetres).
pub const SUPPORTED_EPSG: [u16; 2] = [4326, 4490];

/// GeoTIFF keys (GeoTIFF 1.1, OGC 19-008r4, section 7).
const MODEL_TYPE: u16 = 1024;
const RASTER_TYPE: u16 = 1025;
const GEOGRAPHIC_TYPE: u16 = 2048;
const PROJECTED_TYPE: u16 = 3072;
const MODEL_PROJECTED: u16 = 1;
const MODEL_GEOGRAPHIC: u16 = 2;
const PIXEL_IS_POINT: u16 = 2;
const USER_DEFINED: u16 = 32767;

/// Reads a population GeoTIFF whose bands count what `bands` says, in file
/// order (see the [module docs](super)).
///
/// # Errors
/// [`Error::InvalidParameter`] (`bands`) for no band or `population` twice;
/// [`Error::Io`] if unreadable; [`Error::UnsupportedCrs`] naming the EPSG
/// code of a projected or other unsupported coordinate system;
/// [`Error::BadRecord`] naming the file and the record: `file` (not a TIFF,
/// or beyond the decoder's 256 MiB limit), `bands` (the file's band count is
/// not the declared one), `georeference` (no `ModelPixelScale` +
/// `ModelTiepoint` nor `ModelTransformation`, several tie points, a
/// degenerate or non-degree grid), `GeoKeyDirectory` (missing: the CRS is
/// unknown), `GDAL_NODATA` (not a number), or the band and cell
/// (`band 2 (aged_60_plus), cell r3c4`) of a negative, NaN or infinite value
/// or of age groups above the cell's population.
pub fn read_population_raster(path: impl AsRef<Path>, bands: &[Band]) -> Result<PopulationRaster> {
    let path = path.as_ref();
    let name = path.display().to_string();
    check_roles(bands).map_err(|m| Error::param("bands", m))?;
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let raster = decode(BufReader::new(file), bands, &name)?;
    raster.check(&name)?;
    Ok(raster)
}

/// The raster of a TIFF stream, unchecked but for its tags.
pub(super) fn decode<R: Read + Seek>(
    reader: R,
    bands: &[Band],
    name: &str,
) -> Result<PopulationRaster> {
    let tiff = |e: TiffError| {
        match e {
        TiffError::IoError(io) => Error::io(name, io),
        TiffError::LimitsExceeded => Error::record(
            name,
            "file",
            "its image is larger than the TIFF decoder's 256 MiB limit: cut it to the study area first",
        ),
        e => Error::record(name, "file", format!("not a readable TIFF: {e}")),
    }
    };
    let mut d = Decoder::new(reader).map_err(tiff)?;
    let (width, height) = d.dimensions().map_err(tiff)?;
    let samples = d
        .find_tag_unsigned::<u16>(Tag::SamplesPerPixel)
        .map_err(tiff)?
        .unwrap_or(1) as usize;
    if samples != bands.len() {
        return Err(Error::record(
            name,
            "bands",
            format!(
                "the file has {samples} band(s), {} declared ({}): declare what each band counts",
                bands.len(),
                band_names(bands)
            ),
        ));
    }
    let keys = geo_keys(&mut d, name).map_err(|e| e.unwrap_or_else(tiff))?;
    let key = |k: u16| keys.iter().find(|e| e.0 == k).map(|e| e.1);
    crs(
        name,
        key(MODEL_TYPE),
        key(GEOGRAPHIC_TYPE),
        key(PROJECTED_TYPE),
    )?;
    let transform = georeference(&mut d, name, key(RASTER_TYPE) == Some(PIXEL_IS_POINT))
        .map_err(|e| e.unwrap_or_else(tiff))?;
    let nodata = match d.find_tag(Tag::GdalNodata).map_err(tiff)? {
        None => None,
        Some(v) => {
            let text = v.into_string().map_err(tiff)?;
            let text = text.trim_matches(|c: char| c == '\0' || c.is_whitespace());
            Some(text.parse::<f64>().map_err(|_| {
                Error::record(name, "GDAL_NODATA", format!("{text:?} is not a number"))
            })?)
        }
    };
    let planar = d
        .find_tag_unsigned::<u16>(Tag::PlanarConfiguration)
        .map_err(tiff)?
        == Some(2);
    let mut buffer = DecodingResult::U8(Vec::new());
    let layout = d.read_image_to_buffer(&mut buffer).map_err(tiff)?;
    if buffer.as_buffer(0).as_bytes().len() < layout.complete_len {
        return Err(tiff(TiffError::LimitsExceeded));
    }
    // Nodata is written in the bands' own type: a float32 band's -3.4e38 is
    // compared as float32, not as the decimal the tag spells.
    let single = matches!(buffer, DecodingResult::F32(_) | DecodingResult::F16(_));
    let nodata = nodata.map(|x| if single { x as f32 as f64 } else { x });
    let data = floats(buffer);
    let (width, height) = (width as usize, height as usize);
    let n = width * height;
    if data.len() < n * samples {
        return Err(Error::record(
            name,
            "file",
            format!("{} values for {n} cells × {samples} bands", data.len()),
        ));
    }
    let values = (0..samples)
        .map(|b| match planar {
            true => data[b * n..(b + 1) * n].to_vec(),
            false => (0..n).map(|k| data[k * samples + b]).collect(),
        })
        .collect();
    Ok(PopulationRaster {
        width,
        height,
        transform,
        bands: bands.to_vec(),
        values,
        nodata,
    })
}

fn floats(buffer: DecodingResult) -> Vec<f64> {
    fn all<T: Copy>(v: Vec<T>, f: impl Fn(T) -> f64) -> Vec<f64> {
        v.into_iter().map(f).collect()
    }
    match buffer {
        DecodingResult::U8(v) => all(v, f64::from),
        DecodingResult::U16(v) => all(v, f64::from),
        DecodingResult::U32(v) => all(v, f64::from),
        DecodingResult::U64(v) => all(v, |x| x as f64),
        DecodingResult::F16(v) => all(v, |x| x.to_f64()),
        DecodingResult::F32(v) => all(v, f64::from),
        DecodingResult::F64(v) => v,
        DecodingResult::I8(v) => all(v, f64::from),
        DecodingResult::I16(v) => all(v, f64::from),
        DecodingResult::I32(v) => all(v, f64::from),
        DecodingResult::I64(v) => all(v, |x| x as f64),
    }
}

/// A failure reading tags: ours (`Some`) or the decoder's (`None` after
/// mapping, so that one closure names the file).
type TagResult<T> = std::result::Result<T, TagError>;

enum TagError {
    Ours(Error),
    Tiff(TiffError),
}

impl TagError {
    fn unwrap_or_else(self, f: impl Fn(TiffError) -> Error) -> Error {
        match self {
            Self::Ours(e) => e,
            Self::Tiff(e) => f(e),
        }
    }
}

impl From<TiffError> for TagError {
    fn from(e: TiffError) -> Self {
        Self::Tiff(e)
    }
}

/// The GeoKeyDirectory's short-valued keys as (key, value).
fn geo_keys<R: Read + Seek>(d: &mut Decoder<R>, name: &str) -> TagResult<Vec<(u16, u16)>> {
    let Some(dir) = d.find_tag(Tag::GeoKeyDirectoryTag)? else {
        return Err(TagError::Ours(Error::record(
            name,
            "GeoKeyDirectory",
            "no GeoKeyDirectory tag, so the file does not say its coordinate system (a plain TIFF?): write it as a GeoTIFF in EPSG:4326",
        )));
    };
    let dir = dir.into_u16_vec()?;
    let count = dir.get(3).copied().unwrap_or(0) as usize;
    let entries: Vec<&[u16]> = dir.get(4..).unwrap_or(&[]).chunks_exact(4).collect();
    if dir.len() < 4 || entries.len() < count {
        return Err(TagError::Ours(Error::record(
            name,
            "GeoKeyDirectory",
            format!("truncated: {} values for {count} keys", dir.len()),
        )));
    }
    Ok(entries[..count]
        .iter()
        .filter(|e| e[1] == 0) // the value is the short itself
        .map(|e| (e[0], e[3]))
        .collect())
}

/// Accepts a lon/lat raster in one of [`SUPPORTED_EPSG`].
fn crs(
    name: &str,
    model: Option<u16>,
    geographic: Option<u16>,
    projected: Option<u16>,
) -> Result<()> {
    let code = |c: Option<u16>| c.filter(|&c| c != USER_DEFINED);
    let refuse = |epsg: Option<u16>, what: String| {
        Error::UnsupportedCrs {
        source_name: name.to_string(),
        epsg,
        message: format!(
            "{what}; population rasters are read in lon/lat EPSG:4326 (WGS 84) or EPSG:4490 (CGCS2000): reproject it first (gdalwarp -t_srs EPSG:4326)"
        ),
    }
    };
    let is_projected = model == Some(MODEL_PROJECTED) || (model.is_none() && projected.is_some());
    if is_projected {
        return Err(refuse(
            code(projected),
            "a projected coordinate system".into(),
        ));
    }
    match (model, code(geographic)) {
        (Some(MODEL_GEOGRAPHIC) | None, Some(c)) if SUPPORTED_EPSG.contains(&c) => Ok(()),
        (Some(MODEL_GEOGRAPHIC) | None, Some(c)) => Err(refuse(
            Some(c),
            "a geographic coordinate system other than WGS 84 or CGCS2000".into(),
        )),
        (Some(MODEL_GEOGRAPHIC) | None, None) => Err(refuse(
            None,
            "a geographic coordinate system without an EPSG code (GeographicTypeGeoKey missing or user-defined)".into(),
        )),
        (Some(m), _) => Err(refuse(None, format!("model type {m} (geocentric?)"))),
    }
}

/// The grid's affine map (pixel-is-area corners) from the tags.
fn georeference<R: Read + Seek>(
    d: &mut Decoder<R>,
    name: &str,
    pixel_is_point: bool,
) -> TagResult<[f64; 6]> {
    let mut f64s = |tag: Tag| -> TagResult<Option<Vec<f64>>> {
        Ok(d.find_tag(tag)?.map(|v| v.into_f64_vec()).transpose()?)
    };
    let matrix = f64s(Tag::ModelTransformationTag)?;
    let scale = f64s(Tag::ModelPixelScaleTag)?;
    let ties = f64s(Tag::ModelTiepointTag)?;
    let fail = |m: String| TagError::Ours(Error::record(name, "georeference", m));
    let mut t = match (matrix, scale, ties) {
        (Some(m), _, _) if m.len() == 16 => [m[3], m[0], m[1], m[7], m[4], m[5]],
        (Some(m), _, _) => return Err(fail(format!("ModelTransformation has {} values, not 16", m.len()))),
        (None, Some(s), Some(tp)) if s.len() >= 2 && tp.len() == 6 => {
            let (i, j, x, y) = (tp[0], tp[1], tp[3], tp[4]);
            [x - i * s[0], s[0], 0.0, y + j * s[1], 0.0, -s[1]]
        }
        (None, Some(_), Some(tp)) if tp.len() > 6 && tp.len() % 6 == 0 => {
            return Err(fail(format!(
                "{} tie points: a grid warped by several tie points is not read; give one tie point and a pixel scale",
                tp.len() / 6
            )))
        }
        (None, Some(s), Some(tp)) => {
            return Err(fail(format!(
                "ModelPixelScale of {} values and ModelTiepoint of {}: expected 3 and 6",
                s.len(),
                tp.len()
            )))
        }
        _ => {
            return Err(fail(
                "no georeference: neither ModelPixelScale + ModelTiepoint nor ModelTransformation tags, so where the cells lie is unknown".into(),
            ))
        }
    };
    if pixel_is_point {
        // Raster coordinates then name cell centres: move to the corner.
        t[0] -= 0.5 * (t[1] + t[2]);
        t[3] -= 0.5 * (t[4] + t[5]);
    }
    let det = t[1] * t[5] - t[2] * t[4];
    if !(t.iter().all(|x| x.is_finite()) && det != 0.0) {
        return Err(fail(format!(
            "a degenerate grid (transform {t:?}): cells of no area"
        )));
    }
    Ok(t)
}

/// What [`encode`] writes besides the bands: the writer's own tags, and
/// broken ones for the tests of the reader.
pub(super) struct Tags {
    /// GeoKeyDirectory values (`None`: no tag).
    pub geo_keys: Option<Vec<u16>>,
    /// ModelPixelScale and ModelTiepoint (a north-up grid).
    pub scale_tiepoint: Option<(Vec<f64>, Vec<f64>)>,
    /// ModelTransformation (a rotated grid).
    pub matrix: Option<Vec<f64>>,
    /// GDAL_NODATA text.
    pub nodata: Option<String>,
    /// Bands one after the other (PlanarConfiguration 2), else interleaved.
    pub planar: bool,
}

impl Tags {
    /// The tags of a lon/lat WGS 84 raster, pixel-is-area.
    pub fn of(r: &PopulationRaster) -> Self {
        let t = &r.transform;
        let north_up = t[2] == 0.0 && t[4] == 0.0 && t[1] > 0.0 && t[5] < 0.0;
        Self {
            geo_keys: Some(vec![
                1,
                1,
                0,
                3, // version 1.1.0, 3 keys
                MODEL_TYPE,
                0,
                1,
                MODEL_GEOGRAPHIC,
                RASTER_TYPE,
                0,
                1,
                1, // pixel is area
                GEOGRAPHIC_TYPE,
                0,
                1,
                4326,
            ]),
            scale_tiepoint: north_up
                .then(|| (vec![t[1], -t[5], 0.0], vec![0.0, 0.0, 0.0, t[0], t[3], 0.0])),
            matrix: (!north_up).then(|| {
                vec![
                    t[1], t[2], 0.0, t[0], t[4], t[5], 0.0, t[3], 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                    0.0, 1.0,
                ]
            }),
            nodata: r.nodata.map(|x| x.to_string()),
            planar: true,
        }
    }
}

/// A GeoTIFF of the raster's values (64-bit floats, uncompressed, one strip
/// per band when planar) with `tags`.
pub(super) fn encode(r: &PopulationRaster, tags: &Tags) -> TiffResult<Vec<u8>> {
    let mut out = Cursor::new(Vec::new());
    let mut encoder = TiffEncoder::new(&mut out)?;
    let mut dir = encoder.image_directory()?;
    let samples = r.values.len();
    let (mut offsets, mut counts) = (Vec::new(), Vec::new());
    let strips: Vec<Vec<f64>> = match tags.planar {
        true => r.values.clone(),
        false => vec![(0..r.width * r.height)
            .flat_map(|k| r.values.iter().map(move |v| v[k]))
            .collect()],
    };
    for strip in &strips {
        offsets.push(dir.write_data(&strip[..])? as u32);
        counts.push((strip.len() * 8) as u32);
    }
    dir.write_tag(Tag::ImageWidth, r.width as u32)?;
    dir.write_tag(Tag::ImageLength, r.height as u32)?;
    dir.write_tag(Tag::BitsPerSample, &vec![64u16; samples][..])?;
    dir.write_tag(Tag::Compression, 1u16)?;
    dir.write_tag(Tag::PhotometricInterpretation, 1u16)?; // black is zero
    dir.write_tag(Tag::StripOffsets, &offsets[..])?;
    dir.write_tag(Tag::SamplesPerPixel, samples as u16)?;
    dir.write_tag(Tag::RowsPerStrip, r.height as u32)?;
    dir.write_tag(Tag::StripByteCounts, &counts[..])?;
    dir.write_tag(
        Tag::PlanarConfiguration,
        if tags.planar { 2u16 } else { 1u16 },
    )?;
    dir.write_tag(Tag::SampleFormat, &vec![3u16; samples][..])?; // IEEE float
    if samples > 1 {
        dir.write_tag(Tag::ExtraSamples, &vec![0u16; samples - 1][..])?;
    }
    if let Some((scale, tie)) = &tags.scale_tiepoint {
        dir.write_tag(Tag::ModelPixelScaleTag, &scale[..])?;
        dir.write_tag(Tag::ModelTiepointTag, &tie[..])?;
    }
    if let Some(m) = &tags.matrix {
        dir.write_tag(Tag::ModelTransformationTag, &m[..])?;
    }
    if let Some(keys) = &tags.geo_keys {
        dir.write_tag(Tag::GeoKeyDirectoryTag, &keys[..])?;
    }
    if let Some(nodata) = &tags.nodata {
        dir.write_tag(Tag::GdalNodata, nodata.as_str())?;
    }
    dir.finish()?;
    Ok(out.into_inner())
}

use std::io::Cursor;

use geo::{polygon, MultiPolygon};
use tiff::encoder::{colortype, TiffEncoder};
use tiff::tags::Tag;

use super::geotiff::{decode, encode, Tags};
use super::*;
use crate::demand::{allocate, AllocationRules, Building, BuildingSet, SplitRule};

use Band::{AgedSixtyPlus, Other, Population, Under6};

/// The committed test raster (`tests/data/population_raster.tif`): 9 × 14
/// cells of 0.002° × 0.001° (about 111 m square) over the Helsinki extract,
/// synthetic counts (a smooth formula, integers), population, 60+ and
/// under-6 bands, one nodata cell (row 0, column 0) and one empty cell.
fn helsinki_test_raster() -> PopulationRaster {
    let (width, height) = (9, 14);
    let mut values = vec![Vec::new(); 3];
    for row in 0..height {
        for col in 0..width {
            let (r, c) = (row as f64, col as f64);
            let mut pop = (60.0 + 45.0 * (0.7 * r).sin() * (0.9 * c).cos()).round();
            let (mut aged, mut young) = ((0.15 * pop + c).round(), (0.07 * pop).round());
            if (row, col) == (0, 0) {
                (pop, aged, young) = (-1.0, -1.0, -1.0);
            }
            if (row, col) == (13, 8) {
                (pop, aged, young) = (0.0, 0.0, 0.0);
            }
            values[0].push(pop);
            values[1].push(aged);
            values[2].push(young);
        }
    }
    PopulationRaster {
        width,
        height,
        transform: [24.935, 0.002, 0.0, 60.179, 0.0, -0.001],
        bands: vec![Population, AgedSixtyPlus, Under6],
        values,
        nodata: Some(-1.0),
    }
}

fn small() -> PopulationRaster {
    PopulationRaster {
        width: 3,
        height: 2,
        transform: [24.94, 0.001, 0.0, 60.17, 0.0, -0.001],
        bands: vec![Population, AgedSixtyPlus],
        values: vec![
            vec![10.0, 0.0, 30.0, 40.0, -9.0, 60.0],
            vec![1.0, 0.0, 3.0, 4.0, -9.0, 6.0],
        ],
        nodata: Some(-9.0),
    }
}

fn read_bytes(bytes: Vec<u8>, bands: &[Band]) -> Result<PopulationRaster> {
    let r = decode(Cursor::new(bytes), bands, "grid.tif")?;
    r.check("grid.tif")?;
    Ok(r)
}

fn round_trip(r: &PopulationRaster, tags: &Tags) -> Result<PopulationRaster> {
    read_bytes(encode(r, tags).unwrap(), &r.bands)
}

fn message(e: Error) -> String {
    e.to_string()
}

#[test]
fn the_committed_raster_is_the_generators() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/population_raster.tif"
    );
    let r = helsinki_test_raster();
    if std::env::var_os("LIFECIRCLE_WRITE_FIXTURES").is_some() {
        r.write_geotiff(path).unwrap();
    }
    let back = read_population_raster(path, &r.bands).unwrap();
    assert_eq!(back, r);
    let cells = back.cells();
    assert_eq!(
        cells.len(),
        9 * 14 - 2,
        "nodata and the empty cell are left out"
    );
    let total: f64 = cells.iter().map(|c| c.population).sum();
    let expected: f64 = r.values[0].iter().filter(|&&v| v > 0.0).sum();
    assert_eq!(total, expected);
}

#[test]
fn planar_and_interleaved_bands_read_the_same() {
    let r = small();
    let planar = round_trip(&r, &Tags::of(&r)).unwrap();
    let chunky = round_trip(
        &r,
        &Tags {
            planar: false,
            ..Tags::of(&r)
        },
    )
    .unwrap();
    assert_eq!(planar, r);
    assert_eq!(chunky, r);
    let cells = planar.cells();
    let ids: Vec<String> = cells.iter().map(|c| c.id()).collect();
    assert_eq!(ids, ["r0c0", "r0c2", "r1c0", "r1c2"]);
    assert_eq!(cells[3].aged_60_plus, Some(6.0));
    assert_eq!(cells[3].under_6, None);
}

/// WorldPop's layout: one float32 band, LZW, nodata -99999, written by the
/// `tiff` crate's own image encoder.
#[test]
fn a_compressed_float32_band_with_nodata_is_read() {
    let mut out = Cursor::new(Vec::new());
    {
        let mut enc = TiffEncoder::new(&mut out)
            .unwrap()
            .with_compression(tiff::encoder::Compression::Lzw);
        let mut image = enc.new_image::<colortype::Gray32Float>(2, 2).unwrap();
        let dir = image.encoder();
        let keys: Vec<u16> = vec![1, 1, 0, 2, 1024, 0, 1, 2, 2048, 0, 1, 4326];
        dir.write_tag(Tag::GeoKeyDirectoryTag, &keys[..]).unwrap();
        dir.write_tag(Tag::ModelPixelScaleTag, &[0.01f64, 0.01, 0.0][..])
            .unwrap();
        dir.write_tag(
            Tag::ModelTiepointTag,
            &[0.0f64, 0.0, 0.0, 111.0, 35.02, 0.0][..],
        )
        .unwrap();
        dir.write_tag(Tag::GdalNodata, "-99999").unwrap();
        image.write_data(&[12.5f32, -99999.0, 0.25, 7.0]).unwrap();
    }
    let r = read_bytes(out.into_inner(), &[Population]).unwrap();
    let points = r.demand_points(Crs::Wgs84);
    let got: Vec<(&str, f64)> = points
        .iter()
        .map(|p| (p.id.as_str(), p.population))
        .collect();
    assert_eq!(got, [("r0c0", 12.5), ("r1c0", 0.25), ("r1c1", 7.0)]);
    assert!((points[2].lon - 111.015).abs() < 1e-12);
    assert!((points[2].lat - 35.005).abs() < 1e-12);
    assert_eq!(points[0].aged_60_plus, None);
}

#[test]
fn pixel_is_point_and_a_rotated_grid_place_the_cells() {
    let r = small();
    let mut tags = Tags::of(&r);
    // Pixel-is-point: the tie point names the first cell's centre.
    tags.geo_keys = Some(vec![
        1, 1, 0, 3, 1024, 0, 1, 2, 1025, 0, 1, 2, 2048, 0, 1, 4326,
    ]);
    tags.scale_tiepoint = Some((
        vec![0.001, 0.001, 0.0],
        vec![0.0, 0.0, 0.0, 24.9405, 60.1695, 0.0],
    ));
    let back = round_trip(&r, &tags).unwrap();
    for (a, b) in back.transform.iter().zip(&r.transform) {
        assert!(
            (a - b).abs() < 1e-12,
            "{:?} vs {:?}",
            back.transform,
            r.transform
        );
    }
    // A grid turned by 90°: columns run south, rows run east.
    let turned = PopulationRaster {
        transform: [24.94, 0.0, 0.001, 60.17, -0.001, 0.0],
        ..small()
    };
    let back = round_trip(&turned, &Tags::of(&turned)).unwrap();
    assert_eq!(back.transform, turned.transform);
    let p = &back.demand_points(Crs::Wgs84)[1]; // r0c2
    assert!((p.lon - 24.9405).abs() < 1e-12 && (p.lat - 60.1675).abs() < 1e-12);
}

#[test]
fn cells_split_onto_buildings_like_zones() {
    let r = small();
    let zones = r.zones(Crs::Wgs84);
    assert_eq!(zones.len(), 4);
    let home = |id: &str, x: f64, y: f64, levels: f64| Building {
        id: id.into(),
        footprint: MultiPolygon(vec![polygon![
            (x: x, y: y), (x: x + 0.0001, y: y), (x: x + 0.0001, y: y + 0.0001), (x: x, y: y + 0.0001)
        ]]),
        kind: "apartments".into(),
        levels: Some(levels),
    };
    // Two homes in cell r0c0 (one of 3 levels), none elsewhere.
    let set = BuildingSet {
        buildings: vec![
            home("a", 24.9402, 60.1692, 1.0),
            home("b", 24.9405, 60.1695, 3.0),
        ],
        ..Default::default()
    };
    let split = allocate(&zones, &set, None, &AllocationRules::default()).unwrap();
    let rules: Vec<(&str, SplitRule)> = split
        .zones
        .iter()
        .map(|z| (z.zone.as_str(), z.rule))
        .collect();
    assert_eq!(
        rules,
        [
            ("r0c0", SplitRule::FloorArea),
            ("r0c2", SplitRule::Centroid),
            ("r1c0", SplitRule::Centroid),
            ("r1c2", SplitRule::Centroid),
        ]
    );
    let a = &split.points[0];
    // A quarter of the cell's 10 (b has 3 times a's floor area, to the
    // footprints' 1e-5 difference in geodesic area between their latitudes).
    assert!((a.population - 2.5).abs() < 1e-3, "{}", a.population);
    assert!((a.aged_60_plus.unwrap() / a.population - 0.1).abs() < 1e-12);
    let total: f64 = split.points.iter().map(|p| p.population).sum();
    assert!((total - 140.0).abs() < 1e-9);
}

#[test]
fn age_group_bands_without_a_total_add_up() {
    let r = PopulationRaster {
        bands: vec![Under6, Other, AgedSixtyPlus, AgedSixtyPlus],
        values: vec![
            vec![1.0, 0.0, 1.0, 1.0, 0.0, 1.0],
            vec![5.0, 0.0, 5.0, 5.0, 0.0, 5.0],
            vec![2.0, 0.0, 2.0, 2.0, 0.0, 2.0],
            vec![3.0, 0.0, 3.0, 3.0, 0.0, 3.0],
        ],
        nodata: None,
        ..small()
    };
    let back = round_trip(&r, &Tags::of(&r)).unwrap();
    let c = back.cells()[0];
    assert_eq!(
        (c.population, c.aged_60_plus, c.under_6),
        (11.0, Some(5.0), Some(1.0))
    );
}

#[test]
fn bad_rasters_are_refused_naming_the_band_or_cell() {
    let r = small();
    let with = |f: &dyn Fn(&mut Tags)| {
        let mut t = Tags::of(&r);
        f(&mut t);
        round_trip(&r, &t).map(|_| ()).map_err(message)
    };
    let e = with(&|t| t.scale_tiepoint = None).unwrap_err();
    assert!(e.contains("record georeference: no georeference"), "{e}");
    let e = with(&|t| t.geo_keys = None).unwrap_err();
    assert!(e.contains("record GeoKeyDirectory"), "{e}");
    // UTM zone 50N, where Yuncheng's neighbours are mapped.
    let utm = encode(
        &r,
        &Tags {
            geo_keys: Some(vec![1, 1, 0, 2, 1024, 0, 1, 1, 3072, 0, 1, 32650]),
            ..Tags::of(&r)
        },
    )
    .unwrap();
    match read_bytes(utm, &r.bands) {
        Err(Error::UnsupportedCrs { epsg, message, .. }) => {
            assert_eq!(epsg, Some(32650));
            assert!(message.contains("projected"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let e = with(&|t| t.geo_keys = Some(vec![1, 1, 0, 2, 1024, 0, 1, 2, 2048, 0, 1, 4269]))
        .unwrap_err();
    assert!(e.contains("EPSG:4269"), "{e}");
    let e = read_bytes(encode(&r, &Tags::of(&r)).unwrap(), &[Population]).unwrap_err();
    assert!(message(e).contains("record bands: the file has 2 band(s), 1 declared (population)"));

    let bad = |f: &dyn Fn(&mut PopulationRaster)| {
        let mut r = small();
        f(&mut r);
        round_trip(&r, &Tags::of(&r)).map(|_| ()).map_err(message)
    };
    let e = bad(&|r| r.values[1][2] = -3.0).unwrap_err();
    assert!(
        e.contains("record band 2 (aged_60_plus), cell r0c2: -3 residents"),
        "{e}"
    );
    let e = bad(&|r| r.values[0][3] = f64::NAN).unwrap_err();
    assert!(
        e.contains("record band 1 (population), cell r1c0: NaN"),
        "{e}"
    );
    let e = bad(&|r| r.values[1][5] = 61.0).unwrap_err();
    assert!(
        e.contains("record cell r1c2: its age groups (population, aged_60_plus) add up to 61, above its population 60"),
        "{e}"
    );
    // A NaN nodata value marks NaN cells as missing, not as bad.
    let fine = bad(&|r| {
        r.nodata = Some(f64::NAN);
        r.values[0][4] = f64::NAN;
        r.values[1][4] = f64::NAN;
    });
    assert_eq!(fine, Ok(()));
    let e = bad(&|r| r.transform = [500000.0, 100.0, 0.0, 3900000.0, 0.0, -100.0]).unwrap_err();
    assert!(e.contains("record georeference: the grid's corner"), "{e}");
    let e = read_bytes(b"not a tiff".to_vec(), &[Population]).unwrap_err();
    assert!(message(e).contains("record file: not a readable TIFF"));
    let e = read_population_raster("x.tif", &[Population, Population]).unwrap_err();
    assert!(matches!(e, Error::InvalidParameter { .. }), "{e}");
}

#[test]
fn from_points_sums_residents_into_cells() {
    let mut p = DemandPoint::new("a", 24.9405, 60.1695, 10.0);
    p.aged_60_plus = Some(2.0);
    let mut q = DemandPoint::new("b", 24.9406, 60.1696, 5.0);
    q.aged_60_plus = Some(1.0);
    let mut far = DemandPoint::new("c", 25.5, 60.1695, 5.0);
    far.aged_60_plus = Some(1.0);
    let r = PopulationRaster::from_points(&[p, q, far], (24.94, 60.17), (0.001, 0.001), (3, 2));
    assert_eq!(r.bands, [Population, AgedSixtyPlus]);
    assert_eq!(r.values[0], [15.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    assert_eq!(r.values[1], [3.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
}

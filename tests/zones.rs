//! Zones from polygons and China's map coordinates, end to end through a
//! scenario: residents in GCJ-02, zones in BD-09, facilities in GCJ-02, on a
//! WGS 84 street grid in Yuncheng. Without the conversion every input would
//! sit some 500 m off the streets.

use std::path::Path;

use lifecircle::demand::Crs;
use lifecircle::scenario::Scenario;

const LON: f64 = 111.0;
const LAT: f64 = 35.0;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// A WGS 84 rectangle's corners in `crs`, as a GeoJSON polygon ring.
fn ring(crs: Crs, (x0, y0): (f64, f64), (x1, y1): (f64, f64)) -> String {
    let corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)];
    let positions: Vec<String> = corners
        .iter()
        .map(|&(x, y)| {
            let (x, y) = crs.from_wgs84(x, y);
            format!("[{x}, {y}]")
        })
        .collect();
    format!("[[{}]]", positions.join(", "))
}

fn scenario(dir: &Path, extra: &str) -> std::path::PathBuf {
    let (mut nodes, mut edges) = (
        String::from("id,lon,lat\n"),
        String::from("source,target\n"),
    );
    for row in 0..3 {
        for col in 0..3 {
            let id = 3 * row + col + 1;
            let (lon, lat) = (LON + 0.001 * col as f64, LAT + 0.0005 * row as f64);
            nodes += &format!("{id},{lon},{lat}\n");
            if col < 2 {
                edges += &format!("{id},{}\n", id + 1);
            }
            if row < 2 {
                edges += &format!("{id},{}\n", id + 3);
            }
        }
    }
    write(dir, "nodes.csv", &nodes);
    write(dir, "edges.csv", &edges);
    let mut pop = String::from("id,population,lon,lat\n");
    for (id, lon, lat) in [
        ("west", LON + 0.0002, LAT + 0.0002),
        ("east", LON + 0.0018, LAT + 0.0008),
        ("between", LON + 0.0010, LAT + 0.0009),
    ] {
        let (lon, lat) = Crs::Gcj02.from_wgs84(lon, lat);
        pop += &format!("{id},100,{lon},{lat}\n");
    }
    write(dir, "pop.csv", &pop);
    let zone = |id: &str, x0: f64, x1: f64| {
        format!(
            r#"{{"type": "Feature", "geometry": {{"type": "Polygon", "coordinates": {}}}, "properties": {{"id": "{id}", "population": 100}}}}"#,
            ring(Crs::Bd09, (x0, LAT - 0.001), (x1, LAT + 0.0021))
        )
    };
    write(
        dir,
        "zones.geojson",
        &format!(
            r#"{{"type": "FeatureCollection", "features": [{}, {}]}}"#,
            zone("W", LON - 0.001, LON + 0.0008),
            zone("E", LON + 0.0012, LON + 0.003)
        ),
    );
    let (lon, lat) = Crs::Gcj02.from_wgs84(LON + 0.001, LAT + 0.0005);
    write(
        dir,
        "facilities.csv",
        &format!("id,service,lon,lat\nph,pharmacy,{lon},{lat}\n"),
    );
    let path = dir.join("s.toml");
    write(
        dir,
        "s.toml",
        &format!(
            "network = {{ nodes = \"nodes.csv\", edges = \"edges.csv\" }}\npopulation = \"pop.csv\"\nfacilities = \"facilities.csv\"\ngap_services = [\"pharmacy\"]\n{extra}\n"
        ),
    );
    path
}

#[test]
fn converted_inputs_land_on_the_streets_and_zones_come_from_polygons() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario(
        dir.path(),
        "population_crs = \"gcj02\"\nzones = \"zones.geojson\"\nzones_crs = \"bd09\"\nfacilities_crs = \"gcj02\"",
    );
    let run = Scenario::from_file(&path).unwrap().gaps().unwrap();
    let d = &run.report.demand;
    assert_eq!((d.points, d.on_network, d.zones), (3, 3, 3));
    assert_eq!(
        d.outside_zones.as_deref(),
        Some(&["between".to_string()][..])
    );
    assert_eq!(d.ambiguous_zones, Some(0));
    let zones: Vec<&str> = run
        .geometry
        .demand_points
        .iter()
        .map(|p| p.zone.as_str())
        .collect();
    assert_eq!(zones, ["W", "E", "between"]);
    // Back in WGS 84 to within a centimetre.
    let west = &run.geometry.demand_points[0];
    assert!((west.lon - (LON + 0.0002)).abs() < 1e-7 && (west.lat - (LAT + 0.0002)).abs() < 1e-7);
    // The pharmacy sits on the middle node: every point is within 200 m.
    for near in &run.geometry.nearest_m["pharmacy"] {
        assert!(near.is_some_and(|m| m < 200.0), "{near:?}");
    }
    let text = lifecircle::report::gaps_text(&run.report);
    assert!(
        text.contains("Zones file: 1 demand points in no zone polygon, each planned as its own zone (between)"),
        "{text}"
    );
}

#[test]
fn without_the_crs_keys_the_shifted_inputs_are_off_the_network() {
    let dir = tempfile::tempdir().unwrap();
    let e = Scenario::from_file(scenario(dir.path(), ""))
        .unwrap()
        .gaps()
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("pop.csv") && e.contains("none of its 3 demand points"),
        "{e}"
    );
}

#[test]
fn an_unknown_crs_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let e = Scenario::from_file(scenario(dir.path(), "zones_crs = \"wgs-84\""))
        .unwrap_err()
        .to_string();
    assert!(e.contains("s.toml") && e.contains("wgs-84"), "{e}");
}

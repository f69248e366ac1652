//! What a gap analysis hands its maps, on the Helsinki demo: each category's
//! existing facilities (drawn as markers) and its isochrones at the pace of
//! whom the category serves.

use lifecircle::coverage::Pace;
use lifecircle::scenario::Scenario;

#[test]
fn gap_maps_get_the_facilities_and_each_service_its_residents_pace() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/helsinki/centroids.toml");
    let run = Scenario::from_file(&path).unwrap().gaps().unwrap();
    let g = &run.geometry;
    for t in &run.report.gaps.totals {
        let drawn = g.facilities.get(&t.category).map_or(0, Vec::len);
        assert_eq!(drawn, t.facilities, "{}", t.category);
    }
    let speeds = run.report.gaps.speeds;
    let iso = |key: &str| g.isochrones.iter().find(|i| i.service == key).unwrap();
    // The elderly canteen serves the 60+ alone; a pharmacy serves everyone.
    let canteen = iso("elderly_canteen");
    assert_eq!(canteen.pace, Pace::Aged60Plus);
    assert_eq!(canteen.speed_m_s, speeds.elderly_m_s);
    let pharmacy = iso("pharmacy");
    assert_eq!(pharmacy.pace, Pace::Adult);
    assert_eq!(pharmacy.speed_m_s, speeds.adult_m_s);
    assert!(!pharmacy.existing.is_empty());
}

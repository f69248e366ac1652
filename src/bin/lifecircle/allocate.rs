//! `lifecircle allocate`: a scenario's population polygons split onto its
//! buildings, the rule each zone used, and the demand points as CSV.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use lifecircle::demand::{Allocation, SplitRule};
use lifecircle::scenario::Scenario;

pub(crate) fn allocate(
    scenario: &Path,
    csv: Option<PathBuf>,
    json: bool,
) -> lifecircle::Result<ExitCode> {
    let s = Scenario::from_file(scenario)?;
    let (network, _, _) = s.read_network()?;
    let a = s.allocation(Some(&network))?;
    if json {
        let text = serde_json::to_string(&a).expect("an allocation serialises");
        outln!("{text}")?;
    } else {
        summary(&a)?;
    }
    if let Some(path) = csv {
        write_csv(&path, &a)?;
        if !json {
            outln!("Wrote {}", path.display())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn summary(a: &Allocation) -> lifecircle::Result<()> {
    let residents: f64 = a.points.iter().map(|p| p.population).sum();
    outln!(
        "{} demand points for {:.0} residents in {} zones",
        a.points.len(),
        residents,
        a.zones.len()
    )?;
    for rule in [
        SplitRule::FloorArea,
        SplitRule::StreetLength,
        SplitRule::Centroid,
        SplitRule::NoResidents,
    ] {
        let zones: Vec<_> = a.zones.iter().filter(|z| z.rule == rule).collect();
        if zones.is_empty() {
            continue;
        }
        let points: usize = zones.iter().map(|z| z.count).sum();
        let people: f64 = zones
            .iter()
            .flat_map(|z| &a.points[z.first..z.first + z.count])
            .map(|p| p.population)
            .sum();
        outln!(
            "  {:<14} {:>5} zones, {:>6} points, {:>10.0} residents",
            rule.name(),
            zones.len(),
            points,
            people
        )?;
    }
    outln!(
        "Buildings: {} not homes by the rules, {} homes in no zone, {} homes in two zones (given to the lowest id){}",
        a.not_homes,
        a.outside,
        a.ambiguous.len(),
        match a.ambiguous.len() {
            0 => String::new(),
            _ => format!(": {}", a.ambiguous.join(", ")),
        }
    )
}

/// `id,zone,rule,population,aged_60_plus,under_6,lon,lat`: a residents table
/// a scenario's `population` can read.
fn write_csv(path: &Path, a: &Allocation) -> lifecircle::Result<()> {
    let io = |e: std::io::Error| lifecircle::Error::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let mut w = csv::Writer::from_path(path).map_err(|e| io(e.into()))?;
    let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    w.write_record([
        "id",
        "zone",
        "rule",
        "population",
        "aged_60_plus",
        "under_6",
        "lon",
        "lat",
    ])
    .map_err(|e| io(e.into()))?;
    for (p, rule) in a.points.iter().zip(a.point_rules()) {
        w.write_record([
            p.id.clone(),
            p.zone().to_string(),
            rule.name().to_string(),
            p.population.to_string(),
            num(p.aged_60_plus),
            num(p.under_6),
            format!("{:.7}", p.lon),
            format!("{:.7}", p.lat),
        ])
        .map_err(|e| io(e.into()))?;
    }
    w.flush().map_err(io)
}

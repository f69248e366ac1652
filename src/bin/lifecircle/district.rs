//! `lifecircle generate-district`: a synthetic district written as scenario files.

use std::path::PathBuf;
use std::process::ExitCode;

/// Defaults (None) are those of `lifecircle::district::DistrictParams::new`.
#[derive(clap::Args)]
pub(crate) struct DistrictArgs {
    /// Residents in total (default: Yanhu district's 928,334).
    #[arg(long, allow_negative_numbers = true, default_value_t = lifecircle::district::YANHU_RESIDENTS)]
    residents: i64,
    /// Share aged 60+ (default 0.1471).
    #[arg(long, allow_negative_numbers = true)]
    aging_ratio: Option<f64>,
    /// Share under 6 (default 0.072).
    #[arg(long, allow_negative_numbers = true)]
    under_6_ratio: Option<f64>,
    /// Communities (default: one per 12,215 residents).
    #[arg(long)]
    communities: Option<usize>,
    /// Seed of the random generator (default 2020).
    #[arg(long)]
    seed: Option<u64>,
    /// Folder to write the tables and scenario.toml into.
    #[arg(long)]
    out: PathBuf,
    /// Mean block side in metres (default 200).
    #[arg(long, allow_negative_numbers = true)]
    block_m: Option<f64>,
    /// Residents per km² of built-up area (default 15000).
    #[arg(long, allow_negative_numbers = true)]
    density: Option<f64>,
    /// Metres between nodes along streets and footpaths (default 25; smaller: a denser graph).
    #[arg(long, allow_negative_numbers = true)]
    node_spacing_m: Option<f64>,
    /// Inner footpaths per block (default 2).
    #[arg(long)]
    lanes: Option<usize>,
    /// Mean residents per building, i.e. per demand point (default 150).
    #[arg(long, allow_negative_numbers = true)]
    residents_per_building: Option<f64>,
    /// Candidate sites (default: one per 100 residents).
    #[arg(long)]
    candidates: Option<usize>,
    /// Also write the communities as polygons with their counts (communities.geojson), building
    /// footprints without residents (buildings.geojson) and polygons.toml, which splits the first
    /// onto the second before planning.
    #[arg(long)]
    polygons: bool,
    /// Allow a district beyond 2,000,000 nodes or 200 MB of tables (up to ten times that).
    #[arg(long)]
    allow_large: bool,
}

pub(crate) fn generate_district(args: DistrictArgs) -> lifecircle::Result<ExitCode> {
    use lifecircle::district::{District, DistrictParams};
    let mut p = DistrictParams::new(args.residents);
    p.aging_ratio = args.aging_ratio.unwrap_or(p.aging_ratio);
    p.under_6_ratio = args.under_6_ratio.unwrap_or(p.under_6_ratio);
    p.communities = args.communities.unwrap_or(p.communities);
    p.seed = args.seed.unwrap_or(p.seed);
    p.block_m = args.block_m.unwrap_or(p.block_m);
    p.density_per_km2 = args.density.unwrap_or(p.density_per_km2);
    p.node_spacing_m = args.node_spacing_m.unwrap_or(p.node_spacing_m);
    p.lanes = args.lanes.unwrap_or(p.lanes);
    p.residents_per_building = args
        .residents_per_building
        .unwrap_or(p.residents_per_building);
    p.candidate_sites = args.candidates.or(p.candidate_sites);
    p.allow_large = args.allow_large;
    let district = District::generate(&p)?;
    let scenario = district.write(&args.out)?;
    let polygons = match args.polygons {
        true => Some(district.write_polygons(&args.out)?),
        false => None,
    };
    let s = district.summary();
    outln!(
        "Synthetic district (seed {}): {} nodes, {} edges, {} blocks",
        p.seed,
        s.nodes,
        s.edges,
        s.blocks
    )?;
    outln!(
        "Residents: {} ({} aged 60+, {} under 6) in {} buildings, {} communities",
        s.residents,
        s.aged_60_plus,
        s.under_6,
        s.buildings,
        s.communities
    )?;
    outln!(
        "Existing facilities: {}; candidate sites: {}",
        s.facilities,
        s.candidates
    )?;
    outln!(
        "Wrote nodes.csv, edges.csv, population.csv, facilities.csv, candidates.csv and {}",
        scenario.display()
    )?;
    if let Some(path) = polygons {
        outln!(
            "Wrote communities.geojson, buildings.geojson and {}",
            path.display()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

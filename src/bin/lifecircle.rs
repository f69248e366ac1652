//! The `lifecircle` command line: a thin adapter over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lifecircle::report::{plan_geojson, plan_text};
use lifecircle::scenario::Scenario;

#[derive(Parser)]
#[command(
    name = "lifecircle",
    version,
    about = "Site daily services so every resident reaches them on foot"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the bundled Helsinki scenario (real OSM streets and population grid).
    Demo {
        #[command(flatten)]
        out: Output,
        /// Override the number of new sites.
        #[arg(long)]
        new_sites: Option<usize>,
        /// Override the service to site (a key of the service catalogue).
        #[arg(long)]
        service: Option<String>,
    },
    /// Run a scenario file (TOML or JSON; format in the `scenario` module docs).
    Plan {
        /// The scenario file.
        scenario: PathBuf,
        #[command(flatten)]
        out: Output,
    },
}

#[derive(clap::Args)]
struct Output {
    /// Print one JSON object instead of tables.
    #[arg(long)]
    json: bool,
    /// Where to write the plan as GeoJSON.
    #[arg(long, default_value = "lifecircle-plan.geojson")]
    geojson: PathBuf,
}

fn demo_scenario() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/helsinki/demo.toml")
}

fn run(cli: Cli) -> lifecircle::Result<()> {
    let (scenario, out) = match cli.command {
        Command::Demo {
            out,
            new_sites,
            service,
        } => {
            let mut s = Scenario::from_file(demo_scenario())?;
            s.new_sites = new_sites.unwrap_or(s.new_sites);
            s.service = service.unwrap_or(s.service);
            (s, out)
        }
        Command::Plan { scenario, out } => (Scenario::from_file(scenario)?, out),
    };
    let report = scenario.run()?;
    let geojson = serde_json::to_string(&plan_geojson(&report)).expect("GeoJSON values serialise");
    std::fs::write(&out.geojson, geojson).map_err(|e| lifecircle::Error::Io {
        path: out.geojson.clone(),
        source: e,
    })?;
    if out.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("reports serialise")
        );
    } else {
        print!("{}", plan_text(&report));
        println!("Plan written to {}", out.geojson.display());
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

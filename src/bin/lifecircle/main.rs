//! The `lifecircle` command line: a thin adapter over the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lifecircle::map::{fit_style, plan_html, plan_png, plan_svgs, MapStyle};
use lifecircle::outcome::{PlanReport, Run};
use lifecircle::report::{
    gaps_csv, gaps_geojson, gaps_text, move_positions, plan_geojson, plan_text,
};
use lifecircle::scenario::Scenario;
use lifecircle::solve::interrupt::GRACE;

/// `print!` through [`emit`]: a full disk or `/dev/full` is an error, not a panic.
macro_rules! out {
    ($($arg:tt)*) => { crate::emit(format_args!($($arg)*)) };
}

/// `println!` through [`emit`].
macro_rules! outln {
    ($($arg:tt)*) => { crate::emit(format_args!("{}\n", format_args!($($arg)*))) };
}

/// The one path to standard output. A closed pipe ends the process by SIGPIPE
/// (see `main`); any other write error becomes [`lifecircle::Error::Io`].
fn emit(text: std::fmt::Arguments) -> lifecircle::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_fmt(text)
        .and_then(|()| stdout.flush())
        .map_err(stdout_failed)
}

fn stdout_failed(source: std::io::Error) -> lifecircle::Error {
    lifecircle::Error::Io {
        path: "standard output".into(),
        source,
    }
}

/// Prints an error on standard error, which may itself be full or closed:
/// there is nowhere left to report that, so the exit code alone tells.
fn report_error(e: &dyn std::fmt::Display) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "error: {e}");
}

mod allocate;
mod district;
mod solve;

use district::{generate_district, DistrictArgs};
use solve::{solve, SolveArgs};

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
    /// Current coverage, gaps per zone and category, and completeness ratings (查缺补漏).
    #[command(group(clap::ArgGroup::new("which").required(true).args(["scenario", "demo"])))]
    Gaps {
        /// The scenario file (its `[plan]`, if any, is not used).
        scenario: Option<PathBuf>,
        /// Use the bundled Helsinki scenario.
        #[arg(long)]
        demo: bool,
        /// Print one JSON object (rows: zone x category; totals; zones) instead of tables.
        #[arg(long)]
        json: bool,
        /// Also write the zone x category rows, then the whole area's `(all)` rows, as CSV.
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Also write the demand points with their nearest-facility distances as GeoJSON.
        #[arg(long)]
        geojson: Option<PathBuf>,
        /// Also write DIR/report.html (created if missing): the community map
        /// (zones by stars, what each lacks) and the tables, one offline page;
        /// and the community map as DIR/community.svg and DIR/community.png.
        #[arg(long, value_name = "DIR")]
        map: Option<PathBuf>,
    },
    /// Accessibility per zone: 2SFCA, E2SFCA, Gaussian 2SFCA, 3SFCA, gravity, cumulative, nearest N.
    Access {
        /// The scenario file (its `[plan]`, if any, is not used; the gap services are analysed).
        scenario: PathBuf,
        /// Residents whose 2SFCA (supply per resident) is below this are underserved
        /// (default: each service's area-wide ratio).
        #[arg(long)]
        threshold: Option<f64>,
        /// Print one JSON object instead of tables.
        #[arg(long)]
        json: bool,
        /// Also write one row per service and zone as CSV.
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Also write every demand point's indices, one feature per point and service, as GeoJSON.
        #[arg(long)]
        geojson: Option<PathBuf>,
    },
    /// Solve every variant of a scenario file (`[[variant]]`, `[grid]`) and compare them side by side.
    Compare {
        /// The scenario file with its variants.
        scenario: PathBuf,
        /// Folder for comparison.csv, report.html (tables and maps) and one GeoJSON plan per variant.
        #[arg(long, default_value = "lifecircle-compare")]
        out: PathBuf,
        /// Print one JSON object (rows and every variant's report) instead of the table.
        #[arg(long)]
        json: bool,
        /// Run up to this many variants (default: the file's `max_variants`, else 1000).
        #[arg(long)]
        max_variants: Option<usize>,
    },
    /// Run a scenario file (TOML or JSON; format in the `scenario` module docs).
    Plan {
        /// The scenario file.
        scenario: PathBuf,
        #[command(flatten)]
        out: Output,
    },
    /// Split a scenario's population polygons onto its buildings (the `[allocate]` table) and
    /// say which rule each zone used: floor area, street length or centroid.
    Allocate {
        /// The scenario file.
        scenario: PathBuf,
        /// Also write the demand points (id, zone, rule, population, ages, lon, lat) as CSV.
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Print the allocation as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Solve a siting model on plain data (an OR-Library file or a cost matrix).
    Solve(SolveArgs),
    /// Generate a synthetic district (streets, buildings, shops, candidate sites) and its scenario.
    GenerateDistrict(DistrictArgs),
}

#[derive(clap::Args)]
struct Output {
    /// Print one JSON object instead of tables.
    #[arg(long)]
    json: bool,
    /// Where to write the plan as GeoJSON.
    #[arg(long, default_value = "lifecircle-plan.geojson")]
    geojson: PathBuf,
    /// Also say whether other plans are as good, and list up to K of them
    /// with the new sites they all share (the scenario's `[plan] alternatives`).
    #[arg(long, value_name = "K")]
    alternatives: Option<usize>,
    /// Also write maps into this folder (created if missing): <service>.svg and
    /// <service>.png per planned service, and report.html with tables and maps.
    #[arg(long, value_name = "DIR")]
    map: Option<PathBuf>,
}

fn demo_scenario() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/helsinki/demo.toml")
}

fn run(cli: Cli) -> lifecircle::Result<ExitCode> {
    let (name, scenario, out) = match cli.command {
        Command::Solve(args) => return solve(args),
        Command::Allocate {
            scenario,
            csv,
            json,
        } => return allocate::allocate(&scenario, csv, json),
        Command::GenerateDistrict(args) => return generate_district(args),
        Command::Demo {
            out,
            new_sites,
            service,
        } => {
            let mut s = Scenario::from_file(demo_scenario())?;
            if new_sites.is_some() || service.is_some() {
                let plan = s.plan.as_mut().expect("the demo scenario has a plan");
                let (key, count) = plan
                    .new_sites
                    .pop_first()
                    .expect("the demo plan sites one service");
                plan.new_sites
                    .insert(service.unwrap_or(key), new_sites.unwrap_or(count));
            }
            ("demo".to_string(), s, out)
        }
        Command::Gaps {
            scenario,
            demo: _,
            json,
            csv,
            geojson,
            map,
        } => {
            let path = scenario.unwrap_or_else(demo_scenario);
            let s = Scenario::from_file(&path)?;
            return gaps(&s, &stem(&path), json, csv, geojson, map);
        }
        Command::Access {
            scenario,
            threshold,
            json,
            csv,
            geojson,
        } => {
            return access(
                &Scenario::from_file(scenario)?,
                threshold,
                json,
                csv,
                geojson,
            )
        }
        Command::Compare {
            scenario,
            out,
            json,
            max_variants,
        } => return compare(&scenario, &out, json, max_variants),
        Command::Plan { scenario, out } => {
            let name = stem(&scenario);
            (name, Scenario::from_file(scenario)?, out)
        }
    };
    let mut scenario = scenario;
    if let (Some(k), Some(plan)) = (out.alternatives, scenario.plan.as_mut()) {
        plan.alternatives = Some(k);
    }
    // A district-size plan takes a minute; the spinner draws only on a terminal.
    let spinner = indicatif::ProgressBar::new_spinner().with_message("planning");
    spinner.enable_steady_tick(std::time::Duration::from_millis(200));
    let plan = scenario.run();
    spinner.finish_and_clear();
    let plan = plan?;
    write(
        &out.geojson,
        geojson_text(plan_geojson(&plan), scenario.output_crs),
    )?;
    if let Some(dir) = &out.map {
        maps(dir, name, &plan)?;
    }
    if out.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&plan.report).expect("reports serialise")
        )?;
    } else {
        out!("{}", plan_text(&plan.report))?;
        outln!("Plan written to {}", out.geojson.display())?;
        if let Some(dir) = &out.map {
            outln!("Maps written to {}", dir.join("report.html").display())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `DIR/<service>.svg`, `DIR/<service>.png` and `DIR/report.html`.
fn maps(dir: &Path, name: String, plan: &Run<PlanReport>) -> lifecircle::Result<()> {
    let style = fit_style(plan, &MapStyle::default())?;
    create_dir(dir)?;
    let svgs = plan_svgs(plan, &style)?;
    for (service, svg) in plan.report.services.iter().zip(&svgs) {
        // Keys come from catalogue files: keep them from naming paths outside DIR.
        let stem: String = service
            .service
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        write(&dir.join(format!("{stem}.svg")), svg)?;
        write(
            &dir.join(format!("{stem}.png")),
            plan_png(plan, &service.service, &style)?,
        )?;
    }
    write(&dir.join("report.html"), plan_html(&[(name, plan)]))
}

/// A scenario's name for a report title: its file name without the extension.
fn stem(path: &Path) -> String {
    path.file_stem().map_or_else(
        || path.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}

fn create_dir(dir: &Path) -> lifecircle::Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| lifecircle::Error::Io {
        path: dir.to_path_buf(),
        source: e,
    })
}

fn write(path: &Path, contents: impl AsRef<[u8]>) -> lifecircle::Result<()> {
    std::fs::write(path, contents).map_err(|e| lifecircle::Error::Io {
        path: path.to_path_buf(),
        source: e,
    })
}

/// A GeoJSON output as text, in the scenario's `output_crs` (WGS 84 if none).
fn geojson_text(mut geojson: serde_json::Value, crs: Option<lifecircle::demand::Crs>) -> String {
    if let Some(crs) = crs.filter(|c| !c.is_wgs84()) {
        move_positions(&mut geojson, &|lon, lat| crs.from_wgs84(lon, lat));
    }
    geojson.to_string()
}

fn gaps(
    scenario: &Scenario,
    name: &str,
    json: bool,
    csv: Option<PathBuf>,
    geojson: Option<PathBuf>,
    map: Option<PathBuf>,
) -> lifecircle::Result<ExitCode> {
    use lifecircle::map::{fit_gaps_style, gaps_html, gaps_png, gaps_svg};
    let gaps = scenario.gaps()?;
    let in_dir = |file: &str| map.as_ref().map(|dir| dir.join(file));
    let (page, svg, png) = (
        in_dir("report.html"),
        in_dir("community.svg"),
        in_dir("community.png"),
    );
    if let Some(dir) = &map {
        create_dir(dir)?;
    }
    let style = || fit_gaps_style(&gaps, &MapStyle::default());
    finish(
        &gaps.report,
        json,
        &|| gaps_text(&gaps.report),
        &[
            ("Gap table", &csv, &|| {
                Ok(gaps_csv(&gaps.report).into_bytes())
            }),
            ("Demand map", &geojson, &|| {
                Ok(geojson_text(gaps_geojson(&gaps), scenario.output_crs).into_bytes())
            }),
            ("Community map", &page, &|| {
                Ok(gaps_html(name, &gaps).into_bytes())
            }),
            ("Community map (SVG)", &svg, &|| {
                Ok(gaps_svg(&gaps, &style()?)?.into_bytes())
            }),
            ("Community map (PNG)", &png, &|| gaps_png(&gaps, &style()?)),
        ],
    )
}

fn access(
    scenario: &Scenario,
    threshold: Option<f64>,
    json: bool,
    csv: Option<PathBuf>,
    geojson: Option<PathBuf>,
) -> lifecircle::Result<ExitCode> {
    use lifecircle::report::{access_csv, access_geojson, access_text};
    let run = scenario.access(threshold)?;
    finish(
        &run.report,
        json,
        &|| access_text(&run.report),
        &[
            ("Access table", &csv, &|| {
                Ok(access_csv(&run.report).into_bytes())
            }),
            ("Access per demand point", &geojson, &|| {
                Ok(geojson_text(access_geojson(&run), scenario.output_crs).into_bytes())
            }),
        ],
    )
}

/// An output file: what it holds (for the closing lines), where to write it
/// (`None`: not asked for), and its text.
type OutputFile<'a> = (
    &'a str,
    &'a Option<PathBuf>,
    &'a dyn Fn() -> lifecircle::Result<Vec<u8>>,
);

/// Writes the files asked for, then prints the report as JSON, or as text
/// followed by where each file went.
fn finish(
    report: &impl serde::Serialize,
    json: bool,
    text: &dyn Fn() -> String,
    files: &[OutputFile],
) -> lifecircle::Result<ExitCode> {
    for (_, path, contents) in files {
        if let Some(path) = path {
            write(path, contents()?)?;
        }
    }
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(report).expect("reports serialise")
        )?;
    } else {
        out!("{}", text())?;
        for (what, path, _) in files {
            if let Some(p) = path {
                outln!("{what} written to {}", p.display())?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn compare(
    path: &Path,
    out: &Path,
    json: bool,
    max_variants: Option<usize>,
) -> lifecircle::Result<ExitCode> {
    use lifecircle::map::{comparison_html, MAX_DETAILED_VARIANTS};
    use lifecircle::outcome::{comparison_rows, VariantResult};
    use lifecircle::report::{comparison_csv, comparison_text};
    use lifecircle::scenario::variants::Comparison;
    let comparison = Comparison::from_file(path, max_variants)?;
    // The output folder before any solving: a mistake there must not cost the run.
    std::fs::create_dir_all(out).map_err(|e| lifecircle::Error::Io {
        path: out.to_path_buf(),
        source: e,
    })?;
    for file in ["comparison.csv", "report.html"] {
        write(&out.join(file), "")?;
    }
    let total = comparison.count();
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} variants  {elapsed}  {msg}")
            .expect("a valid template"),
    );
    // Kept per variant: its rows, its JSON (only for --json) and, for the
    // first few, its report and maps; everything else is written and dropped.
    let mut rows = vec![Vec::new(); total];
    let mut outcomes = vec![serde_json::Value::Null; if json { total } else { 0 }];
    let mut detailed = Vec::new();
    let mut failed = false;
    comparison.run(|k, outcome| {
        bar.inc(1);
        bar.set_message(outcome.name.clone());
        rows[k] = comparison_rows(std::slice::from_ref(&outcome));
        if json {
            outcomes[k] = serde_json::to_value(&outcome).expect("reports serialise");
        }
        match outcome.result {
            VariantResult::Plan(plan) => {
                let crs = comparison.variant(k)?.scenario.output_crs;
                write(
                    &out.join(format!("variant-{}.geojson", k + 1)),
                    geojson_text(plan_geojson(&plan), crs),
                )?;
                if k < MAX_DETAILED_VARIANTS {
                    detailed.push((k, outcome.name, plan));
                }
            }
            VariantResult::Error(_) => failed = true,
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    let rows: Vec<_> = rows.into_iter().flatten().collect();
    write(&out.join("comparison.csv"), comparison_csv(&rows))?;
    detailed.sort_by_key(|d| d.0);
    let pages: Vec<_> = detailed
        .iter()
        .map(|(_, name, plan)| (name.clone(), plan.as_ref()))
        .collect();
    write(
        &out.join("report.html"),
        comparison_html(&rows, &pages, total),
    )?;
    if json {
        let v = serde_json::json!({"rows": rows, "variants": outcomes});
        outln!(
            "{}",
            serde_json::to_string_pretty(&v).expect("reports serialise")
        )?;
    } else {
        out!("{}", comparison_text(&rows))?;
        let maps = if pages.len() < total {
            format!(
                "report.html with the table and the maps of {} variants",
                pages.len()
            )
        } else {
            "report.html with maps".to_string()
        };
        outln!(
            "Comparison written to {} (comparison.csv, {maps}, variant-N.geojson in variant order)",
            out.display()
        )?;
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Exit code after Ctrl-C, as shells report a process ended by SIGINT (128 + 2).
const INTERRUPTED: u8 = 130;

/// Ends the process after Ctrl-C, once: from `main` when the solve stopped,
/// or from the watchdog when it did not stop within [`GRACE`].
fn exit_interrupted() -> ! {
    static EXITING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if EXITING.swap(true, std::sync::atomic::Ordering::SeqCst) {
        // The other path is exiting; wait for it rather than print twice.
        loop {
            std::thread::park();
        }
    }
    use std::io::Write;
    // Not through report_error: a stop on request is not an error.
    let _ = writeln!(std::io::stderr(), "interrupted");
    std::process::exit(INTERRUPTED.into())
}

/// Waits for a Ctrl-C request, then gives the solve [`GRACE`] to stop.
fn watchdog() {
    std::thread::spawn(|| {
        while !lifecircle::solve::interrupt::requested() {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        std::thread::sleep(GRACE);
        exit_interrupted();
    });
}

/// The first Ctrl-C asks the running solve to stop (the process ends within
/// [`GRACE`] with exit code 130); a second one ends it at once.
#[cfg(unix)]
extern "C" fn on_sigint(_: libc::c_int) {
    if lifecircle::solve::interrupt::requested() {
        // SAFETY: _exit is async-signal-safe.
        unsafe { libc::_exit(INTERRUPTED.into()) };
    }
    lifecircle::solve::interrupt::request();
}

fn main() -> ExitCode {
    #[cfg(unix)]
    // SAFETY: setting the actions of two signals before any thread starts;
    // the SIGINT handler only does an atomic store or _exit.
    unsafe {
        // Rust ignores SIGPIPE, so `lifecircle gaps --json | head` would panic on
        // the closed pipe; end quietly instead, as other Unix tools do.
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        libc::signal(
            libc::SIGINT,
            on_sigint as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Exit code 2 means "infeasible" (solve) or "a variant failed" (compare):
        // a mistyped argument is bad input, code 1, like any other.
        Err(e) => {
            let printed = e.print();
            return match (e.use_stderr(), printed) {
                // --help and --version
                (false, Ok(())) => ExitCode::SUCCESS,
                (false, Err(source)) => {
                    report_error(&stdout_failed(source));
                    ExitCode::FAILURE
                }
                (true, _) => ExitCode::FAILURE,
            };
        }
    };
    watchdog();
    match run(cli) {
        Ok(code) => code,
        Err(lifecircle::Error::Interrupted) => exit_interrupted(),
        Err(e) => {
            report_error(&e);
            ExitCode::FAILURE
        }
    }
}

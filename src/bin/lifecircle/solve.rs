//! `lifecircle solve`: a model on plain data (OR-Library, cost matrix) by name.

use std::path::PathBuf;
use std::process::ExitCode;

use lifecircle::model::ModelKind;

/// `--model` takes the core's model names, with their summaries as help.
fn model_parser() -> impl clap::builder::TypedValueParser<Value = ModelKind> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new(
        ModelKind::ALL.map(|k| PossibleValue::new(k.name()).help(k.summary())),
    )
    .map(|name| {
        name.parse::<ModelKind>()
            .expect("only possible values get here")
    })
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["orlib", "costs", "times"])))]
pub(crate) struct SolveArgs {
    /// The model.
    #[arg(long, value_parser = model_parser())]
    model: ModelKind,
    /// OR-Library p-median file (p is taken from it unless --p is given).
    #[arg(long)]
    orlib: Option<PathBuf>,
    /// Cost matrix CSV without header: one row per demand point, one column per site.
    #[arg(long)]
    costs: Option<PathBuf>,
    /// Sparse walking times, CSV triplets `demand,site,seconds` (0-based; pairs
    /// not listed are out of reach): for every model.
    #[arg(long)]
    times: Option<PathBuf>,
    /// Distance decay for gradual and attendance: linear:900, gaussian:900,
    /// exponential:BETA:CUTOFF, power:BETA:MIN_S:CUTOFF,
    /// modified-gaussian:SENSITIVITY:CUTOFF, step:300=1,600=0.68,900=0.22, e2sfca:900, or JSON.
    #[arg(long)]
    decay: Option<String>,
    /// Site capacities for target-ratio, one number per line.
    #[arg(long)]
    capacities: Option<PathBuf>,
    /// Target supply per resident served for target-ratio (e.g. 0.04 places per resident).
    #[arg(long, allow_negative_numbers = true)]
    target: Option<f64>,
    /// With --times, for p-median and p-center: what a demand point with no
    /// open site in reach pays, in seconds (e.g. 2700, three times a 15-minute cutoff).
    #[arg(long, allow_negative_numbers = true)]
    unreachable: Option<f64>,
    /// Demand weights, one number per line (default: all 1; not for lscp).
    #[arg(long)]
    weights: Option<PathBuf>,
    /// Number of sites to open besides fixed ones (not for lscp).
    #[arg(long)]
    p: Option<usize>,
    /// Coverage radius for mclp and lscp, in the cost unit.
    #[arg(long, allow_negative_numbers = true)]
    radius: Option<f64>,
    /// Sites forced open, 0-based column indices: --fixed 3,7
    #[arg(long, value_delimiter = ',')]
    fixed: Vec<usize>,
    /// Time limit in seconds.
    #[arg(long, default_value_t = 600.0, allow_negative_numbers = true)]
    time_limit: f64,
    /// Relative gap at which to stop (default 0: prove optimality).
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    mip_gap: f64,
    /// Resident memory in MiB beyond which the MIP stops with its best plan
    /// (status memory_limit).
    #[arg(long, default_value_t = 4096.0, allow_negative_numbers = true)]
    memory_limit: f64,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
    /// Show the MIP solver's log (on standard error, so --json output stays valid).
    #[arg(long)]
    verbose: bool,
}

pub(crate) fn solve(args: SolveArgs) -> lifecircle::Result<ExitCode> {
    use lifecircle::model::{ModelInput, ModelParam};
    use lifecircle::{instances, Error};
    let given = [
        (ModelParam::Weights, args.weights.is_some()),
        (ModelParam::P, args.p.is_some()),
        (ModelParam::Radius, args.radius.is_some()),
        (ModelParam::Decay, args.decay.is_some()),
        (ModelParam::Capacities, args.capacities.is_some()),
        (ModelParam::Target, args.target.is_some()),
        (ModelParam::Unreachable, args.unreachable.is_some()),
    ];
    let refused = given
        .iter()
        .filter(|(_, given)| *given)
        .find_map(|&(param, _)| Some((param.name(), args.model.refuses(param)?)));
    if let Some((name, why)) = refused {
        return Err(Error::InvalidParameter {
            name: format!("--{name}"),
            message: format!("{why}: drop --{name}"),
        });
    }
    let t0 = std::time::Instant::now();
    let sparse = matches!(
        args.model,
        ModelKind::Gradual | ModelKind::Attendance | ModelKind::TargetRatio
    );
    if sparse || args.times.is_some() {
        return solve_reach(args, t0);
    }
    if args.unreachable.is_some() {
        return Err(Error::InvalidParameter {
            name: "--unreachable".into(),
            message: "a dense cost matrix gives every pair: --unreachable goes with --times".into(),
        });
    }
    let (costs, file_p) = match (&args.orlib, &args.costs) {
        (Some(path), _) => {
            let inst = instances::read_orlib(path)?;
            (inst.costs, Some(inst.p))
        }
        (None, Some(path)) => (instances::read_cost_csv(path)?, None),
        (None, None) => unreachable!("clap requires one input, and --times went to solve_reach"),
    };
    let weights = match &args.weights {
        Some(path) => instances::read_numbers(path)?,
        None => vec![1.0; costs.n_demand()],
    };
    let p = args.p.or(file_p);
    let options = options(&args)?;
    // The command line's own hints for what the core would only name as missing.
    if args.model.refuses(ModelParam::Radius).is_none() && args.radius.is_none() {
        return Err(Error::InvalidParameter {
            name: "radius".into(),
            message: "coverage models need --radius".into(),
        });
    }
    if args.model.refuses(ModelParam::P).is_none() && p.is_none() {
        return Err(Error::InvalidParameter {
            name: "p".into(),
            message: "give --p (or an OR-Library file)".into(),
        });
    }
    let read_s = t0.elapsed().as_secs_f64();
    let (n_demand, n_sites) = (costs.n_demand(), costs.n_sites());
    let input = ModelInput {
        costs,
        weights,
        p,
        radius: args.radius,
        fixed: args.fixed.clone(),
    };
    let result = args.model.solve(input, &options);
    print_solution(&args, result, (n_demand, n_sites, p), None, t0, read_s)
}

/// `--times`, or a model that works on walking times within its reach: a
/// dense input keeps the pairs within the radius or the decay's cutoff.
fn solve_reach(args: SolveArgs, t0: std::time::Instant) -> lifecircle::Result<ExitCode> {
    use lifecircle::instances::{self, Decay, ReachTimes};
    use lifecircle::model::ReachInput;
    let weights = args
        .weights
        .as_ref()
        .map(instances::read_numbers)
        .transpose()?;
    let decay: Option<Decay> = args.decay.as_deref().map(str::parse).transpose()?;
    let within = args
        .radius
        .or(decay.as_ref().map(Decay::cutoff_s))
        .unwrap_or(f64::INFINITY);
    let (reach, file_p) = match (&args.orlib, &args.costs, &args.times) {
        (_, _, Some(path)) => (
            instances::read_times_csv(path, weights.as_ref().map(Vec::len))?,
            None,
        ),
        (Some(path), _, _) => {
            let inst = instances::read_orlib(path)?;
            (ReachTimes::from_costs(&inst.costs, within)?, Some(inst.p))
        }
        (None, Some(path), None) => (
            ReachTimes::from_costs(&instances::read_cost_csv(path)?, within)?,
            None,
        ),
        (None, None, None) => unreachable!("clap requires one input"),
    };
    let weights = weights.unwrap_or_else(|| vec![1.0; reach.n_demand()]);
    let p = args.p.or(file_p);
    let capacities = args
        .capacities
        .as_ref()
        .map(instances::read_numbers)
        .transpose()?;
    let read_s = t0.elapsed().as_secs_f64();
    let (n_demand, n_sites) = (reach.n_demand(), reach.n_sites());
    // Residents no site can reach count 0 in every model: said, not hidden.
    let out_of_reach = (0..n_demand)
        .filter(|&i| {
            weights.get(i).is_some_and(|&w| w > 0.0) && reach.of_demand(i).next().is_none()
        })
        .count();
    let input = ReachInput {
        reach,
        weights,
        p,
        radius: args.radius,
        fixed: args.fixed.clone(),
        decay,
        capacities,
        target: args.target,
        unreachable: args.unreachable,
    };
    let options = options(&args)?;
    let result = args
        .model
        .build_reach(input)
        .and_then(|m| m.solve(&options));
    print_solution(
        &args,
        result,
        (n_demand, n_sites, p),
        Some(out_of_reach),
        t0,
        read_s,
    )
}

fn options(args: &SolveArgs) -> lifecircle::Result<lifecircle::solve::SolveOptions> {
    Ok(lifecircle::solve::SolveOptions::new()
        .time_limit(args.time_limit)?
        .mip_gap(args.mip_gap)?
        .memory_limit(args.memory_limit)?
        .verbose(args.verbose))
}

/// Prints a solve's outcome (text or `--json`); exit code 2 when infeasible.
/// `unreachable`: demand points of positive weight with no site in reach
/// (known on walking times), which count 0.
fn print_solution(
    args: &SolveArgs,
    result: lifecircle::Result<lifecircle::solve::Solution>,
    (n_demand, n_sites, p): (usize, usize, Option<usize>),
    unreachable: Option<usize>,
    t0: std::time::Instant,
    read_s: f64,
) -> lifecircle::Result<ExitCode> {
    use lifecircle::Error;
    let model = args.model.to_string();
    let seconds = t0.elapsed().as_secs_f64();
    let sol = match result {
        Err(Error::Infeasible { message, demand }) => {
            if args.json {
                let v = serde_json::json!({"model": model, "status": "infeasible", "message": message,
                    "infeasible_demand": demand, "objective": null, "bound": null, "gap": null,
                    "sites": [], "seconds": seconds});
                outln!("{v}")?;
            } else {
                outln!("{model}: infeasible: {message}")?;
            }
            return Ok(ExitCode::from(2));
        }
        other => other?,
    };
    if args.json {
        let v = serde_json::json!({"model": model, "n_demand": n_demand, "n_sites": n_sites, "p": p,
            "objective": sol.objective, "bound": sol.bound, "gap": sol.gap, "status": sol.status,
            "sites": sol.sites, "seconds": seconds, "read_seconds": read_s,
            "timings": sol.timings, "presolve": sol.presolve, "unreachable_demand": unreachable});
        outln!("{v}")?;
    } else {
        outln!("{model} on {n_demand} demand points x {n_sites} sites")?;
        if let Some(k) = unreachable.filter(|&k| k > 0) {
            outln!("{k} demand points of positive weight have no site in reach: they count 0")?;
        }
        outln!(
            "objective {}  bound {}  gap {:.4}%  status {}",
            sol.objective,
            sol.bound,
            100.0 * sol.gap,
            sol.status
        )?;
        outln!("sites {:?}", sol.sites)?;
        outln!(
            "seconds {seconds:.3} (read {read_s:.3}, heuristic {:.3}, mip {:.3})",
            sol.timings.heuristic_s,
            sol.timings.mip_s
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

//! Stage 6 (second part): comparing plans. A scenario file may list variants —
//! "3 canteens vs 5", "budget A vs B", "elderly first vs everyone equal" — and
//! every variant is solved and summarised side by side.
//!
//! # Variants in a scenario file
//! Next to the scenario's own keys (the base), `[[variant]]` tables override
//! keys of the base (tables are merged key by key), and a `[grid]` table gives
//! values for dotted keys, every combination making a variant (keys vary in
//! file order, the last fastest). With both, each
//! listed variant is combined with every grid point; with neither, the base is
//! the only variant. Paths in overrides are relative to the scenario file.
//!
//! Tables merge, so a variant's `plan = { new_sites = { supermarket = 1 } }`
//! adds a supermarket to the base's `[plan].new_sites` and keeps its other
//! services: a variant cannot drop a service the base plans (list services
//! that differ between variants in the variants, not in the base).
//!
//! ```toml
//! osm = "helsinki.osm.pbf"
//! population = "population_grid_2020.csv"
//! aging_ratio = 0.1471
//! [plan]
//! new_sites = { elderly_canteen = 2 }
//!
//! [[variant]]
//! name = "everyone equal"
//! [[variant]]
//! name = "elderly first"
//! plan = { elderly_weight = 2.0 }
//!
//! [grid]
//! "plan.new_sites.elderly_canteen" = [2, 4]
//! ```
//! gives four variants: `everyone equal, plan.new_sites.elderly_canteen=2`, ….
//!
//! Variants that differ only in their `[plan]` share one reading of the
//! network, residents and facilities and one set of walking distances. The
//! distances are searched as far as the variant walking farthest needs; each
//! variant cuts them back to its own search, so that it reports exactly what
//! `lifecircle plan` gives on it alone.

use std::path::Path;

use crate::coverage::{GapRow, ZoneScore};
use crate::error::{Error, Result};
use crate::scenario::{read_scenario_table, PlanReport, Scenario};

/// One variant: its name and the full scenario it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Name (given, or made from the grid values).
    pub name: String,
    /// The scenario with the variant's overrides applied.
    pub scenario: Scenario,
}

/// The variants of a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// In file order; grid points vary the last key fastest.
    pub variants: Vec<Variant>,
}

/// How one variant ended.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VariantOutcome {
    /// Variant name.
    pub name: String,
    /// Its plan, or why there is none (infeasible, bad parameter …).
    #[serde(flatten)]
    pub result: VariantResult,
}

/// A plan or the error that prevented it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VariantResult {
    /// The variant was solved.
    Plan(Box<PlanReport>),
    /// It failed; the message names the record or constraint.
    Error(String),
}

/// One row of the comparison table: a variant and one of its planned services.
///
/// A failed variant has one row with its `error` and no figures (`None`: an
/// empty CSV cell, JSON `null`), so that a mean over the rows leaves it out.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ComparisonRow {
    /// Variant name.
    pub variant: String,
    /// Solver status, or `error`.
    pub status: String,
    /// Relative optimality gap.
    pub gap: Option<f64>,
    /// Cost of the variant's new sites.
    pub cost: Option<f64>,
    /// Service.
    pub service: String,
    /// New facilities of the service.
    pub new_sites: Option<usize>,
    /// Residents it serves newly covered (after − before).
    pub newly_covered: Option<f64>,
    /// Residents aged 60+ newly covered.
    pub newly_covered_60plus: Option<f64>,
    /// Share of the residents it serves covered before.
    pub share_before: Option<f64>,
    /// The same after.
    pub share_after: Option<f64>,
    /// Median walking minutes to the nearest facility, before.
    pub p50_before: Option<f64>,
    /// The same after.
    pub p50_after: Option<f64>,
    /// 90th percentile, before.
    pub p90_before: Option<f64>,
    /// The same after.
    pub p90_after: Option<f64>,
    /// How far the nearest facility was searched, minutes at the faster pace
    /// ([`PlanReport::search_minutes`]): an empty p50 or p90 lies beyond it.
    /// Empty where the service serves nobody (no walk to measure) or the
    /// variant failed.
    pub search_minutes: Option<f64>,
    /// Zones rated 3★ or more before.
    pub zones_rated_before: Option<usize>,
    /// The same after.
    pub zones_rated_after: Option<usize>,
    /// Mean stars over zones before.
    pub mean_stars_before: Option<f64>,
    /// The same after.
    pub mean_stars_after: Option<f64>,
    /// The error, for a failed variant.
    pub error: Option<String>,
}

impl Comparison {
    /// Reads a scenario file and expands its variants (format in the module docs).
    ///
    /// # Errors
    /// [`Error::Io`] if unreadable; [`Error::BadRecord`] naming the variant for a
    /// malformed `[[variant]]` or `[grid]` entry, an empty `variant` list or a
    /// key the scenario rejects.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let source = path.display().to_string();
        let (mut base, dir) = read_scenario_table(path)?;
        let listed = match base.remove("variant") {
            None => vec![None],
            Some(toml::Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(k, v)| match v {
                    toml::Value::Table(mut t) => {
                        let name = match t.remove("name") {
                            Some(toml::Value::String(n)) => n,
                            None => format!("variant {}", k + 1),
                            Some(other) => {
                                return Err(Error::record(
                                    &source,
                                    format!("variant {}", k + 1),
                                    format!("name must be a string, got {other}"),
                                ))
                            }
                        };
                        Ok(Some((name, t)))
                    }
                    other => Err(Error::record(
                        &source,
                        format!("variant {}", k + 1),
                        format!("must be a table, got {other}"),
                    )),
                })
                .collect::<Result<Vec<_>>>()?,
            Some(other) => {
                return Err(Error::record(
                    &source,
                    "variant",
                    format!("must be an array of tables ([[variant]]), got {other}"),
                ))
            }
        };
        if listed.is_empty() {
            return Err(Error::record(
                &source,
                "variant",
                "the list is empty: give [[variant]] tables, or no `variant` key to compare the base alone",
            ));
        }
        let grid = grid_points(&source, base.remove("grid"))?;
        let mut variants = Vec::with_capacity(listed.len() * grid.len());
        for entry in &listed {
            for point in &grid {
                let mut table = base.clone();
                let mut names = Vec::new();
                if let Some((name, overrides)) = entry {
                    merge(&mut table, overrides.clone());
                    names.push(name.clone());
                }
                for (key, value) in point {
                    set_dotted(&mut table, key, value.clone())
                        .map_err(|m| Error::record(&source, format!("grid key {key}"), m))?;
                    names.push(format!("{key}={value}"));
                }
                let name = if names.is_empty() {
                    "base".to_string()
                } else {
                    names.join(", ")
                };
                let scenario =
                    Scenario::from_table(table, &dir, &format!("{source}, variant {name:?}"))?;
                variants.push(Variant { name, scenario });
            }
        }
        if let Some(k) =
            (1..variants.len()).find(|&k| variants[..k].iter().any(|v| v.name == variants[k].name))
        {
            return Err(Error::record(
                &source,
                "variant",
                format!("two variants are named {:?}", variants[k].name),
            ));
        }
        Ok(Self { variants })
    }

    /// Solves every variant; `progress(done, total, name)` is called before each.
    /// A variant that fails (infeasible, a bad parameter) is reported, not fatal.
    ///
    /// # Errors
    /// Only errors of the shared inputs (unreadable network or residents …),
    /// which no variant could get past.
    pub fn run(&self, mut progress: impl FnMut(usize, usize, &str)) -> Result<Vec<VariantOutcome>> {
        let total = self.variants.len();
        let mut out = Vec::with_capacity(total);
        // Variants whose scenarios agree outside [plan] share the prepared inputs.
        let mut done = vec![false; total];
        for first in 0..total {
            if done[first] {
                continue;
            }
            let inputs = |v: &Variant| Scenario {
                plan: None,
                ..v.scenario.clone()
            };
            let group: Vec<usize> = (first..total)
                .filter(|&k| !done[k] && inputs(&self.variants[k]) == inputs(&self.variants[first]))
                .collect();
            let extra: Vec<String> = group
                .iter()
                .filter_map(|&k| self.variants[k].scenario.plan.as_ref())
                .flat_map(|p| p.new_sites.keys().chain(&p.services).cloned())
                .collect();
            // Without its plan, so that a bad plan fails its own variant only.
            let prepared = inputs(&self.variants[first]).prepare(&extra)?;
            for k in group {
                let v = &self.variants[k];
                progress(out.len(), total, &v.name);
                let result = match v.scenario.plan_prepared(&prepared) {
                    Ok(report) => VariantResult::Plan(Box::new(report)),
                    Err(e) => VariantResult::Error(e.to_string()),
                };
                out.push((
                    k,
                    VariantOutcome {
                        name: v.name.clone(),
                        result,
                    },
                ));
                done[k] = true;
            }
        }
        progress(total, total, "");
        out.sort_by_key(|(k, _)| *k);
        Ok(out.into_iter().map(|(_, o)| o).collect())
    }
}

/// The comparison table: a row per variant and planned service (one row with
/// the error for a failed variant).
pub fn comparison_rows(outcomes: &[VariantOutcome]) -> Vec<ComparisonRow> {
    outcomes
        .iter()
        .flat_map(|o| match &o.result {
            VariantResult::Plan(report) => report_rows(&o.name, report),
            VariantResult::Error(e) => vec![ComparisonRow {
                variant: o.name.clone(),
                status: "error".into(),
                error: Some(e.clone()),
                ..ComparisonRow::default()
            }],
        })
        .collect()
}

/// The comparison rows of one solved variant named `name`: one per planned service.
pub fn report_rows(name: &str, report: &PlanReport) -> Vec<ComparisonRow> {
    let rated = |zones: &[ZoneScore]| Some(zones.iter().filter(|z| z.stars >= 3).count());
    let mean = |zones: &[ZoneScore]| {
        (!zones.is_empty())
            .then(|| zones.iter().map(|z| f64::from(z.stars)).sum::<f64>() / zones.len() as f64)
    };
    report
        .services
        .iter()
        .map(|s| {
            let row = |rows: &[GapRow]| rows.iter().find(|r| r.category == s.service).cloned();
            let (before, after) = (row(&report.current), row(&report.after));
            let share = |covered: f64| {
                Some(if s.served > 0.0 {
                    covered / s.served
                } else {
                    1.0
                })
            };
            ComparisonRow {
                variant: name.to_string(),
                status: report.status.to_string(),
                gap: Some(report.gap),
                cost: Some(report.cost),
                service: s.service.clone(),
                new_sites: Some(s.new.len()),
                newly_covered: Some(s.covered_after - s.covered_before),
                newly_covered_60plus: s
                    .covered_60plus_after
                    .zip(s.covered_60plus_before)
                    .map(|(a, b)| a - b),
                share_before: share(s.covered_before),
                share_after: share(s.covered_after),
                p50_before: before.as_ref().and_then(|r| r.nearest_minutes_p50),
                p50_after: after.as_ref().and_then(|r| r.nearest_minutes_p50),
                p90_before: before.as_ref().and_then(|r| r.nearest_minutes_p90),
                p90_after: after.as_ref().and_then(|r| r.nearest_minutes_p90),
                search_minutes: (s.served > 0.0).then_some(report.search_minutes),
                zones_rated_before: rated(&report.zones_before),
                zones_rated_after: rated(&report.zones_after),
                mean_stars_before: mean(&report.zones_before),
                mean_stars_after: mean(&report.zones_after),
                error: None,
            }
        })
        .collect()
}

/// The `[grid]` table as a list of points, each a list of (dotted key, value);
/// one empty point if there is no grid.
fn grid_points(source: &str, grid: Option<toml::Value>) -> Result<Vec<Vec<(String, toml::Value)>>> {
    let table = match grid {
        None => return Ok(vec![Vec::new()]),
        Some(toml::Value::Table(t)) => t,
        Some(other) => {
            return Err(Error::record(
                source,
                "grid",
                format!("must be a table, got {other}"),
            ))
        }
    };
    let mut points: Vec<Vec<(String, toml::Value)>> = vec![Vec::new()];
    for (key, values) in table {
        let values = match values {
            toml::Value::Array(v) if !v.is_empty() => v,
            other => {
                return Err(Error::record(
                    source,
                    format!("grid key {key}"),
                    format!("needs a non-empty list of values, got {other}"),
                ))
            }
        };
        let mut next = Vec::with_capacity(points.len() * values.len());
        for p in &points {
            for v in &values {
                let mut p = p.clone();
                p.push((key.clone(), v.clone()));
                next.push(p);
            }
        }
        points = next;
    }
    Ok(points)
}

/// Merges `overrides` into `base`: tables key by key, anything else replaced.
fn merge(base: &mut toml::Table, overrides: toml::Table) {
    for (key, value) in overrides {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Sets `a.b.c = value`, creating tables on the way.
fn set_dotted(
    table: &mut toml::Table,
    key: &str,
    value: toml::Value,
) -> std::result::Result<(), String> {
    let mut parts = key.split('.').peekable();
    let mut current = table;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            current.insert(part.to_string(), value);
            return Ok(());
        }
        let next = current
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        current = match next {
            toml::Value::Table(t) => t,
            other => return Err(format!("{part} is {other}, not a table")),
        };
    }
    Err("empty key".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::temp_file;

    const BASE: &str =
        "osm = \"x.osm.pbf\"\npopulation = \"p.csv\"\n[plan]\nnew_sites = { pharmacy = 1 }\n";

    #[test]
    fn variants_times_grid_with_merged_tables() {
        let f = temp_file(".toml", &format!(
            "{BASE}\n[[variant]]\nname = \"equal\"\n[[variant]]\nname = \"elderly first\"\nplan = {{ elderly_weight = 2.0 }}\n[grid]\n\"plan.new_sites.pharmacy\" = [2, 4]\n"
        ));
        let c = Comparison::from_file(f.path()).unwrap();
        let names: Vec<&str> = c.variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "equal, plan.new_sites.pharmacy=2",
                "equal, plan.new_sites.pharmacy=4",
                "elderly first, plan.new_sites.pharmacy=2",
                "elderly first, plan.new_sites.pharmacy=4"
            ]
        );
        let plan = |k: usize| c.variants[k].scenario.plan.clone().unwrap();
        assert_eq!(
            (plan(0).elderly_weight, plan(0).new_sites["pharmacy"]),
            (1.0, 2)
        );
        assert_eq!(
            (plan(3).elderly_weight, plan(3).new_sites["pharmacy"]),
            (2.0, 4)
        );
        // Paths are relative to the file.
        assert_eq!(
            c.variants[0].scenario.population,
            f.path().parent().unwrap().join("p.csv")
        );
        // The base scenario ignores the variants.
        assert_eq!(
            Scenario::from_file(f.path())
                .unwrap()
                .plan
                .unwrap()
                .new_sites["pharmacy"],
            1
        );
    }

    #[test]
    fn a_variant_plan_adds_to_the_base_plan() {
        let f = temp_file(
            ".toml",
            &format!("{BASE}\n[[variant]]\nplan = {{ new_sites = {{ supermarket = 1 }} }}\n"),
        );
        let c = Comparison::from_file(f.path()).unwrap();
        let sites = &c.variants[0].scenario.plan.as_ref().unwrap().new_sites;
        assert_eq!(
            sites.iter().collect::<Vec<_>>(),
            [
                (&"pharmacy".to_string(), &1),
                (&"supermarket".to_string(), &1)
            ]
        );
    }

    #[test]
    fn grid_keys_vary_in_file_order_the_last_fastest() {
        let f = temp_file(
            ".toml",
            &format!(
                "{BASE}\n[grid]\n\"plan.site_cost\" = [1.0, 2.0]\n\"plan.budget\" = [2.0, 4.0]\n"
            ),
        );
        let c = Comparison::from_file(f.path()).unwrap();
        let names: Vec<&str> = c.variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "plan.site_cost=1.0, plan.budget=2.0",
                "plan.site_cost=1.0, plan.budget=4.0",
                "plan.site_cost=2.0, plan.budget=2.0",
                "plan.site_cost=2.0, plan.budget=4.0"
            ]
        );
    }

    #[test]
    fn no_variants_is_the_base_and_bad_entries_are_named() {
        let c = Comparison::from_file(temp_file(".toml", BASE).path()).unwrap();
        assert_eq!(c.variants.len(), 1);
        assert_eq!(c.variants[0].name, "base");
        let err = |extra: &str| {
            Comparison::from_file(temp_file(".toml", &format!("{BASE}{extra}")).path())
                .unwrap_err()
                .to_string()
        };
        assert!(err("\n[grid]\n\"plan.budget\" = []\n").contains("grid key plan.budget"));
        let e = Comparison::from_file(temp_file(".toml", &format!("variant = []\n{BASE}")).path())
            .unwrap_err()
            .to_string();
        assert!(e.contains("record variant: the list is empty"), "{e}");
        assert!(
            err("\n[[variant]]\nname = \"x\"\nplan = { colour = 1 }\n").contains("variant \"x\"")
        );
        assert!(err("\n[grid]\n\"osm.x\" = [1]\n").contains("not a table"));
        assert!(
            err("\n[[variant]]\nname = \"a\"\n[[variant]]\nname = \"a\"\n")
                .contains("two variants are named \"a\"")
        );
    }
}

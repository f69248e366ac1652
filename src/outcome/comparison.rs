//! Plan variants side by side: how each ended and the rows of the table
//! comparing them.

use crate::coverage::{GapRow, ZoneScore};

use super::{PlanReport, Run, ServiceAccess};

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
    /// The variant was solved: its plan and the plan's geometry.
    #[serde(serialize_with = "summary")]
    Plan(Box<Run<PlanReport>>),
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
    /// 2SFCA supply per resident over the area, before (the `[access]` options).
    pub two_sfca_before: Option<f64>,
    /// The same after.
    pub two_sfca_after: Option<f64>,
    /// Gravity (Hansen) access over the area, before.
    pub gravity_before: Option<f64>,
    /// The same after.
    pub gravity_after: Option<f64>,
    /// Share of residents underserved (2SFCA below the threshold, or nothing in reach), before.
    pub underserved_before: Option<f64>,
    /// The same after (at the threshold of before, so that the two compare).
    pub underserved_after: Option<f64>,
    /// The error, for a failed variant.
    pub error: Option<String>,
}

/// The comparison table: a row per variant and planned service (one row with
/// the error for a failed variant).
pub fn comparison_rows(outcomes: &[VariantOutcome]) -> Vec<ComparisonRow> {
    outcomes
        .iter()
        .flat_map(|o| match &o.result {
            VariantResult::Plan(plan) => report_rows(&o.name, &plan.report),
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
            let access = report.access.iter().find(|a| a.service == s.service);
            let index = |f: fn(&ServiceAccess) -> f64| {
                (access.map(|a| f(&a.before)), access.map(|a| f(&a.after)))
            };
            let (two_sfca_before, two_sfca_after) = index(|a| a.all.two_sfca);
            let (gravity_before, gravity_after) = index(|a| a.all.gravity);
            let (underserved_before, underserved_after) = index(|a| a.all.underserved);
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
                two_sfca_before,
                two_sfca_after,
                gravity_before,
                gravity_after,
                underserved_before,
                underserved_after,
                error: None,
            }
        })
        .collect()
}

/// A solved variant's JSON: its summary, as `lifecircle plan --json` prints
/// it (the geometry is for its maps).
fn summary<S: serde::Serializer>(plan: &Run<PlanReport>, s: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&plan.report, s)
}

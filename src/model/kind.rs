//! Choosing a siting model by name: the one list of names, the parameters each
//! model takes, and building and solving it from a cost matrix. The command line
//! (`lifecircle solve --model`) and the Python bindings both go through here, so
//! a name or a rule cannot differ between them.
//!
//! | name | model | weights | p | radius |
//! |---|---|---|---|---|
//! | `p-median` | [`PMedian`] | yes | needed | refused |
//! | `p-center` | [`PCenter`] | yes | needed | refused |
//! | `mclp` | [`MaxCoverage`] | yes | needed | needed |
//! | `lscp` | [`SetCover`] | refused | refused | needed |
//! | `gradual` | [`GradualCoverage`] | yes | needed | refused (the decay's cutoff) |
//! | `attendance` | [`GradualCoverage`], ArcGIS's Maximize Attendance | yes | needed | needed (the impedance cutoff) |
//! | `target-ratio` | [`TargetRatio`] | yes | needed | needed (the walking limit) |
//!
//! `gradual` needs a [`Decay`]; `attendance` takes one of ArcGIS's
//! transformations (`linear`, `power`, `exponential`) cut at the radius, and
//! `linear` when none is given (see [`super::gradual`]); `target-ratio`
//! needs site capacities and a target ratio. These three work on sparse
//! walking times ([`ReachInput`], [`ModelKind::build_reach`]); from a dense
//! matrix ([`ModelKind::build`]) the pairs within the reach are kept.
//!
//! On sparse walking times ([`ReachInput`], [`ModelKind::build_reach`]),
//! p-median and p-center need `unreachable`, what a demand point with no open
//! site in reach pays (see [`super::p_sites`]); the coverage models refuse it
//! (they count only who is within the radius) and a radius beyond the times'
//! limit.
//!
//! # Example
//! ```
//! use lifecircle::model::{CostMatrix, ModelInput, ModelKind};
//! use lifecircle::solve::SolveOptions;
//!
//! let kind: ModelKind = "p-median".parse().unwrap();
//! assert_eq!(kind.to_string(), "p-median");
//! // Four points on a line at 0, 1, 10, 11; sites at the same places.
//! let x = [0.0f64, 1.0, 10.0, 11.0];
//! let costs = CostMatrix::from_rows(
//!     x.iter().map(|a| x.iter().map(|b| (a - b).abs()).collect()).collect(),
//! ).unwrap();
//! let input = ModelInput { costs, weights: vec![1.0; 4], p: Some(2), radius: None, fixed: vec![] };
//! let sol = kind.solve(input, &SolveOptions::new()).unwrap();
//! assert_eq!(sol.objective, 2.0);
//! // The model itself prices any plan, independently of the solve.
//! let input = ModelInput { costs: CostMatrix::from_rows(vec![vec![0.0, 3.0]]).unwrap(),
//!     weights: vec![2.0], p: Some(1), radius: None, fixed: vec![] };
//! assert_eq!(kind.build(input).unwrap().objective_of(&[1]).unwrap(), 6.0);
//! assert_eq!(ModelKind::Lscp.refuses(lifecircle::model::ModelParam::P).is_some(), true);
//! ```

use std::fmt;
use std::str::FromStr;

use super::{
    CostMatrix, CoverageSets, GradualCoverage, MaxCoverage, PCenter, PMedian, SetCover,
    SitingModel, TargetRatio,
};
use crate::error::{Error, Result};
use crate::instances::{Decay, ReachTimes};
use crate::solve::{Solution, SolveOptions};

/// A siting model chosen by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModelKind {
    /// `p-median`.
    PMedian,
    /// `p-center`.
    PCenter,
    /// `mclp` (maximal coverage).
    Mclp,
    /// `lscp` (location set covering).
    Lscp,
    /// `gradual` (decay-weighted coverage of the nearest open site).
    Gradual,
    /// `attendance` (ArcGIS's Maximize Attendance: gradual coverage with an impedance cutoff).
    Attendance,
    /// `target-ratio` (residents served at a supply ratio reaching a target, with capacities).
    TargetRatio,
}

/// A parameter of [`ModelInput`] that some models refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelParam {
    /// Demand weights.
    Weights,
    /// Number of sites to open besides fixed ones.
    P,
    /// Coverage radius.
    Radius,
    /// A distance decay.
    Decay,
    /// Site capacities.
    Capacities,
    /// Target supply ratio.
    Target,
    /// What a demand point with no open site in reach pays (walking times).
    Unreachable,
}

impl ModelParam {
    /// The parameter's name, as errors name it.
    pub fn name(self) -> &'static str {
        match self {
            ModelParam::Weights => "weights",
            ModelParam::P => "p",
            ModelParam::Radius => "radius",
            ModelParam::Decay => "decay",
            ModelParam::Capacities => "capacities",
            ModelParam::Target => "target",
            ModelParam::Unreachable => "unreachable",
        }
    }
}

/// Plain data for any [`ModelKind`]. A model ignores what it refuses (see
/// [`ModelKind::refuses`]): callers reject such a parameter when it was given.
#[derive(Debug, Clone)]
pub struct ModelInput {
    /// Demand × site costs.
    pub costs: CostMatrix,
    /// Weight of each demand point (ignored by `lscp`, which covers all).
    pub weights: Vec<f64>,
    /// Sites to open besides the fixed ones.
    pub p: Option<usize>,
    /// Coverage radius, in the cost unit.
    pub radius: Option<f64>,
    /// Sites open whatever the solver decides.
    pub fixed: Vec<usize>,
}

/// Plain data for any [`ModelKind`] on sparse walking times
/// ([`ModelKind::build_reach`]). Unlike [`ModelInput`], a parameter the
/// model refuses is an error here.
///
/// # Example
/// ```
/// use lifecircle::instances::ReachTimes;
/// use lifecircle::model::{ModelKind, ReachInput};
/// use lifecircle::solve::SolveOptions;
///
/// let reach = ReachTimes::from_triplets(2, 2, [(0, 0, 300.0), (1, 1, 600.0)]).unwrap();
/// let input = ReachInput { reach, weights: vec![1.0, 2.0], p: Some(1), radius: None,
///     fixed: vec![], unreachable: Some(2700.0), decay: None, capacities: None,
///     target: None };
/// let sol = ModelKind::PMedian.build_reach(input).unwrap().solve(&SolveOptions::new()).unwrap();
/// assert_eq!((sol.sites, sol.objective), (vec![1], 2700.0 + 2.0 * 600.0));
/// ```
#[derive(Debug, Clone)]
pub struct ReachInput {
    /// Walking times by demand point.
    pub reach: ReachTimes,
    /// Weight of each demand point.
    pub weights: Vec<f64>,
    /// Sites to open besides the fixed ones.
    pub p: Option<usize>,
    /// Coverage radius, impedance cutoff or walking limit, in the times' unit.
    pub radius: Option<f64>,
    /// Sites open whatever the solver decides.
    pub fixed: Vec<usize>,
    /// The decay of `gradual` and `attendance`.
    pub decay: Option<Decay>,
    /// Site capacities (`target-ratio`).
    pub capacities: Option<Vec<f64>>,
    /// Target supply per resident served (`target-ratio`).
    pub target: Option<f64>,
    /// What a demand point with no open site in reach pays (p-median, p-center).
    pub unreachable: Option<f64>,
}

impl ModelKind {
    /// Every model, in the order help texts list them.
    pub const ALL: [ModelKind; 7] = [
        ModelKind::PMedian,
        ModelKind::PCenter,
        ModelKind::Mclp,
        ModelKind::Lscp,
        ModelKind::Gradual,
        ModelKind::Attendance,
        ModelKind::TargetRatio,
    ];

    /// The name `FromStr` accepts and `Display` prints.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::PMedian => "p-median",
            ModelKind::PCenter => "p-center",
            ModelKind::Mclp => "mclp",
            ModelKind::Lscp => "lscp",
            ModelKind::Gradual => "gradual",
            ModelKind::Attendance => "attendance",
            ModelKind::TargetRatio => "target-ratio",
        }
    }

    /// One line saying what the model does, for help texts.
    pub fn summary(self) -> &'static str {
        match self {
            ModelKind::PMedian => "Minimise total weighted cost with p sites",
            ModelKind::PCenter => {
                "Minimise the largest cost with p sites (demand points of weight 0 are ignored)"
            }
            ModelKind::Mclp => "Maximise weight within --radius with p sites",
            ModelKind::Lscp => {
                "Fewest sites covering everyone within --radius (weight-0 points too: weights play no part)"
            }
            ModelKind::Gradual => {
                "Maximise weight x decay of the walk to the nearest site (--decay) with p sites"
            }
            ModelKind::Attendance => {
                "ArcGIS's Maximize Attendance: gradual coverage cut at --radius (--decay linear, power or exponential; default linear)"
            }
            ModelKind::TargetRatio => {
                "Maximise residents served within --radius by sites whose --capacities per resident served reach --target"
            }
        }
    }

    /// Why this model has no use for `param`, or `None` if it takes it. A
    /// refused parameter that was given would look as if it had been applied,
    /// so callers reject it.
    pub fn refuses(self, param: ModelParam) -> Option<&'static str> {
        match (self, param) {
            (ModelKind::Lscp, ModelParam::Weights) => {
                Some("lscp covers every demand point, whatever its weight")
            }
            (ModelKind::Lscp, ModelParam::P) => {
                Some("lscp finds the fewest sites itself (mclp takes a count)")
            }
            (ModelKind::PMedian | ModelKind::PCenter, ModelParam::Radius) => {
                Some("p-median and p-center minimise costs, they have no coverage radius")
            }
            (ModelKind::Gradual, ModelParam::Radius) => {
                Some("gradual coverage reaches as far as its decay's cutoff")
            }
            (
                ModelKind::Gradual | ModelKind::Attendance,
                ModelParam::Capacities | ModelParam::Target,
            ) => Some("capacities and a target ratio belong to target-ratio"),
            (ModelKind::TargetRatio, ModelParam::Decay) => {
                Some("target-ratio serves residents within --radius, without decay")
            }
            (
                ModelKind::PMedian | ModelKind::PCenter | ModelKind::Mclp | ModelKind::Lscp,
                ModelParam::Decay | ModelParam::Capacities | ModelParam::Target,
            ) => {
                Some("decay, capacities and targets belong to gradual, attendance and target-ratio")
            }
            (
                ModelKind::Mclp | ModelKind::Lscp | ModelKind::TargetRatio,
                ModelParam::Unreachable,
            ) => Some("coverage models count only who is within the radius"),
            (ModelKind::Gradual | ModelKind::Attendance, ModelParam::Unreachable) => {
                Some("gradual coverage counts nothing beyond its decay's cutoff")
            }
            _ => None,
        }
    }

    /// Builds the model from `input`, as the [`SitingModel`] every caller
    /// then solves and prices plans with.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `p` or `radius` if the model needs it
    /// and it is `None`; otherwise whatever the model's constructor returns.
    pub fn build(
        self,
        input: ModelInput,
    ) -> Result<Box<dyn SitingModel<Plan = [usize], Solution = Solution>>> {
        let ModelInput {
            costs,
            weights,
            p,
            radius,
            fixed,
        } = input;
        let need = |param: ModelParam| Error::InvalidParameter {
            name: param.name().into(),
            message: format!("{self} needs {}", param.name()),
        };
        let need_p = || p.ok_or_else(|| need(ModelParam::P));
        let need_radius = || radius.ok_or_else(|| need(ModelParam::Radius));
        Ok(match self {
            ModelKind::PMedian => {
                Box::new(PMedian::new(costs, weights, need_p()?)?.fixed_open(fixed)?)
            }
            ModelKind::PCenter => {
                Box::new(PCenter::new(costs, weights, need_p()?)?.fixed_open(fixed)?)
            }
            ModelKind::Mclp => {
                let cov = CoverageSets::within(&costs, need_radius()?)?;
                Box::new(
                    MaxCoverage::new(cov, weights)?
                        .fixed_open(fixed)?
                        .new_sites(need_p()?)?,
                )
            }
            ModelKind::Lscp => {
                let cov = CoverageSets::within(&costs, need_radius()?)?;
                Box::new(SetCover::new(cov).fixed_open(fixed)?)
            }
            ModelKind::Gradual | ModelKind::Attendance | ModelKind::TargetRatio => {
                // Only the pairs within the reach count; for gradual the decay,
                // which a dense input lacks, is then named as missing.
                let reach = ReachTimes::from_costs(&costs, radius.unwrap_or(f64::INFINITY))?;
                return self.build_reach(ReachInput {
                    reach,
                    weights,
                    p,
                    radius,
                    fixed,
                    decay: None,
                    capacities: None,
                    target: None,
                    unreachable: None,
                });
            }
        })
    }

    /// Builds the model from sparse walking times (no dense demand × site
    /// table, in the build or the solve).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming a parameter the model refuses
    /// ([`ModelKind::refuses`]) that was given, one it needs that was not
    /// (p-median and p-center need `unreachable`), a radius beyond the
    /// times' [limit](ReachTimes::limit), or a decay that is not one of
    /// ArcGIS's for `attendance` or whose cutoff is not the radius;
    /// otherwise whatever the model's constructor returns.
    pub fn build_reach(
        self,
        input: ReachInput,
    ) -> Result<Box<dyn SitingModel<Plan = [usize], Solution = Solution>>> {
        let ReachInput {
            reach,
            weights,
            p,
            radius,
            fixed,
            decay,
            capacities,
            target,
            unreachable,
        } = input;
        let given = [
            (ModelParam::P, p.is_some()),
            (ModelParam::Radius, radius.is_some()),
            (ModelParam::Decay, decay.is_some()),
            (ModelParam::Capacities, capacities.is_some()),
            (ModelParam::Target, target.is_some()),
            (ModelParam::Unreachable, unreachable.is_some()),
        ];
        if let Some((param, why)) = given
            .iter()
            .filter(|g| g.1)
            .find_map(|&(param, _)| Some((param, self.refuses(param)?)))
        {
            return Err(Error::param(param.name(), format!("{why}: drop it")));
        }
        let need = |param: ModelParam| {
            Error::param(param.name(), format!("{self} needs {}", param.name()))
        };
        let need_p = || p.ok_or_else(|| need(ModelParam::P));
        let need_radius = || {
            let r = radius.ok_or_else(|| need(ModelParam::Radius))?;
            reach.check_reach("radius", r).map(|()| r)
        };
        let need_unreachable = || unreachable.ok_or_else(|| need(ModelParam::Unreachable));
        Ok(match self {
            ModelKind::PMedian => Box::new(
                PMedian::on_reach(reach, need_unreachable()?, weights, need_p()?)?
                    .fixed_open(fixed)?,
            ),
            ModelKind::PCenter => Box::new(
                PCenter::on_reach(reach, need_unreachable()?, weights, need_p()?)?
                    .fixed_open(fixed)?,
            ),
            ModelKind::Mclp => {
                let cov = reach.within(need_radius()?)?;
                Box::new(
                    MaxCoverage::new(cov, weights)?
                        .fixed_open(fixed)?
                        .new_sites(need_p()?)?,
                )
            }
            ModelKind::Lscp => {
                let cov = reach.within(need_radius()?)?;
                Box::new(SetCover::new(cov).fixed_open(fixed)?)
            }
            ModelKind::Gradual => {
                let decay = decay.ok_or_else(|| need(ModelParam::Decay))?;
                Box::new(
                    GradualCoverage::new(reach, weights, decay)?
                        .fixed_open(fixed)?
                        .new_sites(need_p()?)?,
                )
            }
            ModelKind::Attendance => {
                let decay = attendance_decay(need_radius()?, decay)?;
                let p = need_p()?;
                Box::new(
                    GradualCoverage::new(reach, weights, decay)?
                        .fixed_open(fixed)?
                        .new_sites(p)?,
                )
            }
            ModelKind::TargetRatio => {
                let capacities = capacities.ok_or_else(|| need(ModelParam::Capacities))?;
                let target = target.ok_or_else(|| need(ModelParam::Target))?;
                let radius = need_radius()?;
                Box::new(
                    TargetRatio::new(reach, weights, capacities, target, radius)?
                        .fixed_open(fixed)?
                        .new_sites(need_p()?)?,
                )
            }
        })
    }

    /// Builds the model from `input` and solves it.
    ///
    /// # Errors
    /// As [`ModelKind::build`], then whatever the model's `solve` returns.
    pub fn solve(self, input: ModelInput, options: &SolveOptions) -> Result<Solution> {
        self.build(input)?.solve(options)
    }
}

/// The decay of `attendance`: one of ArcGIS's impedance transformations cut
/// at its impedance cutoff `radius`, linear when none is given.
pub(crate) fn attendance_decay(radius: f64, decay: Option<Decay>) -> Result<Decay> {
    let decay = decay.unwrap_or(Decay::Linear { cutoff_s: radius });
    if !matches!(
        decay,
        Decay::Linear { .. } | Decay::Power { .. } | Decay::Exponential { .. }
    ) {
        return Err(Error::param(
            "decay",
            "attendance takes ArcGIS's transformations: linear, power or exponential (gradual takes any decay)",
        ));
    }
    if decay.cutoff_s() != radius {
        return Err(Error::param(
            "decay",
            format!(
                "its cutoff {} is not the impedance cutoff (the radius, {radius}): give them equal",
                decay.cutoff_s()
            ),
        ));
    }
    Ok(decay)
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ModelKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        ModelKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| Error::InvalidParameter {
                name: "model".into(),
                message: format!(
                    "unknown model {s:?}: one of {}",
                    ModelKind::ALL.map(ModelKind::name).join(", ")
                ),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_is_refused() {
        for k in ModelKind::ALL {
            assert_eq!(k.name().parse::<ModelKind>().unwrap(), k);
        }
        let e = "pmedian".parse::<ModelKind>().unwrap_err().to_string();
        assert!(
            e.contains("one of p-median, p-center, mclp, lscp, gradual, attendance, target-ratio"),
            "{e}"
        );
    }

    fn reach_input() -> ReachInput {
        let reach =
            ReachTimes::from_triplets(2, 2, [(0, 0, 300.0), (1, 1, 600.0), (1, 0, 900.0)]).unwrap();
        ReachInput {
            reach,
            weights: vec![1.0, 2.0],
            p: Some(1),
            radius: None,
            fixed: vec![],
            decay: None,
            capacities: None,
            target: None,
            unreachable: None,
        }
    }

    #[test]
    fn sparse_models_name_what_they_need_or_refuse() {
        let cases: [(ModelKind, ReachInput, &str); 6] = [
            (ModelKind::Gradual, reach_input(), "gradual needs decay"),
            (
                ModelKind::Gradual,
                ReachInput {
                    radius: Some(1.0),
                    ..reach_input()
                },
                "radius",
            ),
            (
                ModelKind::TargetRatio,
                ReachInput {
                    radius: Some(900.0),
                    ..reach_input()
                },
                "needs capacities",
            ),
            (
                ModelKind::PMedian,
                reach_input(),
                "p-median needs unreachable",
            ),
            (
                ModelKind::Attendance,
                ReachInput {
                    radius: Some(900.0),
                    decay: Some(Decay::Gaussian { cutoff_s: 900.0 }),
                    ..reach_input()
                },
                "linear, power or exponential",
            ),
            (
                ModelKind::Attendance,
                ReachInput {
                    radius: Some(900.0),
                    decay: Some(Decay::Linear { cutoff_s: 600.0 }),
                    ..reach_input()
                },
                "not the impedance cutoff",
            ),
        ];
        for (kind, input, says) in cases {
            let e = kind.build_reach(input).err().expect("refused").to_string();
            assert!(e.contains(says), "{kind}: {e}");
        }
    }

    #[test]
    fn attendance_is_gradual_coverage_with_a_linear_decay_by_default() {
        let options = SolveOptions::new();
        let attendance = ReachInput {
            radius: Some(900.0),
            ..reach_input()
        };
        let a = ModelKind::Attendance
            .build_reach(attendance)
            .unwrap()
            .solve(&options)
            .unwrap();
        let linear = Some(Decay::Linear { cutoff_s: 900.0 });
        let gradual = ReachInput {
            decay: linear,
            ..reach_input()
        };
        let g = ModelKind::Gradual
            .build_reach(gradual)
            .unwrap()
            .solve(&options)
            .unwrap();
        assert_eq!((a.sites.clone(), a.objective), (g.sites, g.objective));
        // Site 0: 1 x 2/3 + 2 x 0; site 1: 2 x 1/3.
        assert_eq!(a.sites, vec![0]);
        // From a dense matrix, the pairs within the radius are kept.
        let costs = CostMatrix::from_rows(vec![vec![300.0, 2000.0], vec![900.0, 600.0]]).unwrap();
        let input = ModelInput {
            costs,
            weights: vec![1.0, 2.0],
            p: Some(1),
            radius: Some(900.0),
            fixed: vec![],
        };
        let d = ModelKind::Attendance.solve(input, &options).unwrap();
        assert_eq!((d.sites, d.objective), (a.sites, a.objective));
    }

    #[test]
    fn missing_needed_parameter_is_named() {
        let costs = CostMatrix::from_rows(vec![vec![1.0]]).unwrap();
        let input = ModelInput {
            costs,
            weights: vec![1.0],
            p: Some(1),
            radius: None,
            fixed: vec![],
        };
        let e = ModelKind::Mclp
            .solve(input, &SolveOptions::new())
            .unwrap_err();
        assert!(
            matches!(&e, Error::InvalidParameter { name, .. } if name == "radius"),
            "{e}"
        );
    }
}

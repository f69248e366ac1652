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

use super::{CostMatrix, CoverageSets, MaxCoverage, PCenter, PMedian, SetCover, SitingModel};
use crate::error::{Error, Result};
use crate::instances::ReachTimes;
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
///     fixed: vec![], unreachable: Some(2700.0) };
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
    /// Coverage radius, in the times' unit.
    pub radius: Option<f64>,
    /// Sites open whatever the solver decides.
    pub fixed: Vec<usize>,
    /// What a demand point with no open site in reach pays (p-median, p-center).
    pub unreachable: Option<f64>,
}

impl ModelKind {
    /// Every model, in the order help texts list them.
    pub const ALL: [ModelKind; 4] = [
        ModelKind::PMedian,
        ModelKind::PCenter,
        ModelKind::Mclp,
        ModelKind::Lscp,
    ];

    /// The name `FromStr` accepts and `Display` prints.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::PMedian => "p-median",
            ModelKind::PCenter => "p-center",
            ModelKind::Mclp => "mclp",
            ModelKind::Lscp => "lscp",
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
            (ModelKind::Mclp | ModelKind::Lscp, ModelParam::Unreachable) => {
                Some("coverage models count only who is within the radius")
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
        })
    }

    /// Builds the model from sparse walking times (no dense demand × site
    /// table, in the build or the solve).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming a parameter the model refuses
    /// ([`ModelKind::refuses`]) that was given, one it needs that was not
    /// (p-median and p-center need `unreachable`), or a radius beyond the
    /// times' [limit](ReachTimes::limit); otherwise whatever the model's
    /// constructor returns.
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
            unreachable,
        } = input;
        let given = [
            (ModelParam::P, p.is_some()),
            (ModelParam::Radius, radius.is_some()),
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
        assert!(e.contains("one of p-median, p-center, mclp, lscp"), "{e}");
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

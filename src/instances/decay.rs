//! Distance-decay functions `f(t)`: how much a facility `t` seconds away
//! counts, from 1 (next door) down to 0 (beyond the cutoff).
//!
//! Every decay has a cutoff: the walking-time matrix is sparse (pairs beyond
//! its limit are not stored), so a decay that never reaches 0 on its own
//! (exponential, power, Gaussian) must say where it stops, and is refused
//! without one rather than silently cut at the matrix limit.
//!
//! | kind | `f(t)` for `t <= cutoff` | source |
//! |---|---|---|
//! | `step` | `w_k` for the first step with `t <= up_to_k` | Luo & Qi (2009), E2SFCA; PySAL `access.weights.step_fn` |
//! | `linear` | `1 - t / cutoff` | ArcGIS Location-Allocation linear impedance transformation; pandana `linear` |
//! | `exponential` | `exp(-beta t)` | ArcGIS exponential transformation; pandana `exponential` |
//! | `gaussian` | `(exp(-½ (t/t0)²) - exp(-½)) / (1 - exp(-½))`, `t0` = cutoff | Dai (2010), Gaussian 2SFCA |
//! | `power` | `(max(t, min_s) / min_s)^(-beta)` | Hansen (1959) gravity; PySAL `access.weights.gravity(scale=min_s, alpha=-beta, min_dist=min_s)` |
//! | `modified_gaussian` | `exp(-t² / sensitivity)` (t in seconds) | GOAT heatmap "modified Gaussian" (Kwan 1998) |
//!
//! and `f(t) = 0` beyond the cutoff.
//!
//! On the command line and in Python a decay is also written short (see
//! [`Decay::from_str`](std::str::FromStr)): `linear:900`, `gaussian:900`,
//! `exponential:0.004:900` (beta, cutoff), `power:2:60:900` (beta, `min_s`,
//! cutoff), `modified-gaussian:300000:900` (sensitivity, cutoff),
//! `step:300=1,600=0.68,900=0.22`, `e2sfca:900` — or as the JSON above.
//!
//! # Example
//! ```
//! use lifecircle::access::Decay;
//!
//! // PySAL access's E2SFCA weights over a 15-minute walk.
//! let d: Decay = serde_json::from_str(
//!     r#"{"kind": "step", "steps": [{"up_to_s": 300, "weight": 1},
//!         {"up_to_s": 600, "weight": 0.68}, {"up_to_s": 900, "weight": 0.22}]}"#,
//! ).unwrap();
//! d.validate().unwrap();
//! assert_eq!((d.weight(300.0), d.weight(301.0), d.weight(901.0)), (1.0, 0.68, 0.0));
//! assert_eq!(d, Decay::e2sfca(900.0));
//! ```

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{finite_non_negative, Error, Result};

/// PySAL `access`'s default E2SFCA weights (for its steps at 10, 20 and 30 minutes).
pub const E2SFCA_WEIGHTS: [f64; 3] = [1.0, 0.68, 0.22];

/// One step of a [`Decay::Step`]: facilities up to `up_to_s` seconds away
/// (and beyond the previous step) count `weight`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Upper end of the step in seconds, inclusive.
    pub up_to_s: f64,
    /// Weight of the step, `>= 0`.
    pub weight: f64,
}

/// A distance-decay function; see the [module docs](self) for each formula.
/// Times and cutoffs are in seconds, like the walking-time matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Decay {
    /// Constant weights by time band; one step of weight 1 is plain 2SFCA.
    Step {
        /// Steps by increasing `up_to_s`; the last one is the cutoff.
        steps: Vec<Step>,
    },
    /// From 1 at `t = 0` down to 0 at the cutoff.
    Linear {
        /// Seconds where the weight reaches 0.
        cutoff_s: f64,
    },
    /// `exp(-beta t)`.
    Exponential {
        /// Decay rate per second, `>= 0`.
        beta: f64,
        /// Seconds beyond which the weight is 0 (required).
        cutoff_s: Option<f64>,
    },
    /// Dai's Gaussian kernel: 1 at `t = 0`, 0 at the cutoff.
    Gaussian {
        /// The catchment `t0` in seconds.
        cutoff_s: f64,
    },
    /// Hansen's power decay, flat (1) up to `min_s` so that it stays finite near 0.
    Power {
        /// Exponent, `>= 0`.
        beta: f64,
        /// Seconds up to which the weight is 1, `> 0`.
        min_s: f64,
        /// Seconds beyond which the weight is 0 (required).
        cutoff_s: Option<f64>,
    },
    /// GOAT's modified Gaussian `exp(-t² / sensitivity)`.
    ModifiedGaussian {
        /// GOAT's sensitivity `beta` in s², `> 0` (GOAT's examples use 20,000–300,000).
        sensitivity: f64,
        /// Seconds beyond which the weight is 0 (required).
        cutoff_s: Option<f64>,
    },
}

impl Decay {
    /// One step of weight 1 up to `cutoff_s`: plain 2SFCA (Luo & Wang 2003).
    pub fn two_step(cutoff_s: f64) -> Self {
        Decay::Step {
            steps: vec![Step {
                up_to_s: cutoff_s,
                weight: 1.0,
            }],
        }
    }

    /// PySAL `access`'s E2SFCA steps (10 / 20 / 30 minutes, weights
    /// [`E2SFCA_WEIGHTS`]) scaled to `cutoff_s`: thirds of the cutoff.
    pub fn e2sfca(cutoff_s: f64) -> Self {
        Decay::Step {
            steps: E2SFCA_WEIGHTS
                .iter()
                .enumerate()
                .map(|(k, &weight)| Step {
                    up_to_s: cutoff_s * (k + 1) as f64 / 3.0,
                    weight,
                })
                .collect(),
        }
    }

    /// Checks every parameter.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the parameter: a NaN, infinite or
    /// negative rate, exponent or weight; a cutoff `<= 0`; steps that are
    /// empty or not strictly increasing; a sensitivity or `min_s` `<= 0`; a
    /// missing cutoff on a decay that never reaches 0.
    pub fn validate(&self) -> Result<()> {
        let positive = |name: &str, x: f64| {
            if x.is_finite() && x > 0.0 {
                Ok(())
            } else {
                Err(Error::param(
                    name,
                    format!("must be a finite number > 0, got {x}"),
                ))
            }
        };
        let non_negative = |name: &str, x: f64| {
            if finite_non_negative(x) {
                Ok(())
            } else {
                Err(Error::param(
                    name,
                    format!("must be a finite number >= 0, got {x}"),
                ))
            }
        };
        let required = |kind: &str, cutoff: Option<f64>| {
            match cutoff {
            Some(c) => positive("decay cutoff_s", c),
            None => Err(Error::param(
                "decay cutoff_s",
                format!("a {kind} decay never reaches 0, so it needs a cutoff: the walking times are stored only up to a limit"),
            )),
        }
        };
        match self {
            Decay::Step { steps } => {
                if steps.is_empty() {
                    return Err(Error::param("decay steps", "needs at least one step"));
                }
                let mut previous = 0.0;
                for (k, s) in steps.iter().enumerate() {
                    positive(&format!("decay step {k} up_to_s"), s.up_to_s)?;
                    non_negative(&format!("decay step {k} weight"), s.weight)?;
                    if s.up_to_s <= previous {
                        return Err(Error::param(
                            &format!("decay step {k} up_to_s"),
                            format!(
                                "steps must increase: {} s is not beyond the previous step's {previous} s",
                                s.up_to_s
                            ),
                        ));
                    }
                    previous = s.up_to_s;
                }
                Ok(())
            }
            Decay::Linear { cutoff_s } | Decay::Gaussian { cutoff_s } => {
                positive("decay cutoff_s", *cutoff_s)
            }
            Decay::Exponential { beta, cutoff_s } => {
                non_negative("decay beta", *beta)?;
                required("exponential", *cutoff_s)
            }
            Decay::Power {
                beta,
                min_s,
                cutoff_s,
            } => {
                non_negative("decay beta", *beta)?;
                positive("decay min_s", *min_s)?;
                required("power", *cutoff_s)
            }
            Decay::ModifiedGaussian {
                sensitivity,
                cutoff_s,
            } => {
                positive("decay sensitivity", *sensitivity)?;
                required("modified Gaussian", *cutoff_s)
            }
        }
    }

    /// Seconds beyond which the weight is 0 (infinite for a decay that
    /// [`validate`](Self::validate) refuses for lack of one).
    pub fn cutoff_s(&self) -> f64 {
        match self {
            Decay::Step { steps } => steps.last().map_or(0.0, |s| s.up_to_s),
            Decay::Linear { cutoff_s } | Decay::Gaussian { cutoff_s } => *cutoff_s,
            Decay::Exponential { cutoff_s, .. }
            | Decay::Power { cutoff_s, .. }
            | Decay::ModifiedGaussian { cutoff_s, .. } => cutoff_s.unwrap_or(f64::INFINITY),
        }
    }

    /// Checks that `f` never grows with the walk, as siting on the nearest
    /// facility needs (then `f` at the nearest open facility is the largest
    /// `f` over the open facilities). Every kind but `step` is so by its
    /// formula; steps must not gain weight.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first step heavier than the one before.
    pub fn check_non_increasing(&self) -> Result<()> {
        if let Decay::Step { steps } = self {
            if let Some(k) = (1..steps.len()).find(|&k| steps[k].weight > steps[k - 1].weight) {
                return Err(Error::param(
                    &format!("decay step {k} weight"),
                    format!(
                        "{} is above the previous step's {}: siting counts the nearest facility, so a decay may not grow with the walk",
                        steps[k].weight,
                        steps[k - 1].weight
                    ),
                ));
            }
        }
        Ok(())
    }

    /// `f(t)` for a walk of `t` seconds; 0 beyond the cutoff. Meaningful for
    /// a decay that passed [`validate`](Self::validate).
    pub fn weight(&self, t: f64) -> f64 {
        if t > self.cutoff_s() {
            return 0.0;
        }
        match self {
            Decay::Step { steps } => steps
                .iter()
                .find(|s| t <= s.up_to_s)
                .map_or(0.0, |s| s.weight),
            Decay::Linear { cutoff_s } => 1.0 - t / cutoff_s,
            Decay::Exponential { beta, .. } => (-beta * t).exp(),
            Decay::Gaussian { cutoff_s } => {
                let edge = (-0.5f64).exp();
                ((-0.5 * (t / cutoff_s).powi(2)).exp() - edge) / (1.0 - edge)
            }
            Decay::Power { beta, min_s, .. } => (t.max(*min_s) / min_s).powf(-beta),
            Decay::ModifiedGaussian { sensitivity, .. } => (-t * t / sensitivity).exp(),
        }
    }
}

/// The short form (module docs) or JSON, validated.
impl FromStr for Decay {
    type Err = Error;

    fn from_str(spec: &str) -> Result<Self> {
        let spec = spec.trim();
        let bad = |why: String| Error::param("decay", format!("{spec:?}: {why}"));
        let decay = if spec.starts_with('{') {
            serde_json::from_str(spec).map_err(|e| bad(e.to_string()))?
        } else {
            let (kind, rest) = spec.split_once(':').unwrap_or((spec, ""));
            let numbers = |n: usize, names: &str| -> Result<Vec<f64>> {
                let parts: Vec<&str> = rest.split(':').filter(|p| !p.is_empty()).collect();
                if parts.len() != n {
                    return Err(bad(format!("{kind} takes {names}")));
                }
                parts
                    .iter()
                    .map(|p| {
                        p.trim()
                            .parse::<f64>()
                            .map_err(|_| bad(format!("{p:?} is not a number")))
                    })
                    .collect()
            };
            match kind {
                "linear" => Decay::Linear { cutoff_s: numbers(1, "a cutoff in seconds")?[0] },
                "gaussian" => Decay::Gaussian { cutoff_s: numbers(1, "a cutoff in seconds")?[0] },
                "e2sfca" => Decay::e2sfca(numbers(1, "a cutoff in seconds")?[0]),
                "exponential" => {
                    let v = numbers(2, "beta:cutoff_s")?;
                    Decay::Exponential { beta: v[0], cutoff_s: Some(v[1]) }
                }
                "power" => {
                    let v = numbers(3, "beta:min_s:cutoff_s")?;
                    Decay::Power { beta: v[0], min_s: v[1], cutoff_s: Some(v[2]) }
                }
                "modified-gaussian" | "modified_gaussian" => {
                    let v = numbers(2, "sensitivity:cutoff_s")?;
                    Decay::ModifiedGaussian { sensitivity: v[0], cutoff_s: Some(v[1]) }
                }
                "step" => {
                    let steps = rest
                        .split(',')
                        .map(|s| {
                            let (up, w) = s
                                .split_once('=')
                                .ok_or_else(|| bad(format!("step {s:?} is not SECONDS=WEIGHT")))?;
                            let num = |x: &str| {
                                x.trim().parse::<f64>().map_err(|_| bad(format!("{x:?} is not a number")))
                            };
                            Ok(Step { up_to_s: num(up)?, weight: num(w)? })
                        })
                        .collect::<Result<Vec<_>>>()?;
                    Decay::Step { steps }
                }
                other => {
                    return Err(bad(format!(
                        "unknown decay {other:?}: one of linear, gaussian, e2sfca, exponential, power, modified-gaussian, step, or JSON"
                    )))
                }
            }
        };
        decay.validate()?;
        Ok(decay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Decay {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn each_kind_has_its_formula_at_known_points() {
        let e = (-0.5f64).exp();
        let cases = [
            (r#"{"kind":"linear","cutoff_s":600}"#, 150.0, 0.75),
            (
                r#"{"kind":"exponential","beta":0.01,"cutoff_s":900}"#,
                100.0,
                (-1.0f64).exp(),
            ),
            (
                r#"{"kind":"gaussian","cutoff_s":900}"#,
                450.0,
                ((-0.125f64).exp() - e) / (1.0 - e),
            ),
            (r#"{"kind":"gaussian","cutoff_s":900}"#, 900.0, 0.0),
            (
                r#"{"kind":"power","beta":2,"min_s":60,"cutoff_s":900}"#,
                30.0,
                1.0,
            ),
            (
                r#"{"kind":"power","beta":2,"min_s":60,"cutoff_s":900}"#,
                120.0,
                0.25,
            ),
            (
                r#"{"kind":"modified_gaussian","sensitivity":300000,"cutoff_s":900}"#,
                300.0,
                (-0.3f64).exp(),
            ),
            (
                r#"{"kind":"step","steps":[{"up_to_s":10,"weight":1},{"up_to_s":20,"weight":0.5}]}"#,
                15.0,
                0.5,
            ),
        ];
        for (json, t, expect) in cases {
            let d = parse(json);
            d.validate().unwrap();
            assert!((d.weight(t) - expect).abs() < 1e-15, "{json} at {t}");
            assert_eq!(d.weight(d.cutoff_s() + 1e-9), 0.0, "{json}");
        }
    }

    #[test]
    fn short_forms_parse_to_their_kinds() {
        let cases = [
            ("linear:600", Decay::Linear { cutoff_s: 600.0 }),
            ("gaussian:900", Decay::Gaussian { cutoff_s: 900.0 }),
            ("e2sfca:900", Decay::e2sfca(900.0)),
            (
                "exponential:0.01:900",
                Decay::Exponential {
                    beta: 0.01,
                    cutoff_s: Some(900.0),
                },
            ),
            (
                "power:2:60:900",
                Decay::Power {
                    beta: 2.0,
                    min_s: 60.0,
                    cutoff_s: Some(900.0),
                },
            ),
            (
                "modified-gaussian:300000:900",
                Decay::ModifiedGaussian {
                    sensitivity: 300000.0,
                    cutoff_s: Some(900.0),
                },
            ),
            ("step:900=1", Decay::two_step(900.0)),
            (
                r#"{"kind":"linear","cutoff_s":600}"#,
                Decay::Linear { cutoff_s: 600.0 },
            ),
        ];
        for (spec, expect) in cases {
            assert_eq!(spec.parse::<Decay>().unwrap(), expect, "{spec}");
        }
        for (spec, says) in [
            ("linear", "linear takes a cutoff"),
            ("linear:-3", "cutoff_s"),
            ("power:2:900", "beta:min_s:cutoff_s"),
            ("cosine:9", "unknown decay"),
            ("step:300=1,x=2", "is not a number"),
            ("step:300", "SECONDS=WEIGHT"),
        ] {
            let e = spec.parse::<Decay>().unwrap_err().to_string();
            assert!(e.contains(says), "{spec}: {e}");
        }
        let rising = "step:300=0.5,600=1".parse::<Decay>().unwrap();
        let e = rising.check_non_increasing().unwrap_err().to_string();
        assert!(e.contains("decay step 1 weight"), "{e}");
        Decay::e2sfca(900.0).check_non_increasing().unwrap();
    }

    #[test]
    fn bad_parameters_are_refused_by_name() {
        let bad = [
            (r#"{"kind":"linear","cutoff_s":0}"#, "cutoff_s"),
            (r#"{"kind":"linear","cutoff_s":-5}"#, "cutoff_s"),
            (r#"{"kind":"exponential","beta":-1,"cutoff_s":9}"#, "beta"),
            (r#"{"kind":"exponential","beta":0.1}"#, "never reaches 0"),
            (
                r#"{"kind":"power","beta":1,"min_s":0,"cutoff_s":9}"#,
                "min_s",
            ),
            (r#"{"kind":"power","beta":1,"min_s":1}"#, "never reaches 0"),
            (
                r#"{"kind":"modified_gaussian","sensitivity":0,"cutoff_s":9}"#,
                "sensitivity",
            ),
            (
                r#"{"kind":"modified_gaussian","sensitivity":1}"#,
                "never reaches 0",
            ),
            (r#"{"kind":"step","steps":[]}"#, "at least one step"),
            (
                r#"{"kind":"step","steps":[{"up_to_s":5,"weight":-1}]}"#,
                "step 0 weight",
            ),
            (
                r#"{"kind":"step","steps":[{"up_to_s":5,"weight":1},{"up_to_s":5,"weight":1}]}"#,
                "step 1 up_to_s",
            ),
        ];
        for (json, says) in bad {
            let err = parse(json).validate().unwrap_err().to_string();
            assert!(err.contains(says), "{json}: {err}");
        }
        // NaN cannot be written in JSON; from Rust it is refused all the same.
        let nan = Decay::Exponential {
            beta: f64::NAN,
            cutoff_s: Some(1.0),
        };
        assert!(nan.validate().unwrap_err().to_string().contains("beta"));
        let endless = Decay::Gaussian {
            cutoff_s: f64::INFINITY,
        };
        assert!(endless
            .validate()
            .unwrap_err()
            .to_string()
            .contains("cutoff_s"));
        assert!(serde_json::from_str::<Decay>(r#"{"kind":"linear","cutoff":5}"#).is_err());
    }
}

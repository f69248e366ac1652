//! How much a resident of each age group weighs for a service.

use super::Residents;
use crate::error::finite_non_negative;

/// How much one resident of each group weighs for a service: the weight of a
/// demand point is `everyone · total + aged_60_plus · aged60 + under_6 · under6`.
/// The groups overlap (everyone includes the others), so an elderly canteen is
/// `{ aged_60_plus: 1 }` and a barber that serves everyone but counts the
/// elderly twice is `{ everyone: 1, aged_60_plus: 1 }`.
///
/// In files it is a group name — `"everyone"`, `"aged_60_plus"`, `"under_6"` —
/// or a table of weights.
///
/// ```
/// use lifecircle::demand::{DemandWeights, Residents};
/// let r = Residents { total: 100.0, aged_60_plus: Some(20.0), under_6: Some(5.0) };
/// assert_eq!(DemandWeights::everyone().weight(&r).unwrap(), 100.0);
/// assert_eq!(DemandWeights::aged_60_plus().weight(&r).unwrap(), 20.0);
/// let mix: DemandWeights = toml::from_str::<toml::Value>("w = { everyone = 1, aged_60_plus = 1 }")
///     .unwrap()["w"].clone().try_into().unwrap();
/// assert_eq!(mix.weight(&r).unwrap(), 120.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "WeightsSpec")]
pub struct DemandWeights {
    /// Weight of every resident.
    pub everyone: f64,
    /// Extra weight of a resident aged 60+.
    pub aged_60_plus: f64,
    /// Extra weight of a child under 6.
    pub under_6: f64,
}

impl Default for DemandWeights {
    fn default() -> Self {
        Self::everyone()
    }
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum WeightsSpec {
    Group(String),
    Mix {
        #[serde(default)]
        everyone: f64,
        #[serde(default)]
        aged_60_plus: f64,
        #[serde(default)]
        under_6: f64,
    },
}

impl TryFrom<WeightsSpec> for DemandWeights {
    type Error = String;
    fn try_from(spec: WeightsSpec) -> std::result::Result<Self, String> {
        match spec {
            WeightsSpec::Group(g) => match g.as_str() {
                "everyone" => Ok(Self::everyone()),
                "aged_60_plus" => Ok(Self::aged_60_plus()),
                "under_6" => Ok(Self::under_6()),
                other => Err(format!(
                    "unknown demand group {other:?}; use everyone, aged_60_plus, under_6 or a table of weights"
                )),
            },
            WeightsSpec::Mix {
                everyone,
                aged_60_plus,
                under_6,
            } => Ok(Self {
                everyone,
                aged_60_plus,
                under_6,
            }),
        }
    }
}

impl DemandWeights {
    /// Every resident counts once.
    pub fn everyone() -> Self {
        Self {
            everyone: 1.0,
            aged_60_plus: 0.0,
            under_6: 0.0,
        }
    }
    /// Residents aged 60+ only.
    pub fn aged_60_plus() -> Self {
        Self {
            everyone: 0.0,
            aged_60_plus: 1.0,
            under_6: 0.0,
        }
    }
    /// Children under 6 only.
    pub fn under_6() -> Self {
        Self {
            everyone: 0.0,
            aged_60_plus: 0.0,
            under_6: 1.0,
        }
    }

    /// Checks that weights are finite, non-negative and not all zero.
    ///
    /// # Errors
    /// A message saying which weight is wrong.
    pub fn validate(&self) -> std::result::Result<(), String> {
        let all = [
            ("everyone", self.everyone),
            ("aged_60_plus", self.aged_60_plus),
            ("under_6", self.under_6),
        ];
        if let Some((name, w)) = all.iter().find(|(_, w)| !finite_non_negative(*w)) {
            return Err(format!(
                "weight {name} must be a finite number >= 0, got {w}"
            ));
        }
        if all.iter().all(|(_, w)| *w == 0.0) {
            return Err("all weights are 0".into());
        }
        Ok(())
    }

    /// The weight of a demand point's residents split into those aged 60+ and
    /// the rest (who walk at different speeds).
    ///
    /// # Errors
    /// A message naming the age group a non-zero weight needs but the point lacks.
    pub fn split(&self, r: &Residents) -> std::result::Result<(f64, f64), String> {
        let need = |w: f64, v: Option<f64>, what: &str| -> std::result::Result<f64, String> {
            match v {
                _ if w == 0.0 => Ok(v.unwrap_or(0.0)),
                Some(v) => Ok(v),
                None => Err(format!(
                    "no {what} count (add the column or set {})",
                    if what == "aged_60_plus" {
                        "aging_ratio"
                    } else {
                        "under_6_ratio"
                    }
                )),
            }
        };
        let old = need(self.aged_60_plus, r.aged_60_plus, "aged_60_plus")?;
        let young = need(self.under_6, r.under_6, "under_6")?;
        Ok((
            self.everyone * old + self.aged_60_plus * old,
            self.everyone * (r.total - old) + self.under_6 * young,
        ))
    }

    /// The total weight of a demand point's residents.
    ///
    /// # Errors
    /// As [`split`](Self::split).
    pub fn weight(&self, r: &Residents) -> std::result::Result<f64, String> {
        self.split(r).map(|(old, rest)| old + rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_split_by_age() {
        let r = Residents {
            total: 100.0,
            aged_60_plus: Some(20.0),
            under_6: Some(5.0),
        };
        assert_eq!(DemandWeights::everyone().split(&r).unwrap(), (20.0, 80.0));
        assert_eq!(DemandWeights::under_6().split(&r).unwrap(), (0.0, 5.0));
        let unknown = Residents {
            total: 100.0,
            aged_60_plus: None,
            under_6: None,
        };
        assert_eq!(
            DemandWeights::everyone().split(&unknown).unwrap(),
            (0.0, 100.0)
        );
        assert!(DemandWeights::aged_60_plus()
            .split(&unknown)
            .unwrap_err()
            .contains("aging_ratio"));
    }
}

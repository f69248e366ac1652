//! The indices themselves, over validated [`AccessInput`]: one function per
//! index, plain data in, one value per demand point out.

use rayon::prelude::*;

use crate::error::{finite_non_negative, Error, Result};
use crate::travel::TravelTimes;

/// Facility groups of the parallel passes (see `AccessInput::groups`): a few
/// per core on the machines we run on, few enough that adding up the
/// groups' sums (one per demand point each) stays cheap.
const GROUPS: usize = 16;

use super::Decay;

/// What every index is computed from: the walking-time matrix, the rows of
/// it that are facilities of the service with their supply, and the demand
/// per demand point (column). Checked once, here.
#[derive(Debug, Clone)]
pub struct AccessInput<'a> {
    travel: &'a TravelTimes,
    facilities: Vec<usize>,
    supply: Vec<f64>,
    demand: &'a [f64],
}

impl<'a> AccessInput<'a> {
    /// `facilities` are site rows of `travel`; `capacity` their supply
    /// (`None`: 1 each, so indices count facilities); `demand` one weight
    /// per demand point (the service's residents).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the record: a facility row out of
    /// range or given twice, a capacity that is 0, negative, NaN or infinite
    /// (a facility without room is no facility: leave it out), capacities
    /// not one per facility, demand not one per demand point, or supply or
    /// demand whose total overflows; [`Error::InvalidPopulation`] for a
    /// demand weight that is NaN, infinite or negative.
    pub fn new(
        travel: &'a TravelTimes,
        facilities: &[usize],
        capacity: Option<&[f64]>,
        demand: &'a [f64],
    ) -> Result<Self> {
        let mut seen = vec![false; travel.n_sites()];
        for (f, &row) in facilities.iter().enumerate() {
            match seen.get_mut(row) {
                None => {
                    return Err(Error::param(
                        "facilities",
                        format!(
                            "facility {f} is site row {row}, but the travel times have {} sites",
                            travel.n_sites()
                        ),
                    ))
                }
                Some(true) => {
                    return Err(Error::param(
                        "facilities",
                        format!("facility {f} repeats site row {row}"),
                    ))
                }
                Some(s) => *s = true,
            }
        }
        let supply = match capacity {
            None => vec![1.0; facilities.len()],
            Some(c) if c.len() != facilities.len() => {
                return Err(Error::param(
                    "capacity",
                    format!("{} capacities for {} facilities", c.len(), facilities.len()),
                ))
            }
            Some(c) => c.to_vec(),
        };
        if let Some((f, c)) = supply
            .iter()
            .enumerate()
            .find(|(_, &c)| !(c.is_finite() && c > 0.0))
        {
            return Err(Error::param(
                "capacity",
                format!("facility {f} (site row {}) has capacity {c}; capacities must be finite and > 0", facilities[f]),
            ));
        }
        if demand.len() != travel.n_demand() {
            return Err(Error::param(
                "demand",
                format!(
                    "{} weights for {} demand points",
                    demand.len(),
                    travel.n_demand()
                ),
            ));
        }
        if let Some((i, &p)) = demand
            .iter()
            .enumerate()
            .find(|(_, &p)| !finite_non_negative(p))
        {
            return Err(Error::InvalidPopulation {
                id: format!("{i} (access demand)"),
                value: p,
            });
        }
        for (name, total) in [
            ("capacity", supply.iter().sum::<f64>()),
            ("demand", demand.iter().sum()),
        ] {
            if !total.is_finite() {
                return Err(Error::param(
                    name,
                    "the total overflows a 64-bit float: scale the values down",
                ));
            }
        }
        Ok(Self {
            travel,
            facilities: facilities.to_vec(),
            supply,
            demand,
        })
    }

    /// Whether the service has no facility at all: every index is then 0
    /// (and every nearest-N time `None`), which a report should say.
    pub fn no_facility(&self) -> bool {
        self.facilities.is_empty()
    }

    /// Facilities in contiguous groups of about equal pairs, for the
    /// parallel passes: a fixed number fixed by the input alone, so that
    /// sums come in the same order on any machine and any run.
    fn groups(&self) -> Vec<std::ops::Range<usize>> {
        let total: usize = self
            .facilities
            .iter()
            .map(|&r| self.travel.row_len(r))
            .sum();
        let per = total.div_ceil(GROUPS).max(1);
        let (mut out, mut start, mut held) = (Vec::new(), 0, 0);
        for (f, &row) in self.facilities.iter().enumerate() {
            held += self.travel.row_len(row);
            if held >= per {
                out.push(start..f + 1);
                (start, held) = (f + 1, 0);
            }
        }
        if start < self.facilities.len() {
            out.push(start..self.facilities.len());
        }
        out
    }

    /// Per demand point, the sum of what `add(group, sums)` adds for each
    /// group of facilities: each group on a core of its own into its own
    /// sums, added up in group order.
    fn scatter<F>(&self, add: F) -> Vec<f64>
    where
        F: Fn(std::ops::Range<usize>, &mut [f64]) + Sync,
    {
        let n = self.demand.len();
        let parts: Vec<Vec<f64>> = self
            .groups()
            .into_par_iter()
            .map(|group| {
                let mut sum = vec![0.0; n];
                add(group, &mut sum);
                sum
            })
            .collect();
        let mut parts = parts.into_iter();
        let mut total = parts.next().unwrap_or_else(|| vec![0.0; n]);
        for part in parts {
            total.iter_mut().zip(part).for_each(|(t, p)| *t += p);
        }
        total
    }

    /// The walks `(demand point, seconds)` of facility `f`.
    fn pairs(&self, f: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.travel.row(self.facilities[f])
    }

    fn check_limit(&self, name: &str, limit_s: f64) -> Result<()> {
        if limit_s >= 0.0 && limit_s <= self.travel.limit_s() {
            Ok(())
        } else {
            Err(Error::param(
                name,
                format!(
                    "{limit_s} s is not between 0 and the {} s the walking times were computed to (pairs beyond it are missing)",
                    self.travel.limit_s()
                ),
            ))
        }
    }
}

/// Every index of a float overflow is an error, not an `inf` in a table.
fn finite(index: &str, values: Vec<f64>) -> Result<Vec<f64>> {
    match values.iter().position(|v| !v.is_finite()) {
        None => Ok(values),
        Some(i) => Err(Error::param(
            index,
            format!("overflows at demand point {i}: scale supply or demand down"),
        )),
    }
}

/// Supply-to-demand ratio of each facility, `R_j = S_j / Σ_i g_ij P_i`, and
/// each demand point's `A_i = Σ_j g_ij R_j`, for pair weights `g(i, t)`.
/// A facility whose catchment holds no demand serves nobody: `R_j = 0`
/// (PySAL divides by zero there and gives `inf` or NaN). Each facility's
/// weights are computed once into a small buffer and used for both sums,
/// so no array of every pair's weight is built.
fn floating_catchment<G>(input: &AccessInput, g: G) -> Vec<f64>
where
    G: Fn(usize, f64) -> f64 + Sync,
{
    input.scatter(|group, access| {
        let mut weights: Vec<(usize, f64)> = Vec::new();
        for f in group {
            weights.clear();
            weights.extend(
                input
                    .pairs(f)
                    .map(|(i, t)| (i, g(i, t)))
                    .filter(|&(_, w)| w > 0.0),
            );
            let reached: f64 = weights.iter().map(|&(i, w)| w * input.demand[i]).sum();
            if reached > 0.0 {
                let ratio = input.supply[f] / reached;
                for &(i, w) in &weights {
                    access[i] += w * ratio;
                }
            }
        }
    })
}

/// The decay, checked, and within the matrix.
fn checked<'d>(input: &AccessInput, decay: &'d Decay) -> Result<&'d Decay> {
    decay.validate()?;
    input.check_limit("decay cutoff_s", decay.cutoff_s())?;
    Ok(decay)
}

/// Two-step floating catchment with decay `f` (Luo & Wang 2003; with steps,
/// E2SFCA, Luo & Qi 2009; with [`Decay::Gaussian`], Gaussian 2SFCA, Dai
/// 2010): `A_i = Σ_j f(t_ij) R_j`, `R_j = S_j / Σ_k f(t_kj) P_k`.
///
/// # Errors
/// An invalid decay, a cutoff beyond the matrix limit, or an overflow.
pub fn two_step(input: &AccessInput, decay: &Decay) -> Result<Vec<f64>> {
    let f = checked(input, decay)?;
    finite("2SFCA", floating_catchment(input, |_, t| f.weight(t)))
}

/// Three-step floating catchment (Wan, Zou & Sternberg 2012): each pair
/// also carries the selection weight `G_ij = f(t_ij) / Σ_k f(t_ik)` (the
/// share of demand point `i`'s choice going to `j`, over the facilities in
/// its reach), so `A_i = Σ_j G_ij f(t_ij) R_j`,
/// `R_j = S_j / Σ_k G_kj f(t_kj) P_k`.
///
/// # Errors
/// As [`two_step`].
pub fn three_step(input: &AccessInput, decay: &Decay) -> Result<Vec<f64>> {
    let f = checked(input, decay)?;
    let total = input.scatter(|group, total| {
        for j in group {
            input.pairs(j).for_each(|(i, t)| total[i] += f.weight(t));
        }
    });
    // A pair of positive weight makes its point's total positive.
    let g = |i: usize, t: f64| {
        let w = f.weight(t);
        if w > 0.0 {
            w * (w / total[i])
        } else {
            0.0
        }
    };
    finite("3SFCA", floating_catchment(input, g))
}

/// Gravity (potential) access (Hansen 1959): `A_i = Σ_j S_j f(t_ij)`.
///
/// # Errors
/// As [`two_step`].
pub fn gravity(input: &AccessInput, decay: &Decay) -> Result<Vec<f64>> {
    let f = checked(input, decay)?;
    let access = input.scatter(|group, access| {
        for j in group {
            let s = input.supply[j];
            input
                .pairs(j)
                .for_each(|(i, t)| access[i] += s * f.weight(t));
        }
    });
    finite("gravity", access)
}

/// Cumulative opportunities: the supply within `limit_s`, `A_i = Σ_{j: t_ij <= limit} S_j`
/// (with no capacity, the number of facilities in reach).
///
/// # Errors
/// [`Error::InvalidParameter`] for a limit that is NaN, negative or beyond
/// the matrix limit; an overflow.
pub fn cumulative(input: &AccessInput, limit_s: f64) -> Result<Vec<f64>> {
    finite("cumulative", sum_within(input, limit_s, &input.supply)?)
}

/// Number of facilities within `limit_s` of each demand point: 0 flags a
/// point that no facility reaches, whose indices are all 0.
///
/// # Errors
/// As [`cumulative`].
pub fn in_reach(input: &AccessInput, limit_s: f64) -> Result<Vec<u32>> {
    let ones = vec![1.0; input.facilities.len()];
    let counts = sum_within(input, limit_s, &ones)?;
    Ok(counts.into_iter().map(|c| c as u32).collect())
}

/// `Σ_{j: t_ij <= limit} value_j` for each demand point.
fn sum_within(input: &AccessInput, limit_s: f64, value: &[f64]) -> Result<Vec<f64>> {
    input.check_limit("limit", limit_s)?;
    Ok(input.scatter(|group, sum| {
        for j in group {
            for (i, _) in input.pairs(j).filter(|&(_, t)| t <= limit_s) {
                sum[i] += value[j];
            }
        }
    }))
}

/// Mean walking time to the `n` nearest facilities (GOAT's "closest
/// average"); `None` where fewer than `n` are within the matrix limit, since
/// an average over fewer would flatter the point.
///
/// # Errors
/// [`Error::InvalidParameter`] for `n = 0`.
pub fn nearest_average(input: &AccessInput, n: usize) -> Result<Vec<Option<f64>>> {
    if n == 0 {
        return Err(Error::param("nearest n", "must be at least 1"));
    }
    // Times grouped by demand point (the matrix transposed), counted first
    // so that they fill one array.
    let n_demand = input.demand.len();
    let mut start = vec![0usize; n_demand + 1];
    for &row in &input.facilities {
        for (i, _) in input.travel.row(row) {
            start[i + 1] += 1;
        }
    }
    for i in 0..n_demand {
        start[i + 1] += start[i];
    }
    let mut next = start.clone();
    let mut times = vec![0.0; start[n_demand]];
    for &row in &input.facilities {
        for (i, t) in input.travel.row(row) {
            times[next[i]] = t;
            next[i] += 1;
        }
    }
    Ok((0..n_demand)
        .map(|i| {
            let mine = &mut times[start[i]..start[i + 1]];
            (mine.len() >= n).then(|| {
                mine.select_nth_unstable_by(n - 1, f64::total_cmp);
                mine[..n].iter().sum::<f64>() / n as f64
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Step;
    use proptest::prelude::*;

    /// Dense `t[j][i]` (facility row j, demand point i) from which both the
    /// matrix and the textbook formulas below are built.
    type Dense = Vec<Vec<Option<f64>>>;

    fn matrix(t: &Dense, n_demand: usize, limit: f64) -> TravelTimes {
        let (mut s, mut d, mut x) = (vec![], vec![], vec![]);
        for (j, row) in t.iter().enumerate() {
            for (i, v) in row.iter().enumerate() {
                if let Some(v) = v {
                    s.push(j);
                    d.push(i);
                    x.push(*v);
                }
            }
        }
        TravelTimes::from_triplets(t.len(), n_demand, limit, &s, &d, &x).unwrap()
    }

    /// `w[j][i]`: the decay of every stored pair, 0 where none is stored.
    fn dense_weights(t: &Dense, f: &Decay) -> Vec<Vec<f64>> {
        t.iter()
            .map(|row| row.iter().map(|v| v.map_or(0.0, |v| f.weight(v))).collect())
            .collect()
    }

    /// 2SFCA on the dense matrix, one loop per sum of the formula, with the
    /// pair weights `g[j][i]` given.
    fn dense_fca(g: &[Vec<f64>], s: &[f64], p: &[f64]) -> Vec<f64> {
        let r: Vec<f64> = (0..g.len())
            .map(|j| {
                let d: f64 = (0..p.len()).map(|i| g[j][i] * p[i]).sum();
                if d > 0.0 {
                    s[j] / d
                } else {
                    0.0
                }
            })
            .collect();
        (0..p.len())
            .map(|i| (0..g.len()).map(|j| g[j][i] * r[j]).sum())
            .collect()
    }

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1e-12))
    }

    fn instance() -> impl Strategy<Value = (Dense, Vec<f64>, Vec<f64>)> {
        (1usize..7, 1usize..9).prop_flat_map(|(n_sites, n_demand)| {
            (
                prop::collection::vec(
                    prop::collection::vec(prop::option::of(0.0f64..900.0), n_demand),
                    n_sites,
                ),
                prop::collection::vec(1.0f64..20.0, n_sites),
                prop::collection::vec(prop_oneof![Just(0.0), 0.0f64..500.0], n_demand),
            )
        })
    }

    fn decays() -> Vec<Decay> {
        vec![
            Decay::two_step(600.0),
            Decay::e2sfca(900.0),
            Decay::Gaussian { cutoff_s: 700.0 },
            Decay::Linear { cutoff_s: 900.0 },
            Decay::Exponential {
                beta: 0.004,
                cutoff_s: Some(800.0),
            },
            Decay::Power {
                beta: 1.5,
                min_s: 60.0,
                cutoff_s: Some(900.0),
            },
            Decay::ModifiedGaussian {
                sensitivity: 300_000.0,
                cutoff_s: Some(900.0),
            },
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Every index equals its formula computed on the dense matrix, for
        /// every decay, with all sites or some of them as facilities.
        #[test]
        fn indices_equal_the_dense_formulas((t, cap, p) in instance(), mask in 0u32..128, n in 1usize..4) {
            let n_demand = p.len();
            let tt = matrix(&t, n_demand, 900.0);
            let facilities: Vec<usize> = (0..t.len()).filter(|j| mask & (1 << j) != 0).collect();
            let caps: Vec<f64> = facilities.iter().map(|&j| cap[j]).collect();
            let input = AccessInput::new(&tt, &facilities, Some(&caps), &p).unwrap();
            let ft: Dense = facilities.iter().map(|&j| t[j].clone()).collect();
            for f in decays() {
                let w = dense_weights(&ft, &f);
                prop_assert!(close(&two_step(&input, &f).unwrap(), &dense_fca(&w, &caps, &p)), "2SFCA {f:?}");
                let total: Vec<f64> = (0..n_demand).map(|i| w.iter().map(|r| r[i]).sum()).collect();
                let g3: Vec<Vec<f64>> = w.iter()
                    .map(|r| (0..n_demand).map(|i| if total[i] > 0.0 { r[i] * r[i] / total[i] } else { 0.0 }).collect())
                    .collect();
                prop_assert!(close(&three_step(&input, &f).unwrap(), &dense_fca(&g3, &caps, &p)), "3SFCA {f:?}");
                let hansen: Vec<f64> = (0..n_demand).map(|i| (0..ft.len()).map(|j| caps[j] * w[j][i]).sum()).collect();
                prop_assert!(close(&gravity(&input, &f).unwrap(), &hansen), "gravity {f:?}");
            }
            let ftr = &ft;
            let within = |i: usize, lim: f64| (0..ftr.len()).filter(move |&j| ftr[j][i].is_some_and(|v| v <= lim));
            let cum: Vec<f64> = (0..n_demand).map(|i| within(i, 450.0).map(|j| caps[j]).sum()).collect();
            prop_assert!(close(&cumulative(&input, 450.0).unwrap(), &cum));
            let reach: Vec<u32> = (0..n_demand).map(|i| within(i, 450.0).count() as u32).collect();
            prop_assert_eq!(in_reach(&input, 450.0).unwrap(), reach);
            let got = nearest_average(&input, n).unwrap();
            for (i, got) in got.into_iter().enumerate() {
                let mut ts: Vec<f64> = ft.iter().filter_map(|r| r[i]).collect();
                ts.sort_by(f64::total_cmp);
                let expect = (ts.len() >= n).then(|| ts[..n].iter().sum::<f64>() / n as f64);
                match (got, expect) {
                    (Some(a), Some(b)) => prop_assert!((a - b).abs() <= 1e-9 * b.max(1.0)),
                    (a, b) => prop_assert_eq!(a, b),
                }
            }
        }
    }

    fn small() -> TravelTimes {
        TravelTimes::from_triplets(3, 3, 900.0, &[0, 0, 1], &[0, 1, 1], &[60.0, 300.0, 120.0])
            .unwrap()
    }

    #[test]
    fn bad_supply_and_demand_name_the_record() {
        let tt = small();
        let p = [1.0, 2.0, 3.0];
        // Facility rows, capacities, demand, what the message must say.
        type Case<'a> = (&'a [usize], Option<&'a [f64]>, &'a [f64], &'a str);
        let cases: [Case; 8] = [
            (
                &[0, 1],
                Some(&[1.0, 0.0]),
                &p,
                "facility 1 (site row 1) has capacity 0",
            ),
            (&[0], Some(&[f64::NAN]), &p, "capacity NaN"),
            (&[0], Some(&[-2.0]), &p, "capacity -2"),
            (&[0], Some(&[1.0, 2.0]), &p, "2 capacities for 1 facilities"),
            (&[5], None, &p, "facility 0 is site row 5"),
            (&[1, 1], None, &p, "facility 1 repeats site row 1"),
            (&[0], None, &[1.0], "1 weights for 3 demand points"),
            (
                &[0],
                None,
                &[1.0, f64::INFINITY, 0.0],
                "demand point 1 (access demand)",
            ),
        ];
        for (rows, cap, dem, says) in cases {
            let err = AccessInput::new(&tt, rows, cap, dem)
                .unwrap_err()
                .to_string();
            assert!(err.contains(says), "{says}: {err}");
        }
        let err = AccessInput::new(&tt, &[0, 1], Some(&[f64::MAX, f64::MAX]), &p)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("capacity") && err.contains("overflows"),
            "{err}"
        );
    }

    #[test]
    fn no_facility_gives_zeros_and_says_so() {
        let tt = small();
        let p = [1.0, 2.0, 3.0];
        let input = AccessInput::new(&tt, &[], None, &p).unwrap();
        assert!(input.no_facility());
        for f in decays() {
            assert_eq!(two_step(&input, &f).unwrap(), vec![0.0; 3]);
            assert_eq!(three_step(&input, &f).unwrap(), vec![0.0; 3]);
            assert_eq!(gravity(&input, &f).unwrap(), vec![0.0; 3]);
        }
        assert_eq!(nearest_average(&input, 1).unwrap(), vec![None; 3]);
        assert_eq!(in_reach(&input, 900.0).unwrap(), vec![0; 3]);
    }

    #[test]
    fn unreached_demand_and_empty_catchments_give_zero_not_nan() {
        let tt = small();
        // Demand point 2 is reached by nothing; facility 1 reaches only demand
        // point 1, whose demand is 0: no one to serve, so it adds nothing.
        let p = [5.0, 0.0, 3.0];
        let input = AccessInput::new(&tt, &[0, 1], None, &p).unwrap();
        let f = Decay::two_step(900.0);
        assert_eq!(two_step(&input, &f).unwrap(), vec![0.2, 0.2, 0.0]);
        assert_eq!(three_step(&input, &f).unwrap()[2], 0.0);
        assert_eq!(in_reach(&input, 900.0).unwrap(), vec![1, 2, 0]);
    }

    #[test]
    fn limits_beyond_the_matrix_are_refused() {
        let tt = small();
        let p = [1.0, 2.0, 3.0];
        let input = AccessInput::new(&tt, &[0], None, &p).unwrap();
        let err = two_step(&input, &Decay::Linear { cutoff_s: 1200.0 }).unwrap_err();
        assert!(
            err.to_string()
                .contains("decay cutoff_s: 1200 s is not between 0 and the 900 s"),
            "{err}"
        );
        for lim in [f64::NAN, -1.0, 901.0] {
            assert!(cumulative(&input, lim).is_err());
            assert!(in_reach(&input, lim).is_err());
        }
        assert!(nearest_average(&input, 0).is_err());
        let bad = Decay::Step {
            steps: vec![Step {
                up_to_s: 0.0,
                weight: 1.0,
            }],
        };
        assert!(two_step(&input, &bad).is_err());
    }
}

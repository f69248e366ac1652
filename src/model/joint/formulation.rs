//! The MIP of a [`JointPlan`] (the formulation in the module docs of
//! [`super`]) and where its variables sit among the columns.

use std::ops::Range;

use super::presolve::Prepared;
use super::{JointObjective, JointPlan};
use crate::solve::mip::{Col, Mip, Row, Sense};

impl JointPlan {
    /// The MIP of the formulation, with the objective of `self.objective`
    /// (phase 1 for equity).
    pub(super) fn build(&self, prep: &Prepared) -> (Mip, Layout) {
        let n = self.n_sites;
        let coverage = self.objective == JointObjective::Coverage;
        let full = self.objective == JointObjective::MinCost;
        let le = |coefs: Vec<(usize, f64)>, upper: f64| Row {
            lower: f64::NEG_INFINITY,
            upper,
            coefs,
        };
        let mut cols = Vec::new();
        let mut rows = Vec::new();

        let mut x_col = vec![usize::MAX; n];
        for &j in &prep.sites {
            x_col[j] = cols.len();
            cols.push(Col::binary(if full { self.cost(j) } else { 0.0 }));
        }
        if let Some(budget) = self.budget {
            if prep.sites.iter().map(|&j| self.cost(j)).sum::<f64>() > budget {
                let coefs = prep.sites.iter().map(|&j| (x_col[j], self.cost(j)));
                rows.push(le(coefs.collect(), budget));
            }
        }
        let t = (self.objective == JointObjective::MinShare).then(|| {
            cols.push(Col::continuous(1.0, 0.0, 1.0));
            cols.len() - 1
        });

        let mut layout = Layout {
            y: Vec::new(),
            served: Vec::new(),
            t,
        };
        let mut y_col = vec![usize::MAX; n];
        for (s, d) in self.services.iter().zip(&prep.services) {
            let mut y = Vec::with_capacity(d.candidates.len());
            for &j in &d.candidates {
                y_col[j] = cols.len();
                cols.push(Col::binary(0.0));
                rows.push(le(vec![(y_col[j], 1.0), (x_col[j], -1.0)], 0.0));
                y.push((j, y_col[j]));
            }
            if let Some(p) = s.max_new.filter(|&p| p < y.len()) {
                rows.push(le(y.iter().map(|&(_, c)| (c, 1.0)).collect(), p as f64));
            }

            let mut served = Vec::with_capacity(d.groups.len());
            match d.capacitated {
                false => {
                    for g in &d.groups {
                        let z = cols.len();
                        let lower = if full { 1.0 } else { 0.0 };
                        cols.push(Col::continuous(
                            if coverage { g.weight } else { 0.0 },
                            lower,
                            1.0,
                        ));
                        let mut coefs = vec![(z, 1.0)];
                        coefs.extend(g.sites.iter().map(|&j| (y_col[j as usize], -1.0)));
                        rows.push(le(coefs, 0.0));
                        served.push(z..z + 1);
                    }
                }
                true => {
                    let mut load: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
                    for g in &d.groups {
                        let first = cols.len();
                        for &j in &g.sites {
                            let (a, j) = (cols.len(), j as usize);
                            cols.push(Col::continuous(
                                if coverage { g.weight } else { 0.0 },
                                0.0,
                                1.0,
                            ));
                            load[j].push((a, g.load));
                            if !d.fixed[j] {
                                // Implied by a capacity row, if the site gets one; it
                                // tightens the relaxation.
                                rows.push(le(vec![(a, 1.0), (y_col[j], -1.0)], 0.0));
                            }
                        }
                        rows.push(Row {
                            lower: if full { 1.0 } else { f64::NEG_INFINITY },
                            upper: 1.0,
                            coefs: (first..cols.len()).map(|a| (a, 1.0)).collect(),
                        });
                        served.push(first..cols.len());
                    }
                    for (j, mut coefs) in load.into_iter().enumerate() {
                        // A site of unlimited capacity, or one that can reach
                        // less than its capacity, never binds.
                        let Some(cap) = d.capacity[j] else {
                            continue;
                        };
                        if coefs.iter().map(|&(_, w)| w).sum::<f64>() <= cap {
                            continue;
                        }
                        let upper = if d.fixed[j] {
                            cap
                        } else {
                            coefs.push((y_col[j], -cap));
                            0.0
                        };
                        rows.push(le(coefs, upper));
                    }
                }
            }

            if let Some(t) = t {
                let mut zone_rows: Vec<Vec<(usize, f64)>> = vec![Vec::new(); d.zone_weight.len()];
                for (g, cols) in d.groups.iter().zip(&served) {
                    zone_rows[g.zone].extend(cols.clone().map(|c| (c, g.weight)));
                }
                // In shares of the zone's weight, not in weights: HiGHS drops
                // coefficients below 1e-9, which would leave `t` free in a zone
                // of tiny weights (a zone of weight 2e-308 read as share 1).
                for (z, mut coefs) in zone_rows.into_iter().enumerate() {
                    let weight = d.zone_weight[z];
                    if weight > 0.0 {
                        coefs.iter_mut().for_each(|(_, w)| *w /= weight);
                        coefs.push((t, -1.0));
                        rows.push(Row {
                            lower: -d.zone_covered[z] / weight,
                            upper: f64::INFINITY,
                            coefs,
                        });
                    }
                }
            }
            d.candidates.iter().for_each(|&j| y_col[j] = usize::MAX);
            layout.y.push(y);
            layout.served.push(served);
        }
        let sense = if full {
            Sense::Minimise
        } else {
            Sense::Maximise
        };
        let model = Mip {
            sense,
            cols,
            rows,
            start: None,
            cut_age_limit: None,
            probing: true,
        };
        (model, layout)
    }
}

/// Where the variables sit among the MIP's columns (`x` come first, in
/// [`Prepared::sites`] order).
pub(super) struct Layout {
    /// Per service, (site, column of `y_sj`).
    pub(super) y: Vec<Vec<(usize, usize)>>,
    /// Per service and group: its `z` column, or its `a` columns (one per group site).
    pub(super) served: Vec<Vec<Range<usize>>>,
    /// The equity share `t`.
    pub(super) t: Option<usize>,
}

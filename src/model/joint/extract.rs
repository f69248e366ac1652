//! From the MIP's columns back to each service's plan, recomputed from the
//! plan's data, and the share the equity objective reports.

use super::formulation::Layout;
use super::presolve::Prepared;
use super::{JointPlan, ServicePlan};

impl JointPlan {
    /// Each service's plan from the MIP's columns, recomputed from the model's
    /// data; new facilities that add nothing are left out.
    pub(super) fn extract(
        &self,
        prep: &Prepared,
        layout: &Layout,
        values: &[f64],
    ) -> Vec<ServicePlan> {
        let value = |c: usize| values.get(c).copied().unwrap_or(0.0);
        self.services
            .iter()
            .zip(&prep.services)
            .zip(layout.y.iter().zip(&layout.served))
            .map(|((s, d), (y, served_cols))| {
                let n_rows = s.weights.len();
                let mut new: Vec<usize> = y
                    .iter()
                    .filter(|&&(_, c)| value(c) > 0.5)
                    .map(|&(j, _)| j)
                    .collect();
                let mut served = vec![0.0; n_rows];
                match d.capacitated {
                    false => {
                        // Drop facilities whose every row another open site also covers.
                        let mut reach = vec![0u32; n_rows];
                        let fixed = (0..self.n_sites).filter(|&j| d.fixed[j]);
                        for j in fixed.chain(new.iter().copied()) {
                            s.coverage
                                .site(j)
                                .iter()
                                .for_each(|&i| reach[i as usize] += 1);
                        }
                        new.retain(|&j| {
                            let rows = s.coverage.site(j);
                            let redundant = rows
                                .iter()
                                .all(|&i| s.weights[i as usize] <= 0.0 || reach[i as usize] > 1);
                            if redundant {
                                rows.iter().for_each(|&i| reach[i as usize] -= 1);
                            }
                            !redundant
                        });
                        for (v, &r) in served.iter_mut().zip(&reach) {
                            *v = f64::from(u8::from(r > 0));
                        }
                    }
                    true => {
                        let flow = |c: usize| value(c).clamp(0.0, 1.0);
                        let mut load = vec![0.0; self.n_sites];
                        for (g, cols) in d.groups.iter().zip(served_cols) {
                            for (&j, c) in g.sites.iter().zip(cols.clone()) {
                                load[j as usize] += g.load * flow(c);
                            }
                        }
                        // A facility serving next to nothing adds nothing.
                        let total: f64 = d.groups.iter().map(|g| g.load).sum();
                        new.retain(|&j| load[j] > 1e-9 * d.capacity[j].unwrap_or(total));
                        let mut open = d.fixed.clone();
                        new.iter().for_each(|&j| open[j] = true);
                        let open_sites: Vec<usize> =
                            (0..self.n_sites).filter(|&j| open[j]).collect();
                        let reached = s.coverage.covered(&open_sites);
                        for i in 0..n_rows {
                            served[i] = match d.group_of[i] {
                                Some(g) => {
                                    let (group, cols) = (&d.groups[g], served_cols[g].clone());
                                    let total: f64 = group
                                        .sites
                                        .iter()
                                        .zip(cols)
                                        .filter(|(&j, _)| open[j as usize])
                                        .map(|(_, c)| flow(c))
                                        .sum();
                                    total.clamp(0.0, 1.0)
                                }
                                // Not a decision: zero weight (takes no capacity),
                                // served by a fixed site of unlimited capacity, or
                                // out of reach.
                                None => f64::from(u8::from(reached[i])),
                            };
                        }
                    }
                }
                ServicePlan {
                    name: s.name.clone(),
                    new_sites: new,
                    covered: s.weights.iter().zip(&served).map(|(w, v)| w * v).sum(),
                    weight: s.weights.iter().sum(),
                    served,
                    uncoverable: d.uncoverable.clone(),
                }
            })
            .collect()
    }

    /// The smallest covered share over (service, zone) pairs with positive weight (1 if none).
    pub(super) fn min_share(&self, plans: &[ServicePlan]) -> f64 {
        let mut smallest: f64 = 1.0;
        for (s, plan) in self.services.iter().zip(plans) {
            let (zone_of, n_zones) = s.zone_ids();
            let mut total = vec![0.0; n_zones];
            let mut covered = vec![0.0; n_zones];
            for ((&z, &w), &v) in zone_of.iter().zip(&s.weights).zip(&plan.served) {
                total[z] += w;
                covered[z] += w * v;
            }
            for (c, t) in covered.iter().zip(&total).filter(|(_, &t)| t > 0.0) {
                smallest = smallest.min(c / t);
            }
        }
        smallest
    }
}

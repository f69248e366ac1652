//! The objective of any joint plan, from the plan's data alone (for
//! [`SitingModel::objective_of`](crate::model::SitingModel::objective_of)):
//! where each service opens new facilities, and for a capacitated service
//! the share of each row served (which a flow, not the sites alone, decides).

use super::{JointObjective, JointPlan, ServicePlan};
use crate::error::{Error, Result};
use crate::model::siting::check_spent;
use crate::solve::total;

impl JointPlan {
    /// The objective of `plans` (one per service, in order): covered weight,
    /// smallest share or cost, as [`JointPlan::solve`] reports it. An
    /// uncapacitated service's rows count as covered when a fixed or new
    /// site of it reaches them (its `served` is recomputed, not read); a
    /// capacitated one's `served` is read, checked to lie in `[0, 1]`, to be
    /// 0 on rows no open site reaches, and to load its open facilities with
    /// no more than their capacities together.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `sites` for a plan of another
    /// shape, a new facility where the service may not have one, more than
    /// `max_new`, over the budget, or served shares the service cannot
    /// serve; [`Error::Infeasible`] for a cost plan that leaves a coverable
    /// row of positive weight unserved.
    pub(in crate::model) fn price(&self, plans: &[ServicePlan]) -> Result<f64> {
        let bad = |message: String| Err(Error::param("sites", message));
        if plans.len() != self.services.len() {
            return bad(format!(
                "{} service plans for {} services",
                plans.len(),
                self.services.len()
            ));
        }
        let n = self.n_sites;
        let mut priced = Vec::with_capacity(plans.len());
        for (s, plan) in self.services.iter().zip(plans) {
            let name = &s.name;
            let new = s.new_mask(n);
            if let Some(&j) = plan.new_sites.iter().find(|&&j| j >= n || !new[j]) {
                return bad(format!("{name} may not open a new facility at site {j}"));
            }
            if let Some(p) = s.max_new.filter(|&p| plan.new_sites.len() > p) {
                return bad(format!(
                    "{name} opens {} new facilities, at most {p}",
                    plan.new_sites.len()
                ));
            }
            let rows = s.weights.len();
            if plan.served.len() != rows || plan.served.iter().any(|v| !(0.0..=1.0).contains(v)) {
                return bad(format!(
                    "{name} must have one share in [0, 1] per demand row"
                ));
            }
            let open: Vec<usize> = s
                .fixed_open
                .iter()
                .chain(&plan.new_sites)
                .copied()
                .collect();
            let reached = s.coverage.covered(&open);
            let served: Vec<f64> = if s.capacitated() {
                if (0..rows).any(|i| plan.served[i] > 0.0 && !reached[i]) {
                    return bad(format!("{name} serves a row that no open site reaches"));
                }
                let caps = s.capacities(n);
                let room = total(open.iter().map(|&j| caps[j].unwrap_or(f64::INFINITY)));
                let load = total((0..rows).map(|i| s.load(i) * plan.served[i]));
                if load > room * (1.0 + 1e-9) {
                    return bad(format!("{name} serves a load of {load}, above the capacity {room} of its open sites"));
                }
                plan.served.clone()
            } else {
                reached.iter().map(|&c| f64::from(u8::from(c))).collect()
            };
            if self.objective == JointObjective::MinCost {
                let coverable = s.coverage.covered(
                    &[
                        &s.fixed_open[..],
                        &(0..n).filter(|&j| new[j]).collect::<Vec<_>>(),
                    ]
                    .concat(),
                );
                if let Some(i) = (0..rows)
                    .find(|&i| s.weights[i] > 0.0 && coverable[i] && served[i] < 1.0 - 1e-6)
                {
                    return Err(Error::Infeasible {
                        message: format!("{name} leaves its coverable demand row {i} unserved"),
                        demand: vec![i],
                    });
                }
            }
            priced.push(ServicePlan {
                covered: s.weights.iter().zip(&served).map(|(w, v)| w * v).sum(),
                served,
                ..plan.clone()
            });
        }
        let mut opened: Vec<usize> = plans
            .iter()
            .flat_map(|p| p.new_sites.iter().copied())
            .collect();
        opened.sort_unstable();
        opened.dedup();
        let cost = opened.iter().map(|&j| self.cost(j));
        if let Some(budget) = self.budget {
            check_spent(cost.clone(), budget)?;
        }
        Ok(match self.objective {
            JointObjective::Coverage => priced.iter().map(|p| p.covered).sum(),
            JointObjective::MinShare => self.min_share(&priced),
            JointObjective::MinCost => total(cost),
        })
    }
}

//! Why a cost plan is infeasible: the capacitated services that cannot be
//! fully served on their own, named with their capacities.

use super::{JointObjective, JointPlan, JointService};
use crate::error::Error;
use crate::solve::{Deadline, SolveOptions, SolveStatus};

impl JointPlan {
    /// The capacities of a service's facilities at the sites that host it or
    /// may host it, e.g. `capacity 40 per facility` or `capacity 30 to 100 per
    /// facility, unlimited at some sites`.
    pub(super) fn capacity_text(&self, s: &JointService) -> String {
        let n = self.n_sites;
        let (fixed, new) = (s.fixed_mask(n), s.new_mask(n));
        let all = s.capacities(n);
        let caps: Vec<Option<f64>> = (0..n)
            .filter(|&j| fixed[j] || new[j])
            .map(|j| all[j])
            .collect();
        let finite = caps.iter().flatten();
        let low = finite.clone().copied().fold(f64::INFINITY, f64::min);
        let high = finite.copied().fold(f64::NEG_INFINITY, f64::max);
        if low > high {
            return "unlimited capacity at every site it may use".to_string();
        }
        let mut text = if low == high {
            format!("capacity {low} per facility")
        } else {
            format!("capacity {low} to {high} per facility")
        };
        if caps.contains(&None) {
            text.push_str(", unlimited at some sites");
        }
        text
    }

    /// Why a cost model is infeasible: the capacitated services that cannot be
    /// fully served on their own, within their count and the budget.
    pub(super) fn explain_infeasible(&self, options: &SolveOptions, deadline: Deadline) -> Error {
        let short: Vec<String> = self
            .services
            .iter()
            .filter(|s| s.capacitated())
            .filter_map(|s| {
                let alone = JointPlan {
                    services: vec![s.clone()],
                    n_sites: self.n_sites,
                    site_costs: self.site_costs.clone(),
                    budget: self.budget,
                    objective: JointObjective::Coverage,
                };
                let left = SolveOptions {
                    time_limit_s: deadline.left_s(),
                    ..options.clone()
                };
                let best = alone.solve(&left).ok()?;
                let plan = &best.services[0];
                let lost: f64 = plan.uncoverable.iter().map(|&i| s.weights[i]).sum();
                let need = plan.weight - lost;
                (best.status == SolveStatus::Optimal && plan.covered < need - 1e-6 * need.max(1.0))
                    .then(|| {
                        format!(
                            "{} ({}: at most {} of the coverable {need} can be served)",
                            s.name,
                            self.capacity_text(s),
                            plan.covered
                        )
                    })
            })
            .collect();
        let message = if short.is_empty() {
            "no plan within the max_new limits and the budget covers every coverable demand row of every service".to_string()
        } else {
            format!(
                "not enough capacity within the max_new limits and the budget: {}",
                short.join("; ")
            )
        };
        Error::Infeasible {
            message,
            demand: Vec::new(),
        }
    }
}

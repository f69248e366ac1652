//! The program of a [`JointPlan`] for [`crate::model::alternatives`]: its
//! own MIP with no dominated site dropped, plans read as [`JointPlan::solve`]
//! reads them.

use super::{JointObjective, JointPlan, ServicePlan};
use crate::error::Result;
use crate::model::ties::Program;

impl JointPlan {
    /// The MIP of [`build`](Self::build) over every site; its elements are
    /// the `y_sj` columns (service `s` opens a facility at site `j`).
    pub(crate) fn exact_program(&self) -> Result<Program<'_, [ServicePlan]>> {
        self.validate()?;
        let prep = self.prepare_with(false);
        let (mip, layout) = self.build(&prep);
        let constant = match self.objective {
            JointObjective::Coverage => prep.services.iter().flat_map(|d| &d.zone_covered).sum(),
            JointObjective::MinCost | JointObjective::MinShare => 0.0,
        };
        let elements: Vec<(usize, usize, usize)> = layout
            .y
            .iter()
            .enumerate()
            .flat_map(|(s, y)| y.iter().map(move |&(j, c)| (c, s, j)))
            .collect();
        let index = elements.clone();
        let keys = move |plans: &[ServicePlan]| {
            let mut keys: Vec<usize> = index
                .iter()
                .enumerate()
                .filter(|(_, &(_, s, j))| plans.get(s).is_some_and(|p| p.new_sites.contains(&j)))
                .map(|(e, _)| e)
                .collect();
            keys.sort_unstable();
            keys
        };
        let decode = move |values: &[f64]| Ok(self.extract(&prep, &layout, values));
        Ok(Program {
            mip,
            constant,
            elements,
            decode: Box::new(decode),
            keys: Box::new(keys),
        })
    }
}

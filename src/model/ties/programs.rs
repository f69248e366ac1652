//! The programs of the single-service models for [`super::alternatives`]:
//! each model's textbook MIP over all its sites, demand points unmerged and
//! no site dropped (see the module docs of [`super`] for why).

use super::{tie_tolerance, Program};
use crate::error::Result;
use crate::model::p_sites::PCosts;
use crate::model::{MaxCoverage, PCenter, PMedian, SetCover, SitingModel};
use crate::solve::mip::{Col, Mip, Row, Sense};

/// The columns of a site-choice MIP before its model's own rows: one binary
/// per site that is not fixed open. Shared with the models that solve their
/// program directly (gradual coverage, the target ratio).
pub(crate) struct Sites {
    pub(crate) fixed: Vec<usize>,
    /// The column (and element) of each site, `None` for fixed ones.
    pub(crate) col: Vec<Option<usize>>,
    pub(crate) cols: Vec<Col>,
}

impl Sites {
    pub(crate) fn new(n_sites: usize, fixed_open: &[usize], cost: impl Fn(usize) -> f64) -> Self {
        let mut fixed = fixed_open.to_vec();
        fixed.sort_unstable();
        fixed.dedup();
        let mut col = vec![None; n_sites];
        let mut cols = Vec::new();
        for (j, c) in col.iter_mut().enumerate() {
            if fixed.binary_search(&j).is_err() {
                *c = Some(cols.len());
                cols.push(Col::binary(cost(j)));
            }
        }
        Sites { fixed, col, cols }
    }

    /// `Σ x_j` (weighted by `weight`) over the sites that are not fixed.
    pub(crate) fn sum(&self, weight: impl Fn(usize) -> f64) -> Vec<(usize, f64)> {
        let open = self.col.iter().enumerate();
        open.filter_map(|(j, c)| c.map(|c| (c, weight(j))))
            .collect()
    }

    /// The program, with `rows` over these columns and any further ones.
    pub(crate) fn program<'a, M>(
        self,
        model: &'a M,
        sense: Sense,
        cols: Vec<Col>,
        rows: Vec<Row>,
        constant: f64,
    ) -> Program<'a, [usize]>
    where
        M: SitingModel<Plan = [usize]> + ?Sized,
    {
        let Sites {
            fixed,
            col,
            cols: mut all,
        } = self;
        all.extend(cols);
        let elements = col
            .iter()
            .enumerate()
            .filter_map(|(j, c)| c.map(|c| (c, 0, j)))
            .collect();
        let chosen = col.clone();
        let decode = move |values: &[f64]| -> Result<Vec<usize>> {
            let mut sites = fixed.clone();
            let open = chosen.iter().enumerate();
            sites.extend(open.filter_map(|(j, c)| c.filter(|&c| values[c] > 0.5).map(|_| j)));
            sites.sort_unstable();
            without_idle(model, sites, &fixed)
        };
        let keys = move |sites: &[usize]| {
            let mut keys: Vec<usize> = sites.iter().filter_map(|&j| col[j]).collect();
            keys.sort_unstable();
            keys.dedup();
            keys
        };
        Program {
            mip: Mip {
                sense,
                cols: all,
                rows,
                start: None,
                cut_age_limit: None,
                probing: true,
            },
            constant,
            elements,
            decode: Box::new(decode),
            keys: Box::new(keys),
        }
    }
}

/// `sites` without the sites (other than `fixed`) whose removal leaves the
/// objective unchanged, tried from the last.
fn without_idle<M>(model: &M, mut sites: Vec<usize>, fixed: &[usize]) -> Result<Vec<usize>>
where
    M: SitingModel<Plan = [usize]> + ?Sized,
{
    let value = model.objective_of(&sites)?;
    for at in (0..sites.len()).rev() {
        if fixed.contains(&sites[at]) {
            continue;
        }
        let mut fewer = sites.clone();
        fewer.remove(at);
        let tied = model
            .objective_of(&fewer)
            .is_ok_and(|v| (v - value).abs() <= tie_tolerance(value));
        if tied {
            sites = fewer;
        }
    }
    Ok(sites)
}

pub(crate) fn le(coefs: Vec<(usize, f64)>, upper: f64) -> Row {
    Row {
        lower: f64::NEG_INFINITY,
        upper,
        coefs,
    }
}

pub(crate) fn ge(coefs: Vec<(usize, f64)>, lower: f64) -> Row {
    Row {
        lower,
        upper: f64::INFINITY,
        coefs,
    }
}

impl MaxCoverage {
    /// `max Σ w_i z_i`, `z_i ≤ Σ_{j covers i} x_j` over demand that fixed
    /// sites leave uncovered, the count and budget rows.
    pub(crate) fn exact_program(&self) -> Result<Program<'_, [usize]>> {
        let n = self.coverage.n_sites();
        let sites = Sites::new(n, &self.fixed_open, |_| 0.0);
        let by_fixed = self.coverage.covered(&sites.fixed);
        let mut cols = Vec::new();
        let mut rows = Vec::new();
        let first = sites.cols.len();
        for (i, reach) in self.coverage.by_demand().iter().enumerate() {
            if self.weights[i] <= 0.0 || by_fixed[i] || reach.is_empty() {
                continue;
            }
            let z = first + cols.len();
            cols.push(Col::continuous(self.weights[i], 0.0, 1.0));
            let mut coefs = vec![(z, 1.0)];
            coefs.extend(
                reach
                    .iter()
                    .filter_map(|&j| sites.col[j as usize].map(|c| (c, -1.0))),
            );
            rows.push(le(coefs, 0.0));
        }
        if let Some(p) = self.new_sites {
            rows.push(le(sites.sum(|_| 1.0), p as f64));
        }
        if let Some(budget) = self.budget {
            let cost = |j| crate::model::checks::site_cost(self.costs.as_deref(), j);
            rows.push(le(sites.sum(cost), budget));
        }
        let constant = self.coverage.covered_weight(&sites.fixed, &self.weights);
        Ok(sites.program(self, Sense::Maximise, cols, rows, constant))
    }
}

impl SetCover {
    /// `min Σ c_j x_j`, `Σ_{j covers i} x_j ≥ 1` over demand that fixed
    /// sites leave uncovered; the fixed sites' costs are the constant.
    pub(crate) fn exact_program(&self) -> Result<Program<'_, [usize]>> {
        let n = self.coverage.n_sites();
        let cost = |j| crate::model::checks::site_cost(self.costs.as_deref(), j);
        let sites = Sites::new(n, &self.fixed_open, cost);
        let by_fixed = self.coverage.covered(&sites.fixed);
        let rows = self
            .coverage
            .by_demand()
            .iter()
            .enumerate()
            .filter(|&(i, _)| !by_fixed[i])
            .map(|(_, reach)| {
                let coefs = reach.iter().filter_map(|&j| sites.col[j as usize]);
                ge(coefs.map(|c| (c, 1.0)).collect(), 1.0)
            })
            .collect();
        let constant = crate::solve::total(sites.fixed.iter().map(|&j| cost(j)));
        Ok(sites.program(self, Sense::Minimise, Vec::new(), rows, constant))
    }
}

/// The assignment part of a p-site model.
struct Assignment {
    /// The columns `a_ij`.
    cols: Vec<Col>,
    rows: Vec<Row>,
    /// Per client, (cost, column of `a_ij`).
    of_client: Vec<Vec<(f64, usize)>>,
}

/// The assignment rows of a p-site model: `Σ_j a_ij = 1` for each client
/// `i` over the pairs it may pay ([`PCosts`]: every site, or the sites in
/// reach and one column for "none in reach", costing `unreachable`, which no
/// site bounds), `a_ij ≤ x_j` for the sites that are not fixed, the columns
/// `a_ij` costing `objective(i, cost)`.
fn assignment(
    sites: &Sites,
    clients: &[usize],
    costs: &PCosts,
    objective: impl Fn(usize, f64) -> f64,
) -> Assignment {
    let mut cols = Vec::new();
    let mut rows = Vec::new();
    let mut of_client = Vec::with_capacity(clients.len());
    let first = sites.cols.len();
    let beyond = costs.beyond();
    for &i in clients {
        let pairs = costs.pairs(i).map(|(j, c)| (Some(j), c));
        let none_in_reach = beyond.is_finite().then_some((None, beyond));
        let mut served = Vec::new();
        for (j, c) in pairs.chain(none_in_reach) {
            let a = first + cols.len();
            cols.push(Col::continuous(objective(i, c), 0.0, 1.0));
            if let Some(x) = j.and_then(|j| sites.col[j]) {
                rows.push(le(vec![(a, 1.0), (x, -1.0)], 0.0));
            }
            served.push((c, a));
        }
        rows.push(Row {
            lower: 1.0,
            upper: 1.0,
            coefs: served.iter().map(|&(_, a)| (a, 1.0)).collect(),
        });
        of_client.push(served);
    }
    Assignment {
        cols,
        rows,
        of_client,
    }
}

impl PMedian {
    /// `min Σ w_i c_ij a_ij` over the assignment rows and `Σ x_j ≤ p`
    /// (n·m assignment columns on dense costs, one per pair in reach and
    /// point on walking times: a big instance makes a big program).
    pub(crate) fn exact_program(&self) -> Result<Program<'_, [usize]>> {
        let m = self.costs.n_sites();
        let sites = Sites::new(m, &self.fixed_open, |_| 0.0);
        let cost = |i, c| self.weights[i] * c;
        let Assignment { cols, mut rows, .. } =
            assignment(&sites, &self.clients(), &self.costs, cost);
        rows.push(le(sites.sum(|_| 1.0), self.p as f64));
        Ok(sites.program(self, Sense::Minimise, cols, rows, 0.0))
    }
}

impl PCenter {
    /// `min r`, `r ≥ Σ_j c_ij a_ij` for each client, over the assignment
    /// rows and `Σ x_j ≤ p`.
    pub(crate) fn exact_program(&self) -> Result<Program<'_, [usize]>> {
        let m = self.costs.n_sites();
        let sites = Sites::new(m, &self.fixed_open, |_| 0.0);
        let Assignment {
            mut cols,
            mut rows,
            of_client,
        } = assignment(&sites, &self.clients(), &self.costs, |_, _| 0.0);
        let r = sites.cols.len() + cols.len();
        cols.push(Col::continuous(1.0, 0.0, f64::INFINITY));
        for served in &of_client {
            let mut coefs = vec![(r, 1.0)];
            coefs.extend(served.iter().map(|&(c, a)| (a, -c)));
            rows.push(ge(coefs, 0.0));
        }
        rows.push(le(sites.sum(|_| 1.0), self.p as f64));
        Ok(sites.program(self, Sense::Minimise, cols, rows, 0.0))
    }
}

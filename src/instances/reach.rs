//! Sparse walking times by demand point: for each demand point, the sites in
//! reach and the time to each, nearest first. The input of the siting models
//! that weigh a walk by its length (gradual coverage, attendance, the target
//! ratio); no dense demand × site matrix is ever built.

use std::path::Path;

use super::cost_matrix::check_cost;
use super::{CostMatrix, CoverageSets};
use crate::error::{Error, Result};
use crate::tables::{CsvTable, Records};

/// For each demand point, the sites it reaches and the walk to each (any
/// unit; seconds on a walking network), sorted by time then site
/// (compressed sparse rows). A pair that is not stored is out of reach.
///
/// # Example
/// ```
/// use lifecircle::instances::ReachTimes;
///
/// // (demand point, site, seconds)
/// let r = ReachTimes::from_triplets(2, 3, [(0, 2, 300.0), (0, 1, 60.0), (1, 2, 90.0)]).unwrap();
/// assert_eq!(r.of_demand(0).collect::<Vec<_>>(), vec![(1, 60.0), (2, 300.0)]);
/// assert_eq!(r.nnz(), 3);
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "RawReach")]
pub struct ReachTimes {
    n_sites: usize,
    /// Pairs beyond this were not stored (infinite: every pair in reach was given).
    limit: f64,
    offsets: Vec<usize>,
    sites: Vec<u32>,
    times: Vec<f64>,
}

/// The serialised form, rebuilt through [`ReachTimes::from_triplets`] so that
/// a file cannot hold what the constructor refuses.
#[derive(serde::Deserialize)]
struct RawReach {
    n_sites: usize,
    limit: Option<f64>,
    offsets: Vec<usize>,
    sites: Vec<u32>,
    times: Vec<f64>,
}

impl TryFrom<RawReach> for ReachTimes {
    type Error = Error;

    fn try_from(raw: RawReach) -> Result<Self> {
        let ordered = raw.offsets.first() == Some(&0)
            && raw.offsets.windows(2).all(|w| w[0] <= w[1])
            && raw.offsets.last() == Some(&raw.sites.len())
            && raw.sites.len() == raw.times.len();
        if !ordered {
            return Err(Error::record(
                "reach times",
                "offsets",
                "must start at 0, never decrease, and end at the number of entries",
            ));
        }
        let (sites, times) = (&raw.sites, &raw.times);
        let triplets = raw
            .offsets
            .windows(2)
            .enumerate()
            .flat_map(|(i, w)| (w[0]..w[1]).map(move |k| (i, sites[k] as usize, times[k])));
        let r = Self::from_triplets(
            raw.offsets.len() - 1,
            raw.n_sites,
            triplets.collect::<Vec<_>>(),
        )?;
        match raw.limit {
            Some(limit) => r.with_limit(limit),
            None => Ok(r),
        }
    }
}

impl ReachTimes {
    /// From `(demand point, site, time)` triplets in any order.
    ///
    /// # Errors
    /// [`Error::BadRecord`] naming the triplet (its position) for an index
    /// outside `n_demand` × `n_sites`, a time that is not finite and `>= 0`,
    /// or a pair given twice; [`Error::InvalidParameter`] for more than
    /// `u32::MAX` sites.
    pub fn from_triplets(
        n_demand: usize,
        n_sites: usize,
        triplets: impl IntoIterator<Item = (usize, usize, f64)>,
    ) -> Result<Self> {
        if u32::try_from(n_sites).is_err() {
            return Err(Error::param(
                "sites",
                format!("{n_sites} sites, at most {}", u32::MAX),
            ));
        }
        let mut rows: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n_demand];
        for (k, (i, j, t)) in triplets.into_iter().enumerate() {
            let bad = |m: String| {
                Error::record(
                    "walking times",
                    format!("entry {k} (demand point {i}, site {j})"),
                    m,
                )
            };
            if i >= n_demand || j >= n_sites {
                return Err(bad(format!(
                    "is outside the {n_demand} demand points x {n_sites} sites"
                )));
            }
            check_cost(i, j, t)?;
            rows[i].push((j as u32, t));
        }
        let mut s = Self {
            n_sites,
            limit: f64::INFINITY,
            offsets: Vec::with_capacity(n_demand + 1),
            sites: Vec::new(),
            times: Vec::new(),
        };
        s.offsets.push(0);
        for (i, mut row) in rows.into_iter().enumerate() {
            row.sort_by_key(|a| a.0);
            if let Some(w) = row.windows(2).find(|w| w[0].0 == w[1].0) {
                return Err(Error::record(
                    "walking times",
                    format!("demand point {i}, site {}", w[0].0),
                    "is given twice",
                ));
            }
            row.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            s.sites.extend(row.iter().map(|p| p.0));
            s.times.extend(row.iter().map(|p| p.1));
            s.offsets.push(s.sites.len());
        }
        Ok(s)
    }

    /// The pairs of a dense matrix within `limit` (the others are out of reach).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `limit` if it is NaN or negative.
    pub fn from_costs(costs: &CostMatrix, limit: f64) -> Result<Self> {
        if limit.is_nan() || limit < 0.0 {
            return Err(Error::param(
                "limit",
                format!("must be a number >= 0, got {limit}"),
            ));
        }
        let pairs = (0..costs.n_demand()).flat_map(|i| {
            let row = costs.row(i);
            (0..row.len())
                .filter(move |&j| row[j] <= limit)
                .map(move |j| (i, j, row[j]))
        });
        Self::from_triplets(costs.n_demand(), costs.n_sites(), pairs.collect::<Vec<_>>())?
            .with_limit(limit)
    }

    /// Says that pairs beyond `limit` were not stored (a bounded search): a
    /// model whose reach goes beyond it is then refused instead of cut short.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `limit` if it is NaN, negative, or
    /// below a stored time.
    pub fn with_limit(mut self, limit: f64) -> Result<Self> {
        let longest = self.times.iter().copied().fold(0.0, f64::max);
        if limit.is_nan() || limit < longest {
            return Err(Error::param(
                "limit",
                format!("{limit} is below a stored time ({longest}); pairs beyond the limit are the ones not stored"),
            ));
        }
        self.limit = limit;
        Ok(self)
    }

    /// Pairs beyond this were not stored (infinite unless [`with_limit`](Self::with_limit) said so).
    pub fn limit(&self) -> f64 {
        self.limit
    }

    /// Refuses a reach (a decay's cutoff, a radius) beyond [`limit`](Self::limit),
    /// where pairs that count would be missing.
    pub(crate) fn check_reach(&self, name: &str, reach: f64) -> Result<()> {
        if reach > self.limit {
            return Err(Error::param(
                name,
                format!("{reach} goes beyond the {} the walking times were computed to: pairs that count are missing", self.limit),
            ));
        }
        Ok(())
    }

    /// Number of demand points.
    pub fn n_demand(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of sites.
    pub fn n_sites(&self) -> usize {
        self.n_sites
    }

    /// Number of stored pairs.
    pub fn nnz(&self) -> usize {
        self.sites.len()
    }

    /// The sites demand point `i` reaches, nearest first, with their times.
    ///
    /// # Panics
    /// If `i >= n_demand()`.
    pub fn of_demand(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let range = self.offsets[i]..self.offsets[i + 1];
        self.sites[range.clone()]
            .iter()
            .zip(&self.times[range])
            .map(|(&j, &t)| (j as usize, t))
    }

    /// For each site, the demand points within `radius` (the coverage models' input).
    ///
    /// # Errors
    /// As [`CoverageSets::within_pairs`].
    pub fn within(&self, radius: f64) -> Result<CoverageSets> {
        let pairs =
            (0..self.n_demand()).flat_map(|i| self.of_demand(i).map(move |(j, t)| (i, j, t)));
        CoverageSets::within_pairs(
            self.n_demand(),
            self.n_sites,
            pairs.collect::<Vec<_>>(),
            radius,
        )
    }

    /// Checks site indices given as `name` (fixed sites, say).
    pub(crate) fn check_sites(&self, name: &str, sites: &[usize]) -> Result<()> {
        match sites.iter().find(|&&j| j >= self.n_sites) {
            Some(j) => Err(Error::param(
                name,
                format!("site {j} does not exist (there are {} sites)", self.n_sites),
            )),
            None => Ok(()),
        }
    }
}

/// Reads walking times as CSV triplets `demand,site,seconds` (0-based
/// indices; a header line naming those three columns is optional). Without
/// `n_demand`, the demand points are those up to the largest index given.
///
/// # Errors
/// [`Error::Io`] if unreadable; [`Error::BadRecord`] naming the line of a
/// record that is not three numbers, an index that is not a whole number or
/// is at least `n_demand`, a time not finite and `>= 0`, or a pair given
/// twice; the file if it holds no record.
pub fn read_times_csv(path: impl AsRef<Path>, n_demand: Option<usize>) -> Result<ReachTimes> {
    let table = CsvTable::headless(path.as_ref(), Records::Needed)?;
    let mut triplets = Vec::new();
    table.for_each(|record| {
        let bad = |m: String| Error::record(&table.source, format!("line {}", record.line()), m);
        let values: Vec<&str> = record.values().map(str::trim).collect();
        if record.line() == 1 && values == ["demand", "site", "seconds"] {
            return Ok(());
        }
        if values.len() != 3 {
            return Err(bad(format!(
                "{} fields; want demand,site,seconds",
                values.len()
            )));
        }
        let index = |v: &str| {
            v.parse::<usize>()
                .map_err(|_| bad(format!("{v:?} is not an index (a whole number >= 0)")))
        };
        let (i, j) = (index(values[0])?, index(values[1])?);
        let t = values[2]
            .parse::<f64>()
            .map_err(|_| bad(format!("{:?} is not a number", values[2])))?;
        if !(t.is_finite() && t >= 0.0) {
            return Err(bad(format!("time {t} must be finite and >= 0")));
        }
        if n_demand.is_some_and(|n| i >= n) {
            return Err(bad(format!(
                "demand point {i}, but there are {} weights",
                n_demand.unwrap_or(0)
            )));
        }
        triplets.push((i, j, t));
        Ok(())
    })?;
    let n = n_demand.unwrap_or_else(|| triplets.iter().map(|t| t.0 + 1).max().unwrap_or(0));
    let m = triplets.iter().map(|t| t.1 + 1).max().unwrap_or(0);
    ReachTimes::from_triplets(n, m, triplets).map_err(|e| match e {
        Error::BadRecord {
            record, message, ..
        } => Error::record(&table.source, record, message),
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_triplets_are_named() {
        let e = ReachTimes::from_triplets(2, 2, [(0, 0, 1.0), (2, 0, 1.0)]).unwrap_err();
        assert!(
            e.to_string().contains("entry 1 (demand point 2, site 0)"),
            "{e}"
        );
        let e = ReachTimes::from_triplets(2, 2, [(0, 1, f64::NAN)]).unwrap_err();
        assert!(e.to_string().contains("row 0, column 1"), "{e}");
        let e = ReachTimes::from_triplets(2, 2, [(1, 1, 3.0), (1, 1, 4.0)]).unwrap_err();
        assert!(e.to_string().contains("given twice"), "{e}");
    }

    #[test]
    fn dense_costs_keep_the_pairs_in_reach_and_round_trip() {
        let c = CostMatrix::from_rows(vec![vec![5.0, 1.0], vec![9.0, 2.0]]).unwrap();
        let r = ReachTimes::from_costs(&c, 5.0).unwrap();
        assert_eq!(r.of_demand(0).collect::<Vec<_>>(), vec![(1, 1.0), (0, 5.0)]);
        assert_eq!(r.of_demand(1).collect::<Vec<_>>(), vec![(1, 2.0)]);
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<ReachTimes>(&json).unwrap(), r);
        assert_eq!(r.within(2.0).unwrap().site(1), &[0, 1]);
        assert_eq!(r.limit(), 5.0);
        assert!(r
            .check_reach("radius", 6.0)
            .unwrap_err()
            .to_string()
            .contains("beyond the 5"));
        assert!(r.clone().with_limit(4.0).is_err());
    }

    #[test]
    fn csv_triplets_are_read_with_or_without_header() {
        let f = crate::tables::temp_file(".csv", "demand,site,seconds\n0,1,60\n2,0,30.5\n");
        let r = read_times_csv(f.path(), None).unwrap();
        assert_eq!((r.n_demand(), r.n_sites(), r.nnz()), (3, 2, 2));
        let r = read_times_csv(f.path(), Some(5)).unwrap();
        assert_eq!(r.n_demand(), 5);
        let f = crate::tables::temp_file(".csv", "0,1,60\n1,x,3\n");
        let e = read_times_csv(f.path(), None).unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("\"x\""), "{e}");
        let f = crate::tables::temp_file(".csv", "0,1,60\n0,1,-3\n");
        let e = read_times_csv(f.path(), None).unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("-3"), "{e}");
    }
}

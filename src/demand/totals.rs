//! The bound on a table's running total.

use crate::error::{total_over_limit, Error, Result, MAX_TOTAL};

/// Refuses values whose running total exceeds [`MAX_TOTAL`] (the bound the
/// models put on every total, far above any city's population), naming the
/// record where it does (`record(k)` for the `k`-th value). Larger totals would
/// print as `inf` residents and a `NaN%` share.
///
/// # Errors
/// [`Error::BadRecord`] naming `source` and the record.
pub(crate) fn check_total(
    source: &str,
    what: &str,
    values: impl IntoIterator<Item = f64>,
    record: impl Fn(usize) -> String,
) -> Result<()> {
    // The sum stops at the value that passes the bound: `last` is that value.
    let mut last = f64::NAN;
    match total_over_limit(values.into_iter().inspect(|&v| last = v)) {
        Some((k, total)) => {
            let v = last;
            Err(Error::record(
                source,
                record(k),
                format!("{what} {v:e} brings the total to {total:e}, above the largest total accepted ({MAX_TOTAL:e})"),
            ))
        }
        None => Ok(()),
    }
}

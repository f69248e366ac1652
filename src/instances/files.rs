//! Cost matrices and weight lists from files: the input of `lifecircle solve`
//! besides OR-Library instances.

use std::path::Path;

use super::cost_matrix::MAX_DENSE_CELLS;
use super::CostMatrix;
use crate::error::{check_total, finite_non_negative, Error, Result};
use crate::tables::{read_text, CsvTable, Records};

/// Reads a cost matrix from a CSV file without header: one row per demand
/// point, one column per site.
///
/// # Errors
/// [`Error::Io`] if unreadable; [`Error::BadRecord`] naming the line and
/// column of a value that is not a number, negative or NaN, a ragged row, or
/// the cell beyond [`MAX_DENSE_CELLS`], or naming the file if it holds no row.
pub fn read_cost_csv(path: impl AsRef<Path>) -> Result<CostMatrix> {
    cost_csv(path.as_ref(), MAX_DENSE_CELLS)
}

/// [`read_cost_csv`] with a cap of `max_cells` (tests use a small one).
fn cost_csv(path: &Path, max_cells: usize) -> Result<CostMatrix> {
    let table = CsvTable::headless(path, Records::Needed)?;
    // Rows go straight into one flat buffer: a matrix of millions of cells
    // is never held as strings or as one `Vec` per row.
    let (mut data, mut n_demand) = (Vec::new(), 0);
    table.for_each(|record| {
        for (j, v) in record.values().enumerate() {
            let bad = |message: String| {
                Error::record(
                    &table.source,
                    format!("line {}, column {}", record.line(), j + 1),
                    message,
                )
            };
            let cost = v
                .parse::<f64>()
                .map_err(|_| bad(format!("{v:?} is not a number")))?;
            if !(finite_non_negative(cost)) {
                return Err(bad(format!("cost {v} must be finite and >= 0")));
            }
            if data.len() == max_cells {
                return Err(bad(format!(
                    "more than {max_cells} costs ({} MB): {}",
                    max_cells * 8 / 1_000_000,
                    "use a coverage model on the network, whose sparse matrix has no such limit"
                )));
            }
            data.push(cost);
        }
        n_demand += 1;
        Ok(())
    })?;
    // csv refuses ragged rows, so every row is as wide as the first.
    CostMatrix::new(n_demand, data.len() / n_demand, data)
}

/// Reads one number per line (blank lines ignored), e.g. demand weights:
/// each finite and >= 0, their total at most
/// [`MAX_TOTAL`](crate::error::MAX_TOTAL).
///
/// # Errors
/// [`Error::Io`] if unreadable; [`Error::BadRecord`] naming the line of a
/// value that is not a finite number >= 0, or where the total exceeds the bound.
pub fn read_numbers(path: impl AsRef<Path>) -> Result<Vec<f64>> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let text = read_text(path)?;
    let (mut values, mut lines) = (Vec::new(), Vec::new());
    for (n, l) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v = l
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| finite_non_negative(*v));
        values.push(v.ok_or_else(|| {
            Error::record(
                &name,
                format!("line {}", n + 1),
                format!("{:?} is not a finite number >= 0", l.trim()),
            )
        })?);
        lines.push(n + 1);
    }
    check_total(&name, "weight", values.iter().copied(), |k| {
        format!("line {}", lines[k])
    })?;
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instances::read_orlib;
    use crate::tables::temp_file;

    #[test]
    fn a_byte_order_mark_is_ignored_in_orlib_cost_and_weight_files() {
        let f = temp_file(".txt", "\u{feff}3 2 1\n1 2 4\n2 3 1\n");
        assert_eq!(read_orlib(f.path()).unwrap().costs.cost(0, 2), 5.0);
        let f = temp_file(".csv", "\u{feff}0,1\n1,0\n");
        assert_eq!(read_cost_csv(f.path()).unwrap().cost(1, 0), 1.0);
        let f = temp_file(".txt", "\u{feff}2\n3\n");
        assert_eq!(read_numbers(f.path()).unwrap(), vec![2.0, 3.0]);
        // Only a leading mark is one: elsewhere it is a character like any other.
        let f = temp_file(".txt", "3 2 1\n\u{feff}1 2 4\n2 3 1\n");
        let e = read_orlib(f.path()).unwrap_err().to_string();
        assert!(e.contains("line 2: vertex \"\\u{feff}1\""), "{e}");
    }

    #[test]
    fn a_cost_csv_beyond_the_cap_is_refused_at_the_cell_that_passes_it() {
        let f = temp_file(".csv", "0,1,2\n3,4,5\n6,7,8\n");
        let e = cost_csv(f.path(), 7).unwrap_err().to_string();
        assert!(e.contains("line 3, column 2: more than 7 costs"), "{e}");
        assert_eq!(cost_csv(f.path(), 9).unwrap().cost(2, 2), 8.0);
    }

    #[test]
    fn weights_must_be_finite_and_their_total_bounded() {
        for (text, expected) in [
            (
                "1e308\n1e308\n",
                "line 1: weight 1e308 brings the total to 1e308",
            ),
            (
                "1\n\n1e15\n",
                "line 3: weight 1e15 brings the total to 1.000000000000001e15",
            ),
            ("1\ninf\n", "line 2: \"inf\" is not a finite number >= 0"),
            ("-1\n", "line 1: \"-1\" is not a finite number >= 0"),
        ] {
            let f = temp_file(".txt", text);
            let e = read_numbers(f.path()).unwrap_err().to_string();
            assert!(e.contains(expected), "{text:?}: {e}");
        }
        let f = temp_file(".txt", "5e14\n5e14\n");
        assert_eq!(read_numbers(f.path()).unwrap(), vec![5e14, 5e14]);
    }
}

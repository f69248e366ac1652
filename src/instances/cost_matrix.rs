//! Dense demand × site travel costs, for the models that need every pair
//! (p-median, p-center) and for cost-matrix input to the coverage models.

use ndarray::{Array2, ArrayView2};

use crate::error::{finite_non_negative, Error, Result, MAX_TOTAL};

/// The most cells a dense matrix read or derived from a file may hold:
/// 10^8 costs of 8 bytes, 800 MB (an OR-Library instance of 10,000 vertices,
/// a cost CSV of 10,000 × 10,000). A file asking for more is refused before
/// anything is allocated, naming the size and the memory it would take.
pub const MAX_DENSE_CELLS: usize = 100_000_000;

/// Refuses a dense `rows × cols` table above [`MAX_DENSE_CELLS`].
///
/// # Errors
/// [`Error::BadRecord`] naming `source` and `record` (where the size was read).
pub(crate) fn check_dense_size(source: &str, record: &str, rows: usize, cols: usize) -> Result<()> {
    match rows.checked_mul(cols) {
        Some(cells) if cells <= MAX_DENSE_CELLS => Ok(()),
        cells => Err(Error::record(
            source,
            record,
            format!(
                "a dense {rows} x {cols} cost table holds {} cells ({:.1} GB of 8-byte costs), above the limit of {MAX_DENSE_CELLS} cells ({} MB)",
                cells.map_or_else(|| "more than 2^64".to_string(), |c| c.to_string()),
                rows as f64 * cols as f64 * 8e-9,
                MAX_DENSE_CELLS * 8 / 1_000_000,
            ),
        )),
    }
}

/// Costs `cost(i, j)` from demand point `i` to site `j`: an
/// [`ndarray::Array2`] of `n_demand` rows and `n_sites` columns, always in
/// standard (row-major) layout, so that every row is one contiguous slice.
///
/// # Example
/// ```
/// use lifecircle::model::CostMatrix;
/// let m = CostMatrix::from_rows(vec![vec![0.0, 4.0], vec![3.0, 1.0]]).unwrap();
/// assert_eq!((m.n_demand(), m.n_sites(), m.cost(1, 0)), (2, 2, 3.0));
/// assert_eq!(m.view().column(1).to_vec(), vec![4.0, 1.0]);
/// assert!(CostMatrix::from_rows(vec![vec![0.0], vec![f64::NAN]]).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(try_from = "RawCostMatrix")]
pub struct CostMatrix {
    data: Array2<f64>,
}

impl CostMatrix {
    /// Builds from row-major data of length `n_demand * n_sites`.
    ///
    /// # Errors
    /// [`Error::BadRecord`] for a wrong length or a negative, non-finite or
    /// above-[`MAX_TOTAL`] cost (naming its row and column).
    pub fn new(n_demand: usize, n_sites: usize, data: Vec<f64>) -> Result<Self> {
        if n_demand.checked_mul(n_sites) != Some(data.len()) {
            return Err(shape_error(data.len(), n_demand, n_sites));
        }
        for (k, &c) in data.iter().enumerate() {
            check_cost(k / n_sites.max(1), k % n_sites.max(1), c)?;
        }
        let data = Array2::from_shape_vec((n_demand, n_sites), data)
            .map_err(|_| shape_error(n_demand * n_sites, n_demand, n_sites))?;
        Ok(Self { data })
    }

    /// Builds from an array of one row per demand point (any memory layout:
    /// a column-major array is copied into row-major order once).
    ///
    /// # Errors
    /// As [`CostMatrix::new`] for a cost.
    pub fn from_array(data: Array2<f64>) -> Result<Self> {
        check_cells(data.view())?;
        let data = if data.is_standard_layout() {
            data
        } else {
            data.as_standard_layout().into_owned()
        };
        Ok(Self { data })
    }

    /// Builds from a borrowed array (numpy's, from Python), checking it in
    /// place and copying it once into the matrix.
    ///
    /// # Errors
    /// As [`CostMatrix::new`] for a cost.
    pub fn from_view(view: ArrayView2<'_, f64>) -> Result<Self> {
        check_cells(view)?;
        Ok(Self {
            data: view.as_standard_layout().into_owned(),
        })
    }

    /// Builds from one row per demand point.
    ///
    /// # Errors
    /// As [`CostMatrix::new`], plus ragged rows.
    pub fn from_rows(rows: Vec<Vec<f64>>) -> Result<Self> {
        let n_sites = rows.first().map_or(0, Vec::len);
        if let Some(i) = rows.iter().position(|r| r.len() != n_sites) {
            return Err(Error::record(
                "cost matrix",
                format!("row {i}"),
                format!("has {} columns, the first row has {n_sites}", rows[i].len()),
            ));
        }
        let n_demand = rows.len();
        Self::new(n_demand, n_sites, rows.into_iter().flatten().collect())
    }

    /// Number of demand points (rows).
    pub fn n_demand(&self) -> usize {
        self.data.nrows()
    }

    /// Number of sites (columns).
    pub fn n_sites(&self) -> usize {
        self.data.ncols()
    }

    /// Cost from demand point `i` to site `j`.
    ///
    /// # Panics
    /// If `i >= n_demand()` or `j >= n_sites()`, as indexing does.
    pub fn cost(&self, i: usize, j: usize) -> f64 {
        self.data[[i, j]]
    }

    /// Costs from demand point `i` to every site.
    ///
    /// # Panics
    /// If `i >= n_demand()`, as indexing does.
    pub fn row(&self, i: usize) -> &[f64] {
        let n = self.n_sites();
        &self.as_slice()[i * n..(i + 1) * n]
    }

    /// The whole matrix as an array view (demand × sites).
    pub fn view(&self) -> ArrayView2<'_, f64> {
        self.data.view()
    }

    /// Every cost, row after row.
    fn as_slice(&self) -> &[f64] {
        self.data
            .as_slice()
            .expect("a cost matrix is always built in standard layout")
    }
}

fn shape_error(len: usize, n_demand: usize, n_sites: usize) -> Error {
    Error::record(
        "cost matrix",
        "shape",
        format!("{len} values for {n_demand} x {n_sites}"),
    )
}

/// [`check_cost`] on every cell, naming the first bad one in row-major order.
fn check_cells(costs: ArrayView2<'_, f64>) -> Result<()> {
    for ((i, j), &c) in costs.indexed_iter() {
        check_cost(i, j, c)?;
    }
    Ok(())
}

/// The one rule for a demand × site cost, dense or sparse, from a file or from
/// Python: finite, >= 0 and at most [`MAX_TOTAL`]. An infinite cost is refused rather than read as
/// "out of reach", which only a sparse input can say (by leaving the pair out).
pub(crate) fn check_cost(row: usize, column: usize, cost: f64) -> Result<()> {
    let message = if !finite_non_negative(cost) {
        format!("cost {cost} must be finite and >= 0")
    } else if cost > MAX_TOTAL {
        format!("cost {cost:e} is above the limit of {MAX_TOTAL:e} (scale the costs down)")
    } else {
        return Ok(());
    };
    Err(Error::record(
        "cost matrix",
        format!("row {row}, column {column}"),
        message,
    ))
}

/// The serialised form, checked on the way in by [`CostMatrix::new`]: a file
/// must not build a matrix the constructor would refuse.
#[derive(serde::Deserialize)]
struct RawCostMatrix {
    n_demand: usize,
    n_sites: usize,
    data: Vec<f64>,
}

/// Written in the form [`RawCostMatrix`] reads, borrowing the costs.
#[derive(serde::Serialize)]
struct RawCostMatrixRef<'a> {
    n_demand: usize,
    n_sites: usize,
    data: &'a [f64],
}

impl serde::Serialize for CostMatrix {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        RawCostMatrixRef {
            n_demand: self.n_demand(),
            n_sites: self.n_sites(),
            data: self.as_slice(),
        }
        .serialize(serializer)
    }
}

impl TryFrom<RawCostMatrix> for CostMatrix {
    type Error = Error;

    fn try_from(raw: RawCostMatrix) -> Result<Self> {
        Self::new(raw.n_demand, raw.n_sites, raw.data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shape_whose_size_overflows_is_refused() {
        let err = CostMatrix::new(1 << 32, 1 << 32, vec![]).unwrap_err();
        assert!(
            err.to_string()
                .contains("0 values for 4294967296 x 4294967296"),
            "{err}"
        );
    }

    #[test]
    #[should_panic(expected = "index out of bounds")]
    fn a_site_beyond_the_columns_panics_instead_of_reading_the_next_row() {
        let m = CostMatrix::from_rows(vec![vec![1.0, 2.0], vec![3.0, 4.0]]).unwrap();
        m.cost(0, 2);
    }

    #[test]
    fn a_serialised_matrix_is_checked_on_the_way_in() {
        let m = CostMatrix::from_rows(vec![vec![0.0, 4.0], vec![3.0, 1.0]]).unwrap();
        let back: CostMatrix = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(back, m);
        for bad in [
            r#"{"n_demand": 2, "n_sites": 2, "data": [1.0]}"#,
            r#"{"n_demand": 1, "n_sites": 1, "data": [-1.0]}"#,
        ] {
            assert!(serde_json::from_str::<CostMatrix>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_serialised_form_is_the_row_major_one_and_any_layout_reads_the_same() {
        let m = CostMatrix::from_rows(vec![vec![0.0, 4.0, 2.0], vec![3.0, 1.0, 5.0]]).unwrap();
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"n_demand":2,"n_sites":3,"data":[0.0,4.0,2.0,3.0,1.0,5.0]}"#
        );
        use ndarray::ShapeBuilder;
        let column_major =
            Array2::from_shape_vec((2, 3).f(), vec![0.0, 3.0, 4.0, 1.0, 2.0, 5.0]).unwrap();
        assert!(!column_major.is_standard_layout());
        assert_eq!(CostMatrix::from_array(column_major.clone()).unwrap(), m);
        let from_view = CostMatrix::from_view(column_major.view()).unwrap();
        assert_eq!(
            (from_view.row(1), from_view.cost(0, 1)),
            (&[3.0, 1.0, 5.0][..], 4.0)
        );
        let mut bad = column_major;
        bad[[1, 2]] = -1.0;
        let err = CostMatrix::from_array(bad).unwrap_err().to_string();
        assert!(err.contains("row 1, column 2"), "{err}");
    }
}

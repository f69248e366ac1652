//! The OR-Library instances and their proven optima under `data/orlib`, for
//! `tests/orlib.rs` and `benches/orlib.rs` (which includes this file by path).
//! Reference data for checking the solvers, not library material: it stays
//! out of the crate until the reference instances get a fixtures crate.

use lifecircle::instances::{read_orlib, OrlibInstance};

/// The instance `name` (`pmed1` … `pmed40`).
pub fn instance(name: &str) -> OrlibInstance {
    read_orlib(format!(
        "{}/data/orlib/{name}.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// The published optimum of `instance` in column `column` of the table `file`.
pub fn known(file: &str, column: usize, instance: &str) -> f64 {
    let text = std::fs::read_to_string(format!("{}/data/orlib/{file}", env!("CARGO_MANIFEST_DIR")))
        .unwrap();
    let line = text
        .lines()
        .find(|l| l.split(',').next() == Some(instance))
        .unwrap();
    line.split(',').nth(column).unwrap().parse().unwrap()
}

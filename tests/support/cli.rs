//! The `lifecircle` binary as the command-line tests run it. Included by path
//! where needed.

use std::path::Path;
use std::process::{Command, Output};

/// `lifecircle ARGS` run in `dir`; its output whatever the exit status.
pub fn lifecircle(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// `lifecircle solve ARGS` run in `dir`.
#[allow(dead_code)] // not every test file solves
pub fn solve(args: &[&str], dir: &Path) -> Output {
    lifecircle(&[&["solve"], args].concat(), dir)
}

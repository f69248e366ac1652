//! Stopping a long solve from outside: `interrupt::request` in the library,
//! a real SIGINT sent to the real binary. The flag is process-wide, so the
//! library checks live in one test (tests in a file run on parallel threads).
//!
//! The instance is OR-Library pmed36 (800 x 800, p = 10): its p-median takes
//! about 10 s (Benders), and maximal coverage of its distances within 15 with
//! 10 sites, which the binary is sent SIGINT in, about 36 s (HiGHS's
//! branch-and-bound, on this machine kind), both well within the 60 s limit
//! given here: a solve that ends well before the limit after a stop request
//! was stopped by it.
//! The bounds on the reaction time are generous (5 s, for a loaded CI machine)
//! and not a measurement: by hand, `kill -INT` ends the binary 13-42 ms later
//! outside HiGHS's LP solves, 1.0 s later (the CLI's grace) inside them.
//! The library call itself waits for the LP HiGHS is in to end (HiGHS does
//! not poll its interrupt callback inside the LPs of its branch-and-bound),
//! so the library test requests the stop at 3 s, before the MIP.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lifecircle::instances::read_orlib;
use lifecircle::model::{CostMatrix, SetCover};
use lifecircle::model::{CoverageSets, JointPlan, JointService, MaxCoverage, PCenter, PMedian};
use lifecircle::solve::{interrupt, SolveOptions};
use lifecircle::Error;

const REACTION: Duration = Duration::from_secs(5);

fn pmed36() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/orlib/pmed36.txt")
}

fn long() -> SolveOptions {
    SolveOptions::new().time_limit(60.0).unwrap()
}

#[test]
fn a_request_stops_every_model_and_a_running_mip() {
    // Requested before the call: every model stops at its first check.
    let costs =
        CostMatrix::from_rows(vec![vec![1.0, 2.0], vec![2.0, 1.0], vec![3.0, 1.0]]).unwrap();
    let cov = CoverageSets::within(&costs, 1.5).unwrap();
    interrupt::request();
    let errors = [
        PMedian::new(costs.clone(), vec![1.0; 3], 1)
            .unwrap()
            .solve(&long())
            .map(|_| ()),
        PCenter::new(costs.clone(), vec![1.0; 3], 1)
            .unwrap()
            .solve(&long())
            .map(|_| ()),
        MaxCoverage::new(cov.clone(), vec![1.0; 3])
            .unwrap()
            .new_sites(1)
            .unwrap()
            .solve(&long())
            .map(|_| ()),
        SetCover::new(cov.clone()).solve(&long()).map(|_| ()),
        JointPlan::new(
            2,
            vec![
                JointService::new("a", cov.clone(), vec![1.0; 3]).max_new(1),
                JointService::new("b", cov.clone(), vec![2.0; 3]).max_new(1),
            ],
        )
        .unwrap()
        .solve(&long())
        .map(|_| ()),
    ];
    for (k, e) in errors.into_iter().enumerate() {
        assert!(matches!(e, Err(Error::Interrupted)), "model {k}: {e:?}");
    }
    interrupt::clear();

    // Requested while the solve runs (after 3 s: its Lagrangian phase here).
    let inst = read_orlib(pmed36()).unwrap();
    let model = PMedian::new(inst.costs, vec![1.0; inst.n], inst.p).unwrap();
    let asked = std::thread::spawn(|| {
        std::thread::sleep(Duration::from_secs(3));
        interrupt::request();
        Instant::now()
    });
    let result = model.solve(&long());
    let ended = Instant::now();
    let asked = asked.join().unwrap();
    interrupt::clear();
    assert!(matches!(result, Err(Error::Interrupted)), "{result:?}");
    assert!(ended - asked < REACTION, "{:?}", ended - asked);
}

/// Sent at 3 s and at 14 s into maximal coverage on pmed36's distances
/// (about 36 s here, nearly all in HiGHS's branch-and-bound; where HiGHS is
/// inside an LP it does not poll, the CLI's watchdog ends the process 1 s
/// after the request).
#[cfg(unix)]
#[test]
fn sigint_ends_the_binary_with_code_130() {
    let runs: Vec<_> = [3, 14]
        .into_iter()
        .map(|after| {
            let child = Command::new(env!("CARGO_BIN_EXE_lifecircle"))
                .args(["solve", "--model", "mclp", "--radius", "15", "--p", "10"])
                .args(["--time-limit", "60", "--orlib"])
                .arg(pmed36())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            (after, child)
        })
        .collect();
    let start = Instant::now();
    for (after, child) in runs {
        std::thread::sleep(Duration::from_secs(after).saturating_sub(start.elapsed()));
        let sent = Instant::now();
        // SAFETY: kill has no memory preconditions; the pid is our live child.
        assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
        let out = child.wait_with_output().unwrap();
        let took = sent.elapsed();
        assert_eq!(out.status.code(), Some(130), "at {after} s: {out:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr).trim(), "interrupted");
        assert!(out.stdout.is_empty());
        assert!(took < REACTION, "at {after} s: {took:?}");
    }
}

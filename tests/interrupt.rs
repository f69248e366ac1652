//! Stopping a long solve from outside: `interrupt::request` in the library,
//! a real SIGINT sent to the real binary. The flag is process-wide, so the
//! library checks live in one test (tests in a file run on parallel threads).
//!
//! The instance is OR-Library pmed36 (800 x 800, p = 10), which HiGHS does not
//! prove optimal in the 60 s limit given here on this machine kind: a
//! solve that ends well before the limit after a stop request was stopped by it.
//! The bounds on the reaction time are generous (5 s, for a loaded CI machine)
//! and not a measurement: by hand, `kill -INT` takes 16-42 ms to end the binary
//! (command in the report of the change that added this file).

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

    // Requested while HiGHS runs (after 3 s: the MIP phase of pmed36).
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

#[cfg(unix)]
#[test]
fn sigint_ends_the_binary_with_code_130() {
    let child = Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .args([
            "solve",
            "--model",
            "p-median",
            "--time-limit",
            "60",
            "--orlib",
        ])
        .arg(pmed36())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    let sent = Instant::now();
    // SAFETY: kill has no memory preconditions; the pid is our live child.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let out = child.wait_with_output().unwrap();
    let took = sent.elapsed();
    assert_eq!(out.status.code(), Some(130), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stderr).trim(), "interrupted");
    assert!(out.stdout.is_empty());
    assert!(took < REACTION, "{took:?}");
}

//! The one helper for long calls: the work runs without the GIL, and Ctrl-C
//! stops it with a `KeyboardInterrupt`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use pyo3::prelude::*;

use lifecircle::solve::interrupt::{self, GRACE};

use crate::error::OrPy;

/// How often the waiting thread takes the GIL back to look for signals: well
/// within the 1 s a Ctrl-C may take, and cheap (one wake-up per period).
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// How many interruptible calls are running, abandoned ones included.
static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// One running call, held by the thread doing the work; the last to end
/// clears a stop request. Clearing it as soon as the interrupted call stopped
/// would let the calls of other threads, which had not looked at the flag yet,
/// run on to their end.
struct Running;

impl Running {
    fn enter() -> Self {
        RUNNING.fetch_add(1, Ordering::SeqCst);
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if RUNNING.fetch_sub(1, Ordering::SeqCst) == 1 {
            interrupt::clear();
        }
    }
}

/// Runs `work` on its own thread while this thread, without the GIL, waits
/// for it and every [`SIGNAL_POLL`] runs Python's signal handlers. Python runs
/// handlers only on its main thread and only while it holds the GIL, so a
/// call that simply released the GIL (`py.detach`) would hear Ctrl-C only once
/// the solve had ended. When a handler raises (`KeyboardInterrupt` for
/// Ctrl-C), the core is asked to stop ([`interrupt::request`]) and the
/// exception is raised as soon as the work stops, or after [`GRACE`] if it
/// does not (HiGHS does not poll inside the LP solves of its branch-and-bound:
/// pmed36's root LP runs 26 s): the work then ends by itself and its result
/// is dropped. That is why `work` owns what it uses (`'static`).
///
/// The flag is process-wide: an interrupt also stops the calls other Python
/// threads are running (each raises `KeyboardInterrupt`), and the last of them
/// to end clears it ([`Running`]). A call that starts before then waits for
/// them (a Ctrl-C stops the wait too), so that it is not stopped at once.
pub fn interruptible<T: Send + 'static>(
    py: Python<'_>,
    work: impl FnOnce() -> lifecircle::Result<T> + Send + 'static,
) -> PyResult<T> {
    while interrupt::requested() && RUNNING.load(Ordering::SeqCst) > 0 {
        py.detach(|| std::thread::sleep(SIGNAL_POLL));
        py.check_signals()?;
    }
    let running = Running::enter();
    let (done, mut finished) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let _running = running;
        // A send fails only once the waiting side has given up on the result.
        let _ = done.send(work());
    });
    loop {
        // The receiver travels into the GIL-free closure and back: it is Send, not Sync.
        let (received, back) = py.detach(move || (finished.recv_timeout(SIGNAL_POLL), finished));
        finished = back;
        match received {
            Ok(result) => return result.py_err(),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => std::panic::resume_unwind(
                worker
                    .join()
                    .expect_err("the worker sends its result unless it panics"),
            ),
        }
        if let Err(signal) = py.check_signals() {
            interrupt::request();
            // Whatever the work returns now (Interrupted, or an answer it
            // finished meanwhile), the caller asked to stop.
            let _ = py.detach(move || finished.recv_timeout(GRACE));
            return Err(signal);
        }
    }
}

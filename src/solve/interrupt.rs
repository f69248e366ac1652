//! Stopping a long solve from outside: Ctrl-C in the CLI, `KeyboardInterrupt`
//! in Python.
//!
//! One process-wide flag, because an interrupt is process-wide: a signal
//! handler (CLI) or the Python GIL helper calls [`request`], code that can
//! stop checks [`check`] between its steps, and whoever starts a cancellable
//! call clears the flag first ([`clear`]); no solve clears it itself, so a
//! request made just before a solve starts is not lost.
//!
//! Every model's `solve` checks the flag between its phases, its heuristic
//! and Lagrangian loops stop at it, and HiGHS polls it through its interrupt
//! callback (between simplex and IPM iterations and branch-and-bound steps).
//! A solve that sees it returns [`Error::Interrupted`], not a partial plan:
//! the caller asked to stop, not for the best plan so far (a time limit gives
//! that). Measured on OR-Library pmed36, the binary ends 13-42 ms after
//! SIGINT outside HiGHS's LP solves.
//!
//! Limitation: HiGHS does not poll its callback inside the LP solves of its
//! branch-and-bound (the MIP's LP relaxation is a HiGHS instance of its own,
//! without the user callback), so a request made during one waits for that
//! LP to end: pmed36's root LP runs 26 s. The CLI therefore exits [`GRACE`]
//! after Ctrl-C whether or not the solve has returned, and the Python layer
//! raises `KeyboardInterrupt` after [`GRACE`], leaving the call to end by
//! itself; an embedder that must return sooner does the same.
//!
//! ```
//! use lifecircle::solve::interrupt;
//! interrupt::clear();
//! assert!(interrupt::check().is_ok());
//! interrupt::request();
//! assert!(matches!(interrupt::check(), Err(lifecircle::Error::Interrupted)));
//! interrupt::clear();
//! ```

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::error::{Error, Result};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// How long a caller waits for a solve to stop after [`request`] before it
/// gives up on it (the CLI exits, Python raises): long enough for every phase
/// that polls (13-42 ms measured), and short enough that Ctrl-C takes effect
/// within 1 s including the 50 ms the CLI and Python poll at.
pub const GRACE: Duration = Duration::from_millis(750);

/// Asks every running solve to stop. Async-signal-safe (one atomic store).
pub fn request() {
    REQUESTED.store(true, Ordering::SeqCst);
}

/// Withdraws a request, before a new cancellable call starts.
pub fn clear() {
    REQUESTED.store(false, Ordering::SeqCst);
}

/// Whether a stop was requested.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// [`Error::Interrupted`] if a stop was requested: the check between phases.
///
/// # Errors
/// [`Error::Interrupted`] after [`request`] and before [`clear`].
pub fn check() -> Result<()> {
    if requested() {
        Err(Error::Interrupted)
    } else {
        Ok(())
    }
}

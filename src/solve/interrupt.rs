//! Stopping a long solve from outside: Ctrl-C in the CLI, `KeyboardInterrupt`
//! in Python.
//!
//! One process-wide flag, because an interrupt is process-wide: the signal
//! handler (CLI) or the Python GIL helper calls [`request`]; every phase of a
//! solve checks [`requested`] between its steps, and HiGHS checks it through
//! its interrupt callback ([`crate::solve`]'s MIP seam), so a solve returns
//! [`Error::Interrupted`] within about a second. Whoever starts a cancellable
//! call clears the flag first ([`clear`]).
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

use crate::error::{Error, Result};

static REQUESTED: AtomicBool = AtomicBool::new(false);

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

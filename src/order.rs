//! A total order on `f64`, for heap keys: `BinaryHeap` needs `Ord`, which
//! `f64` lacks. The shortest paths and both greedies key their heaps on it.
//! It uses nothing else in the crate, so every layer may use it.

use std::cmp::Ordering;

/// An `f64` ordered by [`f64::total_cmp`]: `-0.0 < 0.0`, and a NaN sorts
/// beyond every number on the side of its sign. Equality is that order's, so
/// an entry that derives `Ord` with this as a field orders its fields in
/// declaration order (wrap an index in `Reverse` to prefer the lower one).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TotalF64(pub f64);

impl PartialEq for TotalF64 {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for TotalF64 {}

impl PartialOrd for TotalF64 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TotalF64 {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Equality must agree with the order (`Eq` for `Ord`), which `f64`'s own
    /// `==` does not: it calls -0.0 and 0.0 equal and a NaN unequal to itself.
    #[test]
    fn equality_is_the_total_order() {
        assert_ne!(TotalF64(-0.0), TotalF64(0.0));
        assert!(TotalF64(-0.0) < TotalF64(0.0));
        assert_eq!(TotalF64(f64::NAN), TotalF64(f64::NAN));
        assert!(TotalF64(f64::NAN) > TotalF64(f64::INFINITY));
        assert!(TotalF64(-f64::NAN) < TotalF64(f64::NEG_INFINITY));
    }
}

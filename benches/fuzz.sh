#!/bin/sh
# The fuzz suite (tests/fuzz.rs) run long: LIFECIRCLE_FUZZ_CASES cases per
# target (default here 5000; `cargo test` runs 64). The seed is fixed in the
# suite, so a failure reproduces with the same count; its shrunk input is
# printed, to become a named regression test.
#   benches/fuzz.sh            # 5000 cases per target
#   benches/fuzz.sh 20000      # more
set -eu
cd "$(dirname "$0")/.."
export LIFECIRCLE_FUZZ_CASES="${1:-5000}"
export CARGO_PROFILE_RELEASE_INCREMENTAL="${CARGO_PROFILE_RELEASE_INCREMENTAL:-true}"
exec cargo test --release --test fuzz -- --test-threads=2

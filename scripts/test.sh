#!/usr/bin/env bash
# Runs every test. Release profile throughout, so HiGHS (12 CPU-minutes of C++)
# is compiled once and shared with `cargo run --release`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --workspace

#!/usr/bin/env bash
# Runs every test: Rust (unit, integration, doc tests) and Python (pytest on the
# wheel built by pip/maturin, the example notebook included). Release profile
# throughout, so HiGHS (12 CPU-minutes of C++) is compiled once and shared by
# `cargo run --release`, the tests and the Python wheel.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --workspace

venv=target/py-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q --force-reinstall --no-deps ./python
"$venv/bin/python" -m pip install -q "./python[test]"
# From the repository root, so the installed package (not python/lifecircle) is imported.
"$venv/bin/python" -m pytest -q python/tests

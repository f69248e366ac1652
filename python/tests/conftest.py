import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def cli(root):
    """The lifecircle binary built by `cargo test --release` (same sources as the wheel),
    in CARGO_TARGET_DIR when that is set, as cargo puts it."""
    path = Path(os.environ.get("CARGO_TARGET_DIR", root / "target")) / "release" / "lifecircle"
    if not path.exists():
        pytest.skip("build the CLI first: cargo build --release")
    return path

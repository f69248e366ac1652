"""Does the Python layer release the GIL, and what does it cost? A printout, not a test.

    target/py-venv/bin/python benches/python_gil.py

1. GIL: the same p-median (OR-Library pmed11) solved twice in series, then in two threads at
   once. With the GIL released during the Rust solve, the threaded run takes about half as
   long on a 2-core machine.
2. Overhead: the bundled Helsinki demo through `lifecircle.run_scenario` (Python) against the
   `lifecircle plan` binary on the same scenario file, each the median of 5 runs.
"""

import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import lifecircle

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "python" / "tests"))
from orlib_data import orlib_costs


def gil():
    cost, p = orlib_costs(ROOT / "data" / "orlib" / "pmed11.txt")
    model = lifecircle.PMedian.from_cost_matrix(cost, p_facilities=p)
    model.solve()  # warm up
    t = time.perf_counter()
    model.solve()
    model.solve()
    series = time.perf_counter() - t
    threads = [threading.Thread(target=model.solve) for _ in range(2)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    parallel = time.perf_counter() - t
    print(f"pmed11 twice: in series {series:.3f} s, in two threads {parallel:.3f} s (ratio {series / parallel:.2f})")


def overhead():
    scenario = ROOT / "data" / "helsinki" / "centroids.toml"
    cli = ROOT / "target" / "release" / "lifecircle"
    py, rust = [], []
    for _ in range(5):
        t = time.perf_counter()
        lifecircle.run_scenario(scenario)
        py.append(time.perf_counter() - t)
        t = time.perf_counter()
        subprocess.run(
            [str(cli), "plan", str(scenario), "--json", "--geojson", "/dev/null"], check=True, capture_output=True
        )
        rust.append(time.perf_counter() - t)
    p, r = statistics.median(py), statistics.median(rust)
    print(f"Helsinki demo: Python {p:.3f} s, CLI {r:.3f} s (median of 5); Python layer {100 * (p - r) / r:+.1f} %")


if __name__ == "__main__":
    gil()
    overhead()

#!/usr/bin/env python3
"""The whole pipeline on generated districts of growing size, from the CSV files
to a maximal-coverage plan: one row per district with its size, the seconds of
each stage (the plan's JSON `seconds`), the wall time and peak memory of the
`lifecircle plan` process (`/usr/bin/time -v`) and the answer's bound and gap.

    cargo build --release && python3 benches/district_scaling.py        # all sizes, about 5 minutes
    python3 benches/district_scaling.py 10000 100000                     # some sizes

The plan is a single-service coverage plan, which the scenario hands to the
MCLP solver: new community health service centres (`clinic`: 15-minute walking
limit in the default catalogue, for everyone; residents aged 60+ walk at
0.9 m/s, the others at 1.1 m/s), the existing ones fixed open, one new one per
50,000 residents, candidates in proportion to Yanhu's 10,000. Supermarkets
would do too, but the generator's 1.5 per 10,000 residents already cover
nearly everyone within 15 minutes, leaving nothing to optimise. `gap_services`
is limited to clinics so the run measures the plan, not a gap table over the
14 categories of the catalogue. The binary is `$LIFECIRCLE_BIN`, else
`$CARGO_TARGET_DIR/release/lifecircle` (default `target/`). Standard library only.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
BIN = Path(os.environ.get("LIFECIRCLE_BIN", TARGET / "release" / "lifecircle"))
# The generated districts (about 60 MB at the largest size).
WORK = Path(os.environ.get("DISTRICT_SCALING_DIR", Path(tempfile.gettempdir()) / "lifecircle-district-scaling"))
YANHU = 928_334

# (residents, extra generator flags): the last row is the dense graph of the travel target.
SIZES = [
    (10_000, []),
    (100_000, []),
    (300_000, []),
    (YANHU, []),
    (YANHU, ["--node-spacing-m", "3", "--lanes", "3"]),
]

SCENARIO = """network = {{ nodes = "nodes.csv", edges = "edges.csv" }}
population = "population.csv"
facilities = "facilities.csv"
osm_facilities = false
gap_services = ["clinic"]

[plan]
candidate_sites = "candidates.csv"
new_sites = {{ clinic = {new} }}
time_limit_s = 120.0
"""


def run_plan(scenario):
    """Runs `lifecircle plan --json` under /usr/bin/time -v: (report, wall s, peak MB)."""
    out = subprocess.run(
        [
            "/usr/bin/time",
            "-v",
            str(BIN),
            "plan",
            str(scenario),
            "--json",
            "--geojson",
            str(scenario.with_suffix(".geojson")),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", out.stderr)
    seconds = 0.0
    for part in wall.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    return json.loads(out.stdout), seconds, rss / 1024


def main():
    wanted = {int(a) for a in sys.argv[1:]}
    header = (
        "residents",
        "nodes",
        "edges",
        "cands",
        "points",
        "new",
        "network",
        "snap",
        "travel",
        "coverage",
        "solve",
        "total",
        "wall s",
        "peak MB",
        "objective",
        "bound",
        "gap %",
        "status",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for residents, flags in SIZES:
        if wanted and residents not in wanted:
            continue
        out = WORK / (f"{residents}" + ("-dense" if flags else ""))
        candidates = max(100, round(residents * 10_000 / YANHU))
        subprocess.run(
            [
                str(BIN),
                "generate-district",
                "--residents",
                str(residents),
                "--candidates",
                str(candidates),
                "--out",
                str(out),
                *flags,
            ],
            check=True,
            capture_output=True,
        )
        new = max(1, round(residents / 50_000))
        scenario = out / "mclp.toml"
        scenario.write_text(SCENARIO.format(new=new))
        r, wall, rss = run_plan(scenario)
        s = r["seconds"]
        row = (
            residents,
            r["network"]["nodes"],
            r["network"]["edges"],
            r["candidates"],
            r["demand"]["on_network"],
            new,
            *(f"{s[k]:.2f}" for k in ("network", "snap", "travel", "coverage", "solve", "total")),
            f"{wall:.2f}",
            f"{rss:.0f}",
            f"{r['objective']:.0f}",
            f"{r['bound']:.0f}",
            f"{100 * r['gap']:.4f}",
            r["status"],
        )
        print("| " + " | ".join(str(c) for c in row) + " |", flush=True)


if __name__ == "__main__":
    main()

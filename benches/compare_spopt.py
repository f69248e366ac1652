"""Side-by-side timing of lifecircle against PySAL spopt (PuLP + HiGHS) in one run.

    python3 benches/compare_spopt.py orlib pmed1 pmed2 ...   # p-median, default pmed1-pmed10
    python3 benches/compare_spopt.py coverage                # MCLP and LSCP, 2,000 x 500
    python3 benches/compare_spopt.py family lscp 101 102 ...   # random family, one instance per seed
    python3 benches/compare_spopt.py family mclp 101 ... --ours-only   # no peer (for tuning)
    python3 benches/compare_spopt.py district 100000 300000  # walking network: MCLP and LSCP

The script creates a virtual environment (target/spopt-venv) with spopt, highspy and scipy
on first use and re-runs itself inside it; it builds the lifecircle binary with cargo.
Both tools get the same inputs: the OR-Library distances are computed here with scipy
(independently of lifecircle's reader, last duplicate edge wins) and handed to spopt as a
cost matrix; lifecircle reads the original file. Times are wall-clock: for spopt model
build + solve (no data loading), for lifecircle the whole process (start, parse, shortest
paths, solve). Each spopt run is a subprocess with a timeout.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "target" / "spopt-venv"
# LIFECIRCLE_BIN: a ready binary (no build); otherwise cargo builds into CARGO_TARGET_DIR or target/.
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
BIN = Path(os.environ.get("LIFECIRCLE_BIN", TARGET / "release" / "lifecircle")).resolve()
sys.path.insert(0, str(ROOT / "python" / "tests"))


def ensure_venv(script=__file__, installs=()):
    """Re-runs `script` inside target/spopt-venv, created with spopt, highspy and scipy on first
    use; each of `installs` (pip arguments) is installed into it before every run."""
    python = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "spopt", "highspy", "scipy"], check=True)
    for args in installs:
        subprocess.run([str(python), "-m", "pip", "install", "-q", *args], check=True)
    os.execv(str(python), [str(python), str(script), *sys.argv[1:]])


SPOPT_CHILD = r"""
import json, sys, time, numpy as np, pulp
from spopt.locate import PMedian, MCLP, LSCP
data = np.load(sys.argv[1])
kind = sys.argv[2]
cost, weights = data["cost"], data["weights"]
t = time.perf_counter()
if kind == "pmedian":
    model = PMedian.from_cost_matrix(cost, weights, p_facilities=int(sys.argv[3]))
elif kind == "mclp":
    model = MCLP.from_cost_matrix(cost, weights, service_radius=float(sys.argv[4]), p_facilities=int(sys.argv[3]))
else:
    model = LSCP.from_cost_matrix(cost, service_radius=float(sys.argv[4]))
built = time.perf_counter() - t
model = model.solve(pulp.HiGHS(msg=False))
total = time.perf_counter() - t
print(json.dumps({"objective": pulp.value(model.problem.objective), "build": built, "seconds": total,
                  "status": pulp.LpStatus[model.problem.status]}))
"""


def run_spopt(npz, kind, p, radius, timeout):
    cmd = [sys.executable, "-c", SPOPT_CHILD, str(npz), kind, str(p), str(radius)]
    t = time.perf_counter()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"objective": None, "seconds": time.perf_counter() - t, "status": f"timeout {timeout}s"}
    if out.returncode != 0:
        return {"objective": None, "seconds": time.perf_counter() - t, "status": out.stderr.strip()[-200:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_ours(args):
    t = time.perf_counter()
    out = subprocess.run([str(BIN), "solve", "--json", *args], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    result = json.loads(out.stdout)
    result["wall"] = wall
    return result


def known(instance):
    for line in (ROOT / "data" / "orlib" / "pmed_optimal.csv").read_text().splitlines()[1:]:
        f = line.split(",")
        if f[0] == instance:
            return float(f[4])
    return None


def orlib(names, timeout):
    import numpy as np

    tmp = ROOT / "target" / "spopt-bench"
    tmp.mkdir(parents=True, exist_ok=True)
    print("| instance | n | p | optimum | lifecircle | s | spopt+HiGHS | s (build) | speed-up |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in names:
        path = ROOT / "data" / "orlib" / f"{name}.txt"
        from orlib_data import orlib_costs

        cost, p = orlib_costs(path)
        npz = tmp / f"{name}.npz"
        np.savez(npz, cost=cost, weights=np.ones(len(cost)))
        ours = run_ours(["--model", "p-median", "--orlib", str(path)])
        theirs = run_spopt(npz, "pmedian", p, 0, timeout)
        ratio = theirs["seconds"] / ours["wall"]
        print(
            f"| {name} | {len(cost)} | {p} | {known(name):.0f} | {ours['objective']:.0f} ({ours['status']}) | "
            f"{ours['wall']:.3f} | {theirs['objective']} ({theirs['status']}) | "
            f"{theirs['seconds']:.2f} ({theirs.get('build', float('nan')):.2f}) | {ratio:.0f}x |",
            flush=True,
        )


def coverage(seed, timeout):
    import numpy as np

    rng = np.random.default_rng(seed)
    demand = rng.random((2000, 2))
    sites = rng.random((500, 2))
    radius = float(np.sqrt(20 / (500 * np.pi)))  # about 20 sites within reach of each point
    cost = np.sqrt(((demand[:, None, :] - sites[None, :, :]) ** 2).sum(axis=2))
    weights = rng.integers(1, 100, size=2000).astype(float)
    tmp = ROOT / "target" / "spopt-bench"
    tmp.mkdir(parents=True, exist_ok=True)
    np.savetxt(tmp / "cov_costs.csv", cost, delimiter=",", fmt="%.6f")
    np.savetxt(tmp / "cov_weights.csv", weights, fmt="%.0f")
    # Both tools see the costs rounded to 6 decimals, as written.
    cost = np.loadtxt(tmp / "cov_costs.csv", delimiter=",")
    np.savez(tmp / "cov.npz", cost=cost, weights=weights)
    per_point = (cost <= radius).sum(axis=1).mean()
    print(
        f"2,000 demand points x 500 sites, radius {radius:.4f}, {per_point:.1f} sites per point on average, seed {seed}"
    )
    print("| model | lifecircle objective | s (solve only) | spopt objective | s (build) | speed-up |")
    print("|---|---|---|---|---|---|")
    for kind, p in [("mclp", 20), ("lscp", 0)]:
        args = ["--model", kind, "--costs", str(tmp / "cov_costs.csv"), "--radius", repr(radius)]
        if kind == "mclp":
            args += ["--weights", str(tmp / "cov_weights.csv"), "--p", str(p)]
        ours = run_ours(args)
        theirs = run_spopt(tmp / "cov.npz", kind, p, radius, timeout)
        solve_only = ours["seconds"] - ours["read_seconds"]
        print(
            f"| {kind} | {ours['objective']:.0f} ({ours['status']}) | {ours['wall']:.3f} ({solve_only:.3f}) | "
            f"{theirs['objective']} ({theirs['status']}) | {theirs['seconds']:.2f} ({theirs.get('build', float('nan')):.2f}) | "
            f"{theirs['seconds'] / ours['wall']:.0f}x |",
            flush=True,
        )


def family_instance(seed):
    """The random coverage family of issue 16: unit square, 1,000-3,000 demand points x 300-600 sites,
    10-30 sites within reach of each point on average, weights 1-99; the seed draws the shape too.
    MCLP opens 10-25 sites. Returns (cost, weights, radius, p)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1000, 3001)), int(rng.integers(300, 601))
    per_point, p = float(rng.uniform(10, 30)), int(rng.integers(10, 26))
    demand, sites = rng.random((n, 2)), rng.random((m, 2))
    radius = float(np.sqrt(per_point / (m * np.pi)))
    cost = np.sqrt(((demand[:, None, :] - sites[None, :, :]) ** 2).sum(axis=2))
    weights = rng.integers(1, 100, size=n).astype(float)
    return cost, weights, radius, p


def check_plan(kind, cost, weights, radius, sites):
    """The plan's objective recomputed from its sites and the matrix (not from either solver)."""
    covered = (cost[:, sites] <= radius).any(axis=1) if sites else cost[:, 0] < -1
    if kind == "lscp":
        return float(len(sites)) if covered.all() else float("nan")
    return float(weights[covered].sum())


def family(kind, seeds, timeout, ours_only):
    import numpy as np

    tmp = ROOT / "target" / "spopt-bench"
    tmp.mkdir(parents=True, exist_ok=True)
    print(f"# {kind}, load: {os.getloadavg()}")
    print(
        "| seed | demand x sites | sites per point | p | lifecircle objective (recomputed) | s | spopt objective | s (build) | speed-up |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    ratios = []
    for seed in seeds:
        cost, weights, radius, p = family_instance(seed)
        csv, wcsv = tmp / f"fam{seed}.csv", tmp / f"fam{seed}_w.csv"
        np.savetxt(csv, cost, delimiter=",", fmt="%.6f")
        np.savetxt(wcsv, weights, fmt="%.0f")
        cost = np.loadtxt(csv, delimiter=",")  # both tools see the 6 decimals written
        per_point = (cost <= radius).sum(axis=1).mean()
        args = ["--model", kind, "--costs", str(csv), "--radius", repr(radius)]
        if kind == "mclp":
            args += ["--weights", str(wcsv), "--p", str(p)]
        ours = run_ours(args)
        mine = check_plan(kind, cost, weights, radius, ours["sites"])
        assert abs(mine - ours["objective"]) < 1e-6 * max(1.0, mine), (mine, ours["objective"])
        line = (
            f"| {seed} | {len(cost)} x {cost.shape[1]} | {per_point:.1f} | {p if kind == 'mclp' else '-'} | "
            f"{ours['objective']:.0f} ({ours['status']}, {mine:.0f}) | {ours['wall']:.3f} |"
        )
        if ours_only:
            print(line, flush=True)
            continue
        npz = tmp / f"fam{seed}.npz"
        np.savez(npz, cost=cost, weights=weights)
        theirs = run_spopt(npz, kind, p, radius, timeout)
        ratio = theirs["seconds"] / ours["wall"]
        ratios.append(ratio)
        print(
            f"{line} {theirs['objective']} ({theirs['status']}) | {theirs['seconds']:.2f} "
            f"({theirs.get('build', float('nan')):.2f}) | {ratio:.1f}x |",
            flush=True,
        )
    if ratios:
        print(f"\nspeed-up: median {float(np.median(ratios)):.1f}x, lowest {min(ratios):.1f}x; load {os.getloadavg()}")


def district(sizes, timeout):
    """MCLP and LSCP on a generated district's walking network (`lifecircle generate-district`, seed 1).
    The walking distances (metres) come from networkx (benches/compare_networkx.py, independent of
    lifecircle) and both tools get them as the same dense matrix, unreachable pairs at 10 x the limit.
    MCLP: one site per 20,000 residents within 8 minutes (528 m), residents as weights; LSCP: every
    building within 15 minutes (990 m) of a site, buildings that no candidate reaches left out."""
    import tempfile

    import numpy as np
    import pandas as pd

    sys.path.insert(0, str(ROOT / "benches"))
    from compare_networkx import LIMIT_M, RADIUS_M, RESIDENTS_PER_SITE, networkx_pairs

    tmp = ROOT / "target" / "spopt-bench"
    tmp.mkdir(parents=True, exist_ok=True)
    print(f"load: {os.getloadavg()}")
    print(
        "| residents | model | demand x sites | radius m | p | lifecircle objective (recomputed) | s | spopt objective | s (build) | speed-up |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for residents in sizes:
        with tempfile.TemporaryDirectory() as out:
            subprocess.run(
                [str(BIN), "generate-district", "--residents", str(residents), "--seed", "1", "--out", out],
                check=True,
                capture_output=True,
            )
            tables = {n: pd.read_csv(Path(out) / f"{n}.csv") for n in ["nodes", "edges", "population", "candidates"]}
        pairs, _, _ = networkx_pairs(tables["nodes"], tables["edges"], tables["population"], tables["candidates"])
        weights_all = tables["population"]["population"].to_numpy(dtype=float)
        dense = np.full((len(weights_all), len(tables["candidates"])), 10 * LIMIT_M)
        for (i, j), d in pairs.items():
            dense[i, j] = d
        for kind, radius in [("mclp", RADIUS_M), ("lscp", LIMIT_M)]:
            cost, weights = dense, weights_all
            if kind == "lscp":
                reached = (dense <= radius).any(axis=1)
                cost, weights = dense[reached], weights_all[reached]
            p = max(1, residents // RESIDENTS_PER_SITE)
            csv, wcsv, npz = (
                tmp / f"d{residents}{kind}.csv",
                tmp / f"d{residents}{kind}_w.csv",
                tmp / f"d{residents}{kind}.npz",
            )
            np.savetxt(csv, cost, delimiter=",", fmt="%.6f")
            np.savetxt(wcsv, weights, fmt="%.0f")
            cost = np.loadtxt(csv, delimiter=",")
            np.savez(npz, cost=cost, weights=weights)
            args = ["--model", kind, "--costs", str(csv), "--radius", repr(radius)]
            if kind == "mclp":
                args += ["--weights", str(wcsv), "--p", str(p)]
            ours = run_ours(args)
            mine = check_plan(kind, cost, weights, radius, ours["sites"])
            assert abs(mine - ours["objective"]) < 1e-6 * max(1.0, mine), (mine, ours["objective"])
            theirs = run_spopt(npz, kind, p, radius, timeout)
            print(
                f"| {residents:,} | {kind} | {cost.shape[0]} x {cost.shape[1]} | {radius:.0f} | "
                f"{p if kind == 'mclp' else '-'} | {ours['objective']:.0f} ({ours['status']}, {mine:.0f}) | "
                f"{ours['wall']:.3f} | {theirs['objective']} ({theirs['status']}) | {theirs['seconds']:.2f} "
                f"({theirs.get('build', float('nan')):.2f}) | {theirs['seconds'] / ours['wall']:.1f}x |",
                flush=True,
            )
    print(f"load: {os.getloadavg()}")


def main():
    ensure_venv()
    if "LIFECIRCLE_BIN" not in os.environ:
        subprocess.run(["cargo", "build", "--release", "--bin", "lifecircle"], cwd=ROOT, check=True)
    args = sys.argv[1:] or ["orlib"]
    timeout = 600
    if "--timeout" in args:
        i = args.index("--timeout")
        timeout = float(args[i + 1])
        del args[i : i + 2]
    if args[0] == "orlib":
        names = args[1:] or [f"pmed{i}" for i in range(1, 11)]
        orlib(names, timeout)
    elif args[0] == "family":
        ours_only = "--ours-only" in args
        rest = [a for a in args[2:] if a != "--ours-only"]
        family(args[1], [int(a) for a in rest], timeout, ours_only)
    elif args[0] == "district":
        district([int(a) for a in args[1:]] or [100_000, 300_000], timeout)
    elif args[0] == "coverage":
        coverage(int(args[1]) if len(args) > 1 else 7, timeout)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

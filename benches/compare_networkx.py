"""Side by side on one generated district: what analysts use now against lifecircle.

    python3 benches/compare_networkx.py [residents ...]     # default: 100000 300000

For each size the script generates a district (`lifecircle generate-district`, seed 1), then
1. walking distances from every candidate site to every building within the 15-minute limit
   (990 m at 1.1 m/s): networkx (`single_source_dijkstra_path_length` with a cutoff, one call
   per site) against `lifecircle.travel_times` on the same nodes and edges. Points attach as
   lifecircle attaches them (their 4 nearest nodes within 50 m of the nearest, the walk to the
   node included): in networkx through a virtual node per site (edges to its nodes) and per
   building (edges from its nodes, one way so no walk passes through a building); the pairs
   found and their lengths must agree;
2. maximal coverage (one site per 20,000 residents, 8-minute radius) on that matrix: spopt's MCLP (PuLP +
   HiGHS, dense model) against `lifecircle.MCLP` (sparse), same weights (residents).

It runs in target/spopt-venv (created on first use with spopt, highspy, scipy, networkx; the
lifecircle wheel is installed into it from ./python). Times are wall-clock in one process,
side by side; spopt runs in a subprocess with a timeout.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benches"))
from compare_spopt import ensure_venv  # the venv this script shares with compare_spopt.py

BIN = Path(os.environ.get("LIFECIRCLE_BIN", ROOT / "target" / "release" / "lifecircle"))
LIMIT_M = 15 * 60 * 1.1
RADIUS_M = 8 * 60 * 1.1
RESIDENTS_PER_SITE = 20_000
# lifecircle's attachment rule (network::ATTACH_NODES, network::ATTACH_SLACK_M).
ATTACH, SLACK_M = 4, 50.0


SPOPT_CHILD = r"""
import json, sys, time, numpy as np, pulp
from spopt.locate import MCLP
data = np.load(sys.argv[1])
t = time.perf_counter()
model = MCLP.from_cost_matrix(data["cost"], data["weights"], service_radius=float(sys.argv[2]), p_facilities=int(sys.argv[3]))
built = time.perf_counter() - t
model = model.solve(pulp.HiGHS(msg=False))
print(json.dumps({"objective": pulp.value(model.problem.objective), "build": built,
                  "seconds": time.perf_counter() - t, "status": pulp.LpStatus[model.problem.status]}))
"""


def attach(nodes, points):
    """Per point, its (node id, metres) attachments, on a local equirectangular projection."""
    import numpy as np
    from scipy.spatial import cKDTree

    # lifecircle's local projection: WGS 84 metres per degree at the bounding box's centre.
    phi = np.radians((nodes["lat"].min() + nodes["lat"].max()) / 2)
    per_lat = 111_132.954 - 559.822 * np.cos(2 * phi) + 1.175 * np.cos(4 * phi)
    per_lon = 111_412.84 * np.cos(phi) - 93.5 * np.cos(3 * phi)

    def xy(frame):
        return np.c_[frame["lon"].to_numpy() * per_lon, frame["lat"].to_numpy() * per_lat]

    dist, idx = cKDTree(xy(nodes)).query(xy(points), k=ATTACH)
    ids = nodes["id"].to_numpy()
    return [[(ids[j], d) for d, j in zip(ds, js) if d <= ds[0] + SLACK_M] for ds, js in zip(dist, idx)]


def networkx_pairs(nodes, edges, demand, sites):
    import networkx as nx

    t0 = time.perf_counter()
    graph = nx.DiGraph()
    for a, b, length in zip(edges["source"], edges["target"], edges["length_m"]):
        graph.add_edge(a, b, length=length)
        graph.add_edge(b, a, length=length)
    for i, points in enumerate(attach(nodes, demand)):
        for v, off in points:
            graph.add_edge(v, ("demand", i), length=off)
    site_nodes = []
    for j, points in enumerate(attach(nodes, sites)):
        for v, off in points:
            graph.add_edge(("site", j), v, length=off)
        site_nodes.append(("site", j))
    built = time.perf_counter() - t0
    t1 = time.perf_counter()
    pairs = {}
    for j, source in enumerate(site_nodes):
        for w, dist in nx.single_source_dijkstra_path_length(graph, source, cutoff=LIMIT_M, weight="length").items():
            if isinstance(w, tuple) and w[0] == "demand":
                pairs[(w[1], j)] = dist
    return pairs, built, time.perf_counter() - t1


def lifecircle_pairs(nodes, edges, demand, sites):
    import lifecircle

    t0 = time.perf_counter()
    net = lifecircle.Network.from_edges(nodes, edges.rename(columns={"length_m": "length"}))
    built = time.perf_counter() - t0
    t1 = time.perf_counter()
    d, s, minutes = lifecircle.travel_times(net, demand, sites, speed_m_s=1.0, limit_minutes=LIMIT_M / 60)
    seconds = time.perf_counter() - t1
    return {(int(i), int(j)): m * 60 for i, j, m in zip(d, s, minutes)}, built, seconds


def mclp(pairs, weights, n_sites, p, workdir):
    import lifecircle
    import numpy as np
    from scipy.sparse import csr_matrix

    rows, cols = zip(*pairs)
    sparse = csr_matrix((list(pairs.values()), (rows, cols)), shape=(len(weights), n_sites))
    t = time.perf_counter()
    ours = lifecircle.MCLP.from_cost_matrix(sparse, weights, service_radius=RADIUS_M, p_facilities=p).solve()
    ours_s = time.perf_counter() - t
    dense = np.full((len(weights), n_sites), 10 * LIMIT_M)
    dense[rows, cols] = list(pairs.values())
    npz = Path(workdir) / "mclp.npz"
    np.savez(npz, cost=dense, weights=np.asarray(weights, dtype=float))
    try:
        out = subprocess.run(
            [sys.executable, "-c", SPOPT_CHILD, str(npz), str(RADIUS_M), str(p)],
            capture_output=True,
            text=True,
            timeout=900,
            check=True,
        )
        spopt = json.loads(out.stdout.strip().splitlines()[-1])
    except subprocess.TimeoutExpired:
        spopt = {"objective": None, "build": None, "seconds": 900.0, "status": "timeout (900 s)"}
    return ours, ours_s, spopt


def run(residents):
    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [str(BIN), "generate-district", "--residents", str(residents), "--seed", "1", "--out", tmp],
            check=True,
            capture_output=True,
        )
        nodes = pd.read_csv(Path(tmp) / "nodes.csv")
        edges = pd.read_csv(Path(tmp) / "edges.csv")
        demand = pd.read_csv(Path(tmp) / "population.csv")
        sites = pd.read_csv(Path(tmp) / "candidates.csv")
        nx_pairs, _, nx_s = networkx_pairs(nodes, edges, demand, sites)
        lc_pairs, _, lc_s = lifecircle_pairs(nodes, edges, demand, sites)
        common = nx_pairs.keys() & lc_pairs.keys()
        worst = max((abs(nx_pairs[k] - lc_pairs[k]) for k in common), default=0.0)
        p = max(1, residents // RESIDENTS_PER_SITE)
        ours, ours_s, spopt = mclp(lc_pairs, demand["population"].tolist(), len(sites), p, tmp)
        return {
            "residents": residents,
            "p": p,
            "nodes": len(nodes),
            "edges": len(edges),
            "buildings": len(demand),
            "sites": len(sites),
            "pairs_nx": len(nx_pairs),
            "pairs_lc": len(lc_pairs),
            "common": len(common),
            "max_diff_m": worst,
            "nx_s": nx_s,
            "lc_s": lc_s,
            "mclp_lc": ours.objective,
            "mclp_lc_status": ours.status,
            "mclp_lc_s": ours_s,
            "mclp_spopt": spopt["objective"],
            "mclp_spopt_status": spopt["status"],
            "mclp_spopt_s": spopt["seconds"],
            "mclp_spopt_build": spopt["build"],
        }


def main():
    ensure_venv(__file__, [["networkx"], ["--force-reinstall", "--no-deps", str(ROOT / "python")]])
    sizes = [int(a) for a in sys.argv[1:]] or [100_000, 300_000]
    print(
        "| residents | nodes | buildings x sites | pairs (networkx / lifecircle, max diff m) | travel networkx s | "
        "travel lifecircle s | speed-up | p | MCLP spopt s (build) | MCLP lifecircle s | speed-up | objectives |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n in sizes:
        r = run(n)
        build = f" ({r['mclp_spopt_build']:.2f})" if r["mclp_spopt_build"] is not None else ""
        print(
            f"| {r['residents']:,} | {r['nodes']:,} | {r['buildings']:,} x {r['sites']:,} | "
            f"{r['pairs_nx']:,} / {r['pairs_lc']:,}, {r['max_diff_m']:.3f} | {r['nx_s']:.2f} | {r['lc_s']:.3f} | "
            f"{r['nx_s'] / r['lc_s']:.0f}x | {r['p']} | {r['mclp_spopt_s']:.2f}{build} | {r['mclp_lc_s']:.3f} | "
            f"{r['mclp_spopt_s'] / r['mclp_lc_s']:.0f}x | spopt {r['mclp_spopt']} ({r['mclp_spopt_status']}), "
            f"lifecircle {r['mclp_lc']:.0f} ({r['mclp_lc_status']}) |",
            flush=True,
        )


if __name__ == "__main__":
    main()

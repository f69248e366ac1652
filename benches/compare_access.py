"""Side-by-side timing of lifecircle's accessibility indices against PySAL ``access``
on the same sparse matrix, in one run.

    target/py-venv/bin/python benches/compare_access.py --demand 6000 --facilities 1000 --reach 300

Run it with the test environment of scripts/test.sh (the lifecircle wheel and
``access`` installed). The matrix is random: every facility reaches ``--reach``
demand points within 15 minutes (the 1M-resident generated district has ~6,000
buildings' demand points; a 15-minute walk reaches a few hundred). Both tools get
the matrix already in their own form (our AccessMatrix, PySAL's cost DataFrame):
the times are of the indices alone, best of ``--repeat`` runs each. Each PySAL index is checked to equal ours
(1e-9 relative) before its time is printed.
"""

import argparse
import logging
import math
import time

import numpy as np
import pandas as pd
from access import Access, weights
from lifecircle import access as ours

LIMIT = 900.0


def clock(fn, repeat):
    """The result and the best of `repeat` wall-clock times (the machine is shared: the best is the least noisy)."""
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return out, best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--demand", type=int, default=6000)
    ap.add_argument("--facilities", type=int, default=1000)
    ap.add_argument("--reach", type=int, default=300, help="demand points per facility")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5, help="best of this many runs, for both tools")
    args = ap.parse_args()
    # PySAL logs "Overwriting ..." on every repeat.
    logging.disable(logging.INFO)
    rng = np.random.default_rng(args.seed)
    reach = min(args.reach, args.demand)
    sites = np.repeat(np.arange(args.facilities), reach)
    demand = np.concatenate([rng.choice(args.demand, reach, replace=False) for _ in range(args.facilities)])
    seconds = rng.uniform(0, LIMIT, sites.size)
    capacity = rng.integers(1, 50, args.facilities).astype(float)
    people = rng.integers(1, 400, args.demand).astype(float)

    matrix = ours.AccessMatrix(sites, demand, seconds, args.facilities, args.demand, LIMIT)
    fac = np.arange(args.facilities)
    plain = {"kind": "step", "steps": [{"up_to_s": LIMIT, "weight": 1}]}
    e2 = {"kind": "step", "steps": [{"up_to_s": LIMIT * k / 3, "weight": w} for k, w in [(1, 1), (2, 0.68), (3, 0.22)]]}
    gauss = {"kind": "gaussian", "cutoff_s": LIMIT}
    grav = {"kind": "modified_gaussian", "sensitivity": 300000, "cutoff_s": LIMIT}
    edge = math.exp(-0.5)

    def dai(t):
        return (math.exp(-0.5 * (t / LIMIT) ** 2) - edge) / (1 - edge) if t <= LIMIT else 0.0

    peer = Access(
        demand_df=pd.DataFrame({"geoid": np.arange(args.demand), "pop": people}),
        demand_index="geoid",
        demand_value="pop",
        supply_df=pd.DataFrame({"geoid": 10**7 + fac, "cap": capacity}),
        supply_index="geoid",
        supply_value="cap",
        cost_df=pd.DataFrame({"origin": demand, "dest": 10**7 + sites, "cost": seconds}),
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    rows = [
        (
            "2SFCA",
            lambda: ours.two_step_fca(matrix, fac, people, plain, capacity),
            lambda: peer.two_stage_fca(max_cost=LIMIT)["2sfca_cap"],
        ),
        (
            "E2SFCA",
            lambda: ours.two_step_fca(matrix, fac, people, e2, capacity),
            lambda: peer.enhanced_two_stage_fca(
                max_cost=LIMIT, weight_fn=weights.step_fn({LIMIT / 3: 1, 2 * LIMIT / 3: 0.68, LIMIT: 0.22})
            )["e2sfca_cap"],
        ),
        (
            "Gaussian 2SFCA",
            lambda: ours.two_step_fca(matrix, fac, people, gauss, capacity),
            lambda: peer.two_stage_fca(name="g2sfca", max_cost=LIMIT, weight_fn=dai)["g2sfca_cap"],
        ),
        (
            "3SFCA",
            lambda: ours.three_step_fca(matrix, fac, people, gauss, capacity),
            lambda: peer.three_stage_fca(max_cost=LIMIT, weight_fn=dai)["3sfca_cap"],
        ),
        (
            "gravity",
            lambda: ours.gravity_access(matrix, fac, people, grav, capacity),
            lambda: peer.weighted_catchment(
                name="gravity", max_cost=LIMIT, weight_fn=lambda t: math.exp(-t * t / 300000)
            )["gravity_cap"],
        ),
    ]
    print(f"{args.demand} demand points, {args.facilities} facilities, {sites.size} pairs (15-minute limit)")
    print(f"{'index':<16}{'lifecircle s':>14}{'PySAL s':>12}{'ratio':>10}")
    total_ours = total_peer = 0.0
    for name, mine, theirs in rows:
        got, t_ours = clock(mine, args.repeat)
        ref, t_peer = clock(theirs, args.repeat)
        ref = ref.to_numpy()
        has = ~np.isnan(ref)
        np.testing.assert_allclose(got[has], ref[has], rtol=1e-9, atol=0)
        total_ours += t_ours
        total_peer += t_peer
        print(f"{name:<16}{t_ours:>14.4f}{t_peer:>12.3f}{t_peer / t_ours:>9.0f}x")
    extra = [
        ("cumulative", lambda: ours.cumulative_opportunities(matrix, fac, people, LIMIT, capacity)),
        ("nearest-3 avg", lambda: ours.nearest_average(matrix, fac, people, 3)),
        ("in reach", lambda: ours.facilities_in_reach(matrix, fac, people, LIMIT)),
    ]
    for name, mine in extra:
        _, t = clock(mine, args.repeat)
        total_ours += t
        print(f"{name:<16}{t:>14.4f}{'-':>12}{'-':>10}")
    print(
        f"{'all indices':<16}{total_ours:>14.4f}{total_peer:>12.3f}{total_peer / total_ours:>9.0f}x (PySAL: the 5 it has)"
    )


if __name__ == "__main__":
    main()

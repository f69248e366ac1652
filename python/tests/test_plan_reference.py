"""The plans of the demo (2 pharmacies) and of ``joint.toml`` (elderly canteens
and a health station on a shared budget, the 60+ weighing 2) checked against
an independent computation: given the sites the plan chose, every figure the
report states follows from the walking rules of ``walking_reference`` (scipy
walks, pandas counts); and no other choice of sites does better, by brute force
over every plan the budget allows.

The plan's rules, from the docs (README "Your own scenario", ``lifecircle::scenario``):

- with no candidate table, the candidates are the street intersections: nodes
  at which three or more walkable edges meet (a parallel edge counts again),
  each costing ``site_cost`` = 1 and hosting any service; a candidate steps
  onto the network as any facility does;
- a service's existing facilities stay open; a demand point's 60+ are covered
  when a facility is within the service's walking limit at 0.9 m/s, the rest
  at 1.1 m/s; the residents a service serves are weighted by the groups the
  catalogue gives it (``serves``);
- the objective sums, over the planned services, the served residents covered
  once the plan is built, the 60+ counting ``elderly_weight`` times; the cost
  counts each chosen site once, whatever it hosts, within ``budget``; each
  service gets at most its ``new_sites`` count;
- a new site "reaches" the served residents within its limit that the existing
  facilities leave out;
- the tables after the plan are the gap table's rules with the new sites added
  to their service's facilities (the ``facilities`` column counts them too).
"""

from __future__ import annotations

from functools import reduce
from itertools import combinations
from operator import or_

import numpy as np
import pandas as pd
import pytest
from scipy.sparse.csgraph import dijkstra
from walking_reference import (
    ADULT_M_S,
    ELDERLY_M_S,
    MAX_SNAP_M,
    assert_same_table,
    attach,
    reference_table,
    walking_inputs,
)

import lifecircle as lc

tomllib = pytest.importorskip("tomllib")

# Shapes of the default rating (README, lifecircle::coverage::RatingRules): stars, basic share, quality share.
LEVELS = [(3, 15 / 23, 0.0), (4, 15 / 23, 10 / 30), (5, 15 / 23, 20 / 30)]
PRESENT_SHARE = 0.9


def walker(w):
    """Metres from sites at (lon, lat) to every demand point, as a (sites, points) array."""
    # Walks are undirected: a Dijkstra from each point's attachments serves every site.
    sources = sorted({node for at in w.people_at for node, _ in at})
    dist = dijkstra(w.graph, directed=False, indices=sources)
    row = {node: k for k, node in enumerate(sources)}
    to_point = np.array([np.min([off + dist[row[node]] for node, off in at], axis=0) for at in w.people_at])

    def metres(lon, lat) -> np.ndarray:
        xy = w.project(lon, lat)
        assert (w.tree.query(xy)[0] <= MAX_SNAP_M).all(), "a site lifecircle would refuse"
        if len(xy) == 0:
            return np.empty((0, len(w.people_at)))
        return np.array([np.min([off + to_point[:, node] for node, off in at], axis=0) for at in attach(w.tree, xy)])

    return metres


def zone_scores(rows: pd.DataFrame) -> pd.DataFrame:
    """Completeness per zone: categories present (90 % of the served within the limit) and stars."""
    present = (rows["served"] <= 0) | (rows["share"] >= PRESENT_SHARE - 1e-12)
    basic = rows["class"] == "basic"
    totals = basic.groupby(rows["zone"], sort=False).agg(["sum", "size"])
    scores = (
        rows.assign(b=present & basic, q=present & ~basic)
        .groupby("zone", sort=False)
        .agg(basic_present=("b", "sum"), quality_present=("q", "sum"))
    )
    scores["basic_total"] = totals["sum"]
    scores["quality_total"] = totals["size"] - totals["sum"]
    b_share, q_share = (
        scores["basic_present"] / scores["basic_total"],
        scores["quality_present"] / scores["quality_total"],
    )
    scores["stars"] = [
        max([s for s, bs, qs in LEVELS if b >= bs - 1e-12 and q >= qs - 1e-12], default=0)
        for b, q in zip(b_share, q_share)
    ]
    missing = rows[~present].groupby("zone", sort=False)["category"].apply(list)
    scores["missing"] = [missing.get(z, []) for z in scores.index]
    return scores


def cover(m: np.ndarray, limits: np.ndarray, key: str) -> np.ndarray:
    """Which rows (two per demand point) each site covers, given the rows' limits in metres."""
    walks = np.repeat(m, 2, axis=1)
    # A walk within rounding of a limit would make "covered" a matter of how it is compared.
    assert not np.any(np.abs(walks - limits) <= 1e-9 * limits), key
    return walks <= limits


def bits(mask: np.ndarray) -> int:
    return int(sum(1 << k for k in np.flatnonzero(mask)))


@pytest.mark.parametrize("name", ["centroids.toml", "joint.toml"])
def test_plan_matches_an_independent_computation(root, name):
    path = root / "data" / "helsinki" / name
    with open(path, "rb") as f:
        scenario = tomllib.load(f)
    plan = scenario["plan"]
    ew, budget = plan.get("elderly_weight", 1.0), plan.get("budget")
    w = walking_inputs(path, scenario)
    people, catalogue, metres = w.people, w.catalogue, walker(w)
    report = lc.run_scenario(path)
    n = len(people)

    degree = np.bincount(np.concatenate([w.ends["a"], w.ends["b"]]), minlength=len(w.nodes))
    candidates = w.nodes[degree >= 3].reset_index(drop=True)
    assert report.summary["candidates"] == len(candidates)
    cand_index = pd.Series(np.arange(len(candidates)), index=candidates["id"].astype(str))
    cand_m = metres(candidates["lon"], candidates["lat"])

    # Per catalogue service, metres from each existing facility.
    existing_m = {key: metres(t["lon"], t["lat"]) for key, t in w.facilities.items()}
    planned = [s for s in catalogue if s["key"] in plan["new_sites"]]
    assert report.services["service"].tolist() == [s["key"] for s in planned]
    outcomes = {s["service"]: s for s in report.summary["services"]}

    old = people["old"].to_numpy()
    rest = (people["population"] - people["old"]).to_numpy()
    ref = {}  # per planned service: row weights, covered before, candidate masks
    objective = 0.0
    nearest_after = {}
    for svc in planned:
        key, limit, serves = svc["key"], svc["walking_limit_min"], svc["serves"]
        out = outcomes[key]
        served_old = (serves["everyone"] + serves["aged_60_plus"]) * old
        served_rest = serves["everyone"] * rest + serves["under_6"] * people["under_6"].to_numpy()
        # Row 2i: the 60+ of point i, row 2i+1: the others (each at its own pace).
        served = np.column_stack([served_old, served_rest]).ravel()
        limits = np.tile([limit * 60 * ELDERLY_M_S, limit * 60 * ADULT_M_S], n)

        exist = existing_m[key]
        before = cover(exist, limits, key).any(axis=0)
        cand_cover = cover(cand_m, limits, key)

        new_ids = [s["id"] for s in out["new"]]
        assert len(new_ids) <= plan["new_sites"][key] == out["max_new"]
        assert set(new_ids) <= set(cand_index.index), "a new site that is no candidate"
        chosen = cand_index[new_ids].to_numpy()
        for site, c in zip(out["new"], chosen):
            assert (site["lon"], site["lat"]) == (candidates["lon"][c], candidates["lat"][c])
            assert site["cost"] == 1.0
            np.testing.assert_allclose(site["newly_reached"], served @ (cand_cover[c] & ~before), rtol=1e-9)
        after = before | cand_cover[chosen].any(axis=0)

        assert [s["id"] for s in out["existing"]] == [
            f"{'way' if way else 'node'}/{i}"
            for i, way in zip(w.facilities[key]["osm_id"], w.facilities[key]["is_way"])
        ]
        assert out["walking_limit_min"] == limit
        figures = {
            "served": served.sum(),
            "covered_before": served @ before,
            "covered_after": served @ after,
            "covered_60plus_before": old @ before[0::2],
            "covered_60plus_after": old @ after[0::2],
        }
        for fig, want in figures.items():
            np.testing.assert_allclose(out[fig], want, rtol=1e-9, err_msg=f"{key} {fig}")
        reachable = before | cand_cover.any(axis=0)
        unreachable = ((served > 0) & ~reachable).reshape(n, 2).any(axis=1)
        assert out["unreachable_ids"] == people["id"][unreachable].tolist()

        # Per demand point, the share of its served residents covered.
        both = served.reshape(n, 2)
        for when, cov in (("before", before), ("after", after)):
            got = report.demand[f"{key}_{when}"].to_numpy()
            total = both.sum(axis=1)
            share = np.divide((both * cov.reshape(n, 2)).sum(axis=1), total, out=np.ones(n), where=total > 0)
            np.testing.assert_allclose(got, share, rtol=1e-9, atol=1e-12, err_msg=f"{key} {when}")

        weights = served * np.tile([ew, 1.0], n)
        objective += weights @ after
        ref[key] = (weights, before, cand_cover)
        near_new = np.concatenate([exist, cand_m[chosen]]).min(axis=0, initial=np.inf)
        nearest_after[key] = np.where(near_new <= w.search_m, near_new, np.inf)

    summary = report.summary
    assert report.demand["id"].tolist() == people["id"].tolist()
    assert [(s["service"], s["id"]) for s in summary["sites"]] == [
        (k, s["id"]) for k in outcomes for s in outcomes[k]["new"]
    ]
    for fig in ("covered_before", "covered_after"):
        np.testing.assert_allclose(summary[fig], sum(o[fig] for o in outcomes.values()), rtol=1e-12)
    np.testing.assert_allclose(report.objective, objective, rtol=1e-9)
    assert summary["elderly_weight"] == ew and summary["budget"] == budget
    # A site hosting two services is paid for once.
    sites = {s["id"] for s in summary["sites"]}
    assert summary["cost"] == len(sites)
    assert budget is None or summary["cost"] <= budget + 1e-9
    assert report.objective <= summary["bound"] * (1 + 1e-9)
    diff = abs(summary["bound"] - report.objective)
    gap = 0.0 if diff <= 1e-9 * max(abs(report.objective), 1.0) else diff / max(abs(report.objective), 1e-9)
    assert report.gap == pytest.approx(gap, abs=1e-12)
    assert report.status == "optimal" and report.gap == 0.0

    # The tables before and after: the gap rules, the new sites joining their service's facilities.
    counts = {k: len(t) for k, t in w.facilities.items()}
    nearest = {}
    for key, m in existing_m.items():
        near = m.min(axis=0, initial=np.inf)
        nearest[key] = np.where(near <= w.search_m, near, np.inf)
    everyone = [("(all)", np.ones(n, bool))]
    assert_same_table(pd.DataFrame(summary["current"]), reference_table(people, catalogue, counts, nearest, everyone))
    nearest.update(nearest_after)
    for site in summary["sites"]:
        counts[site["service"]] = counts.get(site["service"], 0) + 1
    assert_same_table(pd.DataFrame(summary["after"]), reference_table(people, catalogue, counts, nearest, everyone))
    by_zone = reference_table(
        people, catalogue, counts, nearest, [(z, (people["id"] == z).to_numpy()) for z in people["id"]]
    )
    got = pd.DataFrame(summary["zones_after"]).set_index("zone")
    want = zone_scores(by_zone)
    assert got.index.tolist() == want.index.tolist()
    for col in want.columns:
        assert got[col].tolist() == want[col].tolist(), col

    # Optimality: every plan of unit-cost sites the budget and the counts allow.
    # A candidate whose newly covered rows, service by service, lie within another's
    # is never needed; of candidates with the same rows one is kept.
    keys = list(ref)
    profile = [tuple(bits(ref[k][2][c] & ~ref[k][1]) for k in keys) for c in range(len(candidates))]
    unique = sorted(set(profile))
    kept = [a for a in unique if not any(b != a and all(x & ~y == 0 for x, y in zip(a, b)) for b in unique)]
    row_weights = {k: ref[k][0] for k in keys}

    def value(k: str, mask: int) -> float:
        return float(row_weights[k][[r for r in range(2 * n) if mask >> r & 1]].sum())

    most = min(sum(plan["new_sites"].values()), int(budget) if budget is not None else len(kept))
    best = 0.0
    for size in range(1, most + 1):
        for chosen in combinations(kept, size):
            total = 0.0
            for s, k in enumerate(keys):
                take = min(plan["new_sites"][k], size)
                total += max(value(k, reduce(or_, [c[s] for c in sub])) for sub in combinations(chosen, take))
            best = max(best, total)
    fixed = sum(ref[k][0] @ ref[k][1] for k in keys)
    np.testing.assert_allclose(report.objective, fixed + best, rtol=1e-9)

"""The gap table of the demo scenario (``lifecircle gaps --demo``) recomputed
from its inputs by code that shares nothing with the Rust pipeline but the
documented rules: scipy's k-d tree snaps, scipy's Dijkstra walks, pandas
counts. lifecircle is used only to read the inputs (the OSM network and its
POIs, the service catalogue) and for the report under test.

The rules it follows are stated in ``walking_reference``, which it shares with
``test_plan_reference``.
"""

from __future__ import annotations

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


@pytest.fixture(scope="module")
def demo(root):
    path = root / "data" / "helsinki" / "centroids.toml"
    with open(path, "rb") as f:
        scenario = tomllib.load(f)
    return path, scenario


@pytest.fixture(scope="module")
def reference(demo):
    """Per demand point on the network: its residents and, per service, metres to the nearest facility."""
    w = walking_inputs(*demo)
    all_sites = pd.concat(w.facilities.values(), ignore_index=True)
    site_xy = w.project(all_sites["lon"], all_sites["lat"])
    assert (w.tree.query(site_xy)[0] <= MAX_SNAP_M).all(), "a facility lifecircle would refuse"
    sites_at = attach(w.tree, site_xy)
    sources = sorted({node for at in sites_at for node, _ in at})
    dist = dijkstra(w.graph, directed=False, indices=sources)
    row = {node: k for k, node in enumerate(sources)}
    from_site = np.array([np.min([off + dist[row[node]] for node, off in at], axis=0) for at in sites_at])

    metres = {}
    start = 0
    for key, table in w.facilities.items():
        mine = from_site[start : start + len(table)]
        start += len(table)
        to_node = mine.min(axis=0) if len(table) else np.full(len(w.nodes), np.inf)
        near = np.array([min(to_node[node] + off for node, off in at) for at in w.people_at])
        metres[key] = np.where(near <= w.search_m, near, np.inf)
        # A walk within rounding of a limit would make "covered" a matter of how the division is written.
        limit_s = next(s["walking_limit_min"] for s in w.catalogue if s["key"] == key) * 60
        for speed in (ADULT_M_S, ELDERLY_M_S):
            assert not np.any(np.abs(metres[key] / speed - limit_s) <= 1e-9 * limit_s), key
    return w.people, w.catalogue, {k: len(t) for k, t in w.facilities.items()}, metres


def test_demo_gap_table_matches_an_independent_computation(demo, reference):
    path, _ = demo
    people, catalogue, counts, metres = reference
    report = lc.scenario_gaps(path)

    zones = [(z, (people["id"] == z).to_numpy()) for z in people["id"]]
    want = reference_table(people, catalogue, counts, metres, zones)
    assert_same_table(report.rows, want)
    totals = reference_table(people, catalogue, counts, metres, [("(all)", np.ones(len(people), bool))])
    assert_same_table(report.totals, totals)

    # The distances behind the table, per point and service (None: beyond the search).
    features = report.geojson["features"]
    assert [f["properties"]["id"] for f in features] == people["id"].tolist()
    for key, near in metres.items():
        got = np.array([np.inf if (m := f["properties"][f"{key}_nearest_m"]) is None else m for f in features])
        np.testing.assert_allclose(got, near, rtol=1e-9, err_msg=key)

    # Completeness: a category is present where 90 % of the residents it serves are within its limit.
    present = (want["served"] <= 0) | (want["share"] >= 0.9 - 1e-12)
    basic = want["class"] == "basic"
    by_zone = want.assign(basic=present & basic, quality=present & ~basic, missing=~present)
    score = by_zone.groupby("zone", sort=False).agg(basic_present=("basic", "sum"), quality_present=("quality", "sum"))
    assert report.zones["zone"].tolist() == score.index.tolist()
    assert report.zones["basic_present"].tolist() == score["basic_present"].tolist()
    assert report.zones["quality_present"].tolist() == score["quality_present"].tolist()
    missing = by_zone[by_zone["missing"]].groupby("zone", sort=False)["category"].apply(list)
    assert report.zones["missing"].tolist() == [missing.get(z, []) for z in score.index]

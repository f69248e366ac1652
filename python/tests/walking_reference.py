"""The walking rules of lifecircle written again with scipy and pandas, for the
tests that recompute its reports (``test_gaps_reference``, ``test_plan_reference``).

The rules, from the docs (README, ``lifecircle::scenario``, ``coverage``,
``network::snap``):

- residents are grid-cell centroids; a cell is its own zone; 14.71 % are aged
  60+ and 7.2 % under 6 (``centroids.toml``); a cell is planned for when it lies in
  the network's bounding box and within ``max_snap_m`` = 200 m of a node;
- a resident or facility steps onto any of its 4 nearest nodes within 50 m of
  the nearest one, and walks that straight line too (distances in a local
  equirectangular projection around the centre of the network's bounding box);
- the nearest facility is searched as far as ``search_minutes`` = 30 at adult
  pace, and never less than any service's limit at either pace;
- residents aged 60+ walk at 0.9 m/s, the others at 1.1 m/s, each group
  covered when its walk takes at most the service's limit;
- percentiles are weighted by the residents the service serves (two weights
  per cell: the 60+ at their pace, the rest at theirs); the q-th is the
  smallest time t such that those walking at most t make up at least q of the
  served residents, residents beyond the search counting as farthest; the
  max is the longest walk of anyone served, however few they are.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.spatial import cKDTree

import lifecircle as lc

ADULT_M_S, ELDERLY_M_S = 1.1, 0.9
MAX_SNAP_M, SEARCH_MINUTES = 200.0, 30.0
ATTACH_NODES, ATTACH_SLACK_M = 4, 50.0
# Cumulative weights within this share of the total count as reaching it: the
# sums are rounded, and a percentile must not move by an ulp of them.
QUANTILE_SLACK = 1e-9


def projection(lon0: float, lat0: float):
    """Metres east and north of (lon0, lat0): WGS 84 series for the length of a degree."""
    phi = np.radians(lat0)
    m_lat = 111_132.954 - 559.822 * np.cos(2 * phi) + 1.175 * np.cos(4 * phi)
    m_lon = 111_412.84 * np.cos(phi) - 93.5 * np.cos(3 * phi)
    return lambda lon, lat: np.column_stack([(np.asarray(lon) - lon0) * m_lon, (np.asarray(lat) - lat0) * m_lat])


def attach(tree: cKDTree, xy: np.ndarray) -> list[list[tuple[int, float]]]:
    """Each point's (node, metres) attachments: its nearest nodes within the slack of the nearest."""
    dist, idx = tree.query(xy, k=ATTACH_NODES + 1)
    # A tie across the cut would make "the 4 nearest" ambiguous.
    cut = dist[:, ATTACH_NODES - 1]
    assert not np.any((dist[:, ATTACH_NODES] == cut) & (cut <= dist[:, 0] + ATTACH_SLACK_M))
    return [
        [(int(i), float(d)) for d, i in zip(ds[:ATTACH_NODES], ix[:ATTACH_NODES]) if d <= ds[0] + ATTACH_SLACK_M]
        for ds, ix in zip(dist, idx)
    ]


def matches(tags: dict, entries: list[str]) -> bool:
    """The catalogue's tag rule: any entry, each ``k=v`` of an entry joined by ``&``, ``*`` any value."""

    def one(t: str) -> bool:
        k, _, v = t.partition("=")
        v = v.strip() or "*"
        return k.strip() in tags and (v == "*" or tags[k.strip()] == v)

    return any(all(one(t) for t in entry.split("&")) for entry in entries)


def weighted_quantile(minutes: np.ndarray, weights: np.ndarray, q: float):
    keep = weights > 0
    if not keep.any():
        return None
    order = np.argsort(minutes[keep], kind="stable")
    m, cum = minutes[keep][order], np.cumsum(weights[keep][order])
    k = min(int(np.searchsorted(cum, (q - QUANTILE_SLACK) * cum[-1])), len(m) - 1)
    return None if np.isinf(m[k]) else float(m[k])


def largest(minutes: np.ndarray, weights: np.ndarray):
    """The longest walk of anyone served, however few they are."""
    if not (weights > 0).any():
        return None
    m = minutes[weights > 0].max()
    return None if np.isinf(m) else float(m)


def walking_inputs(path, scenario: dict) -> SimpleNamespace:
    """The demand points on the network with their attachments, the existing
    facilities per service from the OSM tags, and the street graph."""
    net = lc.Network.from_pbf(path.parent / scenario["osm"])
    nodes, edges = net.nodes(), net.edges()
    lo, hi = nodes[["lon", "lat"]].min(), nodes[["lon", "lat"]].max()
    project = projection((lo["lon"] + hi["lon"]) / 2, (lo["lat"] + hi["lat"]) / 2)
    tree = cKDTree(project(nodes["lon"], nodes["lat"]))

    cells = pd.read_csv(path.parent / scenario["population"], dtype={"id": str})
    centres = shapely.centroid(shapely.from_wkt(cells["wkt"].to_numpy()))
    cells["lon"], cells["lat"] = shapely.get_x(centres), shapely.get_y(centres)
    xy = project(cells["lon"], cells["lat"])
    nearest, _ = tree.query(xy)
    in_box = cells["lon"].between(lo["lon"], hi["lon"]) & cells["lat"].between(lo["lat"], hi["lat"])
    inside = (in_box & (nearest <= MAX_SNAP_M)).to_numpy()
    people = cells[inside].reset_index(drop=True)
    people_at = attach(tree, xy[inside])
    # The projection is lifecircle's only if the nearest node and its distance agree.
    snapped = net.snap(people)
    assert snapped["node"].tolist() == [a[0][0] for a in people_at]
    np.testing.assert_allclose(snapped["distance_m"], [a[0][1] for a in people_at], rtol=1e-9)
    aging, under_6 = scenario["aging_ratio"], scenario["under_6_ratio"]
    people = people.assign(old=people["population"] * aging, under_6=people["population"] * under_6)

    catalogue = lc.service_catalogue().to_dict("records")
    search_m = max(
        [SEARCH_MINUTES * 60 * ADULT_M_S]
        + [s["walking_limit_min"] * 60 * max(ADULT_M_S, ELDERLY_M_S) for s in catalogue]
    )
    pois = net.pois
    facilities = {
        s["key"]: pois[[matches(t, s["osm_tags"]) for t in pois["tags"]]].reset_index(drop=True) for s in catalogue
    }

    index = pd.Series(np.arange(len(nodes)), index=nodes["id"])
    ends = pd.DataFrame(
        {"a": index[edges["source"]].to_numpy(), "b": index[edges["target"]].to_numpy(), "m": edges["length"]}
    )
    ends[["a", "b"]] = np.sort(ends[["a", "b"]].to_numpy(), axis=1)
    # Parallel edges: the shortest counts (a sparse matrix would add them up).
    shortest = ends.groupby(["a", "b"], as_index=False)["m"].min()
    assert (shortest["m"] > 0).all(), "csgraph would drop zero-length edges"
    graph = coo_matrix((shortest["m"], (shortest["a"], shortest["b"])), shape=(len(nodes),) * 2).tocsr()
    return SimpleNamespace(
        net=net,
        nodes=nodes,
        ends=ends,
        project=project,
        tree=tree,
        people=people,
        people_at=people_at,
        catalogue=catalogue,
        facilities=facilities,
        search_m=search_m,
        graph=graph,
    )


def gap_row(zone: str, people: pd.DataFrame, svc: dict, n_facilities: int, metres: np.ndarray) -> dict:
    w, limit = svc["serves"], svc["walking_limit_min"]
    total, old, young = (people[c].to_numpy() for c in ("population", "old", "under_6"))
    served_old = (w["everyone"] + w["aged_60_plus"]) * old
    served_rest = w["everyone"] * (total - old) + w["under_6"] * young
    min_old, min_rest = metres / ELDERLY_M_S / 60, metres / ADULT_M_S / 60
    in_old, in_rest = min_old <= limit, min_rest <= limit
    served = served_old.sum() + served_rest.sum()
    minutes = np.concatenate([min_old, min_rest])
    weights = np.concatenate([served_old, served_rest])
    return {
        "zone": zone,
        "category": svc["key"],
        "class": svc["class"],
        "walking_limit_min": limit,
        "facilities": n_facilities,
        "residents": total.sum(),
        "residents_60plus": old.sum(),
        "covered": ((total - old) * in_rest).sum() + (old * in_old).sum(),
        "covered_60plus": (old * in_old).sum(),
        "served": served,
        "share": ((served_old * in_old).sum() + (served_rest * in_rest).sum()) / served if served > 0 else 1.0,
        "nearest_minutes_p50": weighted_quantile(minutes, weights, 0.5),
        "nearest_minutes_p90": weighted_quantile(minutes, weights, 0.9),
        "nearest_minutes_max": largest(minutes, weights),
        "uncovered_ids": people["id"][((served_old > 0) & ~in_old) | ((served_rest > 0) & ~in_rest)].tolist(),
    }


def reference_table(people, catalogue, counts, metres, zones) -> pd.DataFrame:
    return pd.DataFrame(
        [
            gap_row(zone, people[members], svc, counts[svc["key"]], metres[svc["key"]][members])
            for zone, members in zones
            for svc in catalogue
        ]
    )


COUNTS = ["facilities", "residents", "residents_60plus", "covered", "covered_60plus", "served", "share"]
MINUTES = ["nearest_minutes_p50", "nearest_minutes_p90", "nearest_minutes_max"]


def assert_same_table(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(zip(got["zone"], got["category"])) == list(zip(want["zone"], want["category"]))
    for col in ["class", "walking_limit_min", "uncovered_ids"]:
        assert got[col].tolist() == want[col].tolist(), col
    for col in COUNTS:
        np.testing.assert_allclose(got[col].astype(float), want[col].astype(float), rtol=1e-12, atol=1e-9, err_msg=col)
    for col in MINUTES:
        # None (beyond the search) must match None; times are sums of the same
        # edge lengths in another order, so they agree to rounding.
        g, w = got[col].astype(float).to_numpy(), want[col].astype(float).to_numpy()
        assert (np.isnan(g) == np.isnan(w)).all(), (col, got.loc[np.isnan(g) != np.isnan(w), ["zone", "category"]])
        np.testing.assert_allclose(g[~np.isnan(g)], w[~np.isnan(w)], rtol=1e-9, err_msg=col)

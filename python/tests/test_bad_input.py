"""Bad input fails with a typed error naming the offending parameter or record:
never a panic, never a silently wrong answer."""

import os

import numpy as np
import pandas as pd
import pytest

import lifecircle
from lifecircle import InfeasibleError, InvalidInputError

COST = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 3.0], [2.0, 3.0, 0.0]])
W = [1.0, 2.0, 3.0]
NODES = pd.DataFrame({"id": [1, 2, 3], "lon": [24.0, 24.001, 24.002], "lat": [60.0] * 3})
EDGES = pd.DataFrame({"source": [1, 2], "target": [2, 3], "length": [100.0, 50.0]})
POINTS = pd.DataFrame({"lon": [24.0, 24.002], "lat": [60.0, 60.0], "population": [10.0, 20.0]})


def csr(indptr, indices):
    return np.asarray(indptr, dtype=np.int64), np.asarray(indices, dtype=np.int64)


def net():
    return lifecircle.Network.from_edges(NODES, EDGES)


def pmedian(**kw):
    args = {"cost_matrix": COST, "p_facilities": 1, **kw}
    return lifecircle.PMedian.from_cost_matrix(**args).solve()


def mclp(cost=COST, **kw):
    args = {"weights": W, "service_radius": 1, "p_facilities": 1, **kw}
    return lifecircle.MCLP.from_cost_matrix(cost, **args).solve()


def sparse(dense):
    from scipy.sparse import csr_matrix

    return csr_matrix(dense)


CASES = {
    # weights / populations
    "weight inf": (lambda: pmedian(weights=[1, np.inf, 1]), InvalidInputError, "demand point 1: population .* got inf"),
    "weight NaN, p-center": (
        lambda: lifecircle.PCenter.from_cost_matrix(COST, [1, np.nan, 1], 1).solve(),
        InvalidInputError,
        "demand point 1: population .* got NaN",
    ),
    "weight negative, MCLP": (lambda: mclp(weights=[1, -1, 1]), InvalidInputError, "demand point 1: population"),
    "weights too short": (
        lambda: pmedian(weights=[1, 1]),
        InvalidInputError,
        r"weights: .*shape \(3,\), got shape \(2,\)",
    ),
    "weights 2-D": (lambda: pmedian(weights=[[1, 2, 3]]), InvalidInputError, r"got shape \(1, 3\)"),
    "weights scalar": (lambda: pmedian(weights=5.0), InvalidInputError, r"got shape \(\)"),
    "weights strings": (
        lambda: pmedian(weights=["a", "b", "c"]),
        TypeError,
        r"weights must hold real numbers \(int or float\), got text values",
    ),
    # Numeric text is refused too: float("3") would parse it, int("2") would not (one rule).
    "weights numeric strings": (lambda: pmedian(weights=["1", "2", "3"]), TypeError, "weights must hold real numbers"),
    "weights complex": (
        lambda: pmedian(weights=np.array([1, 2, 3]) + 1j),
        TypeError,
        "weights must hold real numbers .* got complex values",
    ),
    "weights boolean": (lambda: pmedian(weights=[True, False, True]), TypeError, "got boolean values"),
    "weights objects": (
        lambda: pmedian(weights=np.array([1.0, "x", 3.0], dtype=object)),
        TypeError,
        "weights must hold real numbers .* got 'x' at position 1",
    ),
    # cost matrices
    "cost 1-D": (lambda: pmedian(cost_matrix=np.array([1.0, 2.0])), InvalidInputError, "must be 2-D"),
    "cost strings": (
        lambda: pmedian(cost_matrix=[["a", "b"], ["c", "d"]]),
        TypeError,
        "cost matrix must hold real numbers .* got text values",
    ),
    "cost complex, p-median": (
        lambda: pmedian(cost_matrix=COST * (1 + 1j)),
        TypeError,
        "cost matrix must hold real numbers .* got complex values",
    ),
    "cost complex, MCLP": (lambda: mclp(COST + 0j), TypeError, "cost matrix must hold real numbers .* complex"),
    "cost complex, LSCP sparse": (
        lambda: lifecircle.LSCP.from_cost_matrix(sparse(COST + 1j), 1),
        TypeError,
        "cost matrix must hold real numbers .* complex",
    ),
    "cost ragged": (lambda: pmedian(cost_matrix=[[0, 1], [1]]), InvalidInputError, "cost matrix: "),
    "cost inf, p-median": (
        lambda: pmedian(cost_matrix=np.where(np.eye(3) > 0, 0, np.inf)),
        InvalidInputError,
        "row 0, column 1: cost inf must be finite",
    ),
    "sparse cost with absent pairs, p-median": (
        lambda: pmedian(cost_matrix=sparse(np.array([[1.0, 0.0], [2.0, 1.0]]))),
        InvalidInputError,
        "row 0, column 1: no entry",
    ),
    "cost negative, MCLP dense": (
        lambda: mclp(np.array([[-5, 1], [1, 2.0]]), weights=[1, 1]),
        InvalidInputError,
        r"row 0, column 0: cost -5 must be finite and >= 0",
    ),
    "cost NaN, MCLP sparse": (
        lambda: mclp(sparse(np.array([[1, 0], [np.nan, 2.0]])), weights=[1, 1]),
        InvalidInputError,
        "row 1, column 0: cost NaN must be finite and >= 0",
    ),
    "cost negative, LSCP sparse": (
        lambda: lifecircle.LSCP.from_cost_matrix(sparse(np.array([[1, 0], [0, -2.0]])), 1).solve(),
        InvalidInputError,
        "row 1, column 1: cost -2 must be finite",
    ),
    # inf was read as "out of reach" by MCLP and LSCP, while the CLI refuses it: one rule now.
    "cost inf, MCLP dense": (
        lambda: mclp(np.array([[np.inf, 1.0], [1.0, 2.0]]), weights=[5, 1]),
        InvalidInputError,
        "cost matrix, record row 0, column 0: cost inf must be finite and >= 0",
    ),
    "cost inf, LSCP dense": (
        lambda: lifecircle.LSCP.from_cost_matrix(np.array([[1.0, 1.0], [1.0, np.inf]]), 1),
        InvalidInputError,
        "row 1, column 1: cost inf must be finite and >= 0",
    ),
    "cost inf stored, MCLP sparse": (
        lambda: mclp(sparse(np.array([[1.0, 0], [np.inf, 2.0]])), weights=[1, 1]),
        InvalidInputError,
        "row 1, column 0: cost inf must be finite and >= 0",
    ),
    # p
    "p zero, p-median": (lambda: pmedian(p_facilities=0), InvalidInputError, "p: must be at least 1"),
    "p negative": (lambda: pmedian(p_facilities=-1), InvalidInputError, "p_facilities: must be >= 0, got -1"),
    "p negative, MCLP": (lambda: mclp(p_facilities=-2), InvalidInputError, "p_facilities: must be >= 0, got -2"),
    # 2**63 raised OverflowError ("Python int too large to convert to C long").
    "p 2**63": (lambda: pmedian(p_facilities=2**63), InvalidInputError, "asked for 9223372036854775808 new sites"),
    "p 2**64, MCLP": (
        lambda: mclp(p_facilities=2**64),
        InvalidInputError,
        "p_facilities: must be at most 18446744073709551615, got 18446744073709551616",
    ),
    "p huge whole float": (lambda: pmedian(p_facilities=1e300), InvalidInputError, "p_facilities: must be at most"),
    "p numpy bool": (lambda: pmedian(p_facilities=np.True_), TypeError, "p_facilities must be an integer"),
    "p boolean": (lambda: pmedian(p_facilities=True), TypeError, "p_facilities must be an integer, got True"),
    "p too large": (lambda: pmedian(p_facilities=4), InvalidInputError, "asked for 4 new sites but only 3"),
    "p too large, MCLP": (lambda: mclp(p_facilities=10), InvalidInputError, "asked for 10 new sites but only 3"),
    "p fractional": (lambda: pmedian(p_facilities=1.7), TypeError, "p_facilities must be an integer, got 1.7"),
    "p string": (lambda: pmedian(p_facilities="2"), TypeError, "p_facilities must be an integer, got '2'"),
    "p NaN, MCLP": (lambda: mclp(p_facilities=float("nan")), TypeError, "p_facilities must be an integer"),
    "no sites": (lambda: pmedian(cost_matrix=np.empty((3, 0))), InvalidInputError, "only 0 candidate sites"),
    "MCLP without p or budget": (
        lambda: lifecircle.MCLP.from_cost_matrix(COST, W, 1),
        InvalidInputError,
        "needs p_facilities or a budget",
    ),
    # fixed sites
    "fixed negative": (lambda: pmedian(fixed=[-1]), InvalidInputError, "fixed: site -1 does not exist"),
    "fixed negative, LSCP": (
        lambda: lifecircle.LSCP.from_cost_matrix(COST, 1, fixed=[-1]).solve(),
        InvalidInputError,
        r"fixed: site -1 does not exist \(site indices are 0 to 2\)",
    ),
    "fixed out of range": (lambda: mclp(fixed=[3]), InvalidInputError, "site 3 does not exist"),
    "fixed fractional": (lambda: pmedian(fixed=[0.5]), TypeError, "fixed: site indices must be integers"),
    "fixed strings": (lambda: pmedian(fixed=["a"]), TypeError, "fixed: site indices must be integers"),
    "fixed mask of wrong length": (
        lambda: pmedian(fixed=[True, False]),
        InvalidInputError,
        "boolean mask of 2 values for 3 sites",
    ),
    # radius, budget, costs
    "radius forgotten, MCLP": (
        lambda: lifecircle.MCLP.from_cost_matrix(COST, W, p_facilities=1),
        TypeError,
        "missing required argument: 'service_radius'",
    ),
    "radius forgotten, LSCP": (
        lambda: lifecircle.LSCP.from_cost_matrix(COST),
        TypeError,
        "missing 1 required positional argument: 'service_radius'",
    ),
    # The radius rule is the core's, as for `lifecircle solve --radius`.
    "radius NaN": (
        lambda: mclp(service_radius=float("nan")),
        InvalidInputError,
        "radius: must be a finite number >= 0, got NaN",
    ),
    "radius negative, sparse": (
        lambda: mclp(sparse(COST), service_radius=-1),
        InvalidInputError,
        "radius: must be a finite number >= 0, got -1",
    ),
    "radius negative, LSCP": (
        lambda: lifecircle.LSCP.from_cost_matrix(COST, -1).solve(),
        InvalidInputError,
        "radius: must be a finite number >= 0",
    ),
    "radius inf": (
        lambda: lifecircle.LSCP.from_cost_matrix(COST, np.inf),
        InvalidInputError,
        "radius: must be a finite number >= 0, got inf",
    ),
    # float("3") accepted this while p_facilities="2" was a TypeError.
    "radius string": (
        lambda: mclp(service_radius="3"),
        TypeError,
        r"service_radius must be a real number \(int or float\), got '3'",
    ),
    # float(None) raised "float() argument must be a string or a real number, not 'NoneType'".
    "radius None, LSCP": (
        lambda: lifecircle.LSCP.from_cost_matrix(COST, None),
        TypeError,
        "service_radius must be a real number .* got None",
    ),
    "radius boolean": (lambda: mclp(service_radius=True), TypeError, "service_radius must be a real number"),
    "radius complex": (lambda: mclp(service_radius=1 + 0j), TypeError, "service_radius must be a real number"),
    "budget NaN": (
        lambda: mclp(p_facilities=None, site_costs=[1, 1, 1], budget=float("nan")),
        InvalidInputError,
        "budget: must be a number >= 0, got NaN",
    ),
    "budget string": (
        lambda: mclp(p_facilities=None, site_costs=[1, 1, 1], budget="2"),
        TypeError,
        "budget must be a real number .* got '2'",
    ),
    "budget negative": (
        lambda: mclp(p_facilities=None, site_costs=[1, 1, 1], budget=-1),
        InvalidInputError,
        "budget: must be a number >= 0, got -1",
    ),
    "budget below every site": (
        lambda: mclp(p_facilities=None, site_costs=[2, 3, 2], budget=1),
        InvalidInputError,
        r"below the cheapest candidate site \(2\)",
    ),
    "site costs without a budget": (
        lambda: lifecircle.MCLP.from_cost_matrix(COST, W, 1, p_facilities=1, site_costs=[1, 5, 1]),
        InvalidInputError,
        "site_costs only count with a budget",
    ),
    "site costs too few": (
        lambda: mclp(p_facilities=None, site_costs=[1, 1], budget=2),
        InvalidInputError,
        "2 costs for 3 sites",
    ),
    "site cost NaN, LSCP": (
        lambda: lifecircle.LSCP.from_cost_matrix(COST, 1, site_costs=[1, np.nan, 1]).solve(),
        InvalidInputError,
        "site 1 has cost NaN",
    ),
    "site costs strings": (
        lambda: mclp(p_facilities=None, site_costs=["a", "b", "c"], budget=2),
        TypeError,
        "site_costs must hold real numbers .* text",
    ),
    "site costs complex": (
        lambda: mclp(p_facilities=None, site_costs=[1, 1j, 1], budget=2),
        TypeError,
        "site_costs must hold real numbers .* complex",
    ),
    "uncoverable point": (
        lambda: lifecircle.LSCP.from_cost_matrix(np.array([[0.0, 9.0], [9.0, 9.0]]), 1).solve(),
        InfeasibleError,
        "demand point 1",
    ),
    # solver options
    "time limit NaN": (
        lambda: lifecircle.PMedian.from_cost_matrix(COST).solve(time_limit=float("nan")),
        InvalidInputError,
        "time_limit: must be > 0 seconds, got NaN",
    ),
    "time limit string": (
        lambda: lifecircle.PMedian.from_cost_matrix(COST).solve(time_limit="3"),
        TypeError,
        "time_limit must be a real number .* got '3'",
    ),
    "time limit boolean": (
        lambda: lifecircle.PMedian.from_cost_matrix(COST).solve(time_limit=True),
        TypeError,
        "time_limit must be a real number .* got True",
    ),
    "mip gap boolean": (
        lambda: lifecircle.PMedian.from_cost_matrix(COST).solve(mip_gap=False),
        TypeError,
        "mip_gap must be a real number .* got False",
    ),
    "mip gap NaN": (
        lambda: lifecircle.PMedian.from_cost_matrix(COST).solve(mip_gap=float("nan")),
        InvalidInputError,
        r"mip_gap: must be in \[0, 1\)",
    ),
    # the plain-array layer, CSR coverage
    "indptr not starting at 0": (
        lambda: lifecircle.solve_mclp(3, *csr([1, 2], [0, 1]), np.ones(3), 1),
        InvalidInputError,
        r"indptr: must start at 0, be non-decreasing and end at len\(indices\) = 2",
    ),
    "indptr decreasing": (
        lambda: lifecircle.solve_lscp(3, *csr([0, 2, 1, 2], [0, 1])),
        InvalidInputError,
        "indptr: must start at 0",
    ),
    "indptr past the end": (
        lambda: lifecircle.solve_lscp(3, *csr([0, 2**62], [0, 1])),
        InvalidInputError,
        "indptr: must start at 0",
    ),
    "indptr empty": (lambda: lifecircle.solve_lscp(3, *csr([], [])), InvalidInputError, "indptr: must start at 0"),
    "index negative": (
        lambda: lifecircle.solve_mclp(3, *csr([0, 2], [0, -1]), np.ones(3), 1),
        InvalidInputError,
        "indices: site 0 covers demand index -1",
    ),
    "index out of range": (
        lambda: lifecircle.solve_mclp(3, *csr([0, 2], [0, 7]), np.ones(3), 1),
        InvalidInputError,
        "site 0: covers demand point 7, but there are only 3",
    ),
    "n_demand negative": (
        lambda: lifecircle.solve_lscp(-3, *csr([0, 1], [0])),
        InvalidInputError,
        "n_demand: must be >= 0, got -3",
    ),
    "raw MCLP without p or budget": (
        lambda: lifecircle.solve_mclp(3, *csr([0, 2], [0, 1]), np.ones(3)),
        InvalidInputError,
        "p: give p or a budget",
    ),
    "raw weights too short": (
        lambda: lifecircle.solve_p_median(COST, np.ones(2), 1),
        InvalidInputError,
        "2 weights for 3 demand points",
    ),
    "raw p negative": (lambda: lifecircle.solve_p_center(COST, np.ones(3), -1), InvalidInputError, "p: must be >= 0"),
    "raw p 2**64": (
        lambda: lifecircle.solve_p_median(COST, np.ones(3), 2**64),
        InvalidInputError,
        "p: must be at most 18446744073709551615",
    ),
    "raw p string": (lambda: lifecircle.solve_p_median(COST, np.ones(3), "1"), TypeError, "p must be an integer"),
    "raw fixed 2**64": (
        lambda: lifecircle.solve_p_median(COST, np.ones(3), 1, [2**64]),
        InvalidInputError,
        "fixed: must be at most",
    ),
    "raw n_demand 2**64": (
        lambda: lifecircle.solve_lscp(2**64, *csr([0, 1], [0])),
        InvalidInputError,
        "n_demand: must be at most",
    ),
    "raw complex cost": (
        lambda: lifecircle.solve_p_median(COST + 1j, np.ones(3), 1),
        TypeError,
        "cost must hold real numbers .* complex",
    ),
    "raw complex weights": (
        lambda: lifecircle.solve_mclp(3, *csr([0, 2], [0, 1]), np.ones(3) + 0j, 1),
        TypeError,
        "weights must hold real numbers .* complex",
    ),
    "raw budget string": (
        lambda: lifecircle.solve_mclp(3, *csr([0, 2], [0, 1]), np.ones(3), budget="1"),
        TypeError,
        "budget must be a real number",
    ),
    "raw coverage inf cost": (
        lambda: lifecircle._core.coverage_within(np.array([[0.0, np.inf]]), 1.0),
        InvalidInputError,
        "row 0, column 1: cost inf must be finite and >= 0",
    ),
    "raw coverage pair outside the shape": (
        lambda: lifecircle._core.coverage_within(np.ones(1), 1.0, np.array([2]), np.array([0]), (2, 2)),
        InvalidInputError,
        "row 2, column 0: is outside the 2 x 2 matrix",
    ),
    # networks
    "node ids duplicated": (
        lambda: lifecircle.Network.from_edges(
            pd.DataFrame({"id": [1, 1, 2, 3], "lon": [24.0, 24.5, 24.001, 24.002], "lat": [60.0] * 4}), EDGES
        ),
        InvalidInputError,
        r"nodes: node id 1 appears twice \(rows 0 and 1\)",
    ),
    "node ids fractional": (
        lambda: lifecircle.Network.from_edges(NODES.assign(id=[1.5, 2.0, 3.0]), EDGES),
        InvalidInputError,
        "nodes column 'id', row 0: 1.5 is not an integer node id",
    ),
    "edge source NaN": (
        lambda: lifecircle.Network.from_edges(NODES, pd.DataFrame({"source": [1.0, np.nan], "target": [2.0, 3.0]})),
        InvalidInputError,
        "edges column 'source', row 1: nan is not an integer node id",
    ),
    "node ids strings": (
        lambda: lifecircle.Network.from_edges(NODES.assign(id=["a", "b", "c"]), EDGES),
        InvalidInputError,
        "nodes column 'id' must hold integer node ids, got non-numeric values",
    ),
    "node longitude strings": (
        lambda: lifecircle.Network.from_edges(NODES.assign(lon=["x", "y", "z"]), EDGES),
        TypeError,
        "nodes column 'lon' must hold real numbers .* got 'x' at position 0",
    ),
    "edge lengths complex": (
        lambda: lifecircle.Network.from_edges(NODES, EDGES.assign(length=[1 + 1j, 2.0])),
        TypeError,
        "edges column 'length' must hold real numbers .* complex",
    ),
    "node longitude NaN": (
        lambda: lifecircle.Network.from_edges(NODES.assign(lon=[24.0, np.nan, 24.002]), EDGES),
        InvalidInputError,
        r"coordinates, record node 2: \(NaN, 60\) must be WGS 84 degrees",
    ),
    "node latitude out of range": (
        lambda: lifecircle.Network.from_edges(NODES.assign(lat=[60.0, 95.0, 60.0]), EDGES),
        InvalidInputError,
        r"record node 2: \(24.001, 95\)",
    ),
    "edge length negative": (
        lambda: lifecircle.Network.from_edges(NODES, EDGES.assign(length=[100.0, -5.0])),
        InvalidInputError,
        "edge 2-3 has length -5",
    ),
    "edge to an unknown node": (
        lambda: lifecircle.Network.from_edges(NODES, pd.DataFrame({"source": [1], "target": [9]})),
        InvalidInputError,
        "unknown node 9",
    ),
    "no edges": (lambda: lifecircle.Network.from_edges(NODES, EDGES.iloc[:0]), InvalidInputError, "network is empty"),
    "node column missing": (
        lambda: lifecircle.Network.from_edges(NODES.drop(columns="lat"), EDGES),
        InvalidInputError,
        r"nodes: missing column\(s\) \['lat'\]",
    ),
    "nodes not a DataFrame": (
        lambda: lifecircle.Network.from_edges({"id": [1]}, EDGES),
        TypeError,
        "nodes must be a DataFrame, got dict",
    ),
    "snap NaN point": (
        lambda: net().snap(pd.DataFrame({"lon": [24.0, np.nan], "lat": [60.0, 60.0]})),
        InvalidInputError,
        r"record point 1: \(NaN, 60\)",
    ),
    "raw snap lengths differ": (
        lambda: net()._core.snap(np.array([24.0, 24.1]), np.array([60.0])),
        InvalidInputError,
        "points: 2 longitudes but 1 latitudes",
    ),
    "raw travel times lengths differ": (
        lambda: net()._core.travel_times(np.ones(1), np.ones(2), np.ones(1), np.ones(1), 1.0, 60.0),
        InvalidInputError,
        "sites: 1 longitudes but 2 latitudes",
    ),
    "point without coordinates": (
        lambda: net().snap(pd.DataFrame({"x": [1.0]})),
        InvalidInputError,
        "need a geometry column or lon and lat",
    ),
    # walking times and current coverage
    "speed string": (
        lambda: lifecircle.travel_times(net(), POINTS, POINTS, speed_m_s="1.1"),
        TypeError,
        "speed_m_s must be a real number",
    ),
    "limit None": (
        lambda: lifecircle.travel_times(net(), POINTS, POINTS, limit_minutes=None),
        TypeError,
        "limit_minutes must be a real number .* got None",
    ),
    "speed zero": (lambda: lifecircle.travel_times(net(), POINTS, POINTS, speed_m_s=0), InvalidInputError, "speed"),
    "limit NaN": (
        lambda: lifecircle.travel_times(net(), POINTS, POINTS, limit_minutes=float("nan")),
        InvalidInputError,
        "limit_minutes must be a number >= 0, got nan",
    ),
    "demand latitude out of range": (
        lambda: lifecircle.travel_times(net(), POINTS.assign(lat=[200.0, 60.0]), POINTS),
        InvalidInputError,
        r"record demand point 0: \(24, 200\)",
    ),
    "site longitude NaN": (
        lambda: lifecircle.travel_times(net(), POINTS, POINTS.assign(lon=[24.0, np.nan])),
        InvalidInputError,
        r"record site 1: \(NaN, 60\)",
    ),
    "network not a Network": (
        lambda: lifecircle.travel_times("net", POINTS, POINTS),
        TypeError,
        "network must be a lifecircle.Network, got str",
    ),
    "population NaN": (
        lambda: lifecircle.current_coverage(net(), POINTS.assign(population=[np.nan, 1.0]), POINTS, 15),
        InvalidInputError,
        "demand point 0: population must be a finite number",
    ),
    "population strings": (
        lambda: lifecircle.current_coverage(net(), POINTS.assign(population=["a", "b"]), POINTS, 15),
        TypeError,
        "column 'population' must hold real numbers",
    ),
    "population column missing": (
        lambda: lifecircle.current_coverage(net(), POINTS.drop(columns="population"), POINTS, 15),
        InvalidInputError,
        "demand has no 'population' column",
    ),
    # models from tables
    "weights column missing": (
        lambda: lifecircle.PMedian.from_geodataframe(POINTS, POINTS, net(), weights_col="pop"),
        InvalidInputError,
        "no column 'pop'",
    ),
    "fixed column with NaN": (
        lambda: lifecircle.PMedian.from_geodataframe(POINTS, POINTS.assign(fx=[np.nan, 0.0]), net(), fixed_col="fx"),
        InvalidInputError,
        "column 'fx', row 0: nan is not True/False",
    ),
    "fixed column of strings": (
        lambda: lifecircle.MCLP.from_geodataframe(
            POINTS, POINTS.assign(fx=["no", ""]), net(), p_facilities=1, fixed_col="fx"
        ),
        InvalidInputError,
        "column 'fx', row 0: 'no' is not True/False",
    ),
    "fixed column with a missing boolean": (
        lambda: lifecircle.LSCP.from_geodataframe(
            POINTS, POINTS.assign(fx=pd.array([True, None], dtype="boolean")), net(), fixed_col="fx"
        ),
        InvalidInputError,
        "column 'fx', row 1: <NA>",
    ),
    "unreachable cheaper than the limit": (
        lambda: lifecircle.PMedian.from_geodataframe(POINTS, POINTS, net(), limit_minutes=10, unreachable_minutes=5),
        InvalidInputError,
        r"unreachable_minutes must be >= limit_minutes \(10\), got 5",
    ),
    "unreachable NaN": (
        lambda: lifecircle.PMedian.from_geodataframe(POINTS, POINTS, net(), unreachable_minutes=float("nan")),
        InvalidInputError,
        "unreachable_minutes must be >= limit_minutes",
    ),
    "no geometry for to_geojson": (
        lambda: lifecircle.PMedian.from_cost_matrix(COST).solve().to_geojson(),
        InvalidInputError,
        "to_geojson needs sites with a geometry or lon/lat columns",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_models_reject_bad_input(case):
    call, exc, match = CASES[case]
    with pytest.raises(exc, match=match):
        call()


POSITIONAL = {
    "travel_times": lambda: lifecircle.travel_times(net(), POINTS, POINTS, 8),
    "travel_matrix": lambda: lifecircle.travel_matrix(net(), POINTS, POINTS, 8),
    "current_coverage": lambda: lifecircle.current_coverage(net(), POINTS, POINTS, 15, 1.1),
    "PMedian": lambda: lifecircle.PMedian.from_geodataframe(POINTS, POINTS, net(), "population"),
    "PCenter": lambda: lifecircle.PCenter.from_geodataframe(POINTS, POINTS, net(), "population"),
    "MCLP": lambda: lifecircle.MCLP.from_geodataframe(POINTS, POINTS, net(), "population"),
    "LSCP": lambda: lifecircle.LSCP.from_geodataframe(POINTS, POINTS, net(), 15),
}


@pytest.mark.parametrize("case", list(POSITIONAL))
def test_options_after_the_inputs_are_keyword_only(case):
    # The same options came in different orders: travel_times(net, d, s, 8) walked at 8 m/s.
    with pytest.raises(TypeError, match="positional argument"):
        POSITIONAL[case]()


@pytest.mark.parametrize("call", [lifecircle.run_scenario, lifecircle.scenario_gaps, lifecircle.service_catalogue])
def test_scenario_files_that_are_missing_malformed_or_incomplete(call, tmp_path):
    with pytest.raises(lifecircle.DataFileError, match="nope.toml: No such file"):
        call(tmp_path / "nope.toml")
    with pytest.raises(lifecircle.DataFileError, match="Is a directory"):
        call(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text("osm = [[[\n")
    with pytest.raises(InvalidInputError, match="bad.toml, record toml: TOML parse error at line 1"):
        call(bad)
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    with pytest.raises(InvalidInputError, match="(?s)empty.toml, .*missing field"):
        call(empty)
    # str(5) would look for a file called "5".
    with pytest.raises(TypeError, match="path: expected str, bytes or os.PathLike object, not int"):
        call(5)
    # The message says bytes are accepted, and they are (as open() takes them).
    with pytest.raises(InvalidInputError, match="bad.toml, record toml: TOML parse error"):
        call(os.fsencode(bad))
    with pytest.raises(lifecircle.DataFileError, match="nope.toml: No such file"):
        call(os.fsencode(tmp_path / "nope.toml"))


def test_bytes_paths_reach_the_pbf_reader_and_sweeps(tmp_path):
    with pytest.raises(lifecircle.DataFileError, match="nope.pbf: No such file"):
        lifecircle.Network.from_pbf(os.fsencode(tmp_path / "nope.pbf"))
    # A bytes path was split into its bytes, each refused as "not int".
    with pytest.raises(lifecircle.DataFileError, match="nope.toml: No such file"):
        lifecircle.sweep(os.fsencode(tmp_path / "nope.toml"))


def test_sweep_of_a_malformed_file_raises(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("osm = [[[\n")
    with pytest.raises(InvalidInputError, match="TOML parse error"):
        lifecircle.sweep(bad)


def test_a_boolean_fixed_array_is_a_mask_not_indices():
    # int(True), int(False) would have fixed sites 1 and 0.
    r = lifecircle.PMedian.from_cost_matrix(COST, new_facilities=1, fixed=[False, False, True]).solve()
    assert r.selected.tolist() == [0, 2]


def test_repeated_fixed_sites_count_once():
    r = lifecircle.PMedian.from_cost_matrix(COST, new_facilities=1, fixed=[2, 2]).solve()
    assert r.selected.tolist() == [0, 2]
    # In spopt's count too: two open sites, site 2 once.
    assert lifecircle.PMedian.from_cost_matrix(COST, p_facilities=2, fixed=[2, 2]).solve().selected.tolist() == [0, 2]


def test_a_sparse_matrix_holding_every_pair_is_accepted_by_the_dense_models():
    full = sparse(np.ones((2, 2)))
    assert lifecircle.PMedian.from_cost_matrix(full, p_facilities=1).solve().objective == 2.0


def test_an_absent_sparse_pair_is_out_of_reach_for_the_coverage_models():
    # What inf used to say for a dense matrix: the pair is left out of a sparse one.
    r = mclp(sparse(np.array([[0.0, 1.0], [1.0, 2.0]])), weights=[5, 1], p_facilities=1)
    assert r.objective == 5 and r.selected.tolist() == [1]


def test_any_real_dtype_and_numpy_scalars_are_accepted_alike():
    # One rule: int, float and numpy scalars and arrays of any real dtype, the raw layer included.
    reference = lifecircle.solve_p_median(COST, np.ones(3), 1)
    for cost, weights, p in (
        (COST.astype(np.float32), np.ones(3, dtype=np.int32), np.int64(1)),
        (COST.tolist(), [1] * 3, 1.0),
    ):
        assert lifecircle.solve_p_median(cost, weights, p).objective == reference.objective
    r = mclp(service_radius=np.float32(1), p_facilities=np.uint8(1), weights=np.array(W, dtype=object))
    assert r.objective == mclp().objective


def test_the_cli_and_python_refuse_an_infinite_radius_alike(cli, tmp_path):
    import subprocess

    costs = tmp_path / "costs.csv"
    np.savetxt(costs, COST, delimiter=",")
    out = subprocess.run(
        [str(cli), "solve", "--model", "lscp", "--costs", str(costs), "--radius", "inf"],
        capture_output=True,
        text=True,
        check=False,
    )
    message = "invalid parameter radius: must be a finite number >= 0, got inf"
    assert out.returncode == 1 and message in out.stderr, out.stderr
    with pytest.raises(InvalidInputError, match=message):
        lifecircle.LSCP.from_cost_matrix(COST, np.inf)


def test_strided_csr_arrays_are_read_as_given():
    indptr = np.array([0, 9, 2, 9], dtype=np.int64)[::2]  # [0, 2], not contiguous
    raw = lifecircle.solve_mclp(3, indptr, np.array([0, 1], dtype=np.int64), np.array([1.0, 2.0, 4.0]), 1)
    assert raw.objective == 3.0


def test_lscp_from_a_dataframe_with_fixed_sites():
    r = lifecircle.LSCP.from_geodataframe(POINTS, POINTS.assign(fx=[0, 1]), net(), fixed_col="fx").solve()
    assert r.selected.tolist() == [1] and r.status == "optimal"


def test_errors_in_released_gil_calls_from_threads():
    import threading

    raised = []

    def work():
        for call in (lambda: pmedian(weights=[1, np.nan, 1]), lambda: lifecircle.run_scenario("/nope.toml")):
            try:
                call()
            except lifecircle.LifecircleError as e:
                raised.append(type(e).__name__)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(raised) == ["DataFileError"] * 4 + ["InvalidInputError"] * 4


def test_geodataframes_with_missing_geometry_or_projected_coordinates():
    geopandas = pytest.importorskip("geopandas")
    shapely = pytest.importorskip("shapely")
    points = geopandas.GeoDataFrame(
        {"population": [10.0, 20.0]},
        geometry=geopandas.points_from_xy(POINTS.lon, POINTS.lat),
        crs=4326,
        index=["a", "b"],
    )
    for hole in (None, shapely.Point()):
        holed = points.set_geometry(geopandas.GeoSeries([points.geometry.iloc[0], hole], index=points.index, crs=4326))
        with pytest.raises(InvalidInputError, match="row 'b': missing or empty geometry"):
            lifecircle.current_coverage(net(), holed, points, 15)
    # A projected frame with its CRS is converted; without it, metres are not taken for degrees.
    projected = points.to_crs(3067)
    assert lifecircle.current_coverage(net(), projected, points, 15)["covered"].all()
    with pytest.raises(InvalidInputError, match=r"record demand point a: \(3\d{5}\.\d+, 66\d{5}"):
        lifecircle.current_coverage(net(), projected.set_crs(None, allow_override=True), points, 15)


def test_common_shapes_of_valid_input_are_accepted():
    # p from a computation (np.ceil gives a float), weights as a one-column frame.
    by_int = pmedian(p_facilities=2)
    assert list(pmedian(p_facilities=np.ceil(1.2)).selected) == list(by_int.selected)
    with_frame = pmedian(p_facilities=2.0, weights=pd.DataFrame({"w": [1.0, 1.0, 1.0]}))
    assert list(with_frame.selected) == list(by_int.selected)
    # Node ids read as strings (dtype=str), and OSMnx's or the CSV tables' length column.
    as_text = NODES.assign(id=NODES["id"].astype(str))
    edges = EDGES.assign(source=EDGES["source"].astype(str), target=EDGES["target"].astype(str))
    assert lifecircle.Network.from_edges(as_text, edges).total_length_m == pytest.approx(150.0)
    renamed = EDGES.rename(columns={"length": "length_m"})
    assert lifecircle.Network.from_edges(NODES, renamed).total_length_m == pytest.approx(150.0)


def test_ambiguous_or_lossy_tables_are_named():
    with pytest.raises(InvalidInputError, match="both 'length' and 'length_m'"):
        lifecircle.Network.from_edges(NODES, EDGES.assign(length_m=1.0))
    # After pd.concat the duplicate's label repeats: the message gives labels, not positions.
    twice = pd.concat([NODES, NODES.iloc[[0]]])
    with pytest.raises(InvalidInputError, match=r"node id 1 appears twice \(rows 0 and 0\)"):
        lifecircle.Network.from_edges(twice, EDGES)
    with pytest.raises(InvalidInputError, match=r"csr_matrix\(dense\) drops zero costs"):
        pmedian(cost_matrix=sparse(COST))

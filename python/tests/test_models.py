"""The models against the Rust CLI on the same inputs and against published optima."""

import json
import pickle
import subprocess

import numpy as np
import pandas as pd
import pytest
from orlib_data import orlib_costs

import lifecircle


def cli_json(cli, *args):
    out = subprocess.run([str(cli), "solve", "--json", *args], capture_output=True, text=True, check=False)
    return json.loads(out.stdout)


def test_p_median_matches_cli_and_optimum(root, cli):
    path = root / "data" / "orlib" / "pmed2.txt"
    cost, p = orlib_costs(path)
    result = lifecircle.PMedian.from_cost_matrix(cost, p_facilities=p).solve()
    rust = cli_json(cli, "--model", "p-median", "--orlib", str(path))
    assert result.objective == rust["objective"] == 4093
    assert result.status == "optimal" and result.gap == 0
    assert sorted(result.selected.tolist()) == rust["sites"]
    # Every client is assigned to its nearest open site.
    assert len(result.assignments) == len(cost)
    assert result.assignments["cost"].sum() == pytest.approx(result.objective)
    assert sum(len(f) for f in result.fac2cli) == len(cost)


def test_p_center_matches_published_radius(root):
    cost, p = orlib_costs(root / "data" / "orlib" / "pmed4.txt")
    result = lifecircle.PCenter.from_cost_matrix(cost, p_facilities=p).solve()
    assert result.objective == 74 and result.status == "optimal"
    assert result.assignments["cost"].max() == 74


def swain():
    data = np.loadtxt(
        __import__("pathlib").Path(__file__).resolve().parents[2] / "tests" / "data" / "swain55_nodes.csv",
        delimiter=",",
        skiprows=1,
    )
    xy, pop = data[:, 1:3], data[:, 3]
    return np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)), pop


@pytest.mark.parametrize("radius,p,expected", [(10, 5, 609), (15, 3, 625), (20, 2, 631)])
def test_mclp_swain(radius, p, expected, tmp_path, cli):
    cost, pop = swain()
    result = lifecircle.MCLP.from_cost_matrix(cost, pop, service_radius=radius, p_facilities=p).solve()
    assert result.objective == expected
    np.savetxt(tmp_path / "c.csv", cost, delimiter=",", fmt="%.17g")
    np.savetxt(tmp_path / "w.csv", pop, fmt="%.0f")
    rust = cli_json(
        cli,
        "--model",
        "mclp",
        "--costs",
        str(tmp_path / "c.csv"),
        "--weights",
        str(tmp_path / "w.csv"),
        "--p",
        str(p),
        "--radius",
        str(radius),
    )
    assert rust["objective"] == expected
    covered = {i for f in result.fac2cli for i in f.tolist()}
    assert pop[list(covered)].sum() == expected


def test_lscp_swain_and_sparse_input():
    from scipy.sparse import csr_matrix

    cost, _ = swain()
    dense = lifecircle.LSCP.from_cost_matrix(cost, service_radius=15).solve()
    assert dense.objective == 5
    sparse = cost.copy()
    sparse[sparse > 15] = 0
    np.fill_diagonal(sparse, 0)
    matrix = csr_matrix(sparse)
    matrix.setdiag(0.0)  # a site covers its own node: keep the zero distance as a stored entry
    assert lifecircle.LSCP.from_cost_matrix(matrix, service_radius=15).solve().objective == 5
    assert dense.perc_cov == 100.0


def test_fixed_sites_and_budget():
    cost = np.array([[0.0, 5.0, 9.0], [1.0, 4.0, 9.0], [5.0, 0.0, 9.0], [9.0, 9.0, 0.25]])
    w = [1, 10, 1, 5]
    r = lifecircle.MCLP.from_cost_matrix(cost, w, service_radius=1, new_facilities=1, fixed=[2]).solve()
    assert 2 in r.selected and r.objective == 16
    r = lifecircle.MCLP.from_cost_matrix(cost, w, service_radius=1, site_costs=[3, 1, 3], budget=3).solve()
    assert r.objective == 11


def test_bad_input_raises_documented_exceptions():
    cost = np.array([[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(lifecircle.InvalidInputError, match="population"):
        lifecircle.PMedian.from_cost_matrix(cost, weights=[1.0, np.nan], p_facilities=1).solve()
    with pytest.raises(ValueError, match="asked for 3 new sites"):
        lifecircle.PMedian.from_cost_matrix(cost, p_facilities=3).solve()
    with pytest.raises(lifecircle.InvalidInputError, match="row 1, column 0"):
        lifecircle.PMedian.from_cost_matrix(np.array([[0.0, 1.0], [-1.0, 0.0]]), p_facilities=1).solve()
    with pytest.raises(lifecircle.InfeasibleError) as info:
        lifecircle.LSCP.from_cost_matrix(np.array([[0.0, 9.0], [9.0, 9.0]]), service_radius=1).solve()
    assert info.value.demand == [1]
    with pytest.raises(lifecircle.InvalidInputError, match="time_limit"):
        lifecircle.PMedian.from_cost_matrix(cost, p_facilities=1).solve(time_limit=-1)


def test_results_and_models_pickle():
    cost, pop = swain()
    model = lifecircle.MCLP.from_cost_matrix(cost, pop, service_radius=10, p_facilities=3)
    again = pickle.loads(pickle.dumps(model))
    result = again.solve()
    assert result.objective == 548
    back = pickle.loads(pickle.dumps(result))
    assert back.objective == 548 and back.selected.tolist() == result.selected.tolist()
    err = pickle.loads(pickle.dumps(lifecircle.InfeasibleError("x", [3])))
    assert err.demand == [3]


def test_plain_array_layer_is_documented_and_weights_can_be_an_age_group():
    assert "CSR" in lifecircle.solve_mclp.__doc__
    cost, pop = swain()
    aged = np.round(pop * 0.2)  # e.g. residents aged 60+ from an ageing ratio
    result = lifecircle.MCLP.from_cost_matrix(cost, aged, service_radius=10, p_facilities=2).solve()
    covered = {i for f in result.fac2cli for i in f.tolist()}
    assert result.objective == aged[list(covered)].sum()


@pytest.mark.parametrize("model", [lifecircle.PMedian, lifecircle.PCenter])
def test_zero_weight_points_are_assigned_to_their_nearest_open_site(model):
    cost = np.array([[0.0, 4.0], [1.0, 3.0], [5.0, 2.0]])
    result = model.from_cost_matrix(cost, [1, 1, 0], p_facilities=1).solve()
    # The weight counts in the objective, not in who walks where (MCLP serves such points too).
    assert result.selected.tolist() == [0] and result.perc_cov == 100.0
    assert result.cli2fac[2].tolist() == [0] and result.fac2cli[0].tolist() == [0, 1, 2]
    assert result.assignments["cost"].tolist() == [0.0, 1.0, 5.0]


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_coverage_assignments_list_every_open_site_in_reach_with_its_cost(sparse):
    from scipy.sparse import csr_matrix

    cost = np.array([[0.5, 1.5, 9.0], [2.0, 1.0, 9.0], [9.0, 9.0, 0.25]])
    matrix = csr_matrix(cost) if sparse else cost
    models = [
        lifecircle.MCLP.from_cost_matrix(matrix, service_radius=2, new_facilities=1, fixed=[0, 1]),
        lifecircle.LSCP.from_cost_matrix(matrix, service_radius=2, fixed=[0, 1]),
    ]
    for model in models:
        result = model.solve()
        assert result.selected.tolist() == [0, 1, 2]
        rows = result.assignments.sort_values(["demand", "site"])
        assert rows[["demand", "site"]].values.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1], [2, 2]]
        assert rows["cost"].tolist() == [0.5, 1.5, 2.0, 1.0, 0.25]


def street():
    """Three nodes along one street: 100 m, then 50 m."""
    nodes = pd.DataFrame({"id": [1, 2, 3], "lon": [24.0, 24.001, 24.002], "lat": [60.0] * 3})
    return lifecircle.Network.from_edges(nodes, pd.DataFrame({"source": [1, 2], "target": [2, 3], "length": [100, 50]}))


@pytest.mark.parametrize("model", [lifecircle.PMedian, lifecircle.PCenter])
def test_points_beyond_the_walking_limit_are_not_served(model):
    # The street goes on 500 m to a fourth node, where the third point lies: on the network, but
    # beyond a one-minute walk of either site.
    nodes = pd.DataFrame({"id": [1, 2, 3, 4], "lon": [24.0, 24.001, 24.002, 24.01], "lat": [60.0] * 4})
    edges = pd.DataFrame({"source": [1, 2, 3], "target": [2, 3, 4], "length": [100, 50, 500]})
    net = lifecircle.Network.from_edges(nodes, edges)
    demand = pd.DataFrame({"lon": [24.0, 24.001, 24.01], "lat": [60.0] * 3})
    sites = pd.DataFrame({"lon": [24.0, 24.002], "lat": [60.0] * 2})
    built = model.from_geodataframe(demand, sites, net, p_facilities=2, speed_m_s=1.0, limit_minutes=1)
    with pytest.warns(lifecircle.UnreachableDemandWarning, match=r"1 of 3 demand points .* unreachable_minutes \(3\)"):
        result = built.solve()
    # The objective keeps the penalty (documented); the result does not pass it off as minutes walked.
    assert result.objective == pytest.approx(3.0 + (50 / 60 if model is lifecircle.PMedian else 0.0))
    cost = result.assignments["cost"]
    assert cost[:2].tolist() == pytest.approx([0.0, 50 / 60]) and np.isnan(cost[2])
    assert [c.tolist() for c in result.cli2fac] == [[0], [1], []]
    assert [f.tolist() for f in result.fac2cli] == [[0], [1]]
    assert result.perc_cov == pytest.approx(200 / 3)


@pytest.mark.parametrize("model", ["PMedian", "PCenter", "MCLP", "LSCP"])
def test_assignments_from_frames_carry_their_index_labels(model):
    net = street()
    demand = pd.DataFrame({"lon": [24.0, 24.001, 24.002], "lat": [60.0] * 3}, index=["a", "b", "c"])
    sites = pd.DataFrame({"lon": [24.0, 24.002], "lat": [60.0] * 2}, index=[10, 20])
    options = {} if model == "LSCP" else {"p_facilities": 2}
    cls = getattr(lifecircle, model)
    result = cls.from_geodataframe(demand, sites, net, speed_m_s=1.0, limit_minutes=2, **options).solve()
    rows = result.assignments
    # Each site within two minutes for the coverage models, the nearest one for the others.
    pairs = [("a", 10), ("b", 20), ("c", 20)] if model.startswith("P") else [("a", 10), ("b", 10), ("b", 20), ("c", 20)]
    assert list(zip(rows["demand_label"], rows["site_label"])) == pairs
    assert rows["demand"].tolist() == [demand.index.get_loc(label) for label, _ in pairs]
    # The labels join with what snap() returns, as positions would not.
    assert rows.join(net.snap(demand), on="demand_label")["distance_m"].notna().all()


def test_assignments_from_a_cost_matrix_have_positions_only():
    rows = lifecircle.PMedian.from_cost_matrix(np.zeros((1, 1))).solve().assignments
    assert list(rows.columns) == ["demand", "site", "cost"]


def test_to_geojson_is_strict_json_in_wgs84_whatever_the_geometry_column_and_crs():
    geopandas = pytest.importorskip("geopandas")
    demand = pd.DataFrame({"lon": [24.0, 24.001, 24.002], "lat": [60.0] * 3})
    sites = geopandas.GeoDataFrame(
        {"opened": pd.to_datetime(["2020-01-01", None]), "name": ["A", None], "id": [7, 8], "area": [1.5, np.nan]},
        geometry=geopandas.points_from_xy([24.0, 24.002], [60.0, 60.0]),
        crs=4326,
        index=[10, 20],
    )
    # RFC 7946: GeoJSON is WGS 84, so projected sites (here ETRS-TM35FIN) are converted back.
    sites = sites.to_crs(3067).rename_geometry("geom")
    model = lifecircle.MCLP.from_geodataframe(demand, sites, street(), speed_m_s=1.0, limit_minutes=2, p_facilities=2)
    collection = json.loads(json.dumps(model.solve().to_geojson(), allow_nan=False))
    features = collection["features"]
    assert [f["geometry"]["type"] for f in features] == ["Point", "Point"]
    lon_lat = [f["geometry"]["coordinates"] for f in features]
    assert lon_lat[0] == pytest.approx([24.0, 60.0]) and lon_lat[1] == pytest.approx([24.002, 60.0])
    # served_points counts demand points (PlanReport's `served` counts residents).
    assert [f["properties"] for f in features] == [
        {
            "opened": "2020-01-01T00:00:00",
            "name": "A",
            "id": 7,
            "area": 1.5,
            "site_index": 0,
            "site_label": 10,
            "served_points": 2,
        },
        {"opened": None, "name": None, "id": 8, "area": None, "site_index": 1, "site_label": 20, "served_points": 2},
    ]


def test_to_geojson_takes_sites_given_as_lon_lat_columns():
    points = pd.DataFrame({"lon": [24.0, 24.001, 24.002], "lat": [60.0] * 3, "name": ["a", "b", "c"]})
    model = lifecircle.MCLP.from_geodataframe(points, points, street(), speed_m_s=1.0, limit_minutes=2, p_facilities=1)
    (feature,) = model.solve().to_geojson()["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [24.001, 60.0]}
    assert feature["properties"]["name"] == "b" and feature["properties"]["served_points"] == 3
    with pytest.raises(lifecircle.InvalidInputError, match="geometry or lon/lat"):
        lifecircle.MCLP.from_cost_matrix(np.zeros((1, 1)), service_radius=1, p_facilities=1).solve().to_geojson()


@pytest.mark.parametrize("model", [lifecircle.PMedian, lifecircle.PCenter])
def test_a_plan_stopped_at_mip_gap_is_not_called_optimal(root, model):
    # pmed2: p-median stops 0.3 % short at mip_gap=0.05, p-center's radius search 2 % short.
    cost, p = orlib_costs(root / "data" / "orlib" / "pmed2.txt")
    r = model.from_cost_matrix(cost, p_facilities=p).solve(mip_gap=0.05)
    assert 0 < r.gap <= 0.05 and r.bound < r.objective
    assert r.status == "gap_limit"


def test_p_center_opens_p_sites_even_when_fewer_would_do():
    # Every weight 0: any plan is optimal, but the planner asked for two sites.
    x = np.array([0.0, 1.0, 10.0])
    r = lifecircle.PCenter.from_cost_matrix(abs(x[:, None] - x), weights=[0, 0, 0], p_facilities=2).solve()
    assert len(r.selected) == 2 and r.status == "optimal"

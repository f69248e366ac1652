"""Networks, walking times and coverage on the bundled Helsinki data, against the Rust demo."""

import json
import pickle
import subprocess

import numpy as np
import pandas as pd
import pytest

import lifecircle

geopandas = pytest.importorskip("geopandas")
shapely = pytest.importorskip("shapely")


@pytest.fixture(scope="module")
def helsinki(root):
    net = lifecircle.Network.from_pbf(root / "data" / "helsinki" / "helsinki.osm.pbf")
    grid = pd.read_csv(root / "data" / "helsinki" / "population_grid_2020.csv")
    cells = geopandas.GeoDataFrame(grid[["id", "population"]], geometry=shapely.from_wkt(grid["wkt"]), crs=4326)
    return net, cells


def on_network(net, cells):
    """The demo's rule: centroid inside the network's bounding box and within 200 m of a node."""
    nodes = net.nodes()
    lon, lat = lifecircle.network.lon_lat(cells)
    inside = (lon >= nodes.lon.min()) & (lon <= nodes.lon.max()) & (lat >= nodes.lat.min()) & (lat <= nodes.lat.max())
    near = net.snap(cells)["distance_m"].to_numpy() <= 200
    return cells[inside & near]


def test_network_matches_the_rust_reader(helsinki):
    net, _ = helsinki
    assert net.osm_stats["walkable_ways"] == 2473
    assert net.osm_stats["highway_ways"] == 2650
    assert (net.pois["tags"].map(lambda t: t.get("amenity")) == "pharmacy").sum() == 6
    assert 85_000 < net.total_length_m < 90_000


def test_current_coverage_equals_the_cli(helsinki, root, cli, tmp_path):
    net, cells = helsinki
    demand = on_network(net, cells)
    pharmacies = net.pois[net.pois["tags"].map(lambda t: t.get("amenity") == "pharmacy")]
    table = lifecircle.current_coverage(net, demand, pharmacies, limit_minutes=8)
    summary = lifecircle.coverage_summary(table)
    # The CLI's gap table at one walking speed for everyone, as current_coverage assumes.
    data = root / "data" / "helsinki"
    scenario = tmp_path / "one_speed.toml"
    scenario.write_text(
        f'osm = "{data / "helsinki.osm.pbf"}"\npopulation = "{data / "population_grid_2020.csv"}"\n'
        'elderly_walking_speed_m_s = 1.1\ngap_services = ["pharmacy"]\n'
    )
    gaps = json.loads(
        subprocess.run([str(cli), "gaps", str(scenario), "--json"], capture_output=True, text=True, check=True).stdout
    )
    row = gaps["gaps"]["totals"][0]
    assert summary["residents"] == row["residents"] == gaps["demand"]["residents"]
    assert summary["covered"] == row["covered"]
    assert table.loc[~table.covered].index.map(lambda i: str(demand.loc[i, "id"])).tolist() == row["uncovered_ids"]


def test_mclp_from_geodataframe_on_streets(helsinki):
    net, cells = helsinki
    demand = on_network(net, cells)
    nodes = net.nodes()
    sites = geopandas.GeoDataFrame(nodes, geometry=geopandas.points_from_xy(nodes.lon, nodes.lat), crs=4326).iloc[::25]
    result = lifecircle.MCLP.from_geodataframe(
        demand, sites, net, weights_col="population", limit_minutes=5, p_facilities=3
    ).solve()
    assert result.status == "optimal"
    covered = {i for f in result.fac2cli for i in f.tolist()}
    assert demand["population"].to_numpy()[list(covered)].sum() == result.objective
    feature_collection = result.to_geojson()
    assert len(feature_collection["features"]) == len(result.selected) <= 3
    median = lifecircle.PMedian.from_geodataframe(demand, sites, net, weights_col="population", p_facilities=2).solve()
    assert median.status == "optimal" and len(median.selected) == 2


@pytest.mark.parametrize("cls", [lifecircle.PMedian, lifecircle.PCenter])
def test_cost_models_from_frames_solve_the_sparse_pairs_as_the_dense_table_would(helsinki, cls):
    """from_geodataframe keeps only the pairs within the limit (no row x site table); its answer is the
    one of from_cost_matrix on the dense table built here from those pairs, the rest unreachable."""
    net, cells = helsinki
    demand = on_network(net, cells)
    nodes = net.nodes()
    sites = geopandas.GeoDataFrame(nodes, geometry=geopandas.points_from_xy(nodes.lon, nodes.lat), crs=4326).iloc[::40]
    options = {"weights_col": "population", "aging_ratio": 0.15, "limit_minutes": 6, "unreachable_minutes": 20}
    sparse = cls.from_geodataframe(demand, sites, net, p_facilities=3, **options)
    t = sparse.times
    assert sparse.cost is None and len(t.minutes) < t.n_rows * t.n_sites
    dense = np.full((t.n_rows, t.n_sites), 20.0)
    dense[t.rows, t.cols] = t.minutes
    with pytest.warns(lifecircle.UnreachableDemandWarning):
        got = sparse.solve()
    want = cls.from_cost_matrix(dense, weights=sparse.weights, p_facilities=3).solve()
    assert got.status == want.status == "optimal"
    assert got.objective == pytest.approx(want.objective, rel=1e-12)
    # Recomputed from the sites returned: each row's nearest open site on the dense table.
    nearest = dense[:, got.selected].min(axis=1)
    recomputed = (sparse.weights * nearest).sum() if cls is lifecircle.PMedian else nearest[sparse.weights > 0].max()
    assert got.objective == pytest.approx(recomputed, rel=1e-12)
    served = ~got.assignments["cost"].isna().to_numpy()
    assert (served == (nearest <= 6)).all()


def test_network_from_edges_and_pickle():
    nodes = pd.DataFrame({"id": [1, 2, 3, 4], "lon": [24.0, 24.001, 24.002, 24.5], "lat": [60.0] * 4})
    edges = pd.DataFrame({"source": [1, 2], "target": [2, 3], "length": [100.0, 50.0]})
    net = lifecircle.Network.from_edges(nodes, edges)
    assert (net.node_count, net.edge_count, net.total_length_m) == (3, 2, 150.0)
    back = pickle.loads(pickle.dumps(net))
    assert back.total_length_m == 150.0 and back.edges()["length"].tolist() == [100.0, 50.0]
    _, _, minutes = lifecircle.travel_times(net, nodes.iloc[[2]], nodes.iloc[[0]], speed_m_s=1.0, limit_minutes=10)
    assert minutes.tolist() == pytest.approx([150.0 / 60.0])
    with pytest.raises(lifecircle.InvalidInputError, match="unknown node 9"):
        lifecircle.Network.from_edges(nodes, pd.DataFrame({"source": [1], "target": [9]}))


def test_missing_pbf_is_a_data_file_error(tmp_path):
    with pytest.raises(lifecircle.DataFileError) as info:
        lifecircle.Network.from_pbf(tmp_path / "nope.osm.pbf")
    assert isinstance(info.value, OSError)


def test_scenario_report(root):
    report = lifecircle.run_scenario(root / "data" / "helsinki" / "centroids.toml")
    assert report.status == "optimal" and report.gap == 0
    pharmacy = report.services.set_index("service").loc["pharmacy"]
    assert pharmacy["covered_after"] >= pharmacy["covered_before"]
    assert set(report.current["category"]) >= {"pharmacy", "convenience", "elderly_canteen"}
    assert (report.demand["pharmacy_after"] >= report.demand["pharmacy_before"]).all()
    assert report.geojson["type"] == "FeatureCollection"
    # Everyone is served by a pharmacy: the objective is the residents covered, at each age's pace.
    assert np.isclose(pharmacy["covered_after"], report.objective)
    assert len(report.sites) == 2 and set(report.sites["service"]) == {"pharmacy"}
    catalogue = lifecircle.service_catalogue()
    assert "pharmacy" in set(catalogue["key"])


def test_joint_plan_and_gaps(root):
    joint = lifecircle.run_scenario(root / "data" / "helsinki" / "joint.toml")
    assert joint.status == "optimal"
    assert joint.summary["cost"] <= 2.0
    assert set(joint.services["service"]) == {"elderly_canteen", "health_station"}
    gaps = lifecircle.scenario_gaps(root / "data" / "helsinki" / "centroids.toml")
    assert len(gaps.rows) == len(gaps.zones) * len(gaps.totals)
    canteen = gaps.totals.set_index("category").loc["elderly_canteen"]
    # No canteen exists, so nobody is covered and the 60+ are 14.71 % of the residents.
    assert canteen["covered"] == 0 and np.isclose(canteen["served"], 0.1471 * canteen["residents"])
    assert gaps.zones["stars"].between(0, 5).all()


def test_snap_gives_the_node_position_and_its_id():
    nodes = pd.DataFrame({"id": [70, 50, 60], "lon": [24.0, 24.001, 24.002], "lat": [60.0] * 3})
    net = lifecircle.Network.from_edges(nodes, pd.DataFrame({"source": [70, 50], "target": [50, 60]}))
    snapped = net.snap(pd.DataFrame({"lon": [24.0019, 24.0001], "lat": [60.0, 60.0]}, index=["a", "b"]))
    order = net.nodes()["id"].tolist()
    assert [order[k] for k in snapped["node"]] == snapped["node_id"].tolist() == [60, 70]
    assert set(snapped["node_id"]) <= set(net.edges()[["source", "target"]].stack())


def test_gaps_without_age_data_warn_and_name_the_services_left_out(root, tmp_path):
    data = root / "data" / "helsinki"
    path = tmp_path / "s.toml"
    # No aging_ratio, and the grid has no age columns: the services of the 60+ and under-6s cannot be measured.
    path.write_text(f'osm = "{data / "helsinki.osm.pbf"}"\npopulation = "{data / "population_grid_2020.csv"}"\n')
    with pytest.warns(lifecircle.SkippedServiceWarning) as caught:
        gaps = lifecircle.scenario_gaps(path)
    assert "elderly_canteen" not in set(gaps.totals["category"])
    assert [str(w.message) for w in caught] == gaps.summary["skipped"]
    assert any(line.startswith("elderly_canteen") for line in gaps.summary["skipped"])
    assert {"speeds", "rating", "search_minutes"} <= set(gaps.summary)


def test_current_coverage_leaves_points_off_the_network_out():
    # A block of streets around a square about 445 x 890 m.
    nodes = pd.DataFrame({"id": [1, 2, 3, 4], "lon": [24.0, 24.008, 24.008, 24.0], "lat": [60.0, 60.0, 60.008, 60.008]})
    net = lifecircle.Network.from_edges(nodes, pd.DataFrame({"source": [1, 2, 3, 4], "target": [2, 3, 4, 1]}))
    # Near a corner; in the middle of the block, 498 m from any corner; 28 m west of the block, outside it.
    demand = pd.DataFrame(
        {"lon": [24.001, 24.004, 23.9995], "lat": [60.0, 60.004, 60.0], "population": [10.0, 20.0, 30.0]}
    )
    shop = pd.DataFrame({"lon": [24.0], "lat": [60.0]})
    table = lifecircle.current_coverage(net, demand, shop, 30)
    assert table["on_network"].tolist() == [True, False, False] and table["covered"].tolist() == [True, False, False]
    assert table["snap_m"].to_numpy() == pytest.approx([56, 498, 28], abs=1)
    # The walk to the street counts once the block's middle is within max_snap_m; what lies outside
    # the network's extent stays off it, as the command line decides.
    wider = lifecircle.current_coverage(net, demand, shop, 30, max_snap_m=600)
    assert wider["covered"].tolist() == [True, True, False]
    summary = lifecircle.coverage_summary(table)
    assert (summary["residents"], summary["covered"], summary["residents_off_network"]) == (10.0, 10.0, 50.0)


def test_network_from_edges_takes_node_geometries_in_any_crs():
    geopandas = pytest.importorskip("geopandas")
    nodes = pd.DataFrame({"id": [1, 2, 3], "lon": [24.0, 24.001, 24.002], "lat": [60.0] * 3})
    edges = pd.DataFrame({"source": [1, 2], "target": [2, 3]})
    points = geopandas.GeoDataFrame(
        nodes[["id"]], geometry=geopandas.points_from_xy(nodes["lon"], nodes["lat"]), crs=4326
    ).to_crs(3067)
    from_lon_lat = lifecircle.Network.from_edges(nodes, edges)
    from_geometry = lifecircle.Network.from_edges(points, edges)
    assert from_geometry.edges()["length"].to_numpy() == pytest.approx(from_lon_lat.edges()["length"].to_numpy())

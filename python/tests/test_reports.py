"""Typed scenario reports (issue 13) and outputs a GeoPandas analyst can use
as they are (issue 18, items 5 to 8)."""

import json
import pickle

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import lifecircle
from lifecircle import _core


@pytest.fixture(scope="module")
def helsinki(root):
    return root / "data" / "helsinki"


@pytest.fixture(scope="module")
def demo(helsinki):
    return lifecircle.run_scenario(helsinki / "centroids.toml")


@pytest.fixture(scope="module")
def net(helsinki):
    return lifecircle.Network.from_pbf(helsinki / "helsinki.osm.pbf")


def test_the_core_hands_over_typed_frozen_reports_that_pickle(demo, helsinki):
    run = demo.run
    assert isinstance(run, _core.PlanRun)
    assert (run.objective, run.status, run.gap) == (demo.objective, demo.status, demo.gap)
    (pharmacy,) = run.services
    assert isinstance(pharmacy, _core.ServiceOutcome) and pharmacy.service == "pharmacy"
    assert [s.id for s in pharmacy.new] == demo.sites["id"].tolist()
    assert all(isinstance(s, _core.Site) and s.service == "pharmacy" for s in run.sites)
    assert repr(run).startswith("PlanRun(optimal: objective ")
    with pytest.raises(AttributeError):
        run.objective = 0.0
    again = pickle.loads(pickle.dumps(run))
    assert again.summary == run.summary and again.demand == run.demand
    assert np.array_equal(again.streets, run.streets) and again.geojson == run.geojson
    assert pickle.loads(pickle.dumps(pharmacy)).covered_after == pharmacy.covered_after
    assert pickle.loads(pickle.dumps(run.sites[0])) == run.sites[0]
    gaps = _core.scenario_gaps(helsinki / "centroids.toml")
    assert isinstance(gaps, _core.GapsRun) and pickle.loads(pickle.dumps(gaps)).rows == gaps.rows


def test_a_variant_is_a_typed_outcome_that_pickles(helsinki):
    (name, scenario), *_ = _core.scenario_variants(helsinki / "compare.toml")
    variant = _core.run_variant(name, scenario)
    assert isinstance(variant, _core.VariantRun) and variant.error is None
    again = pickle.loads(pickle.dumps(variant))
    assert again.rows == variant.rows and again.plan.summary == variant.plan.summary
    failed = _core.run_variant("bad", json.dumps({**json.loads(scenario), "population": "nope.csv"}))
    assert failed.plan is None and "nope.csv" in failed.error and failed.rows[0]["status"] == "error"
    assert pickle.loads(pickle.dumps(failed)).error == failed.error


def test_report_tables_are_geodataframes_in_wgs84(demo, tmp_path):
    for frame in (demo.sites, demo.demand, demo.street_lines(), demo.features()):
        assert isinstance(frame, gpd.GeoDataFrame) and frame.crs.to_epsg() == 4326
    assert len(demo.street_lines()) == len(demo.streets)
    assert np.allclose(demo.sites.geometry.x, demo.sites["lon"])
    assert demo.features().to_crs(3067).crs.to_epsg() == 3067
    demo.to_file(tmp_path / "plan.gpkg")
    assert len(gpd.read_file(tmp_path / "plan.gpkg", layer="sites")) == len(demo.sites)


def test_explore_draws_the_plan(demo):
    pytest.importorskip("folium")
    assert demo.explore() is not None


def test_network_outputs_and_coverage_are_geodataframes(net):
    for frame in (net.pois, net.nodes()):
        assert isinstance(frame, gpd.GeoDataFrame) and frame.crs.to_epsg() == 4326
    pharmacies = net.facilities("pharmacy")
    grid = gpd.GeoDataFrame({"population": [10.0, 20.0]}, geometry=net.nodes().geometry.iloc[:2].values, crs=4326)
    table = lifecircle.current_coverage(net, grid.to_crs(3067), pharmacies, 8)
    assert isinstance(table, gpd.GeoDataFrame) and table.crs.to_epsg() == 4326
    assert np.allclose(table.geometry.x, grid.geometry.x)


def test_candidates_and_facilities_follow_the_scenario_rules(net, demo, helsinki):
    # The demo scenario plans on intersections; the report counts its candidates.
    assert len(net.candidates("intersections")) == demo.summary["candidates"]
    assert len(net.candidates("all_nodes")) == net.node_count
    with pytest.raises(lifecircle.InvalidInputError, match="all_nodes"):
        net.candidates("every_fifth")
    # The catalogue's tags, not only amenity=pharmacy: the scenario's existing pharmacies.
    existing = {s["id"] for s in demo.summary["services"][0]["existing"]}
    found = net.facilities("pharmacy")
    assert {f"{'way' if w else 'node'}/{i}" for w, i in zip(found["is_way"], found["osm_id"])} == existing


def test_run_scenario_takes_a_dict_with_frames_and_keeps_the_callers_ids(demo, helsinki, monkeypatch):
    monkeypatch.chdir(helsinki)
    keys = {
        "osm": "helsinki.osm.pbf",
        "population": "population_grid_2020.csv",
        "aging_ratio": 0.1471,
        "under_6_ratio": 0.072,
        "plan": {"new_sites": {"pharmacy": 2}},
    }
    assert lifecircle.run_scenario(keys).summary["objective"] == demo.objective
    people = pd.read_csv("population_grid_2020.csv")
    assert people["id"].dtype == np.int64
    from_frame = lifecircle.run_scenario({**keys, "population": people})
    assert from_frame.objective == demo.objective
    assert from_frame.demand["id"].dtype == np.int64
    joined = from_frame.demand.merge(people, on="id", suffixes=("", "_input"))
    assert len(joined) == len(from_frame.demand) and (joined["population"] == joined["population_input"]).all()
    assert lifecircle.scenario_gaps({**keys, "population": people}).totals.equals(
        lifecircle.scenario_gaps(helsinki / "centroids.toml").totals
    )


def test_snap_reprojects_geometries_in_another_crs_as_its_doc_says(net):
    nodes = net.nodes().iloc[:3]
    snapped = net.snap(nodes.to_crs(3067))
    assert snapped["distance_m"].max() < 0.01
    assert "reprojected" in lifecircle.Network.snap.__doc__


def test_reports_round_residents_for_display_and_keep_them_exact_in_data(demo):
    pharmacy = demo.summary["services"][0]
    assert pharmacy["covered_after"] != round(pharmacy["covered_after"], 1)
    assert f"pharmacy {pharmacy['covered_before']:,.1f} -> {pharmacy['covered_after']:,.1f}" in repr(demo)
    assert repr(demo).startswith("PlanReport(optimal, objective ")
    assert demo.services["covered_after"].iloc[0] == pharmacy["covered_after"]


def test_scenario_access_gives_zone_and_point_indices_that_agree(helsinki):
    r = lifecircle.scenario_access(helsinki / "centroids.toml")
    assert isinstance(r.run, _core.AccessRun) and repr(r.run).startswith("AccessRun(")
    pharmacy = r.points[r.points["service"] == "pharmacy"]
    assert isinstance(pharmacy, gpd.GeoDataFrame) and pharmacy.crs == "EPSG:4326"
    assert len(pharmacy) == r.summary["demand"]["on_network"] == 19
    # 2SFCA hands out each pharmacy's supply (1) in full: 6 pharmacies reach someone.
    assert (pharmacy["residents"] * pharmacy["two_sfca"]).sum() == pytest.approx(6.0, rel=1e-12)
    zones = r.zones[(r.zones["service"] == "pharmacy") & (r.zones["zone"] != "(all)")]
    sums = pharmacy.assign(w=pharmacy["residents"] * pharmacy["gravity"]).groupby("zone")[["w", "residents"]].sum()
    mean = sums["w"] / sums["residents"]
    assert np.allclose(zones.set_index("zone")["gravity"].loc[mean.index], mean, rtol=1e-12)
    assert (r.zones["nearest_n"] == 3).all()
    assert pickle.loads(pickle.dumps(r.run)).zones == r.run.zones
    # The gap report carries the same zone rows, and a threshold overrides the table's.
    gaps = lifecircle.scenario_gaps(helsinki / "centroids.toml")
    assert gaps.access.equals(r.zones)
    assert "access" not in gaps.summary
    strict = lifecircle.scenario_access(helsinki / "centroids.toml", threshold=1.0)
    assert (strict.zones["underserved"] == 1.0).all()


def test_the_access_table_of_a_scenario_dict_is_validated_by_name(helsinki):
    keys = {
        "osm": str(helsinki / "helsinki.osm.pbf"),
        "population": str(helsinki / "population_grid_2020.csv"),
        "aging_ratio": 0.1471,
        "gap_services": ["pharmacy"],
        "access": {"nearest_n": 1, "gravity": {"kind": "linear", "cutoff_s": 300}},
    }
    r = lifecircle.scenario_access(keys)
    assert set(r.zones["service"]) == {"pharmacy"} and (r.zones["nearest_n"] == 1).all()
    bad = {**keys, "access": {"gravity": {"kind": "linear", "cutoff_s": -5}}}
    with pytest.raises(lifecircle.InvalidInputError, match="access.gravity"):
        lifecircle.scenario_access(bad)

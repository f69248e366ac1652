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
    return lifecircle.run_scenario(helsinki / "demo.toml")


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
    gaps = _core.scenario_gaps(helsinki / "demo.toml")
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
        lifecircle.scenario_gaps(helsinki / "demo.toml").totals
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

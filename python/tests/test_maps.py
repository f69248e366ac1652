"""PlanReport.plot and the notebook maps (explore, to_geodataframes) draw what the Rust maps and
the HTML report draw: streets, residents by coverage, existing and new sites, with a legend and a
scale bar."""

import numpy as np
import pandas as pd
import pytest

import lifecircle

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.collections import LineCollection, PathCollection
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar


@pytest.fixture(scope="module")
def demo(root):
    return lifecircle.run_scenario(root / "data" / "helsinki" / "centroids.toml")


def test_streets_are_the_network_edges(demo):
    assert demo.streets.shape == (demo.summary["network"]["edges"], 2, 2)
    lon, lat = demo.streets[..., 0], demo.streets[..., 1]
    assert lon.min() > 24.9 and lon.max() < 25.0 and lat.min() > 60.1 and lat.max() < 60.2


def test_plot_draws_every_demand_point_and_site(demo):
    ax = demo.plot()
    try:
        lines = [c for c in ax.collections if isinstance(c, LineCollection)]
        scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
        assert len(lines) == 1 and len(lines[0].get_segments()) == len(demo.streets)
        # Residents, existing pharmacies, new sites.
        assert [len(s.get_offsets()) for s in scatters] == [len(demo.demand), 6, 2]
        assert len(demo.demand) == 19
        colours = scatters[0].get_facecolors()[:, :3]
        green, blue, red = (matplotlib.colors.to_rgb(c) for c in ("#1a9641", "#2c7bb6", "#d7191c"))
        before = (demo.demand["pharmacy_before"] >= 0.5).to_numpy()
        newly = ~before & (demo.demand["pharmacy_after"] >= 0.5).to_numpy()
        assert np.allclose(colours[before], green) and np.allclose(colours[newly], blue)
        assert np.allclose(colours[~before & ~newly], red)
        assert newly.any() and before.any()
        # Areas follow population: the most populous point has the largest marker.
        sizes = scatters[0].get_sizes()
        assert sizes.argmax() == demo.demand["population"].to_numpy().argmax()
        assert ax.get_title() == "pharmacy: 50.1 % → 98.9 % covered (+2 new sites)"
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert labels == [
            "covered before",
            "newly covered",
            "not covered",
            "existing (6)",
            "new site (2)",
            "circle area ∝ residents",
        ]
        # The scale bar: the longest round length within a quarter of the width, as long as it says.
        (bar,) = [a for a in ax.artists if isinstance(a, AnchoredSizeBar)]
        label = bar.txt_label.get_text()
        assert label == "200 m"
        length = bar.size_bar.get_children()[0].get_width()
        cos_lat = np.cos(np.radians(60.17))
        assert length * 111_195 * cos_lat == pytest.approx(200, rel=0.01)
        x0, x1 = ax.get_xlim()
        assert (x1 - x0) / 4 / 2.5 < length <= (x1 - x0) / 4
        assert "© OpenStreetMap contributors" in [t.get_text() for t in ax.texts]
        # Longitude stretched by 1 / cos(latitude) at Helsinki's 60° N.
        assert ax.get_aspect() == pytest.approx(2.0, rel=0.01)
    finally:
        plt.close(ax.figure)


def test_plot_into_a_given_axes_and_unknown_service(demo):
    fig, axes = plt.subplots(1, 2)
    try:
        assert demo.plot("pharmacy", ax=axes[1]) is axes[1]
        assert not axes[0].collections
        with pytest.raises(ValueError, match="'barber' is not planned"):
            demo.plot("barber")
    finally:
        plt.close(fig)


def test_reach_is_the_rust_maps_class(demo):
    before = demo.demand["pharmacy_before"] >= 0.5
    newly = ~before & (demo.demand["pharmacy_after"] >= 0.5)
    expected = np.where(before, "covered before", np.where(newly, "newly covered", "not covered"))
    assert (demo.demand["pharmacy_reach"].to_numpy() == expected).all()
    assert set(expected) == {"covered before", "newly covered", "not covered"}


def test_to_geodataframes_gives_the_layers_in_wgs84(demo):
    pytest.importorskip("geopandas")
    layers = demo.to_geodataframes()
    assert list(layers) == ["streets", "residents", "existing", "new_sites", "zones", "reached"]
    assert all(str(frame.crs) == "EPSG:4326" for frame in layers.values())
    assert len(layers["streets"]) == demo.summary["network"]["edges"]
    assert set(layers["streets"].geom_type) == {"LineString"}
    assert len(layers["residents"]) == 19
    pharmacy = demo.summary["services"][0]
    assert layers["existing"]["id"].tolist() == [s["id"] for s in pharmacy["existing"]]
    assert layers["new_sites"]["id"].tolist() == [s["id"] for s in pharmacy["new"]]
    assert (layers["existing"].geometry.x == [s["lon"] for s in pharmacy["existing"]]).all()
    # One outline per zone, rated as the plan's zones after.
    after = pd.DataFrame(demo.run.zones_after).set_index("zone")
    zones = layers["zones"].set_index("zone")
    assert set(zones.geom_type) == {"MultiPolygon"} and sorted(zones.index) == sorted(after.index)
    assert (zones["stars"] == after.loc[zones.index, "stars"]).all()
    reached = layers["reached"]
    for r in demo.run.isochrones:
        for which in ("existing", "new"):
            mine = reached[(reached["service"] == r["service"]) & (reached["facilities"] == which)]
            assert len(mine) == len(r[which]) and set(mine.geom_type) <= {"LineString"}


def _groups(m):
    folium = pytest.importorskip("folium")
    return {child.layer_name: child for child in m._children.values() if isinstance(child, folium.FeatureGroup)}


def _lines(group):
    folium = pytest.importorskip("folium")
    return [c for c in group._children.values() if isinstance(c, folium.PolyLine)]


def _markers(group):
    return [c for c in group._children.values() if hasattr(c, "location")]


def test_explore_has_the_report_layers_and_counts(demo):
    folium = pytest.importorskip("folium")
    m = demo.explore()
    assert isinstance(m, folium.Map)
    groups = _groups(m)
    assert list(groups) == [
        "streets",
        "pharmacy: covered before",
        "pharmacy: newly covered",
        "pharmacy: not covered",
        "pharmacy: reached from existing facilities (8 min, adult pace)",
        "pharmacy: reached from new sites (8 min, adult pace)",
        "pharmacy: existing (6)",
        "pharmacy: new sites (2)",
    ]
    # The isochrones' streets, as the HTML report's layer: one line per reached polyline.
    (reach,) = [r for r in demo.run.isochrones if r["service"] == "pharmacy"]
    for which, label in [("existing", "existing facilities"), ("new", "new sites")]:
        lines = _lines(groups[f"pharmacy: reached from {label} (8 min, adult pace)"])
        assert len(lines) == len(reach[which]) > 0
        assert lines[0].locations[0] == [reach[which][0][0][1], reach[which][0][0][0]]
    counts = demo.demand["pharmacy_reach"].value_counts()
    for reach in ["covered before", "newly covered", "not covered"]:
        markers = _markers(groups[f"pharmacy: {reach}"])
        assert len(markers) == counts[reach], reach
    assert sum(len(_markers(groups[f"pharmacy: {r}"])) for r in counts.index) == len(demo.demand)
    # Circle areas follow residents: the most populous point has the 18 px circle.
    circles = [c for r in counts.index for c in _markers(groups[f"pharmacy: {r}"])]
    largest = max(circles, key=lambda c: c.options["radius"])
    top = demo.demand.loc[demo.demand["population"].idxmax()]
    assert largest.options["radius"] == 18.0 and largest.location == [top["lat"], top["lon"]]
    new = _markers(groups["pharmacy: new sites (2)"])
    assert [c.location for c in new] == [[s.lat, s.lon] for s in demo.run.services[0].new]
    assert len(_markers(groups["pharmacy: existing (6)"])) == 6
    # One GeoJSON of every street segment.
    (streets,) = [c for c in groups["streets"]._children.values() if isinstance(c, folium.GeoJson)]
    assert len(streets.data["features"]) == demo.summary["network"]["edges"]
    html = m.get_root().render()
    site = demo.run.services[0].new[0]
    assert f"new pharmacy {site.id}: cost" in html and "residents newly reached" in html
    (tiles,) = [c for c in m._children.values() if isinstance(c, folium.TileLayer)]
    assert tiles.options["attribution"] == "© OpenStreetMap contributors"
    with pytest.raises(ValueError, match="'barber' is not planned"):
        demo.explore("barber")


def test_gaps_explore_groups_residents_by_stars(root):
    folium = pytest.importorskip("folium")
    gaps = lifecircle.scenario_gaps(root / "data" / "helsinki" / "centroids.toml")
    layers = gaps.to_geodataframes()
    assert list(layers) == ["streets", "residents", "zones", "reached"] and len(layers["residents"]) == 19
    m = gaps.explore(tiles=None)
    # The zones as a choropleth of their stars, in the community map's colours, missing categories on hover.
    (choropleth,) = [c for c in m._children.values() if isinstance(c, folium.GeoJson)]
    assert choropleth.layer_name == "zones: stars"
    table = gaps.zones.set_index("zone")
    for feature in choropleth.data["features"]:
        p = feature["properties"]
        assert p["stars"] == table.loc[p["zone"], "stars"] and p["missing"] == ", ".join(
            table.loc[p["zone"], "missing"]
        )
        assert choropleth.style_function(feature)["fillColor"] == lifecircle._maps.ZONE_STARS[p["stars"]]
    assert len(choropleth.data["features"]) == len(table)
    assert isinstance(m, folium.Map)
    groups = _groups(m)
    stars = layers["residents"]["stars"].value_counts()
    reached = [r for r in gaps.run.isochrones if r["existing"]]
    assert len(reached) > 0
    names = [f"{r['service']}: reached from existing facilities" for r in reached]
    zone_groups = [f"zones with {s:g} stars" for s in sorted(stars.index)]
    assert [g.split(" (")[0] for g in groups] == ["streets"] + zone_groups + names
    # Off at first: one service at a time, as the HTML report's service picker shows.
    assert not any(groups[g].show for g in groups if "reached" in g)
    for s, n in stars.items():
        assert len(_markers(groups[f"zones with {s:g} stars"])) == n
    assert "pharmacy " in m.get_root().render() and "nearest:" in m.get_root().render()

"""lifecircle.allocate: zone counts onto the homes inside, from GeoDataFrames.

Shares are checked against floor areas computed here independently (equal-area
projection by pyproj, not the core's geodesic area), and totals per zone
against the input."""

import numpy as np
import pandas as pd
import pytest

gpd = pytest.importorskip("geopandas")
from shapely.geometry import box

import lifecircle
from lifecircle.errors import AmbiguousZoneWarning, InvalidInputError

LON, LAT = 111.0, 35.0  # Yuncheng: inside China, where GCJ-02 shifts


def zones_and_homes(seed: int, n_zones: int = 3, per_zone: int = 6):
    rng = np.random.default_rng(seed)
    zones, homes = [], []
    for z in range(n_zones):
        x0 = LON + 0.01 * z
        zones.append(
            {
                "id": f"z{z}",
                "population": float(rng.integers(100, 5000)),
                "aged_60_plus": None,
                "aging_ratio": 0.15,
                "geometry": box(x0, LAT, x0 + 0.01, LAT + 0.01),
            }
        )
        for k in range(per_zone):
            x, y = x0 + rng.uniform(0.001, 0.008), LAT + rng.uniform(0.001, 0.008)
            side = rng.uniform(0.0001, 0.0004)
            homes.append(
                {
                    "id": f"b{z}-{k}",
                    "building": rng.choice(["apartments", "yes", "house"]),
                    "building:levels": float(rng.integers(1, 12)),
                    "geometry": box(x, y, x + side, y + side),
                }
            )
    return gpd.GeoDataFrame(zones, crs=4326), gpd.GeoDataFrame(homes, crs=4326)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_zone_is_conserved_and_split_by_floor_area(seed):
    zones, homes = zones_and_homes(seed)
    points = lifecircle.allocate(zones, homes)
    assert set(points["rule"]) == {"floor_area"}
    assert points.crs.to_epsg() == 4326
    by_zone = points.groupby("zone")["population"].sum()
    for z in zones.itertuples():
        assert by_zone[z.id] == pytest.approx(z.population, rel=1e-12)
        # The aging ratio fills in the 60+ counts.
        mine = points[points["zone"] == z.id]
        assert mine["aged_60_plus"].sum() == pytest.approx(0.15 * z.population, rel=1e-12)
    # Floor area = footprint area x levels, by an equal-area projection here.
    area = homes.to_crs("+proj=cea +lon_0=111 +units=m").area * homes["building:levels"]
    zone_of = homes["id"].str.split("-").str[0].str.replace("b", "z")
    expected = area / area.groupby(zone_of).transform("sum") * zone_of.map(zones.set_index("id")["population"])
    got = points.set_index("id")["population"].reindex(homes["id"])
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=2e-3)
    assert points.attrs["zones"]["rule"].tolist() == ["floor_area"] * 3


def test_a_projected_frame_is_reprojected_and_input_order_does_not_matter():
    zones, homes = zones_and_homes(4)
    plain = lifecircle.allocate(zones, homes)
    moved = lifecircle.allocate(zones.to_crs(32649), homes.to_crs(32649).iloc[::-1])
    cols = ["id", "zone", "population", "rule"]
    a = plain[cols].sort_values("id").reset_index(drop=True)
    b = moved[cols].sort_values("id").reset_index(drop=True)
    pd.testing.assert_frame_equal(a[["id", "zone", "rule"]], b[["id", "zone", "rule"]])
    np.testing.assert_allclose(a["population"], b["population"], rtol=1e-6)


def test_gcj02_degrees_are_converted_and_a_projected_gcj02_frame_is_refused():
    zones, homes = zones_and_homes(5, n_zones=1, per_zone=2)
    # The same numbers read as GCJ-02 land some 300-700 m away in WGS 84, and
    # the homes stay inside their (equally shifted) zone.
    wgs = lifecircle.allocate(zones, homes)
    gcj = lifecircle.allocate(zones, homes, crs="gcj02")
    assert gcj["population"].sum() == pytest.approx(wgs["population"].sum())
    metres = np.hypot((gcj["lon"] - wgs["lon"]) * 91_000, (gcj["lat"] - wgs["lat"]) * 111_000)
    assert ((metres > 200) & (metres < 1000)).all(), metres
    with pytest.raises(InvalidInputError, match="describes lon/lat degrees"):
        lifecircle.allocate(zones.to_crs(32649), homes, crs="gcj02")
    with pytest.raises(InvalidInputError, match="crs"):
        lifecircle.allocate(zones, homes, crs="mars")


def test_a_zone_without_homes_falls_back_to_its_streets_then_its_centroid():
    net = lifecircle.Network.from_edges(
        pd.DataFrame({"id": [1, 2], "lon": [LON + 0.002, LON + 0.008], "lat": [LAT + 0.005] * 2}),
        pd.DataFrame({"source": [1], "target": [2]}),
    )
    zones = gpd.GeoDataFrame(
        {"id": ["street", "empty"], "population": [100.0, 50.0]},
        geometry=[box(LON, LAT, LON + 0.01, LAT + 0.01), box(LON + 0.02, LAT, LON + 0.03, LAT + 0.01)],
        crs=4326,
    )
    points = lifecircle.allocate(zones, network=net)
    rules = points.groupby("zone")["rule"].first().to_dict()
    assert rules == {"street": "street_length", "empty": "centroid"}
    assert points.groupby("zone")["population"].sum().to_dict() == pytest.approx({"street": 100.0, "empty": 50.0})
    centroid = points[points["zone"] == "empty"]
    assert (centroid["lon"].item(), centroid["lat"].item()) == pytest.approx((LON + 0.025, LAT + 0.005))


def test_bad_zones_are_named_and_ambiguous_homes_warned_of():
    zones, homes = zones_and_homes(6, n_zones=2, per_zone=2)
    no_count = zones.assign(population=[np.nan, 10.0])
    with pytest.raises(InvalidInputError, match="z0.*needs a population"):
        lifecircle.allocate(no_count, homes)
    with pytest.raises(InvalidInputError, match="z1"):
        lifecircle.allocate(zones.assign(id=["z1", "z1"]), homes)
    with pytest.raises(InvalidInputError, match="GeoDataFrame"):
        lifecircle.allocate(pd.DataFrame(zones.drop(columns="geometry")), homes)
    # A home inside z0 and inside a small zone overlapping z0: it goes whole to
    # the lowest id, and the small zone, left without a home, to its centroid.
    edge = gpd.GeoDataFrame(
        {"id": ["edge"], "building": ["house"]},
        geometry=[box(LON + 0.005, LAT + 0.0092, LON + 0.0052, LAT + 0.0094)],
        crs=4326,
    )
    overlap = gpd.GeoDataFrame(
        {"id": ["zz"], "population": [5.0]},
        geometry=[box(LON + 0.004, LAT + 0.009, LON + 0.006, LAT + 0.0099)],
        crs=4326,
    )
    with pytest.warns(AmbiguousZoneWarning, match="edge"):
        points = lifecircle.allocate(pd.concat([zones, overlap]), pd.concat([homes, edge]))
    assert points.attrs["ambiguous"] == ["edge"]
    assert points.set_index("id").loc["edge", "zone"] == "z0"
    assert points.groupby("zone")["rule"].first()["zz"] == "centroid"


def test_the_points_are_demand_for_a_model():
    square = pd.DataFrame({"id": [1, 2, 3, 4], "lon": [LON, LON + 0.01, LON + 0.01, LON]})
    square["lat"] = [LAT, LAT, LAT + 0.01, LAT + 0.01]
    net = lifecircle.Network.from_edges(square, pd.DataFrame({"source": [1, 2, 3, 4], "target": [2, 3, 4, 1]}))
    zones = gpd.GeoDataFrame({"id": ["a"], "population": [100.0]}, geometry=[box(LON, LAT, LON + 0.01, LAT + 0.01)])
    homes = gpd.GeoDataFrame(
        {"id": ["small", "tall"], "building": ["house", "house"], "building:levels": [1, 3]},
        geometry=[
            box(LON + 0.0005, LAT + 0.0005, LON + 0.0007, LAT + 0.0007),
            box(LON + 0.0093, LAT + 0.0093, LON + 0.0095, LAT + 0.0095),
        ],
    )
    points = lifecircle.allocate(zones.set_crs(4326), homes.set_crs(4326))
    sites = gpd.GeoDataFrame(
        {"id": [0, 1]}, geometry=gpd.points_from_xy([LON, LON + 0.01], [LAT, LAT + 0.01]), crs=4326
    )
    model = lifecircle.MCLP.from_geodataframe(
        points, sites, net, weights_col="population", limit_minutes=2, p_facilities=1
    )
    result = model.solve()
    # One site reaches one home within 2 minutes: the one by the tall house.
    tall = points.set_index("id").loc["tall", "population"]
    assert result.objective == pytest.approx(tall) and tall == pytest.approx(75.0, rel=1e-3)

"""Our accessibility indices against PySAL ``access`` (the peer planners use) on
random cost matrices, to 1e-9 relative, and the differences we chose on purpose."""

import math

import numpy as np
import pandas as pd
import pytest

from lifecircle import access as ours

pysal = pytest.importorskip("access")

# PySAL access calls pandas with `inplace=True`, which pandas 3.1 deprecates: the peer's warning, not ours.
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword:Warning")

LIMIT = 900.0
RTOL = 1e-9


def instance(seed, n_demand=60, n_sites=15, density=0.3):
    """A sparse matrix of walks within LIMIT seconds, capacities and demand (>= 1,
    so that every catchment holds someone: PySAL divides by zero otherwise)."""
    rng = np.random.default_rng(seed)
    mask = rng.random((n_sites, n_demand)) < density
    sites, demand = np.nonzero(mask)
    seconds = rng.uniform(0.0, LIMIT, size=sites.size)
    capacity = rng.integers(1, 40, size=n_sites).astype(float)
    people = rng.integers(1, 500, size=n_demand).astype(float)
    return sites.astype(np.int64), demand.astype(np.int64), seconds, capacity, people


def peer(sites, demand, cost, capacity, people):
    """PySAL's Access object on the same pairs; demand ids 0.., supply ids 10000.."""
    demand_df = pd.DataFrame({"geoid": np.arange(people.size), "pop": people})
    supply_df = pd.DataFrame({"geoid": 10000 + np.arange(capacity.size), "cap": capacity})
    cost_df = pd.DataFrame({"origin": demand, "dest": 10000 + sites, "cost": cost})
    return pysal.Access(
        demand_df=demand_df,
        demand_index="geoid",
        demand_value="pop",
        supply_df=supply_df,
        supply_index="geoid",
        supply_value="cap",
        cost_df=cost_df,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )


def same(got, theirs, reached):
    """Equal to 1e-9 relative where PySAL has a value; where it has none (no
    facility in reach, so PySAL leaves the point out) ours is 0 and flagged."""
    theirs = theirs.to_numpy()
    has = ~np.isnan(theirs)
    np.testing.assert_allclose(got[has], theirs[has], rtol=RTOL, atol=0)
    assert np.array_equal(has, reached > 0)
    assert np.all(got[~has] == 0.0)


def dai(cutoff):
    edge = math.exp(-0.5)
    return lambda t: (math.exp(-0.5 * (t / cutoff) ** 2) - edge) / (1 - edge) if t <= cutoff else 0.0


@pytest.fixture(params=range(6), ids=lambda s: f"seed{s}")
def case(request):
    # Sparse first seeds leave demand points that nothing reaches; dense later ones share facilities widely.
    sites, demand, seconds, capacity, people = instance(request.param, density=0.05 + 0.08 * request.param)
    matrix = ours.AccessMatrix(sites, demand, seconds, capacity.size, people.size, LIMIT)
    facilities = np.arange(capacity.size)
    reached = ours.facilities_in_reach(matrix, facilities, people, LIMIT)
    return sites, demand, seconds, capacity, people, matrix, facilities, reached


def test_two_step_fca_equals_pysal(case):
    sites, demand, seconds, capacity, people, matrix, facilities, reached = case
    theirs = peer(sites, demand, seconds, capacity, people).two_stage_fca(max_cost=LIMIT)["2sfca_cap"]
    got = ours.two_step_fca(
        matrix, facilities, people, {"kind": "step", "steps": [{"up_to_s": LIMIT, "weight": 1}]}, capacity
    )
    same(got, theirs, reached)


def test_enhanced_two_step_fca_equals_pysal_with_its_default_steps(case):
    sites, demand, seconds, capacity, people, _, facilities, reached = case
    # PySAL's default steps are 10/20/30 *in the cost's unit*: give it minutes,
    # us the same walks in seconds (the matrix is 0..15 min, so 30 min covers it all).
    theirs = peer(sites, demand, seconds / 60.0, capacity, people).enhanced_two_stage_fca(max_cost=30)["e2sfca_cap"]
    steps = [{"up_to_s": m * 60.0, "weight": w} for m, w in [(10, 1), (20, 0.68), (30, 0.22)]]
    long_matrix = ours.AccessMatrix(sites, demand, seconds, capacity.size, people.size, 1800.0)
    got = ours.two_step_fca(long_matrix, facilities, people, {"kind": "step", "steps": steps}, capacity)
    same(got, theirs, reached)


def test_enhanced_two_step_fca_equals_pysal_with_steps_in_thirds_of_the_limit(case):
    sites, demand, seconds, capacity, people, matrix, facilities, reached = case
    fn = pysal.weights.step_fn({300: 1, 600: 0.68, 900: 0.22})
    theirs = peer(sites, demand, seconds, capacity, people).enhanced_two_stage_fca(max_cost=LIMIT, weight_fn=fn)
    steps = [{"up_to_s": s, "weight": w} for s, w in [(300, 1), (600, 0.68), (900, 0.22)]]
    got = ours.two_step_fca(matrix, facilities, people, {"kind": "step", "steps": steps}, capacity)
    same(got, theirs["e2sfca_cap"], reached)


def test_gaussian_two_step_fca_equals_pysal_with_dais_kernel(case):
    sites, demand, seconds, capacity, people, matrix, facilities, reached = case
    theirs = peer(sites, demand, seconds, capacity, people).two_stage_fca(
        name="g2sfca", max_cost=LIMIT, weight_fn=dai(LIMIT)
    )["g2sfca_cap"]
    got = ours.two_step_fca(matrix, facilities, people, {"kind": "gaussian", "cutoff_s": LIMIT}, capacity)
    # Dai's kernel is 0 at the cutoff: a point whose only walks end exactly there has 0 on both sides.
    same(got, theirs, reached)


@pytest.mark.parametrize(
    "decay, fn",
    [
        ({"kind": "gaussian", "cutoff_s": LIMIT}, dai(LIMIT)),
        (
            {"kind": "step", "steps": [{"up_to_s": 300, "weight": 0.962}, {"up_to_s": 900, "weight": 0.377}]},
            pysal.weights.step_fn({300: 0.962, 900: 0.377}),
        ),
    ],
    ids=["gaussian", "steps"],
)
def test_three_step_fca_equals_pysal(case, decay, fn):
    sites, demand, seconds, capacity, people, matrix, facilities, reached = case
    theirs = peer(sites, demand, seconds, capacity, people).three_stage_fca(max_cost=LIMIT, weight_fn=fn)["3sfca_cap"]
    got = ours.three_step_fca(matrix, facilities, people, decay, capacity)
    same(got, theirs, reached)


@pytest.mark.parametrize(
    "decay, fn",
    [
        ({"kind": "power", "beta": 1.5, "min_s": 60, "cutoff_s": LIMIT}, pysal.weights.gravity(60, -1.5, 60)),
        (
            {"kind": "modified_gaussian", "sensitivity": 300000, "cutoff_s": LIMIT},
            lambda t: math.exp(-t * t / 300000),
        ),
        ({"kind": "exponential", "beta": 0.003, "cutoff_s": LIMIT}, lambda t: math.exp(-0.003 * t)),
    ],
    ids=["power", "modified_gaussian", "exponential"],
)
def test_gravity_equals_pysal_weighted_catchment(case, decay, fn):
    sites, demand, seconds, capacity, people, matrix, facilities, reached = case
    theirs = peer(sites, demand, seconds, capacity, people).weighted_catchment(
        name="gravity", weight_fn=fn, max_cost=LIMIT
    )["gravity_cap"]
    got = ours.gravity_access(matrix, facilities, people, decay, capacity)
    same(got, theirs, reached)


def test_a_catchment_without_demand_adds_nothing_where_pysal_gives_inf():
    # Facility 1 reaches only demand point 1, which has nobody: PySAL's ratio is
    # 3 / 0 = inf and point 1's access inf; ours leaves facility 1 out, which is
    # exactly PySAL's answer without it.
    sites, demand, seconds = np.array([0, 0, 1]), np.array([0, 1, 1]), np.array([60.0, 300.0, 120.0])
    capacity, people = np.array([4.0, 3.0]), np.array([100.0, 0.0, 50.0])
    with np.errstate(divide="ignore"):
        theirs = peer(sites, demand, seconds, capacity, people).two_stage_fca(max_cost=LIMIT)["2sfca_cap"]
    assert math.isinf(theirs[1])
    matrix = ours.AccessMatrix(sites, demand, seconds, 2, 3, LIMIT)
    plain = {"kind": "step", "steps": [{"up_to_s": LIMIT, "weight": 1}]}
    got = ours.two_step_fca(matrix, np.arange(2), people, plain, capacity)
    without = peer(sites[:2], demand[:2], seconds[:2], capacity[:1], people).two_stage_fca(max_cost=LIMIT)["2sfca_cap"]
    np.testing.assert_allclose(got[:2], without.to_numpy()[:2], rtol=RTOL, atol=0)
    assert got[2] == 0.0


def test_bad_input_is_a_typed_error():
    from lifecircle import InvalidInputError

    matrix = ours.AccessMatrix(np.array([0]), np.array([0]), np.array([60.0]), 1, 1, LIMIT)
    one, people = np.array([0]), np.array([10.0])
    with pytest.raises(InvalidInputError, match="capacity 0"):
        ours.cumulative_opportunities(matrix, one, people, LIMIT, np.array([0.0]))
    with pytest.raises(InvalidInputError, match="never reaches 0"):
        ours.gravity_access(matrix, one, people, {"kind": "exponential", "beta": 0.1})
    with pytest.raises(InvalidInputError, match="decay"):
        ours.gravity_access(matrix, one, people, {"kind": "cosine"})
    with pytest.raises(InvalidInputError, match="1200 s is not between 0 and the 900 s"):
        ours.two_step_fca(matrix, one, people, {"kind": "linear", "cutoff_s": 1200})
    with pytest.raises(InvalidInputError, match="pair 0"):
        ours.AccessMatrix(np.array([0]), np.array([3]), np.array([60.0]), 1, 1, LIMIT)
    # No facility: zeros (not NaN), and nothing in reach.
    empty = np.array([], dtype=np.int64)
    assert ours.two_step_fca(matrix, empty, people, {"kind": "gaussian", "cutoff_s": LIMIT}).tolist() == [0.0]
    assert ours.facilities_in_reach(matrix, empty, people, LIMIT).tolist() == [0]
    assert math.isnan(ours.nearest_average(matrix, one, people, 2)[0])
    assert ours.nearest_average(matrix, one, people, 1).tolist() == [60.0]


def helsinki_pharmacies(root):
    """The bundled network, its grid cells (centroids) on the network as the scenario keeps them, and its pharmacies."""
    geopandas = pytest.importorskip("geopandas")
    shapely = pytest.importorskip("shapely")
    import lifecircle

    net = lifecircle.Network.from_pbf(root / "data" / "helsinki" / "helsinki.osm.pbf")
    grid = pd.read_csv(root / "data" / "helsinki" / "population_grid_2020.csv")
    cells = geopandas.GeoDataFrame(grid[["id", "population"]], geometry=shapely.from_wkt(grid["wkt"]), crs=4326)
    cells = cells.iloc[lifecircle.demand_points(net, cells, population_col="population").inside]
    pharmacies = net.pois[net.pois.tags.map(lambda t: t.get("amenity") == "pharmacy")].reset_index(drop=True)
    return net, cells, pharmacies


def walks(net, cells, pharmacies, speed_m_s, limit_s):
    import lifecircle

    d, s, minutes = lifecircle.travel_times(net, cells, pharmacies, speed_m_s=speed_m_s, limit_minutes=limit_s / 60)
    return s.astype(np.int64), d.astype(np.int64), np.minimum(minutes * 60.0, limit_s)


def test_indices_equal_pysal_on_the_helsinki_walking_network(root):
    net, cells, pharmacies = helsinki_pharmacies(root)
    sites, demand, seconds = walks(net, cells, pharmacies, 1.1, LIMIT)
    people = cells["population"].to_numpy(dtype=float)
    capacity = np.arange(1.0, len(pharmacies) + 1)
    assert len(pharmacies) == 6 and sites.size > len(cells)
    matrix = ours.AccessMatrix(sites, demand, seconds, len(pharmacies), len(cells), LIMIT)
    facilities = np.arange(len(pharmacies))
    reached = ours.facilities_in_reach(matrix, facilities, people, LIMIT)
    them = peer(sites, demand, seconds, capacity, people)
    step = {"kind": "step", "steps": [{"up_to_s": LIMIT, "weight": 1}]}
    same(
        ours.two_step_fca(matrix, facilities, people, step, capacity),
        them.two_stage_fca(max_cost=LIMIT)["2sfca_cap"],
        reached,
    )
    gauss = {"kind": "gaussian", "cutoff_s": LIMIT}
    theirs = them.three_stage_fca(max_cost=LIMIT, weight_fn=dai(LIMIT))["3sfca_cap"]
    same(ours.three_step_fca(matrix, facilities, people, gauss, capacity), theirs, reached)
    grav = {"kind": "exponential", "beta": 0.003, "cutoff_s": LIMIT}
    theirs = them.weighted_catchment(name="g", max_cost=LIMIT, weight_fn=lambda t: math.exp(-0.003 * t))["g_cap"]
    same(ours.gravity_access(matrix, facilities, people, grav, capacity), theirs, reached)


def test_the_elderly_pace_is_the_only_difference_from_pysal_in_a_scenario(root):
    """`lifecircle access` (the demo scenario, pharmacies within 8 minutes) counts each grid cell as two
    demand rows: its 60+ walking at 0.9 m/s and the others at 1.1 m/s. PySAL on exactly those two rows
    gives each cell's 2SFCA as their resident-weighted mean; on one row per cell at the adult pace, it
    does not (the difference is the pace, nothing else)."""
    import lifecircle

    net, cells, pharmacies = helsinki_pharmacies(root)
    limit = 8 * 60.0
    aged = 0.1471
    report = lifecircle.scenario_access(root / "data" / "helsinki" / "centroids.toml").points
    got = report[report["service"] == "pharmacy"].set_index("zone")["two_sfca"]
    people = cells["population"].to_numpy(dtype=float)
    n = len(cells)
    old = walks(net, cells, pharmacies, 0.9, limit)
    rest = walks(net, cells, pharmacies, 1.1, limit)
    # Rows 0..n-1: the 60+ of each cell; n..2n-1: the others.
    sites = np.concatenate([old[0], rest[0]])
    rows = np.concatenate([old[1], rest[1] + n])
    seconds = np.concatenate([old[2], rest[2]])
    weight = np.concatenate([people * aged, people * (1 - aged)])
    theirs = peer(sites, rows, seconds, np.ones(len(pharmacies)), weight).two_stage_fca(max_cost=limit)["2sfca_cap"]
    a = theirs.reindex(np.arange(2 * n)).fillna(0.0).to_numpy()
    mean = (weight[:n] * a[:n] + weight[n:] * a[n:]) / (weight[:n] + weight[n:])
    ids = cells["id"].astype(str).to_numpy()
    np.testing.assert_allclose(got.loc[ids].to_numpy(), mean, rtol=RTOL, atol=1e-15)
    one_pace = peer(rest[0], rest[1], rest[2], np.ones(len(pharmacies)), people).two_stage_fca(max_cost=limit)
    single = one_pace["2sfca_cap"].reindex(np.arange(n)).fillna(0.0).to_numpy()
    assert not np.allclose(got.loc[ids].to_numpy(), single, rtol=1e-6)

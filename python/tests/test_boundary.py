"""The typed Python boundary (issues 13 and 18): frozen results, the rules
computed once in Rust (on-network, assignments, paces and age groups), spopt's
p_facilities, JointPlan on plain data, the README's recipe, and stubs that
cannot go stale."""

import ast
import inspect
import json
import pickle
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import lifecircle
from lifecircle import _core

geopandas = pytest.importorskip("geopandas")
shapely = pytest.importorskip("shapely")


def readme_recipe() -> str:
    """The network half of the README's Python recipe, as a reader copies it."""
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    start = text.index('net = lifecircle.Network.from_pbf("data/helsinki/helsinki.osm.pbf")')
    end = text.index("plan.to_geojson()\n", start) + len("plan.to_geojson()\n")
    return text[start:end]


def cli_run(cli, *args):
    out = subprocess.run([str(cli), *map(str, args), "--json"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def scenario(tmp_path, root, plan: str = "", **keys) -> str:
    """A scenario on the bundled Helsinki data, every node a candidate (as the README's recipe takes them)."""
    data = root / "data" / "helsinki"
    lines = [f'osm = "{data / "helsinki.osm.pbf"}"', f'population = "{data / "population_grid_2020.csv"}"']
    lines += [f"{k} = {json.dumps(v)}" for k, v in keys.items()]
    if plan:
        lines += ["[plan]", f"new_sites = {{ {plan} }}", 'candidates = "all_nodes"']
    path = tmp_path / "scenario.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def helsinki(root):
    net = lifecircle.Network.from_pbf(root / "data" / "helsinki" / "helsinki.osm.pbf")
    grid = pd.read_csv(root / "data" / "helsinki" / "population_grid_2020.csv")
    cells = geopandas.GeoDataFrame(grid, geometry=shapely.from_wkt(grid["wkt"]), crs=4326)
    pharmacies = net.pois[net.pois["tags"].map(lambda t: t.get("amenity") == "pharmacy")]
    sites = pd.concat([pharmacies.assign(existing=True), net.nodes().assign(existing=False)], ignore_index=True)
    return net, cells, pharmacies, sites[["lon", "lat", "existing"]]


def test_solutions_are_typed_frozen_and_pickle():
    x = np.array([0.0, 1.0, 10.0, 11.0])
    s = lifecircle.solve_p_median(abs(x[:, None] - x), np.ones(4), 2)
    assert isinstance(s, lifecircle.Solution) and isinstance(s.timings, _core.Timings)
    assert (len(s.sites), s.objective, s.bound, s.gap, s.status) == (2, 2.0, 2.0, 0.0, "optimal")
    assert s.presolve.sites_before == 4 and s.timings.total >= 0
    assert repr(s).startswith(f"Solution(2 sites {s.sites}, objective 2")
    with pytest.raises(AttributeError):
        s.objective = 3.0
    assert pickle.loads(pickle.dumps(s)) == s
    r = lifecircle.PMedian.from_cost_matrix(abs(x[:, None] - x), p_facilities=2).solve()
    assert r.solution.objective == r.objective == s.objective and r.selected.tolist() == r.solution.sites
    assert isinstance(r.timings, _core.Timings) and isinstance(r.presolve, _core.PresolveStats)


def test_assignments_are_the_rust_rules():
    cost = np.array([[1.0, 1.0, 5.0], [4.0, 2.0, 9.0], [9.0, 9.0, 0.5]])
    # Nearest open site, the lowest index on a tie; beyond reach, cost NaN at the site the objective charges.
    d, s, c = _core.assign_nearest(cost, [0, 1])
    assert (d.tolist(), s.tolist(), c.tolist()) == ([0, 1, 2], [0, 1, 0], [1.0, 2.0, 9.0])
    # On sparse walking times (pairs (0, 1) and (1, 1) in reach): point 2 reaches no open site, so it is not
    # served (cost NaN) and charged the unreachable cost at the lowest-indexed open site.
    d, s, c = _core.assign_on_times(np.array([0, 1]), np.array([1, 1]), [1.0, 2.0], 3, 3, [1, 0])
    assert d.tolist() == [0, 1, 2] and s.tolist() == [1, 1, 0] and c[:2].tolist() == [1.0, 2.0] and np.isnan(c[2])
    # Every open site covering a point, by demand then site.
    indptr, indices = np.array([0, 2, 3], dtype=np.int64), np.array([1, 0, 1], dtype=np.int64)
    d, s, c = _core.assign_covering(2, indptr, indices, np.array([0.5, 0.25, 0.75]), [0, 1])
    assert (d.tolist(), s.tolist(), c.tolist()) == ([0, 1, 1], [0, 0, 1], [0.25, 0.5, 0.75])


def test_models_from_frames_leave_out_what_the_cli_leaves_out(helsinki, root, cli, tmp_path):
    net, cells, _pharmacies, sites = helsinki
    rust = cli_run(cli, "gaps", scenario(tmp_path, root, gap_services=["pharmacy"]))["demand"]
    points = lifecircle.demand_points(net, cells, population_col="population")
    assert len(points.outside) == rust["outside"] and len(points.inside) == rust["on_network"]
    assert cells["population"].to_numpy()[points.outside].sum() == rust["residents_outside"]
    model = lifecircle.MCLP.from_geodataframe(
        cells, sites, net, weights_col="population", limit_minutes=8, new_facilities=2, fixed_col="existing"
    )
    result = model.solve()
    assert result.left_out.tolist() == cells.index[points.outside].tolist() == model.left_out.tolist()
    # Only residents on the network count (the recipe counted 24,737 of 5,374).
    assert result.objective <= rust["residents"]
    assert all(len(result.cli2fac[i]) == 0 for i in points.outside)


def test_a_point_a_rounding_error_outside_the_streets_is_on_them_for_python_and_the_cli(tmp_path, cli):
    # A street along a parallel: its extent has no height, so a point reprojected from metres misses it.
    (tmp_path / "nodes.csv").write_text("id,lon,lat\n1,24.0,60.0\n2,24.002,60.0\n")
    (tmp_path / "edges.csv").write_text("source,target\n1,2\n")
    (tmp_path / "people.csv").write_text("id,population,lon,lat\na,10,24.001,60.00000001\nb,5,24.001,60.001\n")
    (tmp_path / "s.toml").write_text(
        'network = { nodes = "nodes.csv", edges = "edges.csv" }\npopulation = "people.csv"\n'
        'gap_services = ["pharmacy"]\n'
    )
    rust = cli_run(cli, "gaps", tmp_path / "s.toml")["demand"]
    net = lifecircle.Network.from_edges(pd.read_csv(tmp_path / "nodes.csv"), pd.read_csv(tmp_path / "edges.csv"))
    points = lifecircle.demand_points(net, pd.read_csv(tmp_path / "people.csv", index_col="id"))
    assert (rust["on_network"], rust["outside"]) == (1, 1)
    assert points.inside.tolist() == [0] and points.outside.tolist() == [1]


def test_the_readme_recipe_gives_the_clis_plan(root, cli, tmp_path, monkeypatch):
    monkeypatch.chdir(root)
    namespace = {"gpd": geopandas, "np": np, "pd": pd, "shapely": shapely, "lifecircle": lifecircle}
    exec(readme_recipe(), namespace)  # noqa: S102 -- the README's own text, run as a reader would
    plan, table = namespace["plan"], namespace["table"]
    rust = cli_run(cli, "plan", scenario(tmp_path, root, "pharmacy = 2", aging_ratio=0.1471, gap_services=["pharmacy"]))
    assert plan.objective == rust["objective"] and plan.status == rust["status"] == "optimal"
    assert lifecircle.coverage_summary(table)["covered"] == rust["covered_before"]
    assert len(plan.left_out) == rust["demand"]["outside"]
    assert len(namespace["plan"].to_geojson()["features"]) == 6 + 2


def test_pharmacies_at_8_minutes_with_the_60plus_pace_equal_the_cli(helsinki, root, cli):
    net, cells, pharmacies, _sites = helsinki
    rust = cli_run(cli, "gaps", root / "data" / "helsinki" / "centroids.toml")
    row = next(r for r in rust["gaps"]["totals"] if r["category"] == "pharmacy")
    ages = {"aging_ratio": 0.1471, "under_6_ratio": 0.072}
    summary = lifecircle.coverage_summary(lifecircle.current_coverage(net, cells, pharmacies, 8, **ages))
    assert (summary["residents"], summary["covered"]) == (row["residents"], row["covered"]) == (5374.0, 2691.6114)
    assert (summary["residents_60_plus"], summary["covered_60_plus"]) == (
        row["residents_60plus"],
        row["covered_60plus"],
    )
    assert summary["served_share"] == row["share"]
    # One pace for everyone (the old default) says more: the 60+ pace is what the CLI counts.
    assert (
        lifecircle.coverage_summary(lifecircle.current_coverage(net, cells, pharmacies, 8))["covered"] > row["covered"]
    )


def test_a_model_with_ages_and_paces_equals_the_clis_plan(helsinki, root, cli, tmp_path):
    net, cells, _pharmacies, sites = helsinki
    rust = cli_run(cli, "plan", scenario(tmp_path, root, "pharmacy = 3", aging_ratio=0.1471, gap_services=["pharmacy"]))
    model = lifecircle.MCLP.from_geodataframe(
        cells,
        sites,
        net,
        weights_col="population",
        limit_minutes=8,
        new_facilities=3,
        fixed_col="existing",
        aging_ratio=0.1471,
    )
    result = model.solve()
    assert result.objective == rust["objective"] == 5366.4993
    rows = result.assignments
    assert set(rows["group"]) == {"aged_60_plus", "others"}
    # The 60+ of a point walk at 0.9 m/s: never covered where the others are not.
    assert (rows["cost"][rows["group"] == "aged_60_plus"] <= 8).all()
    # An age group the data lack is an error naming the point, not a silent zero.
    with pytest.raises(lifecircle.InvalidInputError, match="no aged_60_plus count"):
        lifecircle.MCLP.from_geodataframe(
            cells, sites, net, weights_col="population", new_facilities=1, serves="aged_60_plus"
        )


def test_p_facilities_counts_the_fixed_sites_as_spopt_does():
    rng = np.random.default_rng(3)
    cost = rng.uniform(1, 100, (40, 20))
    fixed = list(range(6))
    for model, options in ((lifecircle.PMedian, {}), (lifecircle.MCLP, {"service_radius": 30})):
        # spopt: p_facilities=9 with 6 predefined sites opens 9 in all.
        opened = model.from_cost_matrix(cost, p_facilities=9, fixed=fixed, **options).solve().selected
        assert len(opened) == 9 and set(fixed) <= set(opened.tolist())
        assert len(model.from_cost_matrix(cost, new_facilities=3, fixed=fixed, **options).solve().selected) == 9
        with pytest.raises(lifecircle.InvalidInputError, match="new_facilities=2"):
            model.from_cost_matrix(cost, p_facilities=2, fixed=fixed, **options)
        with pytest.raises(lifecircle.InvalidInputError, match="not both"):
            model.from_cost_matrix(cost, p_facilities=9, new_facilities=3, fixed=fixed, **options)


def test_a_joint_plan_on_plain_data():
    def csr(sets):
        indptr = np.cumsum([0] + [len(s) for s in sets]).astype(np.int64)
        return indptr, np.array([i for s in sets for i in s], dtype=np.int64)

    # The Rust example: four sites, a budget of one, site 2 hosts both services (8 + 7).
    canteen = lifecircle.JointService("elderly_canteen", 3, *csr([[0, 1], [], [2], [0]]), [5.0, 5.0, 8.0])
    health = lifecircle.JointService("health_station", 3, *csr([[], [0, 1], [2], [0]]), [6.0, 6.0, 7.0])
    plan = lifecircle.JointPlan(4, [canteen, health], budget=1.0)
    sol = plan.solve()
    assert isinstance(sol, lifecircle.JointSolution)
    assert (sol.sites_opened, sol.objective, sol.status) == ([2], 15.0, "optimal")
    assert sol.service("health_station").new_sites == [2] and sol.services[0].served == [0.0, 0.0, 1.0]
    assert pickle.loads(pickle.dumps(sol)) == sol and "elderly_canteen [2]" in repr(sol)
    with pytest.raises(lifecircle.InvalidInputError, match="objective"):
        lifecircle.JointPlan(4, [canteen], objective="most")


def test_the_analysts_study_from_python_equals_the_cli(helsinki, root, cli, tmp_path):
    net, cells, _pharmacies, sites = helsinki
    plan_toml = scenario(
        tmp_path, root, "pharmacy = 3, elderly_canteen = 1", aging_ratio=0.1471, gap_services=["pharmacy"]
    )
    rust = cli_run(cli, "plan", plan_toml)
    ages = {"weights_col": "population", "aging_ratio": 0.1471}
    pharmacy = lifecircle.MCLP.from_geodataframe(
        cells, sites, net, limit_minutes=8, new_facilities=3, fixed_col="existing", **ages
    )
    canteen = lifecircle.MCLP.from_geodataframe(
        cells, sites, net, limit_minutes=10, new_facilities=1, serves="aged_60_plus", **ages
    )
    new = ~sites["existing"].to_numpy()
    joint = lifecircle.JointPlan(
        len(sites), [pharmacy.joint_service("pharmacy", new), canteen.joint_service("elderly_canteen", new)]
    ).solve()
    assert joint.objective == rust["objective"] == 5797.7965
    by_service = {s["service"]: s for s in rust["services"]}
    for s in joint.services:
        assert s.covered == pytest.approx(by_service[s.name]["covered_after"], rel=1e-12)


def _stub():
    tree = ast.parse((__import__("pathlib").Path(_core.__file__).parent / "_core.pyi").read_text())
    return {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def _stub_params(fn: ast.FunctionDef) -> list:
    args = fn.args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    params = [(a.arg, d is not None) for a, d in zip(positional, defaults)]
    params += [(a.arg, d is not None) for a, d in zip(args.kwonlyargs, args.kw_defaults)]
    return [p for p in params if p[0] not in ("self", "cls")]


def _real_params(obj) -> list:
    sig = inspect.signature(obj)
    return [(p.name, p.default is not inspect.Parameter.empty) for p in sig.parameters.values() if p.name != "self"]


def test_the_stub_names_every_function_class_and_signature_of_the_module():
    stub = _stub()
    public = {n for n in dir(_core) if not n.startswith("_")}
    assert set(stub) == public, set(stub) ^ public
    for name, node in stub.items():
        obj = getattr(_core, name)
        if isinstance(node, ast.FunctionDef):
            assert _stub_params(node) == _real_params(obj), name
            continue
        members = {m.name: m for m in node.body if isinstance(m, ast.FunctionDef)}
        real = {m for m in dir(obj) if not m.startswith("__")} | ({"__init__"} if "__init__" in members else set())
        stubbed = set(members) - {"__len__"}
        assert stubbed == real - {"__len__"}, (name, stubbed ^ real)
        for member, fn in members.items():
            target = obj if member == "__init__" else getattr(obj, member)
            if isinstance(target, property) or type(target).__name__ == "getset_descriptor":
                assert any(isinstance(d, ast.Name) and d.id == "property" for d in fn.decorator_list), (name, member)
                continue
            if member == "__len__":
                continue
            assert _stub_params(fn) == _real_params(target), (name, member)

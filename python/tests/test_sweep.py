"""Scenario sweeps: serial and on a Dask LocalCluster of two worker processes give the same results."""

import pytest

import lifecircle


def test_serial_sweep_matches_the_cli_table(root):
    seen = []
    result = lifecircle.sweep(root / "data" / "helsinki" / "compare.toml", progress=lambda d, t, n: seen.append((d, t)))
    assert seen[-1] == (6, 6)
    assert len(result.reports) == 6 and len(result.rows) == 12
    assert set(result.rows["status"]) == {"optimal"}
    first = next(iter(result.reports.values()))
    assert isinstance(first, lifecircle.PlanReport) and not result.errors
    assert set(first.services["service"]) == {"elderly_canteen", "health_station"}


def test_a_variant_name_given_twice_is_refused(root):
    path = root / "data" / "helsinki" / "compare.toml"
    with pytest.raises(lifecircle.InvalidInputError, match="two variants are named"):
        lifecircle.sweep([path, path])


def test_failed_variant_is_a_row_and_bad_file_raises(tmp_path, root):
    data = root / "data" / "helsinki"
    path = tmp_path / "s.toml"
    path.write_text(
        f'osm = "{data / "helsinki.osm.pbf"}"\npopulation = "{data / "population_grid_2020.csv"}"\n'
        "aging_ratio = 0.1471\nunder_6_ratio = 0.072\n"
        '[plan]\nnew_sites = { pharmacy = 1 }\n[[variant]]\nname = "ok"\n'
        '[[variant]]\nname = "broke"\nplan = { budget = 0.5 }\n'
    )
    result = lifecircle.sweep(path)
    assert result.rows.set_index("variant").loc["broke", "status"] == "error"
    assert "budget" in result.errors["broke"] and list(result.reports) == ["ok"]
    with pytest.raises(lifecircle.DataFileError):
        lifecircle.sweep(tmp_path / "missing.toml")


def test_dask_local_cluster_gives_the_serial_results(root):
    distributed = pytest.importorskip("distributed")
    path = root / "data" / "helsinki" / "compare.toml"
    serial = lifecircle.sweep(path)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        parallel = lifecircle.sweep(path, client=client)
    assert list(parallel.reports) == list(serial.reports)
    keep = ["variant", "service", "status", "cost", "new_sites", "newly_covered", "share_after", "p90_after"]
    assert parallel.rows[keep].equals(serial.rows[keep])
    for name, report in serial.reports.items():
        other = parallel.reports[name]
        assert (other.objective, other.summary["bound"], other.summary["cost"]) == (
            report.objective,
            report.summary["bound"],
            report.summary["cost"],
        )
        assert other.sites.equals(report.sites)


def test_a_sweep_warns_of_services_its_reports_leave_out(tmp_path, root):
    data = root / "data" / "helsinki"
    path = tmp_path / "s.toml"
    # No age data: the gap tables leave the services of the 60+ and under-6s out, and say so.
    path.write_text(
        f'osm = "{data / "helsinki.osm.pbf"}"\npopulation = "{data / "population_grid_2020.csv"}"\n'
        "[plan]\nnew_sites = { pharmacy = 1 }\n"
    )
    with pytest.warns(lifecircle.SkippedServiceWarning) as caught:
        result = lifecircle.sweep(path)
    assert {str(w.message) for w in caught} == set(result.reports["base"].summary["skipped"])


def test_variants_beyond_the_cap_are_refused_before_any_is_built(tmp_path, root):
    data = root / "data" / "helsinki"
    head = (
        f'osm = "{data / "helsinki.osm.pbf"}"\npopulation = "{data / "population_grid_2020.csv"}"\n'
        "aging_ratio = 0.1471\nunder_6_ratio = 0.072\n[plan]\nnew_sites = { pharmacy = 1 }\n[grid]\n"
    )
    huge = tmp_path / "huge.toml"
    # 8 keys x 10 values: 10^8 variants, which used to abort the interpreter.
    huge.write_text(head + "".join(f'"plan.capacity.k{k}" = [{", ".join(map(str, range(1, 11)))}]\n' for k in range(8)))
    with pytest.raises(lifecircle.InvalidInputError, match="100000000 variants"):
        lifecircle.sweep(huge)
    three = tmp_path / "three.toml"
    three.write_text(head + '"plan.time_limit_s" = [10.0, 20.0, 30.0]\n')
    with pytest.raises(lifecircle.InvalidInputError, match="exceed the limit of 2"):
        lifecircle.sweep(three, max_variants=2)
    assert len(lifecircle.sweep(three, max_variants=3).reports) == 3

"""The example notebook runs headless from raw data to the two maps, so it never rots."""

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("geopandas")
pytest.importorskip("matplotlib")
pytest.importorskip("folium")


def test_helsinki_notebook_runs_and_draws_the_maps(root, tmp_path, monkeypatch):
    monkeypatch.setenv("LIFECIRCLE_DATA", str(root / "data" / "helsinki"))
    monkeypatch.setenv("LIFECIRCLE_OUT", str(tmp_path))
    nb = nbformat.read(root / "examples" / "helsinki.ipynb", as_version=4)
    nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    for name in ["helsinki_coverage_before.png", "helsinki_coverage_after.png"]:
        png = tmp_path / name
        assert png.exists() and png.stat().st_size > 20_000, name
    # The scenario's maps: folium pages with the layers, the matplotlib picture.
    plan_map = (tmp_path / "helsinki_plan_map.html").read_text()
    for layer in ["pharmacy: covered before", "pharmacy: newly covered", "pharmacy: new sites (2)", "streets"]:
        assert layer in plan_map, layer
    assert "zones with" in (tmp_path / "helsinki_gaps_map.html").read_text()
    assert (tmp_path / "helsinki_plan_plot.png").stat().st_size > 20_000
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "optimal" in printed
    # The scenario (demo.toml) splits the grid onto the extract's homes: 241 points in 22 zones.
    assert "'residents': 241" in printed and "'new_sites': 2" in printed and "'zones': 22" in printed

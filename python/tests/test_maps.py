"""PlanReport.plot draws what the Rust maps draw: streets, residents by coverage, existing and new sites."""

import numpy as np
import pytest

import lifecircle

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.collections import LineCollection, PathCollection


@pytest.fixture(scope="module")
def demo(root):
    return lifecircle.run_scenario(root / "data" / "helsinki" / "demo.toml")


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
        assert labels == ["covered before", "newly covered", "not covered", "existing (6)", "new site (2)"]
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

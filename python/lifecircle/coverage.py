"""Current coverage and gaps (查缺补漏): who reaches an existing facility on
foot within the limit, and who is left out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _core
from .errors import InvalidInputError
from .network import Network, as_floats, lon_lat, plain, travel_times


def current_coverage(
    network: Network,
    demand,
    facilities,
    limit_minutes: float,
    *,
    speed_m_s: float = 1.1,
    population_col: str = "population",
    max_snap_m: float = 200.0,
) -> pd.DataFrame:
    """One row per demand point: its residents, ``snap_m`` (metres to the
    nearest node of the walking network), ``on_network``, the walking minutes
    to the nearest facility (NaN beyond the limit or off the network) and
    whether it is covered.

    ``demand`` and ``facilities`` are (Geo)DataFrames with geometries or
    ``lon``/``lat`` columns; ``demand`` has a population column. A point is on
    the network, as the command line decides, when it lies inside the
    network's extent (the bounding box of its nodes, give or take a centimetre
    for points reprojected from metres) and within ``max_snap_m`` of a node
    (200 m, the command line's default); a point off it (a grid cell
    in a lake, beyond the mapped streets) is not covered: the walk to the
    street would otherwise count as walking.
    """
    if not isinstance(demand, pd.DataFrame):
        raise InvalidInputError(
            f"demand must be a (Geo)DataFrame with a {population_col!r} column, got {type(demand).__name__}"
        )
    if population_col not in demand.columns:
        raise InvalidInputError(f"demand has no {population_col!r} column; have {list(demand.columns)}")
    if not _core.real_number(max_snap_m, "max_snap_m") > 0:
        raise InvalidInputError(f"max_snap_m must be a number > 0, got {max_snap_m}")
    population = as_floats(demand[population_col], f"column {population_col!r}")
    bad = np.flatnonzero(~np.isfinite(population) | (population < 0))
    if bad.size:
        raise InvalidInputError(
            f"demand row {plain(demand.index[bad[0]])!r}: population must be finite and >= 0, got {population[bad[0]]}"
        )
    nearest = np.full(len(demand), np.nan)
    if len(facilities):
        d, _, minutes = travel_times(network, demand, facilities, speed_m_s=speed_m_s, limit_minutes=limit_minutes)
        order = np.argsort(minutes)[::-1]
        nearest[d[order]] = minutes[order]  # the smallest time per point is written last
    snap_m = network.snap(demand)["distance_m"].to_numpy()
    lon, lat = lon_lat(demand)
    nodes = network.nodes()
    # A centimetre of slack: a point reprojected from metres may land a rounding error outside.
    slack = 1e-7
    inside = (lon >= nodes["lon"].min() - slack) & (lon <= nodes["lon"].max() + slack)
    inside &= (lat >= nodes["lat"].min() - slack) & (lat <= nodes["lat"].max() + slack)
    on_network = inside & (snap_m <= max_snap_m)
    nearest[~on_network] = np.nan
    return pd.DataFrame(
        {
            "population": population,
            "snap_m": snap_m,
            "on_network": on_network,
            "nearest_minutes": nearest,
            "covered": ~np.isnan(nearest),
        },
        index=demand.index,
    )


def coverage_summary(table: pd.DataFrame) -> dict:
    """Residents on the network, covered, share and left out from a
    :func:`current_coverage` table; residents off the network apart, as the
    command line reports them (not planned for)."""
    on = table["on_network"]
    residents = float(table.loc[on, "population"].sum())
    covered = float(table.loc[table["covered"], "population"].sum())
    return {
        "residents": residents,
        "covered": covered,
        "share": covered / residents if residents else 0.0,
        "left_out": residents - covered,
        "uncovered_points": int((on & ~table["covered"] & (table["population"] > 0)).sum()),
        "residents_off_network": float(table.loc[~on, "population"].sum()),
    }


__all__ = ["coverage_summary", "current_coverage"]

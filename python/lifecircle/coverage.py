"""Current coverage and gaps (查缺补漏): who reaches an existing facility on
foot within the limit, and who is left out."""

from __future__ import annotations

import operator
from functools import reduce

import numpy as np
import pandas as pd

from . import _core, _geo
from .demand import _speeds, demand_points
from .errors import InvalidInputError
from .network import lon_lat


def current_coverage(
    network,
    demand,
    facilities,
    limit_minutes: float,
    *,
    speed_m_s: float = 1.1,
    population_col: str = "population",
    max_snap_m: float = 200.0,
    elderly_speed_m_s: float | None = None,
    age_columns: dict | None = None,
    aging_ratio: float | None = None,
    under_6_ratio: float | None = None,
    serves=None,
) -> pd.DataFrame:
    """One row per demand point: its residents (``population``), ``snap_m``
    (metres to the nearest node of the walking network), ``on_network``, the
    walking minutes to the nearest facility at ``speed_m_s`` (NaN beyond the
    limit or off the network), ``covered`` (everyone the service serves there
    is within the limit), ``covered_residents`` (residents within the limit,
    those aged 60+ at their own pace), ``aged_60_plus`` and ``covered_60_plus``
    (NaN when ages are unknown), ``served`` (the weight the service gives the
    point's residents) and ``served_covered``; with geopandas installed, a
    GeoDataFrame with each point's location in EPSG:4326 (polygons by their
    centroid), indexed as ``demand``.

    ``demand`` and ``facilities`` are (Geo)DataFrames with geometries or
    ``lon``/``lat`` columns; ``demand`` has a population column. Every rule is
    the command line's, computed by the same Rust code as a scenario's gap
    table (:class:`lifecircle._core.DemandPoints`): a point is on the network
    when it lies inside the network's extent (give or take a centimetre) and
    within ``max_snap_m`` of a node (200 m, the command line's default); a
    point off it (a grid cell in a lake, beyond the mapped streets) is not
    covered. Ages come from ``age_columns`` (``{"aged_60_plus": col,
    "under_6": col}``) or ``aging_ratio`` / ``under_6_ratio`` (the scenario's
    keys); the 60+ walk at ``elderly_speed_m_s`` (default 0.9 m/s, the
    scenario's; without ages everyone walks at ``speed_m_s``). ``serves``
    weighs the groups as a catalogue service does (``"everyone"``,
    ``"aged_60_plus"``, ``"under_6"`` or a dict of weights).
    """
    if not isinstance(demand, pd.DataFrame):
        raise InvalidInputError(
            f"demand must be a (Geo)DataFrame with a {population_col!r} column, got {type(demand).__name__}"
        )
    if population_col not in demand.columns:
        raise InvalidInputError(f"demand has no {population_col!r} column; have {list(demand.columns)}")
    points = demand_points(
        network,
        demand,
        population_col=population_col,
        age_columns=age_columns,
        aging_ratio=aging_ratio,
        under_6_ratio=under_6_ratio,
        max_snap_m=max_snap_m,
    )
    adult, elderly = _speeds(speed_m_s, elderly_speed_m_s)
    limit = _core.real_number(limit_minutes, "limit_minutes")
    # Checked here so that the message speaks in minutes, as the caller does.
    if not limit >= 0:
        raise InvalidInputError(f"limit_minutes must be a number >= 0, got {limit_minutes}")
    flon, flat = lon_lat(facilities) if len(facilities) else (np.empty(0), np.empty(0))
    c = points.coverage(flon, flat, limit, adult, elderly, serves)
    on_network = np.zeros(len(demand), dtype=bool)
    on_network[points.inside] = True
    aged = np.full(len(demand), np.nan)
    aged[points.inside] = points.aged_60_plus
    nearest = c["nearest_minutes"]
    dlon, dlat = lon_lat(demand)
    table = pd.DataFrame(
        {
            "population": demand[population_col].to_numpy(dtype=float),
            "snap_m": points.snap_m,
            "on_network": on_network,
            "nearest_minutes": nearest,
            "covered": on_network & ~np.isnan(nearest) & (c["served_covered"] >= c["served"]),
            "covered_residents": c["covered"],
            "aged_60_plus": aged,
            "covered_60_plus": c["covered_60_plus"],
            "served": c["served"],
            "served_covered": c["served_covered"],
        },
        index=demand.index,
    )
    return _geo.points_at(table, dlon, dlat)


def _total(values) -> float:
    """A sum in row order, as the command line adds its rows, so that totals agree to the last bit."""
    return float(reduce(operator.add, (float(v) for v in values), 0.0))


def coverage_summary(table: pd.DataFrame) -> dict:
    """Residents on the network, covered (the 60+ at their pace), share and left
    out from a :func:`current_coverage` table, the 60+ apart (None when ages are
    unknown), and residents off the network apart, as the command line reports
    them (not planned for). The totals are the command line's to the last bit."""
    on = table["on_network"].to_numpy()
    residents = _total(table.loc[on, "population"])
    covered = _total(table.loc[on, "covered_residents"])
    aged = table.loc[on, "aged_60_plus"]
    known = bool(on.any()) and not aged.isna().any()
    served = _total(table.loc[on, "served"])
    return {
        "residents": residents,
        "covered": covered,
        "share": covered / residents if residents else 0.0,
        "left_out": residents - covered,
        "uncovered_points": int((on & (table["served"] > table["served_covered"])).sum()),
        "residents_off_network": _total(table.loc[~on, "population"]),
        "residents_60_plus": _total(aged) if known else None,
        "covered_60_plus": _total(table.loc[on, "covered_60_plus"]) if known else None,
        "served": served,
        "served_share": _total(table.loc[on, "served_covered"]) / served if served else 1.0,
    }


__all__ = ["coverage_summary", "current_coverage"]

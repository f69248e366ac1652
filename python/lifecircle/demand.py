"""Demand from frames by the command line's rules (in Rust, once): which
points are on the walking network, their age groups and paces, and the rows a
model counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from .errors import InvalidInputError
from .network import Network, as_floats, lon_lat, plain


def mask_column(frame, col: str) -> np.ndarray:
    """A True/False (or 1/0) column; NaN or strings such as "no" would otherwise count as True."""
    if col not in frame.columns:
        raise InvalidInputError(f"no column {col!r}; have {list(frame.columns)}")
    column = frame[col]
    ok = column.notna().to_numpy() & column.isin([0, 1]).to_numpy()
    if not ok.all():
        k = np.flatnonzero(~ok)[0]
        value = column.iloc[k]
        shown = repr(value) if isinstance(value, str) else value
        raise InvalidInputError(f"column {col!r}, row {plain(frame.index[k])!r}: {shown} is not True/False (or 1/0)")
    return column.to_numpy().astype(bool)


@dataclass
class _Frames:
    """Where a model built ``from_geodataframe`` came from: the demand frame's
    index, the sites' frame, the input point of each model row (``point``),
    its age group (``group``: 0 aged 60+, 1 the others, -1 everyone) and the
    points left out (positions, off the network)."""

    demand_index: pd.Index
    sites: Any
    point: np.ndarray
    group: np.ndarray
    outside: np.ndarray


def _speeds(speed_m_s, elderly_speed_m_s):
    """The two paces (adults, residents aged 60+), the scenario's 0.9 m/s for the 60+ by default."""
    return speed_m_s, 0.9 if elderly_speed_m_s is None else elderly_speed_m_s


def demand_points(
    network: Network,
    demand,
    *,
    population_col: str | None = None,
    age_columns: dict | None = None,
    aging_ratio: float | None = None,
    under_6_ratio: float | None = None,
    max_snap_m: float | None = None,
) -> _core.DemandPoints:
    """The rows of ``demand`` as the command line reads a residents table: on
    the walking network or left out (outside its extent, or farther than
    ``max_snap_m``, default 200 m, from every node), residents from
    ``population_col`` (1 each without), and the age groups from
    ``age_columns`` (``{"aged_60_plus": col, "under_6": col}``; NaN: unknown)
    or, where unknown, ``aging_ratio`` / ``under_6_ratio`` (the scenario keys).
    Every rule is the core's (:class:`lifecircle._core.DemandPoints`)."""
    if not isinstance(network, Network):
        raise TypeError(f"network must be a lifecircle.Network, got {type(network).__name__}")
    if not isinstance(demand, pd.DataFrame):
        raise InvalidInputError(f"demand must be a (Geo)DataFrame, got {type(demand).__name__}")
    columns = dict(age_columns or {})
    unknown = set(columns) - {"aged_60_plus", "under_6"}
    if unknown:
        raise InvalidInputError(f"age_columns: unknown group(s) {sorted(unknown)}; use aged_60_plus, under_6")
    for col in [population_col, *columns.values()]:
        if col is not None and col not in demand.columns:
            raise InvalidInputError(f"no column {col!r} in demand; have {list(demand.columns)}")
    if population_col is None:
        population = np.ones(len(demand))
    else:
        population = as_floats(demand[population_col], f"column {population_col!r}")
    groups = {g: as_floats(demand[c], f"column {c!r}") for g, c in columns.items()}
    lon, lat = lon_lat(demand)
    ids = [str(plain(label)) for label in demand.index]
    return _core.DemandPoints(
        network._core,
        ids,
        lon,
        lat,
        population,
        groups.get("aged_60_plus"),
        groups.get("under_6"),
        aging_ratio,
        under_6_ratio,
        max_snap_m,
    )


def _from_frames(network, demand, sites, limit_minutes, speed_m_s, elderly_speed_m_s, weights_col, fixed_col, ages):
    """What every model built from frames shares: the demand points by the
    command line's rules, the walking minutes from each site to each row
    within the limit (the 60+ at their pace), the rows' weights and the fixed
    sites. Returns ``(frames, (rows, sites, minutes), weights, fixed, n_rows)``."""
    limit = _core.real_number(limit_minutes, "limit_minutes")
    if not limit >= 0:
        raise InvalidInputError(f"limit_minutes must be a number >= 0, got {limit_minutes}")
    serves = ages.pop("serves", None)
    points = demand_points(network, demand, population_col=weights_col, **ages)
    fixed = None if fixed_col is None else mask_column(sites, fixed_col)
    slon, slat = lon_lat(sites)
    adult, elderly = _speeds(speed_m_s, elderly_speed_m_s)
    pairs = points.reach(slon, slat, limit, adult, elderly)
    point, group = points.rows()
    weights = points.weights(serves)
    frames = _Frames(demand.index, sites, point, group, points.outside)
    return frames, pairs, weights, fixed, len(point)


__all__ = ["demand_points"]

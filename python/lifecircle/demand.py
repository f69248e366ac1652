"""Demand from frames by the command line's rules (in Rust, once): which
points are on the walking network, their age groups and paces, and the rows a
model counts; and population per zone split onto the homes inside
(:func:`allocate`, the rules of ``lifecircle allocate``)."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import _core, _geo
from .errors import AmbiguousZoneWarning, InvalidInputError
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


# What the core reads from each frame; other columns are not sent.
ZONE_COLUMNS = ("id", "name", "population", "aged_60_plus", "under_6", "aging_ratio")
BUILDING_COLUMNS = ("id", "building", "building:levels", "levels", "landuse")


def allocate(
    zones,
    buildings=None,
    network=None,
    *,
    crs: str = "wgs84",
    default_levels: float | None = None,
    residential: list[str] | None = None,
    non_residential: list[str] | None = None,
    residential_landuse: list[str] | None = None,
    non_residential_landuse: list[str] | None = None,
):
    """Splits each zone's residents onto the residential buildings inside it.

    ``zones``: a GeoDataFrame of polygons with an ``id`` column (else the
    index), ``population`` and optionally ``name``, ``aged_60_plus``,
    ``under_6``, ``aging_ratio``. ``buildings``: a GeoDataFrame of footprints
    with ``building`` (the OSM value: ``apartments``, ``yes``, ``retail`` …),
    optionally ``building:levels`` (or ``levels``) and ``id``; rows with a
    ``landuse`` value and no ``building`` are land-use areas (OSMnx's
    ``features_from_*`` frames have these columns). A zone with no home gets
    its residents along the streets of ``network`` (a :class:`Network`) by
    length, else at its centroid.

    Frames in another CRS are reprojected to EPSG:4326 first; ``crs`` says
    which datum lon/lat degrees are in (``"wgs84"``, ``"gcj02"`` for Amap,
    ``"bd09"`` for Baidu), converted to WGS 84 as a scenario's files are.
    The keyword rules are the ``[allocate]`` keys (defaults: the documented
    lists of ``lifecircle::demand``, one level where untagged).

    Returns a GeoDataFrame (EPSG:4326) of demand points with ``id``,
    ``zone``, ``population``, ``aged_60_plus``, ``under_6`` (NaN where the zone
    gives neither count nor ratio), ``rule`` (``floor_area``,
    ``street_length``, ``centroid``), ``lon`` and ``lat``; its ``attrs``
    hold ``zones`` (a DataFrame: each zone's rule, points and the floor area
    or street length it split by), ``ambiguous`` (homes in two zones, given
    to the lowest id, also warned of with
    :class:`~lifecircle.errors.AmbiguousZoneWarning`), ``outside`` (homes in
    no zone), ``not_homes``, ``dropped`` and ``repaired`` (footprints).
    Bad input raises :class:`~lifecircle.errors.InvalidInputError` naming
    the zone or building.

    >>> import geopandas as gpd, lifecircle
    >>> from shapely.geometry import box
    >>> zones = gpd.GeoDataFrame({"id": ["z"], "population": [300.0], "aged_60_plus": [60.0]},
    ...                          geometry=[box(24.0, 60.0, 24.01, 60.01)], crs=4326)
    >>> homes = gpd.GeoDataFrame({"id": ["a", "b"], "building": ["apartments", "house"],
    ...                           "building:levels": [1, 2]},
    ...                          geometry=[box(24.001, 60.004, 24.0012, 60.0042),
    ...                                    box(24.005, 60.004, 24.0052, 60.0042)], crs=4326)
    >>> points = lifecircle.allocate(zones, homes)
    >>> points[["id", "zone", "rule"]].values.tolist()
    [['a', 'z', 'floor_area'], ['b', 'z', 'floor_area']]
    >>> points["population"].round().tolist(), points["aged_60_plus"].round().tolist()
    ([100.0, 200.0], [20.0, 40.0])
    """
    rules = {
        k: v
        for k, v in {
            "default_levels": default_levels,
            "residential": residential,
            "non_residential": non_residential,
            "residential_landuse": residential_landuse,
            "non_residential_landuse": non_residential_landuse,
        }.items()
        if v is not None
    }
    split = _core.allocate_zones(
        _geojson(zones, ZONE_COLUMNS, "zones", crs),
        None if buildings is None else _geojson(buildings, BUILDING_COLUMNS, "buildings", crs),
        None if network is None else network._core,
        crs,
        json.dumps(rules) if rules else None,
    )
    frame = pd.DataFrame(
        {k: split[k] for k in ("id", "zone", "population", "aged_60_plus", "under_6", "rule", "lon", "lat")}
    )
    out = _geo.points(frame)
    out.attrs.update(
        zones=pd.DataFrame(split["zones"], columns=["zone", "rule", "points", "weight"]),
        ambiguous=list(split["ambiguous"]),
        outside=split["outside"],
        not_homes=split["not_homes"],
        dropped=[tuple(d) for d in split["dropped"]],
        repaired=list(split["repaired"]),
    )
    if split["ambiguous"]:
        warnings.warn(
            f"{len(split['ambiguous'])} homes lie in two or more zones and went to the lowest id"
            f" ({', '.join(split['ambiguous'][:5])}{' …' if len(split['ambiguous']) > 5 else ''})",
            AmbiguousZoneWarning,
            stacklevel=2,
        )
    return out


def _geojson(frame, columns, what: str, crs: str) -> str:
    """The columns the core reads, as GeoJSON in lon/lat degrees."""
    gpd = _geo._geopandas()
    if gpd is None:
        raise ImportError("allocate needs geopandas (pip install 'lifecircle[geo]')")
    if not isinstance(frame, gpd.GeoDataFrame):
        raise InvalidInputError(f"{what} must be a GeoDataFrame of polygons, got {type(frame).__name__}")
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        if crs != "wgs84":
            raise InvalidInputError(
                f"{what} is in {frame.crs.to_string()}: crs={crs!r} describes lon/lat degrees;"
                " give the frame with its lon/lat values (EPSG:4326) or drop crs"
            )
        frame = frame.to_crs(4326)
    kept = [c for c in columns if c in frame.columns and c != "id"]
    out = gpd.GeoDataFrame(frame[kept].copy(), geometry=frame.geometry.values, crs=frame.crs)
    ids = frame["id"] if "id" in frame.columns else frame.index.to_series()
    out.insert(0, "id", [str(i) for i in ids])
    return out.to_json(na="drop")

"""Walking networks from OpenStreetMap or from edge tables, and walking times
between the rows of (Geo)DataFrames."""

from __future__ import annotations

import datetime
from os import PathLike

import numpy as np
import pandas as pd

from . import _core, _geo
from .errors import InvalidInputError


class Network:
    """An undirected walking network (largest connected component), edge lengths in metres.

    Build it with :meth:`from_pbf` (OpenStreetMap) or :meth:`from_edges`.
    Pickles (it is rebuilt from its nodes and edges).
    """

    def __init__(self, core: _core.Network, pois: pd.DataFrame | None = None, osm_stats: dict | None = None):
        self._core = core
        self.pois = pois if pois is not None else pd.DataFrame(columns=["osm_id", "is_way", "lon", "lat", "tags"])
        self.osm_stats = osm_stats or {}

    @classmethod
    def from_pbf(cls, path: str | bytes | PathLike) -> Network:
        """Reads the walkable ways of an ``.osm.pbf`` file; ``.pois`` holds its
        shops, amenities and healthcare places (one row each, tags as a dict;
        a GeoDataFrame in EPSG:4326 with geopandas installed)."""
        core, pois, stats = _core.read_pbf(path)
        frame = pd.DataFrame(pois, columns=["osm_id", "is_way", "lon", "lat", "tags"])
        frame["tags"] = [dict(t) for t in frame["tags"]]
        return cls(core, _geo.points(frame), stats)

    @classmethod
    def from_edges(cls, nodes: pd.DataFrame, edges: pd.DataFrame) -> Network:
        """From a node table (``id``, and ``lon``, ``lat`` columns or point
        geometries in any CRS, as :func:`lon_lat` reads them) and an edge table
        (``source``, ``target``, optional ``length`` or ``length_m`` in metres;
        geodesic by default). Node ids must be unique integers (numeric strings
        are read as numbers) and coordinates WGS 84 degrees, else
        :class:`~lifecircle.errors.InvalidInputError` names the offending node."""
        located = ["lon", "lat"] if not hasattr(getattr(nodes, "geometry", None), "crs") else []
        for name, table, cols in (("nodes", nodes, ["id", *located]), ("edges", edges, ["source", "target"])):
            if not isinstance(table, pd.DataFrame):
                raise TypeError(f"{name} must be a DataFrame, got {type(table).__name__}")
            missing = [c for c in cols if c not in table.columns]
            if missing:
                raise InvalidInputError(f"{name}: missing column(s) {missing}; have {list(table.columns)}")
        # OSMnx and .edges() write `length`, the CSV tables `length_m`: both mean metres.
        given = [c for c in ("length", "length_m") if c in edges.columns]
        if len(given) > 1:
            raise InvalidInputError("edges: both 'length' and 'length_m' columns; keep one (metres)")
        lengths = as_floats(edges[given[0]], f"edges column {given[0]!r}") if given else None
        ids = _node_ids(nodes, "id", "nodes")
        repeated = np.flatnonzero(pd.Index(ids).duplicated())
        if repeated.size:
            k = repeated[0]
            first = np.flatnonzero(ids == ids[k])[0]
            rows = [plain(nodes.index[r]) for r in (first, k)]
            raise InvalidInputError(f"nodes: node id {ids[k]} appears twice (rows {rows[0]!r} and {rows[1]!r})")
        if located:
            lon, lat = (as_floats(nodes[c], f"nodes column {c!r}") for c in located)
        else:
            lon, lat = lon_lat(nodes)
        core = _core.Network.from_edges(
            ids,
            lon,
            lat,
            _node_ids(edges, "source", "edges"),
            _node_ids(edges, "target", "edges"),
            lengths,
        )
        return cls(core)

    @property
    def node_count(self) -> int:
        return self._core.node_count

    @property
    def edge_count(self) -> int:
        return self._core.edge_count

    @property
    def total_length_m(self) -> float:
        return self._core.total_length_m

    def nodes(self) -> pd.DataFrame:
        """Nodes as a DataFrame (``id``, ``lon``, ``lat``), in node-index order
        (a GeoDataFrame of points in EPSG:4326 with geopandas installed)."""
        ids, lons, lats = self._core.nodes()
        return _geo.points(pd.DataFrame({"id": ids, "lon": lons, "lat": lats}))

    def candidates(self, which: str = "intersections") -> pd.DataFrame:
        """Candidate sites for new facilities as :meth:`nodes` rows, by a
        scenario's rule (``candidates`` key): ``"intersections"`` (nodes where
        three or more edges meet, the default) or ``"all_nodes"``."""
        return self.nodes().iloc[self._core.candidates(which)]

    def facilities(self, service: str, catalogue: str | PathLike | None = None) -> pd.DataFrame:
        """The rows of :attr:`pois` that are facilities of a catalogue service
        (e.g. ``"pharmacy"``), by the catalogue's OSM tags as a scenario
        matches them (the built-in catalogue, or a file's)."""
        tags = [list(t.items()) for t in self.pois["tags"]]
        return self.pois[np.asarray(_core.facility_matches(service, tags, catalogue), dtype=bool)]

    def edges(self) -> pd.DataFrame:
        """Edges as a DataFrame (``source``, ``target``, ``length`` in metres)."""
        a, b, length = self._core.edges()
        return pd.DataFrame({"source": a, "target": b, "length": length})

    def snap(self, points) -> pd.DataFrame:
        """Nearest node and distance in metres for each row of a (Geo)DataFrame
        (a geometry in any CRS, reprojected to WGS 84, or ``lon``/``lat``
        columns in WGS 84 degrees, see :func:`lon_lat`; coordinates that are
        not degrees raise :class:`~lifecircle.errors.InvalidInputError`):
        ``node`` is the node's position in :meth:`nodes`, ``node_id`` its id
        (as in :meth:`edges`)."""
        lon, lat = lon_lat(points)
        node, dist = self._core.snap(lon, lat)
        ids = np.asarray(self._core.nodes()[0], dtype=np.int64)
        return pd.DataFrame(
            {"node": node, "node_id": ids[np.asarray(node, dtype=np.int64)], "distance_m": dist},
            index=getattr(points, "index", None),
        )

    def __repr__(self) -> str:
        return repr(self._core)


def as_floats(values, name: str) -> np.ndarray:
    """``values`` as a float array, by the core's rule for arrays of real numbers:
    complex, text and boolean values raise :class:`TypeError` naming ``name``."""
    return _core.real_array(values, name)


def plain(value):
    """A value as JSON needs it and messages show it: numpy scalars as Python
    values (0, not np.int64(0)), timestamps as ISO 8601 strings, and missing
    values (None, NaN, NaT, pd.NA) as None."""
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value.item() if isinstance(value, np.generic) else value


def _node_ids(table: pd.DataFrame, col: str, name: str) -> np.ndarray:
    """Integer node ids; floats must be whole (a cast would turn 1.5 into node 1 and NaN into a huge negative id).
    Numeric strings (ids read with ``dtype=str``) count as their numbers."""
    values = table[col].to_numpy()
    if values.dtype == object:
        try:
            values = pd.to_numeric(table[col]).to_numpy()
        except (TypeError, ValueError):
            raise InvalidInputError(
                f"{name} column {col!r} must hold integer node ids, got non-numeric values"
            ) from None
    if np.issubdtype(values.dtype, np.integer):
        return values.astype(np.int64)
    if np.issubdtype(values.dtype, np.floating):
        bad = np.flatnonzero(~(np.isfinite(values) & (values == np.round(values))))
        if not bad.size:
            return values.astype(np.int64)
        k = bad[0]
        raise InvalidInputError(
            f"{name} column {col!r}, row {plain(table.index[k])!r}: {values[k]} is not an integer node id"
        )
    raise InvalidInputError(f"{name} column {col!r} must hold integer node ids, got {values.dtype} values")


def wgs84(geometry):
    """A GeoSeries in WGS 84 degrees, reprojected from its CRS; one without a CRS is taken to be in degrees."""
    if geometry.crs is not None and geometry.crs.to_epsg() != 4326:
        return geometry.to_crs(4326)
    return geometry


def lon_lat(frame) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes of the rows of a (Geo)DataFrame: ``lon``/``lat``
    columns, or the geometry (polygons by their centroid), in WGS 84."""
    geometry = getattr(frame, "geometry", None)
    if geometry is not None and hasattr(geometry, "crs"):
        import shapely

        missing = np.flatnonzero((geometry.isna() | geometry.is_empty).to_numpy())
        if missing.size:
            raise InvalidInputError(f"row {plain(frame.index[missing[0]])!r}: missing or empty geometry")
        points = shapely.centroid(np.asarray(wgs84(geometry).values))
        return np.ascontiguousarray(shapely.get_x(points), dtype=float), np.ascontiguousarray(
            shapely.get_y(points), dtype=float
        )
    if isinstance(frame, pd.DataFrame) and {"lon", "lat"} <= set(frame.columns):
        return as_floats(frame["lon"], "column 'lon'"), as_floats(frame["lat"], "column 'lat'")
    raise InvalidInputError("points need a geometry column or lon and lat columns")


def travel_times(network: Network, demand, sites, *, speed_m_s: float = 1.1, limit_minutes: float = 15.0):
    """Walking minutes from every site to every demand point within the limit.

    Returns ``(demand_index, site_index, minutes)`` arrays (pairs beyond the
    limit are absent). Each point steps onto its nearest nodes (up to 4, within
    50 m of the nearest), and that step is walked too.
    """
    if not isinstance(network, Network):
        raise TypeError(f"network must be a lifecircle.Network, got {type(network).__name__}")
    limit = _core.real_number(limit_minutes, "limit_minutes")
    # Checked here so that the message speaks in minutes, as the caller does.
    if not limit >= 0:
        raise InvalidInputError(f"limit_minutes must be a number >= 0, got {limit_minutes}")
    dlon, dlat = lon_lat(demand)
    slon, slat = lon_lat(sites)
    rows, cols, secs = network._core.travel_times(slon, slat, dlon, dlat, speed_m_s, limit * 60.0)
    return cols, rows, secs / 60.0


def travel_matrix(network: Network, demand, sites, *, speed_m_s: float = 1.1, limit_minutes: float = 15.0):
    """:func:`travel_times` as a ``scipy.sparse.csr_matrix`` (demand x sites, minutes;
    zero-minute pairs are stored explicitly, absent pairs are out of reach)."""
    from scipy.sparse import csr_matrix

    d, s, minutes = travel_times(network, demand, sites, speed_m_s=speed_m_s, limit_minutes=limit_minutes)
    return csr_matrix((minutes, (d, s)), shape=(len(demand), len(sites)))


__all__ = ["Network", "lon_lat", "travel_matrix", "travel_times"]

"""Walking networks from OpenStreetMap or from edge tables, and walking times
between the rows of (Geo)DataFrames."""

from __future__ import annotations

from os import PathLike

import numpy as np
import pandas as pd

from . import _core
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
    def from_pbf(cls, path: str | PathLike) -> Network:
        """Reads the walkable ways of an ``.osm.pbf`` file; ``.pois`` holds its
        shops, amenities and healthcare places (one row each, tags as a dict)."""
        core, pois, stats = _core.read_pbf(str(path))
        frame = pd.DataFrame(pois, columns=["osm_id", "is_way", "lon", "lat", "tags"])
        frame["tags"] = [dict(t) for t in frame["tags"]]
        return cls(core, frame, stats)

    @classmethod
    def from_edges(cls, nodes: pd.DataFrame, edges: pd.DataFrame) -> Network:
        """From a node table (``id``, ``lon``, ``lat``) and an edge table
        (``source``, ``target``, optional ``length`` in metres; geodesic by default)."""
        for table, cols in ((nodes, ["id", "lon", "lat"]), (edges, ["source", "target"])):
            missing = [c for c in cols if c not in table.columns]
            if missing:
                raise InvalidInputError(f"missing column(s) {missing}; have {list(table.columns)}")
        lengths = edges["length"].to_numpy(dtype=float) if "length" in edges.columns else None
        core = _core.Network.from_edges(
            nodes["id"].to_numpy(dtype=np.int64),
            nodes["lon"].to_numpy(dtype=float),
            nodes["lat"].to_numpy(dtype=float),
            edges["source"].to_numpy(dtype=np.int64),
            edges["target"].to_numpy(dtype=np.int64),
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
        """Nodes as a DataFrame (``id``, ``lon``, ``lat``), in node-index order."""
        ids, lons, lats = self._core.nodes()
        return pd.DataFrame({"id": ids, "lon": lons, "lat": lats})

    def edges(self) -> pd.DataFrame:
        """Edges as a DataFrame (``source``, ``target``, ``length`` in metres)."""
        a, b, length = self._core.edges()
        return pd.DataFrame({"source": a, "target": b, "length": length})

    def snap(self, points) -> pd.DataFrame:
        """Nearest node (index) and distance in metres for each row of a (Geo)DataFrame."""
        lon, lat = lon_lat(points)
        node, dist = self._core.snap(lon, lat)
        return pd.DataFrame({"node": node, "distance_m": dist}, index=getattr(points, "index", None))

    def __repr__(self) -> str:
        return repr(self._core)


def lon_lat(frame) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes of the rows of a (Geo)DataFrame: ``lon``/``lat``
    columns, or the geometry (polygons by their centroid), in WGS 84."""
    geometry = getattr(frame, "geometry", None)
    if geometry is not None and hasattr(geometry, "crs"):
        import shapely

        if geometry.crs is not None and geometry.crs.to_epsg() != 4326:
            geometry = geometry.to_crs(4326)
        points = shapely.centroid(np.asarray(geometry.values))
        return np.ascontiguousarray(shapely.get_x(points), dtype=float), np.ascontiguousarray(
            shapely.get_y(points), dtype=float
        )
    if isinstance(frame, pd.DataFrame) and {"lon", "lat"} <= set(frame.columns):
        return frame["lon"].to_numpy(dtype=float), frame["lat"].to_numpy(dtype=float)
    raise InvalidInputError("points need a geometry column or lon and lat columns")


def travel_times(network: Network, demand, sites, speed_m_s: float = 1.1, limit_minutes: float = 15.0):
    """Walking minutes from every site to every demand point within the limit.

    Returns ``(demand_index, site_index, minutes)`` arrays (pairs beyond the
    limit are absent). Each point steps onto its nearest nodes (up to 4, within
    50 m of the nearest), and that step is walked too.
    """
    dlon, dlat = lon_lat(demand)
    slon, slat = lon_lat(sites)
    rows, cols, secs = network._core.travel_times(slon, slat, dlon, dlat, float(speed_m_s), float(limit_minutes) * 60.0)
    return cols, rows, secs / 60.0


def travel_matrix(network: Network, demand, sites, speed_m_s: float = 1.1, limit_minutes: float = 15.0):
    """:func:`travel_times` as a ``scipy.sparse.csr_matrix`` (demand x sites, minutes;
    zero-minute pairs are stored explicitly, absent pairs are out of reach)."""
    from scipy.sparse import csr_matrix

    d, s, minutes = travel_times(network, demand, sites, speed_m_s, limit_minutes)
    return csr_matrix((minutes, (d, s)), shape=(len(demand), len(sites)))


__all__ = ["Network", "lon_lat", "travel_matrix", "travel_times"]

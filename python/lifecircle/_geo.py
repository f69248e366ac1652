"""Outputs with geometry: tables with ``lon``/``lat`` columns become
GeoDataFrames of points in EPSG:4326 when geopandas is installed (plain
DataFrames otherwise), so that ``.explore()``, ``.to_file()`` and
``.to_crs(3067)`` work on them as on any GeoDataFrame."""

from __future__ import annotations

import numpy as np
import pandas as pd

WGS84 = "EPSG:4326"


def _geopandas():
    try:
        import geopandas
    except ImportError:
        return None
    return geopandas


def points(frame: pd.DataFrame, lon: str = "lon", lat: str = "lat") -> pd.DataFrame:
    """``frame`` with point geometries from its ``lon``/``lat`` columns (kept), in EPSG:4326."""
    return points_at(frame, frame[lon].to_numpy(dtype=float), frame[lat].to_numpy(dtype=float))


def points_at(frame: pd.DataFrame, lons: np.ndarray, lats: np.ndarray) -> pd.DataFrame:
    """``frame`` with a point geometry per row at ``lons``, ``lats`` (WGS 84), in EPSG:4326."""
    gpd = _geopandas()
    if gpd is None:
        return frame
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lons, lats), crs=WGS84)


def lines(segments: np.ndarray) -> pd.DataFrame:
    """Street segments (an ``(edges, 2, 2)`` array of ``(lon, lat)`` ends) as
    a GeoDataFrame of lines in EPSG:4326 (a DataFrame of the four coordinates
    without geopandas)."""
    gpd = _geopandas()
    if gpd is None:
        flat = segments.reshape(-1, 4)
        return pd.DataFrame(flat, columns=["lon_a", "lat_a", "lon_b", "lat_b"])
    import shapely

    return gpd.GeoDataFrame(geometry=shapely.linestrings(segments), crs=WGS84)


def features(geojson: dict) -> pd.DataFrame:
    """A GeoJSON FeatureCollection in WGS 84 (RFC 7946) as a GeoDataFrame with its CRS."""
    gpd = _geopandas()
    if gpd is None:
        raise ImportError("reading GeoJSON features needs geopandas (pip install 'lifecircle[geo]')")
    return gpd.GeoDataFrame.from_features(geojson, crs=WGS84)

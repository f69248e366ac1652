"""Scenario files run end to end by the Rust pipeline, with pandas results."""

from __future__ import annotations

import json
import tempfile
import warnings
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any, Union

import numpy as np
import pandas as pd

from . import _core, _geo, _maps
from .errors import SkippedServiceWarning


@dataclass(repr=False)
class PlanReport:
    """What a scenario's plan produced: ``summary`` (the CLI's JSON object),
    ``current`` (coverage per category), ``services`` (one row per planned
    service, before and after), ``sites`` (the new sites, with their service),
    ``demand`` (each demand point with ``<service>_before`` / ``<service>_after``
    covered shares), ``geojson`` (the plan map, WGS 84) and ``streets`` (the walking
    network's edges as an array of shape ``(edges, 2, 2)``: two ``(lon, lat)``
    ends each); ``run`` is the typed result of the compiled core
    (:class:`lifecircle._core.PlanRun`: ``run.services[0].new[0].id``).

    With geopandas installed, ``sites`` and ``demand`` are GeoDataFrames of
    points in EPSG:4326 (``.explore()``, ``.to_crs(3067)``), as are
    :meth:`street_lines` and :meth:`features`; :meth:`to_file` writes them.

    Ids and zones are text, as written in the input files (``"0042"`` stays
    ``"0042"``), unless the residents came as a frame (:func:`run_scenario`):
    then ``demand["id"]`` has the frame's ids and dtype, ready to join.
    Residents are exact (fractions of a person where shares were applied);
    round them for display, not in data.

    Two meanings of "covered": in ``current`` and ``summary["after"]`` (gap
    tables, as :class:`GapsReport`) ``covered`` counts every resident within
    the walking limit of a facility, whoever the service serves, and
    ``served``/``share`` the residents it serves (the 60+ for an elderly
    canteen) and their share within the limit; in ``services``
    ``covered_before``/``covered_after`` count served residents only, and under a
    capacity only those a facility has room for. In ``sites`` a site hosting
    two services is a row per service, each with the site's cost (the plan pays
    it once: ``summary["cost"]``), and ``newly_reached`` counts the served
    residents within its limit that existing facilities leave out, not those
    it serves under a capacity. ``summary["covered_before"]`` and
    ``summary["covered_after"]`` add the planned services' figures together (a
    resident covered by a pharmacy and a canteen counts twice): read one
    service's in ``services``. Services the gap analysis had to leave out
    (no age data for the 60+) are in ``summary["skipped"]``, and
    :func:`run_scenario` and :func:`~lifecircle.sweep` warn with
    :class:`~lifecircle.errors.SkippedServiceWarning`."""

    summary: dict
    current: pd.DataFrame
    services: pd.DataFrame
    sites: pd.DataFrame
    demand: pd.DataFrame
    geojson: dict
    streets: np.ndarray = field(default_factory=lambda: np.empty((0, 2, 2)))
    run: Any = None

    @property
    def objective(self) -> float:
        return self.summary["objective"]

    @property
    def status(self) -> str:
        return self.summary["status"]

    @property
    def gap(self) -> float:
        return self.summary["gap"]

    def to_geojson(self) -> dict:
        return self.geojson

    def __repr__(self) -> str:
        # Rounded for display only: the tables keep the exact (fractional) residents.
        per = ", ".join(
            f"{s['service']} {s['covered_before']:,.1f} -> {s['covered_after']:,.1f} of {s['served']:,.1f}"
            f" (+{len(s['new'])} new)"
            for s in self.summary["services"]
        )
        return f"PlanReport({self.status}, objective {self.objective:,.1f}, gap {self.gap:.4f}; {per})"

    def features(self) -> pd.DataFrame:
        """The plan map (:attr:`geojson`) as a GeoDataFrame in EPSG:4326."""
        return _geo.features(self.geojson)

    def street_lines(self) -> pd.DataFrame:
        """The walking network's edges as a GeoDataFrame of lines in EPSG:4326."""
        return _geo.lines(self.streets)

    def to_file(self, path: str | PathLike, driver: str = "GPKG") -> None:
        """Writes ``demand``, ``sites`` and the streets as layers of one file
        (GeoPackage by default; needs geopandas)."""
        for layer, frame in (("demand", self.demand), ("sites", self.sites), ("streets", self.street_lines())):
            frame.to_file(path, layer=layer, driver=driver)

    def to_geodataframes(self) -> dict[str, pd.DataFrame]:
        """The layers of the plan map as GeoDataFrames in EPSG:4326:
        ``streets`` (lines), ``residents`` (:attr:`demand`: covered shares and
        ``<service>_reach``, the maps' class "covered before", "newly
        covered" or "not covered"), ``existing`` and ``new_sites`` (points
        with their ``service``), ``zones`` (outlines with their ratings after
        the plan), ``reached`` (the streets reached on foot within the limit
        from existing facilities and new sites, the isochrones). Needs geopandas."""
        return _maps.plan_layers(self)

    def explore(self, service: str | None = None, **kwargs: Any) -> Any:
        """An interactive folium map (``pip install 'lifecircle[maps]'``) with
        the layers of the HTML report, each toggled: streets; residents of
        ``service`` (default: the first planned) covered before, newly
        covered, not covered (circle area ∝ residents; tooltip with the
        counts and the 60+); existing facilities and new sites of each
        planned service (popup: id, cost, residents newly reached); the
        streets reached on foot from the existing facilities and from the new
        sites of ``service`` within its limit (the isochrones); the zones
        as a choropleth of their stars after the plan (missing categories on
        hover). Keyword arguments go to ``folium.Map`` (``tiles=None`` draws
        no background)."""
        return _maps.explore_plan(self, service, kwargs)

    def plot(self, service: str | None = None, ax: Any = None) -> Any:
        """Draws the plan of one service (default: the first planned) with
        matplotlib, as the CLI's ``--map`` does, and returns the Axes.

        Streets are thin grey lines; residents are circles whose area grows
        with population, green where covered before, blue where newly covered,
        red where still uncovered (``<service>_reach`` in :attr:`demand`);
        existing facilities are black squares, new sites orange stars. A
        legend, a scale bar (a round length in metres) and the OpenStreetMap
        attribution are drawn in. Longitudes are stretched by 1 / cos(latitude)
        so the map keeps its proportions. Pass ``ax`` to draw into an existing Axes."""
        return _maps.plot_plan(self, service, ax)


def warn_skipped(skipped: list[str]) -> None:
    """Warns (:class:`~lifecircle.errors.SkippedServiceWarning`) of each service a gap analysis left out."""
    for line in skipped:
        warnings.warn(line, SkippedServiceWarning, stacklevel=3)


def plan_report(run: _core.PlanRun) -> PlanReport:
    """A :class:`PlanReport` (pandas tables) from the typed plan of the compiled core."""
    summary = run.summary
    services = [{k: v for k, v in s.items() if k not in ("new", "existing")} for s in summary["services"]]
    sites = [
        {"service": s.service, "id": s.id, "lon": s.lon, "lat": s.lat, "cost": s.cost, "newly_reached": s.newly_reached}
        for s in run.sites
    ]
    return PlanReport(
        summary=summary,
        current=pd.DataFrame(run.current),
        services=pd.DataFrame(services),
        sites=_geo.points(pd.DataFrame(sites, columns=["service", "id", "lon", "lat", "cost", "newly_reached"])),
        demand=_geo.points(pd.DataFrame(run.demand)),
        geojson=run.geojson,
        streets=run.streets,
        run=run,
    )


Source = Union[str, bytes, PathLike, dict]

# Scenario keys that name a table, which a notebook may give as a frame instead.
_TABLES = ("population", "facilities")


def _scenario(source: Source, folder: Path) -> tuple[Any, Any]:
    """What the core reads: a path as given, or a dict of the scenario's keys
    with any frame (``population``, ``facilities``, ``plan.candidate_sites``)
    written to ``folder`` as the table the file format names. Also returns
    the residents frame, if one was given, for its ids."""
    if not isinstance(source, dict):
        return source, None
    keys = dict(source)
    plan = dict(keys["plan"]) if isinstance(keys.get("plan"), dict) else None
    slots = [(keys, k) for k in _TABLES] + ([(plan, "candidate_sites")] if plan is not None else [])
    for table, key in slots:
        frame = table.get(key)
        if isinstance(frame, pd.DataFrame):
            table[key] = str(_write_table(frame, folder / key))
    if plan is not None:
        keys["plan"] = plan
    people = source.get("population")
    return keys, people if isinstance(people, pd.DataFrame) else None


def _write_table(frame: pd.DataFrame, stem: Path) -> Path:
    """A frame as the file format reads tables: GeoJSON in WGS 84 for a
    GeoDataFrame, CSV (no index) otherwise."""
    if hasattr(getattr(frame, "geometry", None), "crs"):
        path = stem.with_suffix(".geojson")
        _geo_wgs84(frame).to_file(path, driver="GeoJSON")
    else:
        path = stem.with_suffix(".csv")
        frame.to_csv(path, index=False)
    return path


def _geo_wgs84(frame):
    from .network import wgs84

    return frame.set_geometry(wgs84(frame.geometry))


def _caller_ids(report: PlanReport, people: pd.DataFrame | None) -> None:
    """Gives ``report.demand["id"]`` the ids (and dtype) of the residents frame they came from."""
    if people is None or "id" not in people.columns:
        return
    by_text = dict(zip(people["id"].astype(str), people["id"]))
    report.demand["id"] = pd.Series(
        [by_text[i] for i in report.demand["id"]], dtype=people["id"].dtype, index=report.demand.index
    )


def run_scenario(scenario: Source) -> PlanReport:
    """Runs a scenario's ``[plan]``: a file (TOML or JSON, format in the
    project README) or a dict of the same keys, whose relative paths are
    relative to the working directory and whose ``population``,
    ``facilities`` and ``plan["candidate_sites"]`` may be (Geo)DataFrames in
    place of paths (a GeoDataFrame in any CRS). The GIL is released meanwhile."""
    with tempfile.TemporaryDirectory(prefix="lifecircle-") as folder:
        source, people = _scenario(scenario, Path(folder))
        report = plan_report(_core.run_scenario(source))
    _caller_ids(report, people)
    warn_skipped(report.summary.get("skipped", []))
    return report


@dataclass
class GapsReport:
    """Current coverage and gaps (查缺补漏): ``rows`` (one per zone × category),
    ``totals`` (one per category for the whole area), ``zones`` (completeness
    and star rating per zone), ``summary`` (network and demand sizes, the
    walking ``speeds``, the star ``rating`` rules, the ``search_minutes`` and
    the services ``skipped`` with why) and ``geojson`` (demand points with the
    distance to the nearest facility of each category). Zones and ids are
    text, as in :class:`PlanReport`.

    ``access`` holds the access indices per zone and service (2SFCA family,
    gravity, cumulative, nearest-N; see :func:`scenario_access`), with the
    scenario's ``[access]`` options.

    ``covered`` counts every resident within the walking limit of a facility,
    whoever the service serves; ``served`` the residents it serves (the 60+
    for an elderly canteen, weighted as the catalogue says) and ``share`` the
    part of them within the limit. A service the table has no age data for is
    left out, named in ``summary["skipped"]``, and :func:`scenario_gaps` warns
    with :class:`~lifecircle.errors.SkippedServiceWarning`."""

    rows: pd.DataFrame
    totals: pd.DataFrame
    zones: pd.DataFrame
    summary: dict
    geojson: dict
    run: Any = None
    access: pd.DataFrame = field(default_factory=pd.DataFrame)

    def features(self) -> pd.DataFrame:
        """The gap map (:attr:`geojson`) as a GeoDataFrame in EPSG:4326."""
        return _geo.features(self.geojson)

    def to_geodataframes(self) -> dict[str, pd.DataFrame]:
        """The layers of the gap map as GeoDataFrames in EPSG:4326:
        ``streets`` (lines), ``residents`` (:meth:`features`: each demand
        point's zone ``stars`` and ``<category>_nearest_m``) and ``zones``
        (outlines with ``stars``, basic/quality present and ``missing``) and
        ``reached`` (the streets each service's facilities reach within its
        limit). Needs geopandas."""
        return _maps.gaps_layers(self)

    def explore(self, **kwargs: Any) -> Any:
        """An interactive folium map (``pip install 'lifecircle[maps]'``):
        streets, the zones as a choropleth of their stars (the community map's
        colours; missing categories on hover), the streets each service's
        facilities reach within its limit (a layer per service, off at
        first), and residents in a layer per zone star rating (red for none
        to green for the most), circle area ∝ residents, with a tooltip of
        the metres to the nearest facility of each category. Keyword
        arguments go to ``folium.Map``."""
        return _maps.explore_gaps(self, kwargs)


def scenario_gaps(scenario: Source) -> GapsReport:
    """Gap analysis of a scenario (a file or a dict, as for :func:`run_scenario`;
    its ``[plan]`` is not run); the GIL is released meanwhile."""
    with tempfile.TemporaryDirectory(prefix="lifecircle-") as folder:
        source, _ = _scenario(scenario, Path(folder))
        run = _core.scenario_gaps(source)
    tables = {name: pd.DataFrame(getattr(run, name)) for name in ("rows", "totals", "zones", "access")}
    warn_skipped(run.skipped)
    return GapsReport(**tables, summary=run.summary, geojson=run.geojson, run=run)


@dataclass
class AccessReport:
    """Accessibility of a scenario's gap services (``lifecircle access``):
    ``zones`` (one row per service and zone, the area's ``(all)`` row last per
    service) and ``points`` (one row per service and demand point on the
    network, a GeoDataFrame in EPSG:4326 when GeoPandas is installed), each
    with the 2SFCA, E2SFCA, Gaussian 2SFCA and 3SFCA ratios (supply per
    resident served), gravity access, cumulative supply within the limit, the
    mean minutes to the ``nearest_n`` nearest facilities, and the shares of
    residents ``out_of_reach`` and ``underserved`` (2SFCA below ``threshold``,
    or nothing in reach). Residents aged 60+ walk at their own pace; values
    are resident-weighted means over the two age groups. Decays and the
    threshold come from the scenario's ``[access]`` table; formulas and
    sources in the Rust docs of ``lifecircle::access``."""

    zones: pd.DataFrame
    points: pd.DataFrame
    summary: dict
    geojson: dict
    run: Any = None


def scenario_access(scenario: Source, threshold: float | None = None) -> AccessReport:
    """Every access index of a scenario (a file or a dict, as for
    :func:`run_scenario`; its ``[plan]`` is not run); ``threshold`` overrides
    ``[access] threshold``. The GIL is released meanwhile.

    For example, the share of each zone's residents underserved by pharmacies:
    ``scenario_access("data/helsinki/centroids.toml").zones.query("service == 'pharmacy'")[["zone", "underserved"]]``.
    """
    with tempfile.TemporaryDirectory(prefix="lifecircle-") as folder:
        source, _ = _scenario(scenario, Path(folder))
        run = _core.scenario_access(source, threshold)
    warn_skipped(run.skipped)
    points = pd.DataFrame(run.points)
    if not points.empty:
        points = _geo.points(points)
    return AccessReport(zones=pd.DataFrame(run.zones), points=points, summary=run.summary, geojson=run.geojson, run=run)


def service_catalogue(path: str | bytes | PathLike | None = None) -> pd.DataFrame:
    """A service catalogue (key, name, class, walking limit, who it serves,
    capacity, OSM tags): the built-in one, or a TOML/JSON file's after validation."""
    return pd.DataFrame(json.loads(_core.service_catalogue(path)))


__all__ = [
    "AccessReport",
    "GapsReport",
    "PlanReport",
    "run_scenario",
    "scenario_access",
    "scenario_gaps",
    "service_catalogue",
]

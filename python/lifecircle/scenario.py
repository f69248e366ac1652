"""Scenario files run end to end by the Rust pipeline, with pandas results."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from .errors import SkippedServiceWarning

# The colours of the Rust maps (lifecircle::map), so both read the same.
COVERED_BEFORE = "#1a9641"
NEWLY_COVERED = "#2c7bb6"
NOT_COVERED = "#d7191c"
NEW_SITE = "#ff7f00"
STREET = "#b9b9b9"


@dataclass
class PlanReport:
    """What a scenario's plan produced: ``summary`` (the CLI's JSON object),
    ``current`` (coverage per category), ``services`` (one row per planned
    service, before and after), ``sites`` (the new sites, with their service),
    ``demand`` (each demand point with ``<service>_before`` / ``<service>_after``
    covered shares), ``geojson`` (the plan map) and ``streets`` (the walking
    network's edges as an array of shape ``(edges, 2, 2)``: two ``(lon, lat)``
    ends each).

    Ids and zones are text, as written in the input files (``"0042"`` stays
    ``"0042"``): to join with a table pandas read with integer ids, compare
    with ``table["id"].astype(str)``.

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
    it serves under a capacity. Services the gap analysis had to leave out
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

    def plot(self, service: str | None = None, ax: Any = None) -> Any:
        """Draws the plan of one service (default: the first planned) with
        matplotlib, as the CLI's ``--map`` does, and returns the Axes.

        Streets are thin grey lines; residents are circles whose area grows
        with population, green where covered before, blue where newly covered,
        red where still uncovered (a point counts as covered when at least
        half of the residents the service serves there are, as in the Rust
        maps); existing facilities are black squares, new sites orange stars.
        Longitudes are stretched by 1 / cos(latitude) so the map keeps its
        proportions. Pass ``ax`` to draw into an existing Axes."""
        import matplotlib.pyplot as plt
        from matplotlib.collections import LineCollection
        from matplotlib.lines import Line2D

        planned = {s["service"]: s for s in self.summary["services"]}
        if service is None:
            service = next(iter(planned))
        if service not in planned:
            raise ValueError(f"{service!r} is not planned in this report; planned: {', '.join(planned)}")
        outcome = planned[service]
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 8))

        ax.add_collection(LineCollection(self.streets, colors=STREET, linewidths=0.5, zorder=1))
        demand = self.demand
        before = demand[f"{service}_before"].to_numpy() >= 0.5
        after = demand[f"{service}_after"].to_numpy() >= 0.5
        colours = np.where(before, COVERED_BEFORE, np.where(after, NEWLY_COVERED, NOT_COVERED))
        population = demand["population"].to_numpy(dtype=float)
        # Marker sizes are areas (points squared): proportional to population, never too small to see.
        largest = population.max() if len(population) else 0.0
        sizes = np.maximum(400.0 * population / largest if largest > 0 else 0.0, 6.0)
        ax.scatter(demand["lon"], demand["lat"], s=sizes, c=colours, alpha=0.8, linewidths=0, zorder=2)
        existing = pd.DataFrame(outcome["existing"], columns=["lon", "lat"])
        ax.scatter(existing["lon"], existing["lat"], marker="s", s=30, c="black", zorder=3)
        new = pd.DataFrame(outcome["new"], columns=["lon", "lat"])
        ax.scatter(new["lon"], new["lat"], marker="*", s=350, c=NEW_SITE, edgecolors="black", zorder=4)

        lats = np.concatenate([self.streets[:, :, 1].ravel(), demand["lat"].to_numpy(dtype=float)])
        if len(lats):
            ax.set_aspect(1.0 / np.cos(np.radians((lats.min() + lats.max()) / 2)))
        ax.autoscale_view()
        served = outcome["served"]
        share = (lambda covered: 100.0 * covered / served) if served > 0 else (lambda covered: 100.0)
        count = len(outcome["new"])
        ax.set_title(
            f"{service}: {share(outcome['covered_before']):.1f} % → {share(outcome['covered_after']):.1f} % covered"
            f" (+{count} new site{'' if count == 1 else 's'})"
        )
        ax.set_xlabel("longitude")
        ax.set_ylabel("latitude")

        def dot(colour: str, marker: str = "o", **kw: Any) -> Line2D:
            return Line2D([], [], linestyle="", marker=marker, color=colour, **kw)

        ax.legend(
            handles=[
                dot(COVERED_BEFORE, label="covered before"),
                dot(NEWLY_COVERED, label="newly covered"),
                dot(NOT_COVERED, label="not covered"),
                dot("black", "s", label=f"existing ({len(outcome['existing'])})"),
                dot(NEW_SITE, "*", markersize=14, markeredgecolor="black", label=f"new site ({count})"),
            ],
            loc="best",
            fontsize="small",
        )
        return ax


def _flatten(points: list[dict]) -> pd.DataFrame:
    rows = []
    for p in points:
        row = {k: v for k, v in p.items() if k not in ("before", "after")}
        row.update({f"{k}_before": v for k, v in p["before"].items()})
        row.update({f"{k}_after": v for k, v in p["after"].items()})
        rows.append(row)
    return pd.DataFrame(rows)


def warn_skipped(skipped: list[str]) -> None:
    """Warns (:class:`~lifecircle.errors.SkippedServiceWarning`) of each service a gap analysis left out."""
    for line in skipped:
        warnings.warn(line, SkippedServiceWarning, stacklevel=3)


def plan_report(raw: dict) -> PlanReport:
    """A :class:`PlanReport` from the plan report of the compiled core, parsed from its JSON."""
    raw = dict(raw)
    geojson = raw.pop("geojson")
    demand = _flatten(raw.pop("demand_points"))
    streets = np.asarray(raw.pop("streets"), dtype=float).reshape(-1, 2, 2)
    sites = [{"service": s["service"], **site} for s in raw["services"] for site in s["new"]]
    return PlanReport(
        summary=raw,
        current=pd.DataFrame(raw["current"]),
        services=pd.DataFrame([{k: v for k, v in s.items() if k not in ("new", "existing")} for s in raw["services"]]),
        sites=pd.DataFrame(sites, columns=["service", "id", "lon", "lat", "cost", "newly_reached"]),
        demand=demand,
        geojson=geojson,
        streets=streets,
    )


def run_scenario(path: str | bytes | PathLike) -> PlanReport:
    """Runs a scenario file's ``[plan]`` (TOML or JSON, format in the project README); the GIL is released meanwhile."""
    report = plan_report(json.loads(_core.run_scenario(path)))
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


def scenario_gaps(path: str | bytes | PathLike) -> GapsReport:
    """Gap analysis of a scenario file (its ``[plan]`` is not run); the GIL is released meanwhile."""
    raw = json.loads(_core.scenario_gaps(path))
    gaps = raw.pop("gaps")
    geojson = raw.pop("geojson")
    tables = {key: pd.DataFrame(gaps.pop(key)) for key in ("rows", "totals", "zones")}
    warn_skipped(gaps["skipped"])
    return GapsReport(**tables, summary={**raw, **gaps}, geojson=geojson)


def service_catalogue(path: str | bytes | PathLike | None = None) -> pd.DataFrame:
    """A service catalogue (key, name, class, walking limit, who it serves,
    capacity, OSM tags): the built-in one, or a TOML/JSON file's after validation."""
    return pd.DataFrame(json.loads(_core.service_catalogue(path)))


__all__ = ["GapsReport", "PlanReport", "run_scenario", "scenario_gaps", "service_catalogue"]

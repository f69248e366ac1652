"""Scenario files run end to end by the Rust pipeline, with pandas results."""

from __future__ import annotations

import json
from dataclasses import dataclass
from os import PathLike

import pandas as pd

from . import _core


@dataclass
class PlanReport:
    """What a scenario's plan produced: ``summary`` (the CLI's JSON object),
    ``current`` (coverage per category), ``services`` (one row per planned
    service, before and after), ``sites`` (the new sites, with their service),
    ``demand`` (each demand point with ``<service>_before`` / ``<service>_after``
    covered shares) and ``geojson`` (the plan map)."""

    summary: dict
    current: pd.DataFrame
    services: pd.DataFrame
    sites: pd.DataFrame
    demand: pd.DataFrame
    geojson: dict

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


def _flatten(points: list[dict]) -> pd.DataFrame:
    rows = []
    for p in points:
        row = {k: v for k, v in p.items() if k not in ("before", "after")}
        row.update({f"{k}_before": v for k, v in p["before"].items()})
        row.update({f"{k}_after": v for k, v in p["after"].items()})
        rows.append(row)
    return pd.DataFrame(rows)


def run_scenario(path: str | PathLike) -> PlanReport:
    """Runs a scenario file's ``[plan]`` (TOML or JSON, format in the project README); the GIL is released meanwhile."""
    raw = json.loads(_core.run_scenario(str(path)))
    geojson = raw.pop("geojson")
    demand = _flatten(raw.pop("demand_points"))
    sites = [{"service": s["service"], **site} for s in raw["services"] for site in s["new"]]
    return PlanReport(
        summary=raw,
        current=pd.DataFrame(raw["current"]),
        services=pd.DataFrame([{k: v for k, v in s.items() if k not in ("new", "existing")} for s in raw["services"]]),
        sites=pd.DataFrame(sites, columns=["service", "id", "lon", "lat", "cost", "newly_reached"]),
        demand=demand,
        geojson=geojson,
    )


@dataclass
class GapsReport:
    """Current coverage and gaps (查缺补漏): ``rows`` (one per zone × category),
    ``totals`` (one per category for the whole area), ``zones`` (completeness
    and star rating per zone), ``summary`` (network and demand sizes) and
    ``geojson`` (demand points with the distance to the nearest facility of
    each category)."""

    rows: pd.DataFrame
    totals: pd.DataFrame
    zones: pd.DataFrame
    summary: dict
    geojson: dict


def scenario_gaps(path: str | PathLike) -> GapsReport:
    """Gap analysis of a scenario file (its ``[plan]`` is not run); the GIL is released meanwhile."""
    raw = json.loads(_core.scenario_gaps(str(path)))
    gaps = raw.pop("gaps")
    geojson = raw.pop("geojson")
    return GapsReport(
        rows=pd.DataFrame(gaps["rows"]),
        totals=pd.DataFrame(gaps["totals"]),
        zones=pd.DataFrame(gaps["zones"]),
        summary=raw,
        geojson=geojson,
    )


def service_catalogue(path: str | PathLike | None = None) -> pd.DataFrame:
    """A service catalogue (key, name, class, walking limit, who it serves,
    capacity, OSM tags): the built-in one, or a TOML/JSON file's after validation."""
    return pd.DataFrame(json.loads(_core.service_catalogue(None if path is None else str(path))))


__all__ = ["GapsReport", "PlanReport", "run_scenario", "scenario_gaps", "service_catalogue"]

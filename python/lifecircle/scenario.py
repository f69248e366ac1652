"""Scenario files run end to end by the Rust pipeline, with pandas results."""

from __future__ import annotations

import json
from dataclasses import dataclass
from os import PathLike

import pandas as pd

from . import _core


@dataclass
class PlanReport:
    """What a scenario run produced: ``summary`` (the CLI's JSON object),
    ``current`` (coverage per service), ``sites`` (the new sites), ``demand``
    (each demand point, covered before/after) and ``geojson`` (the plan map)."""

    summary: dict
    current: pd.DataFrame
    sites: pd.DataFrame
    demand: pd.DataFrame
    geojson: dict

    @property
    def objective(self) -> float:
        return self.summary["objective"]

    @property
    def status(self) -> str:
        return self.summary["status"]

    def to_geojson(self) -> dict:
        return self.geojson


def run_scenario(path: str | PathLike) -> PlanReport:
    """Runs a scenario file (TOML or JSON, format in the project README); the GIL is released meanwhile."""
    raw = json.loads(_core.run_scenario(str(path)))
    geojson = raw.pop("geojson")
    demand = pd.DataFrame(raw.pop("demand_points"))
    return PlanReport(
        summary=raw,
        current=pd.DataFrame(raw["current"]),
        sites=pd.DataFrame(raw["sites"], columns=["osm_id", "lon", "lat", "newly_reached"]),
        demand=demand,
        geojson=geojson,
    )


def service_catalogue() -> pd.DataFrame:
    """The built-in service catalogue (key, name, class, walking limit, OSM tags)."""
    return pd.DataFrame(json.loads(_core.service_catalogue()))


__all__ = ["PlanReport", "run_scenario", "service_catalogue"]

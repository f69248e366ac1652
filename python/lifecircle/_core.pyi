"""Type stubs of the compiled module (lifecircle._core)."""

from os import PathLike
from typing import Any

import numpy as np
import numpy.typing as npt

class Network:
    @staticmethod
    def from_edges(
        ids: npt.NDArray[np.int64],
        lons: npt.ArrayLike,
        lats: npt.ArrayLike,
        sources: npt.NDArray[np.int64],
        targets: npt.NDArray[np.int64],
        lengths: npt.ArrayLike | None = None,
    ) -> Network: ...
    @property
    def node_count(self) -> int: ...
    @property
    def edge_count(self) -> int: ...
    @property
    def total_length_m(self) -> float: ...
    def nodes(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.float64]]: ...
    def edges(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...
    def snap(
        self, lons: npt.ArrayLike, lats: npt.ArrayLike
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...
    def candidates(self, which: str = "intersections") -> npt.NDArray[np.int64]: ...
    def travel_times(
        self,
        site_lons: npt.ArrayLike,
        site_lats: npt.ArrayLike,
        demand_lons: npt.ArrayLike,
        demand_lats: npt.ArrayLike,
        speed_m_s: float,
        limit_s: float,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...

class DemandPoints:
    def __init__(
        self,
        network: Network,
        ids: list[str],
        lons: npt.ArrayLike,
        lats: npt.ArrayLike,
        population: npt.ArrayLike,
        aged_60_plus: npt.ArrayLike | None = None,
        under_6: npt.ArrayLike | None = None,
        aging_ratio: float | None = None,
        under_6_ratio: float | None = None,
        max_snap_m: float | None = None,
    ) -> None: ...
    @property
    def inside(self) -> npt.NDArray[np.int64]: ...
    @property
    def outside(self) -> npt.NDArray[np.int64]: ...
    @property
    def snap_m(self) -> npt.NDArray[np.float64]: ...
    @property
    def aged_60_plus(self) -> npt.NDArray[np.float64]: ...
    def rows(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]: ...
    def weights(self, serves: str | dict[str, float] | None = None) -> npt.NDArray[np.float64]: ...
    def reach(
        self,
        site_lons: npt.ArrayLike,
        site_lats: npt.ArrayLike,
        limit_minutes: float,
        speed_m_s: float,
        elderly_speed_m_s: float,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...
    def coverage(
        self,
        facility_lons: npt.ArrayLike,
        facility_lats: npt.ArrayLike,
        limit_minutes: float,
        speed_m_s: float,
        elderly_speed_m_s: float,
        serves: str | dict[str, float] | None = None,
    ) -> dict[str, Any]: ...
    def __len__(self) -> int: ...

class Timings:
    def __init__(self, presolve: float, heuristic: float, mip: float, total: float) -> None: ...
    @property
    def presolve(self) -> float: ...
    @property
    def heuristic(self) -> float: ...
    @property
    def mip(self) -> float: ...
    @property
    def total(self) -> float: ...

class PresolveStats:
    def __init__(self, demand_before: int, demand_after: int, sites_before: int, sites_after: int) -> None: ...
    @property
    def demand_before(self) -> int: ...
    @property
    def demand_after(self) -> int: ...
    @property
    def sites_before(self) -> int: ...
    @property
    def sites_after(self) -> int: ...

class Solution:
    def __init__(
        self,
        sites: list[int],
        objective: float,
        bound: float,
        gap: float,
        status: str,
        timings: Timings,
        presolve: PresolveStats,
        alternatives: Alternatives | None = None,
    ) -> None: ...
    @property
    def sites(self) -> list[int]: ...
    @property
    def objective(self) -> float: ...
    @property
    def bound(self) -> float: ...
    @property
    def gap(self) -> float: ...
    @property
    def status(self) -> str: ...
    @property
    def timings(self) -> Timings: ...
    @property
    def presolve(self) -> PresolveStats: ...
    @property
    def alternatives(self) -> Alternatives | None: ...

class Alternatives:
    def __init__(
        self,
        exists: bool,
        plans: list[list[int]],
        exhausted: bool,
        more: bool,
        shared_sites: list[int],
        status: str,
        optimum: float,
        tolerance: float,
        seconds: float,
    ) -> None: ...
    @property
    def exists(self) -> bool: ...
    @property
    def plans(self) -> list[list[int]]: ...
    @property
    def exhausted(self) -> bool: ...
    @property
    def more(self) -> bool: ...
    @property
    def shared_sites(self) -> list[int]: ...
    @property
    def status(self) -> str: ...
    @property
    def optimum(self) -> float: ...
    @property
    def tolerance(self) -> float: ...
    @property
    def seconds(self) -> float: ...

class ServicePlan:
    def __init__(
        self,
        name: str,
        new_sites: list[int],
        covered: float,
        weight: float,
        served: list[float],
        uncoverable: list[int],
    ) -> None: ...
    @property
    def name(self) -> str: ...
    @property
    def new_sites(self) -> list[int]: ...
    @property
    def covered(self) -> float: ...
    @property
    def weight(self) -> float: ...
    @property
    def served(self) -> list[float]: ...
    @property
    def uncoverable(self) -> list[int]: ...

class JointSolution:
    def __init__(
        self,
        services: list[ServicePlan],
        cost: float,
        sites_opened: list[int],
        objective: float,
        bound: float,
        gap: float,
        status: str,
        presolve: PresolveStats,
        timings: Timings,
    ) -> None: ...
    @property
    def services(self) -> list[ServicePlan]: ...
    @property
    def cost(self) -> float: ...
    @property
    def sites_opened(self) -> list[int]: ...
    @property
    def objective(self) -> float: ...
    @property
    def bound(self) -> float: ...
    @property
    def gap(self) -> float: ...
    @property
    def status(self) -> str: ...
    @property
    def presolve(self) -> PresolveStats: ...
    @property
    def timings(self) -> Timings: ...
    def service(self, name: str) -> ServicePlan: ...

class JointService:
    def __init__(
        self,
        name: str,
        n_demand: int,
        indptr: npt.NDArray[np.int64],
        indices: npt.NDArray[np.int64],
        weights: npt.ArrayLike,
        max_new: int | None = None,
        fixed: list[int] | None = None,
        hosts: list[int] | None = None,
        capacity: float | None = None,
        site_capacity: dict[int, float] | None = None,
        loads: npt.ArrayLike | None = None,
        zones: list[int] | None = None,
    ) -> None: ...
    @property
    def name(self) -> str: ...

class JointPlan:
    def __init__(
        self,
        n_sites: int,
        services: list[JointService],
        site_costs: npt.ArrayLike | None = None,
        budget: float | None = None,
        objective: str = "coverage",
    ) -> None: ...
    @property
    def n_sites(self) -> int: ...
    def solve(self, time_limit: float | None = None, mip_gap: float | None = None) -> JointSolution: ...

def assign_nearest(
    cost: npt.ArrayLike,
    open: list[int] | npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...
def assign_on_times(
    demand: npt.NDArray[np.int64],
    site: npt.NDArray[np.int64],
    seconds: npt.ArrayLike,
    n_demand: int,
    n_sites: int,
    open: list[int] | npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...
def assign_covering(
    n_demand: int,
    indptr: npt.NDArray[np.int64],
    indices: npt.NDArray[np.int64],
    costs: npt.ArrayLike,
    open: list[int] | npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...

# Scenario reports (lifecircle.scenario wraps them in pandas tables); they pickle.
class Site:
    def __init__(
        self, service: str | None, id: str, lon: float, lat: float, cost: float, newly_reached: float
    ) -> None: ...
    @property
    def service(self) -> str | None: ...
    @property
    def id(self) -> str: ...
    @property
    def lon(self) -> float: ...
    @property
    def lat(self) -> float: ...
    @property
    def cost(self) -> float: ...
    @property
    def newly_reached(self) -> float: ...

class ServiceOutcome:
    @property
    def service(self) -> str: ...
    @property
    def walking_limit_min(self) -> float: ...
    @property
    def capacity(self) -> float | None: ...
    @property
    def max_new(self) -> int | None: ...
    @property
    def existing(self) -> list[Site]: ...
    @property
    def new(self) -> list[Site]: ...
    @property
    def served(self) -> float: ...
    @property
    def covered_before(self) -> float: ...
    @property
    def covered_after(self) -> float: ...
    @property
    def covered_60plus_before(self) -> float | None: ...
    @property
    def covered_60plus_after(self) -> float | None: ...
    @property
    def unreachable_ids(self) -> list[str]: ...
    @staticmethod
    def _from_cbor(bytes: bytes) -> ServiceOutcome: ...

class PlanRun:
    @property
    def objective_kind(self) -> str: ...
    @property
    def objective(self) -> float: ...
    @property
    def bound(self) -> float: ...
    @property
    def gap(self) -> float: ...
    @property
    def status(self) -> str: ...
    @property
    def cost(self) -> float: ...
    @property
    def budget(self) -> float | None: ...
    @property
    def candidates(self) -> int: ...
    @property
    def covered_before(self) -> float: ...
    @property
    def covered_after(self) -> float: ...
    @property
    def search_minutes(self) -> float: ...
    @property
    def skipped(self) -> list[str]: ...
    @property
    def presolve(self) -> PresolveStats: ...
    @property
    def services(self) -> list[ServiceOutcome]: ...
    @property
    def sites(self) -> list[Site]: ...
    @property
    def current(self) -> list[dict[str, Any]]: ...
    @property
    def after(self) -> list[dict[str, Any]]: ...
    @property
    def zones_before(self) -> list[dict[str, Any]]: ...
    @property
    def zones_after(self) -> list[dict[str, Any]]: ...
    @property
    def summary(self) -> dict[str, Any]: ...
    @property
    def demand(self) -> list[dict[str, Any]]: ...
    @property
    def streets(self) -> npt.NDArray[np.float64]: ...
    @property
    def geojson(self) -> dict[str, Any]: ...
    @property
    def isochrones(self) -> list[dict[str, Any]]: ...
    @property
    def zone_outlines(self) -> dict[str, Any]: ...
    @staticmethod
    def _from_cbor(bytes: bytes) -> PlanRun: ...

class GapsRun:
    @property
    def rows(self) -> list[dict[str, Any]]: ...
    @property
    def totals(self) -> list[dict[str, Any]]: ...
    @property
    def zones(self) -> list[dict[str, Any]]: ...
    @property
    def skipped(self) -> list[str]: ...
    @property
    def search_minutes(self) -> float: ...
    @property
    def access(self) -> list[dict[str, Any]]: ...
    @property
    def summary(self) -> dict[str, Any]: ...
    @property
    def streets(self) -> npt.NDArray[np.float64]: ...
    @property
    def geojson(self) -> dict[str, Any]: ...
    @property
    def isochrones(self) -> list[dict[str, Any]]: ...
    @property
    def zone_outlines(self) -> dict[str, Any]: ...
    @staticmethod
    def _from_cbor(bytes: bytes) -> GapsRun: ...

class AccessRun:
    @property
    def zones(self) -> list[dict[str, Any]]: ...
    @property
    def points(self) -> list[dict[str, Any]]: ...
    @property
    def skipped(self) -> list[str]: ...
    @property
    def summary(self) -> dict[str, Any]: ...
    @property
    def geojson(self) -> dict[str, Any]: ...
    @staticmethod
    def _from_cbor(bytes: bytes) -> AccessRun: ...

class VariantRun:
    @property
    def name(self) -> str: ...
    @property
    def plan(self) -> PlanRun | None: ...
    @property
    def error(self) -> str | None: ...
    @property
    def rows(self) -> list[dict[str, Any]]: ...
    @staticmethod
    def _from_cbor(bytes: bytes) -> VariantRun: ...

def read_pbf(
    path: str | bytes | PathLike[str] | PathLike[bytes],
) -> tuple[Network, list[dict[str, Any]], dict[str, Any]]: ...
def solve_p_median(
    cost: npt.ArrayLike,
    weights: npt.ArrayLike,
    p: int,
    fixed: list[int] | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    alternatives: int | None = None,
) -> Solution: ...
def solve_on_times(
    model: str,
    demand: npt.NDArray[np.int64],
    site: npt.NDArray[np.int64],
    seconds: npt.ArrayLike,
    n_demand: int,
    n_sites: int,
    weights: npt.ArrayLike | None = None,
    p: int | None = None,
    fixed: list[int] | None = None,
    radius: float | None = None,
    decay_spec: str | dict[str, Any] | None = None,
    capacities: npt.ArrayLike | None = None,
    target: float | None = None,
    unreachable: float | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    alternatives: int | None = None,
) -> Solution: ...
def solve_p_center(
    cost: npt.ArrayLike,
    weights: npt.ArrayLike,
    p: int,
    fixed: list[int] | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    alternatives: int | None = None,
) -> Solution: ...
def solve_mclp(
    n_demand: int,
    indptr: npt.NDArray[np.int64],
    indices: npt.NDArray[np.int64],
    weights: npt.ArrayLike,
    p: int | None = None,
    fixed: list[int] | None = None,
    costs: npt.ArrayLike | None = None,
    budget: float | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    alternatives: int | None = None,
) -> Solution: ...
def solve_lscp(
    n_demand: int,
    indptr: npt.NDArray[np.int64],
    indices: npt.NDArray[np.int64],
    costs: npt.ArrayLike | None = None,
    fixed: list[int] | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    alternatives: int | None = None,
) -> Solution: ...
def run_scenario(path: str | bytes | PathLike[str] | PathLike[bytes] | dict[str, Any]) -> PlanRun: ...
def scenario_gaps(path: str | bytes | PathLike[str] | PathLike[bytes] | dict[str, Any]) -> GapsRun: ...
def scenario_access(
    path: str | bytes | PathLike[str] | PathLike[bytes] | dict[str, Any], threshold: float | None = None
) -> AccessRun: ...
def allocate_zones(
    zones_geojson: str,
    buildings_geojson: str | None = None,
    network: Network | None = None,
    crs: str = "wgs84",
    rules_json: str | None = None,
) -> dict[str, Any]: ...
def facility_matches(
    service: str, tags: list[list[tuple[str, str]]], catalogue: str | PathLike[str] | None = None
) -> list[bool]: ...
def service_catalogue(path: str | bytes | PathLike[str] | PathLike[bytes] | None = None) -> str: ...
def scenario_variants(
    path: str | bytes | PathLike[str] | PathLike[bytes], max_variants: int | None = None
) -> list[tuple[str, str]]: ...
def run_variant(name: str, scenario_json: str) -> VariantRun: ...

# Accessibility indices (lifecircle.access); decays are dicts in the scenario format.
class AccessMatrix:
    def __init__(
        self,
        sites: npt.NDArray[np.int64],
        demand: npt.NDArray[np.int64],
        seconds: npt.NDArray[np.float64],
        n_sites: int,
        n_demand: int,
        limit_s: float,
    ) -> None: ...
    @property
    def n_sites(self) -> int: ...
    @property
    def n_demand(self) -> int: ...
    @property
    def limit_s(self) -> float: ...

def two_step_fca(
    matrix: AccessMatrix,
    facilities: npt.NDArray[np.int64],
    demand: npt.NDArray[np.float64],
    decay_spec: dict[str, Any],
    capacity: npt.NDArray[np.float64] | None = None,
) -> npt.NDArray[np.float64]: ...
def three_step_fca(
    matrix: AccessMatrix,
    facilities: npt.NDArray[np.int64],
    demand: npt.NDArray[np.float64],
    decay_spec: dict[str, Any],
    capacity: npt.NDArray[np.float64] | None = None,
) -> npt.NDArray[np.float64]: ...
def gravity_access(
    matrix: AccessMatrix,
    facilities: npt.NDArray[np.int64],
    demand: npt.NDArray[np.float64],
    decay_spec: dict[str, Any],
    capacity: npt.NDArray[np.float64] | None = None,
) -> npt.NDArray[np.float64]: ...
def cumulative_opportunities(
    matrix: AccessMatrix,
    facilities: npt.NDArray[np.int64],
    demand: npt.NDArray[np.float64],
    limit_s: float,
    capacity: npt.NDArray[np.float64] | None = None,
) -> npt.NDArray[np.float64]: ...
def facilities_in_reach(
    matrix: AccessMatrix,
    facilities: npt.NDArray[np.int64],
    demand: npt.NDArray[np.float64],
    limit_s: float,
) -> npt.NDArray[np.int64]: ...
def nearest_average(
    matrix: AccessMatrix,
    facilities: npt.NDArray[np.int64],
    demand: npt.NDArray[np.float64],
    n: int,
) -> npt.NDArray[np.float64]: ...
def coverage_within(
    cost: npt.ArrayLike,
    radius: float,
    rows: npt.NDArray[np.int64] | None = None,
    cols: npt.NDArray[np.int64] | None = None,
    shape: tuple[int, int] | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]: ...
def real_number(value: float, name: str) -> float: ...
def whole_count(value: float, name: str) -> int: ...
def real_array(value: npt.ArrayLike, name: str) -> npt.NDArray[np.float64]: ...

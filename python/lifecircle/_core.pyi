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
    def travel_times(
        self,
        site_lons: npt.ArrayLike,
        site_lats: npt.ArrayLike,
        demand_lons: npt.ArrayLike,
        demand_lats: npt.ArrayLike,
        speed_m_s: float,
        limit_s: float,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...

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
) -> dict[str, Any]: ...
def solve_p_center(
    cost: npt.ArrayLike,
    weights: npt.ArrayLike,
    p: int,
    fixed: list[int] | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
) -> dict[str, Any]: ...
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
) -> dict[str, Any]: ...
def solve_lscp(
    n_demand: int,
    indptr: npt.NDArray[np.int64],
    indices: npt.NDArray[np.int64],
    costs: npt.ArrayLike | None = None,
    fixed: list[int] | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
) -> dict[str, Any]: ...
def run_scenario(path: str | bytes | PathLike[str] | PathLike[bytes]) -> str: ...
def scenario_gaps(path: str | bytes | PathLike[str] | PathLike[bytes]) -> str: ...
def service_catalogue(path: str | bytes | PathLike[str] | PathLike[bytes] | None = None) -> str: ...
def scenario_variants(
    path: str | bytes | PathLike[str] | PathLike[bytes], max_variants: int | None = None
) -> list[tuple[str, str]]: ...
def run_variant(name: str, scenario_json: str) -> str: ...

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

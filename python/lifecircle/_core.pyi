"""Type stubs of the compiled module (lifecircle._core)."""

from os import PathLike
from typing import Any

import numpy as np
import numpy.typing as npt

class Network:
    @staticmethod
    def from_edges(
        ids: npt.NDArray[np.int64],
        lons: npt.NDArray[np.float64],
        lats: npt.NDArray[np.float64],
        sources: npt.NDArray[np.int64],
        targets: npt.NDArray[np.int64],
        lengths: npt.NDArray[np.float64] | None = None,
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
        self, lons: npt.NDArray[np.float64], lats: npt.NDArray[np.float64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...
    def travel_times(
        self,
        site_lons: npt.NDArray[np.float64],
        site_lats: npt.NDArray[np.float64],
        demand_lons: npt.NDArray[np.float64],
        demand_lats: npt.NDArray[np.float64],
        speed_m_s: float,
        limit_s: float,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...

def read_pbf(path: str | PathLike[str]) -> tuple[Network, list[dict[str, Any]], dict[str, Any]]: ...
def solve_p_median(
    cost: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64],
    p: int,
    fixed: list[int] = ...,
    time_limit: float | None = None,
    mip_gap: float = 0.0,
) -> dict[str, Any]: ...
def solve_p_center(
    cost: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64],
    p: int,
    fixed: list[int] = ...,
    time_limit: float | None = None,
    mip_gap: float = 0.0,
) -> dict[str, Any]: ...
def solve_mclp(
    n_demand: int,
    indptr: npt.NDArray[np.int64],
    indices: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64],
    p: int | None = None,
    fixed: list[int] = ...,
    costs: list[float] | None = None,
    budget: float | None = None,
    time_limit: float | None = None,
    mip_gap: float = 0.0,
) -> dict[str, Any]: ...
def solve_lscp(
    n_demand: int,
    indptr: npt.NDArray[np.int64],
    indices: npt.NDArray[np.int64],
    costs: list[float] | None = None,
    fixed: list[int] = ...,
    time_limit: float | None = None,
    mip_gap: float = 0.0,
) -> dict[str, Any]: ...
def run_scenario(path: str | PathLike[str]) -> str: ...
def scenario_gaps(path: str | PathLike[str]) -> str: ...
def service_catalogue(path: str | PathLike[str] | None = None) -> str: ...
def scenario_variants(path: str | PathLike[str], max_variants: int | None = None) -> list[tuple[str, str]]: ...
def run_variant(name: str, scenario_json: str) -> str: ...

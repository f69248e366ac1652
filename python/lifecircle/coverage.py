"""Current coverage and gaps (查缺补漏): who reaches an existing facility on
foot within the limit, and who is left out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InvalidInputError
from .network import Network, as_floats, plain, travel_times


def current_coverage(
    network: Network,
    demand,
    facilities,
    limit_minutes: float,
    *,
    speed_m_s: float = 1.1,
    population_col: str = "population",
) -> pd.DataFrame:
    """One row per demand point: its residents, the walking minutes to the
    nearest facility (NaN beyond the limit) and whether it is covered.

    ``demand`` and ``facilities`` are (Geo)DataFrames with geometries or
    ``lon``/``lat`` columns; ``demand`` has a population column.
    """
    if population_col not in demand.columns:
        raise InvalidInputError(f"demand has no {population_col!r} column; have {list(demand.columns)}")
    population = as_floats(demand[population_col], f"column {population_col!r}")
    bad = np.flatnonzero(~np.isfinite(population) | (population < 0))
    if bad.size:
        raise InvalidInputError(
            f"demand row {plain(demand.index[bad[0]])!r}: population must be finite and >= 0, got {population[bad[0]]}"
        )
    nearest = np.full(len(demand), np.nan)
    if len(facilities):
        d, _, minutes = travel_times(network, demand, facilities, speed_m_s=speed_m_s, limit_minutes=limit_minutes)
        order = np.argsort(minutes)[::-1]
        nearest[d[order]] = minutes[order]  # the smallest time per point is written last
    return pd.DataFrame(
        {"population": population, "nearest_minutes": nearest, "covered": ~np.isnan(nearest)},
        index=demand.index,
    )


def coverage_summary(table: pd.DataFrame) -> dict:
    """Residents, covered, share and left out from a :func:`current_coverage` table."""
    residents = float(table["population"].sum())
    covered = float(table.loc[table["covered"], "population"].sum())
    return {
        "residents": residents,
        "covered": covered,
        "share": covered / residents if residents else 0.0,
        "left_out": residents - covered,
        "uncovered_points": int(((~table["covered"]) & (table["population"] > 0)).sum()),
    }


__all__ = ["coverage_summary", "current_coverage"]

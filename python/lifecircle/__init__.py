"""lifecircle: where to put the next facilities so that every resident, and
above all the elderly, reaches daily services within a short walk.

The models keep the shape of PySAL spopt (``from_cost_matrix``,
``from_geodataframe``, ``solve``) and are solved exactly with HiGHS; every
result states its bound and gap. Heavy work runs in Rust with the GIL released. ``solve_p_median``,
``solve_p_center``, ``solve_mclp`` and ``solve_lscp`` are the plain-array
layer underneath the model classes; they return a typed, frozen
:class:`Solution`. :class:`JointPlan` sites several services over one list of
sites on plain data (coverage sets per service) and returns a :class:`JointSolution`.
"""

from ._core import JointSolution, ServicePlan, Solution, solve_lscp, solve_mclp, solve_p_center, solve_p_median
from ._sweep import SweepResult, sweep
from .coverage import coverage_summary, current_coverage
from .demand import allocate, demand_points
from .errors import (
    AmbiguousZoneWarning,
    DataFileError,
    InfeasibleError,
    InvalidInputError,
    LifecircleError,
    SkippedServiceWarning,
    SolverError,
    UnreachableDemandWarning,
)
from .models import LSCP, MCLP, JointPlan, JointService, PCenter, PMedian, Result, solve_on_times
from .network import Network, travel_matrix, travel_times
from .scenario import (
    AccessReport,
    GapsReport,
    PlanReport,
    run_scenario,
    scenario_access,
    scenario_gaps,
    service_catalogue,
)

__version__ = "0.1.0"

__all__ = [
    "LSCP",
    "MCLP",
    "AccessReport",
    "AmbiguousZoneWarning",
    "DataFileError",
    "GapsReport",
    "InfeasibleError",
    "InvalidInputError",
    "JointPlan",
    "JointService",
    "JointSolution",
    "LifecircleError",
    "Network",
    "PCenter",
    "PMedian",
    "PlanReport",
    "Result",
    "ServicePlan",
    "SkippedServiceWarning",
    "Solution",
    "SolverError",
    "SweepResult",
    "UnreachableDemandWarning",
    "allocate",
    "coverage_summary",
    "current_coverage",
    "demand_points",
    "run_scenario",
    "scenario_access",
    "scenario_gaps",
    "service_catalogue",
    "solve_lscp",
    "solve_mclp",
    "solve_on_times",
    "solve_p_center",
    "solve_p_median",
    "sweep",
    "travel_matrix",
    "travel_times",
]

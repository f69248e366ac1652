"""Accessibility beyond "within the limit": the 2SFCA family, gravity access,
nearest-N times and cumulative opportunities (the Rust ``access`` stage).

Build an :class:`AccessMatrix` once from the ``(site, demand point, seconds)``
arrays that :meth:`lifecircle.Network.travel_times` returns, then call one
function per index with the facilities (site rows), the demand per demand
point and, for decayed indices, a decay as a dict (the same format as the
scenario file): ``{"kind": "step", "steps": [{"up_to_s": 300, "weight": 1}, ...]}``,
``{"kind": "linear", "cutoff_s": 900}``, ``{"kind": "exponential", "beta": 0.003,
"cutoff_s": 900}``, ``{"kind": "gaussian", "cutoff_s": 900}`` (Dai's Gaussian 2SFCA),
``{"kind": "power", "beta": 1, "min_s": 60, "cutoff_s": 900}`` or
``{"kind": "modified_gaussian", "sensitivity": 300000, "cutoff_s": 900}`` (GOAT).
Formulas and sources: the Rust crate docs of ``lifecircle::access``.

A demand point that no facility reaches gets 0 (see :func:`facilities_in_reach`
to flag it); :func:`nearest_average` gives NaN where fewer than ``n``
facilities are in reach.

>>> import numpy as np
>>> from lifecircle.access import AccessMatrix, two_step_fca
>>> m = AccessMatrix(np.array([0, 0, 1]), np.array([0, 1, 1]), np.array([60.0, 300.0, 120.0]), 2, 3, 900.0)
>>> two_step_fca(m, np.array([0, 1]), np.array([100.0, 300.0, 50.0]),
...              {"kind": "step", "steps": [{"up_to_s": 900, "weight": 1}]}, capacity=np.array([4.0, 3.0]))
array([0.01, 0.02, 0.  ])
"""

from ._core import (
    AccessMatrix,
    cumulative_opportunities,
    facilities_in_reach,
    gravity_access,
    nearest_average,
    three_step_fca,
    two_step_fca,
)

__all__ = [
    "AccessMatrix",
    "cumulative_opportunities",
    "facilities_in_reach",
    "gravity_access",
    "nearest_average",
    "three_step_fca",
    "two_step_fca",
]

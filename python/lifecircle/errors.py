"""Exceptions raised by lifecircle (every error from the compiled core arrives as one of these) and its warnings."""

from __future__ import annotations


class LifecircleError(Exception):
    """Base class of every lifecircle error."""


class InvalidInputError(LifecircleError, ValueError):
    """Bad input: NaN or negative population, unknown node or site, a malformed
    table, more sites than candidates, a parameter out of range. The message
    names the offending record."""


class DataFileError(LifecircleError, OSError):
    """A data file (OSM PBF, CSV, scenario) is missing, unreadable or corrupt."""


class InfeasibleError(LifecircleError):
    """No plan satisfies the constraints. ``demand`` lists the indices of the
    demand points that no site can serve, when that is the reason."""

    demand: list[int]

    def __init__(self, message: str, demand: list[int] | None = None) -> None:
        super().__init__(message)
        self.demand = list(demand or [])

    def __reduce__(self):
        return (type(self), (str(self), self.demand))


class SolverError(LifecircleError):
    """The MIP solver failed for a reason other than infeasibility."""


class UnreachableDemandWarning(UserWarning):
    """A plan leaves demand points beyond the walking limit of every open site
    (p-median and p-center built ``from_geodataframe``). They are not served in
    the result, while the objective counts them at ``unreachable_minutes``."""


class SkippedServiceWarning(UserWarning):
    """A gap analysis left a service out, e.g. an elderly canteen when the
    population table has no 60+ counts and the scenario no ``aging_ratio``;
    the message says why, as the command line's report does."""


class AmbiguousZoneWarning(UserWarning):
    """:func:`lifecircle.allocate` found homes inside two or more zones
    (overlapping polygons, a home on a shared edge): each went whole to the
    zone with the lowest id, and ``attrs["ambiguous"]`` lists them."""


__all__ = [
    "AmbiguousZoneWarning",
    "DataFileError",
    "InfeasibleError",
    "InvalidInputError",
    "LifecircleError",
    "SkippedServiceWarning",
    "SolverError",
    "UnreachableDemandWarning",
]

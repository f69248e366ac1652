"""Siting models with the shape spopt users know: ``from_cost_matrix`` /
``from_geodataframe`` constructors and ``.solve()``, which returns a
:class:`Result` (nothing appears on the model after solving)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from . import _core
from ._core import JointPlan, JointService
from .demand import _Frames, _from_frames
from .errors import InvalidInputError, UnreachableDemandWarning
from .network import Network, as_floats, lon_lat, plain, wgs84


@dataclass
class Result:
    """The answer of a model.

    Attributes:
        objective: value of the plan (total weighted cost, largest cost, weight
            covered, or number/cost of sites, by model).
        bound: best proven bound on the optimum.
        gap: relative gap between objective and bound (0: proven optimal).
        status: ``"optimal"``, ``"gap_limit"``, ``"time_limit"`` or ``"memory_limit"``.
        selected: indices of the open sites (columns of the cost matrix), fixed ones included.
        fac2cli: for each site, the demand points it serves (empty if closed).
        cli2fac: for each demand point, the open sites serving it (empty for a
            point the model left out, see ``left_out``).
        assignments: ``demand``, ``site`` (positions), ``cost`` (from the cost matrix),
            and for a model built ``from_geodataframe`` ``demand_label`` and
            ``site_label``, the frames' index labels (to join with them, with
            :meth:`Network.snap` or :func:`current_coverage`), and, when the
            demand has ages, ``group`` (``"aged_60_plus"``, walking at their pace,
            or ``"others"``: one row per group). MCLP and LSCP list every open
            site within ``service_radius`` of a point (one row per pair);
            p-median and p-center the nearest open site of every point, with
            cost NaN when a model built ``from_geodataframe`` leaves the point
            beyond ``limit_minutes`` of every open site (such a point is not
            served). Computed in Rust (``lifecircle._core.assign_nearest``,
            ``assign_covering``).
        sites: the rows of the sites table for the open sites (a DataFrame, or a
            GeoDataFrame when the model was built from one).
        left_out: index labels of the demand points a model built
            ``from_geodataframe`` leaves out because they are off the walking
            network (the command line's rule), empty otherwise.
        timings: seconds per phase (:class:`lifecircle._core.Timings`);
            ``presolve``: instance size before/after (:class:`lifecircle._core.PresolveStats`).
        solution: the solver's typed answer (:class:`lifecircle._core.Solution`).
        alternatives: with ``solve(alternatives=k)``, other plans as good as this
            one (:class:`lifecircle._core.Alternatives`: ``exists``, up to ``k``
            ``plans`` as site positions like ``selected``, ``exhausted`` when
            that is all of them, ``shared_sites`` open in every plan found);
            ``None`` when not asked.
    """

    model: str
    objective: float
    bound: float
    gap: float
    status: str
    selected: np.ndarray
    fac2cli: list
    cli2fac: list
    assignments: pd.DataFrame
    sites: Any
    timings: Any = None
    presolve: Any = None
    left_out: Any = field(default_factory=lambda: pd.Index([]))
    solution: Any = None
    alternatives: Any = None

    @property
    def perc_cov(self) -> float:
        """Percentage of demand points served: within reach of an open site (for
        p-median and p-center from a cost matrix, every point assigned). Points
        left out (off the network) do not count."""
        n = len(self.cli2fac) - len(self.left_out)
        return 100.0 * sum(1 for c in self.cli2fac if len(c) > 0) / n if n else 0.0

    def to_geojson(self) -> dict:
        """The open sites as a GeoJSON FeatureCollection (needs sites with a
        geometry or ``lon``/``lat`` columns, i.e. a model built
        ``from_geodataframe``), in WGS 84 as RFC 7946 requires: sites in another
        CRS are reprojected. Properties: the sites' columns (timestamps as ISO
        8601 strings, missing values as null), ``site_index`` (position),
        ``site_label`` (index label) and ``served_points`` (the demand points it
        serves; a count of points, not of residents)."""
        geometry = getattr(self.sites, "geometry", None)
        if hasattr(geometry, "crs"):
            shapes = [shape.__geo_interface__ for shape in wgs84(geometry)]
            columns = pd.DataFrame(self.sites).drop(columns=geometry.name)
        elif {"lon", "lat"} <= set(self.sites.columns):
            lon, lat = lon_lat(self.sites)
            shapes = [{"type": "Point", "coordinates": [float(x), float(y)]} for x, y in zip(lon, lat)]
            columns = self.sites
        else:
            raise InvalidInputError(
                "to_geojson needs sites with a geometry or lon/lat columns (build the model from_geodataframe)"
            )
        # Records keep each column's type; iterrows would turn an int column into floats beside a float one.
        records = columns.to_dict("records")
        features = []
        for j, label, shape, record in zip(self.selected, self.sites.index, shapes, records):
            props = {k: plain(v) for k, v in record.items()}
            props.update(site_index=int(j), site_label=plain(label), served_points=len(self.fac2cli[j]))
            features.append({"type": "Feature", "geometry": shape, "properties": props})
        return {"type": "FeatureCollection", "features": features}


def _weights(weights, n: int) -> np.ndarray:
    if weights is None:
        return np.ones(n)
    w = as_floats(weights, "weights")
    if w.ndim == 2 and w.shape[1] == 1:
        w = w.ravel()  # a one-column frame or column vector, e.g. df[["pop"]]
    if w.shape != (n,):
        raise InvalidInputError(f"weights: need one value per demand point, shape ({n},), got shape {w.shape}")
    return np.ascontiguousarray(w)


def _count(value, name: str) -> int:
    """A non-negative integer count, by the core's rule: a whole float such as
    ``np.ceil(n / k)`` counts; 1.7, "2" and True are refused rather than
    truncated or parsed, and a count too large for the core is bad input."""
    return _core.whole_count(value, name)


def _fixed(fixed, n_sites: int) -> list[int]:
    """Fixed-open site indices; a boolean array is a mask over the sites (as int()
    its True/False would become sites 1 and 0)."""
    if fixed is None:
        return []
    a = np.atleast_1d(np.asarray(fixed))
    if a.ndim != 1:
        raise InvalidInputError(f"fixed: need a list of site indices or a boolean mask, got shape {a.shape}")
    if a.dtype == bool:
        if a.shape != (n_sites,):
            raise InvalidInputError(f"fixed: boolean mask of {a.size} values for {n_sites} sites")
        return np.flatnonzero(a).tolist()
    if a.size and not np.issubdtype(a.dtype, np.integer):
        raise TypeError(f"fixed: site indices must be integers (or a boolean mask), got {a.dtype} values")
    for j in a:
        if j < 0 or j >= n_sites:
            raise InvalidInputError(f"fixed: site {j} does not exist (site indices are 0 to {n_sites - 1})")
    return a.astype(np.int64).tolist()


def _site_costs(site_costs) -> list[float] | None:
    return None if site_costs is None else as_floats(site_costs, "site_costs").ravel().tolist()


def _dense(cost) -> np.ndarray:
    if hasattr(cost, "toarray"):
        c = cost.tocoo()
        stored = np.zeros(c.shape, dtype=bool)
        stored[c.row, c.col] = True
        if not stored.all():
            i, j = np.argwhere(~stored)[0]
            raise InvalidInputError(
                f"sparse cost matrix, row {i}, column {j}: no entry; this model needs every demand x site cost"
                " (an absent pair would cost 0, though for the coverage models it means out of reach)."
                " A matrix made by scipy.sparse.csr_matrix(dense) drops zero costs: pass the dense array"
            )
        cost = cost.toarray()
    a = np.ascontiguousarray(as_floats(cost, "cost matrix"))
    if a.ndim != 2:
        raise InvalidInputError(f"cost matrix must be 2-D (demand x sites), got shape {a.shape}")
    return a


def _coverage_csr(cost, radius) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Sites' coverage sets (CSR by site) from a dense or scipy.sparse demand x site matrix:
    ``(n_demand, indptr, indices, costs)``, ``costs`` aligned with ``indices``.
    For sparse input only stored entries count (absent pairs are out of reach).
    Costs and radius are checked by the core, as for ``lifecircle solve --costs``:
    finite and >= 0 (an infinite cost is refused; leave the pair out of a sparse matrix)."""
    if hasattr(cost, "tocoo"):
        c = cost.tocoo()
        c.sum_duplicates()  # as scipy reads them: duplicate entries add up
        indptr, indices = _core.coverage_within(
            as_floats(c.data, "cost matrix"), radius, c.row.astype(np.int64), c.col.astype(np.int64), c.shape
        )
        sites = np.repeat(np.arange(c.shape[1]), np.diff(indptr))
        # A copy: scipy's indexing flags its index arrays writeable, which an array owned by Rust refuses.
        costs = np.asarray(c.tocsr()[indices.copy(), sites], dtype=float).ravel()
        return c.shape[0], indptr, indices, costs
    a = _dense(cost)
    indptr, indices = _core.coverage_within(a, radius)
    sites = np.repeat(np.arange(a.shape[1]), np.diff(indptr))
    return a.shape[0], indptr, indices, a[indices, sites]


def _open_count(p_facilities, new_facilities, n_fixed: int, needed: bool = True) -> int | None:
    """The number of new sites the core opens: ``new_facilities``, or
    ``p_facilities`` in spopt's meaning (every open site, the fixed ones
    included) less the fixed sites."""
    if p_facilities is not None and new_facilities is not None:
        raise InvalidInputError("give p_facilities (all open sites, fixed included) or new_facilities, not both")
    if new_facilities is not None:
        return _count(new_facilities, "new_facilities")
    if p_facilities is None:
        if needed:
            raise InvalidInputError("give p_facilities (all open sites, fixed included) or new_facilities")
        return None
    p = _count(p_facilities, "p_facilities")
    if p < n_fixed:
        raise InvalidInputError(
            f"p_facilities={p} counts every open site, the {n_fixed} fixed ones included (spopt's meaning);"
            f" for {p} sites besides them, say new_facilities={p}"
        )
    return p - n_fixed


class _Model:
    name = "model"

    def __init__(self, n_demand: int, n_sites: int, frames: _Frames | None = None):
        self.n_demand = n_demand
        self.n_sites = n_sites
        self.frames = frames

    @property
    def left_out(self) -> pd.Index:
        """Index labels of the demand points left out (off the walking network;
        only a model built ``from_geodataframe`` leaves any out)."""
        if self.frames is None:
            return pd.Index([])
        return self.frames.demand_index.take(self.frames.outside)

    def _result(self, solution: _core.Solution) -> Result:
        selected = np.asarray(solution.sites, dtype=np.int64)
        rows, site, cost = self._assign(selected)
        served = ~np.isnan(cost)  # NaN: assigned beyond the walking limit, not served
        if self.frames is None:
            demand, n_points = rows, self.n_demand
        else:
            demand, n_points = self.frames.point[rows], len(self.frames.demand_index)
        fac2cli = [np.unique(demand[served & (site == j)]) for j in range(self.n_sites)]
        cli2fac = [np.empty(0, dtype=np.int64) for _ in range(n_points)]
        for i, js in pd.Series(site[served]).groupby(demand[served]):
            cli2fac[i] = np.unique(js.to_numpy())
        assignments = pd.DataFrame({"demand": demand, "site": site, "cost": cost})
        if self.frames is None:
            sites = pd.DataFrame({"site": selected})
        else:
            sites = self.frames.sites.iloc[selected]
            # Positions are spopt's; labels join with the input frames, snap() and current_coverage().
            assignments["demand_label"] = self.frames.demand_index.take(demand).tolist()
            assignments["site_label"] = self.frames.sites.index.take(site).tolist()
            if (self.frames.group >= 0).any():
                assignments["group"] = np.where(self.frames.group[rows] == 0, "aged_60_plus", "others")
        return Result(
            model=self.name,
            objective=solution.objective,
            bound=solution.bound,
            gap=solution.gap,
            status=solution.status,
            selected=selected,
            fac2cli=fac2cli,
            cli2fac=cli2fac,
            assignments=assignments,
            sites=sites,
            timings=solution.timings,
            presolve=solution.presolve,
            left_out=self.left_out,
            solution=solution,
            alternatives=solution.alternatives,
        )


class _CSR(NamedTuple):
    """Coverage sets by site with the cost of each stored pair, as the core takes them."""

    n_demand: int
    indptr: np.ndarray
    indices: np.ndarray
    costs: np.ndarray


_AGES_DOC = """
        Demand as the command line reads it (:func:`demand_points`): points
        off the walking network (outside its extent, or farther than
        ``max_snap_m``, default 200 m, from every node) are left out of the
        model and listed in ``left_out``; ``weights_col`` gives the residents
        (1 each without). With ages (``age_columns={"aged_60_plus": col}``, or
        ``aging_ratio``), each point is two rows, its residents aged 60+
        walking at ``elderly_speed_m_s`` (default 0.9, the scenario's) and the
        others at ``speed_m_s``, as in a scenario's plan; ``serves`` weighs
        the groups as a catalogue service does (``"everyone"``,
        ``"aged_60_plus"``, ``"under_6"`` or a dict of weights)."""


class _Times(NamedTuple):
    """The walking minutes of the row x site pairs within ``limit_minutes`` (a
    model built ``from_geodataframe``), every other pair costing
    ``unreachable_minutes``: sparse, as the core solves them (no row x site
    table is ever built)."""

    n_rows: int
    n_sites: int
    rows: np.ndarray
    cols: np.ndarray
    minutes: np.ndarray
    limit_minutes: float
    unreachable_minutes: float


class _CostModel(_Model):
    """Models that weigh each walk by its cost: every demand point is served by its nearest
    open site, whatever its weight (the weight counts in the objective, not in who walks
    where). On a dense cost matrix (``from_cost_matrix``) or on sparse walking times
    (``from_geodataframe``)."""

    _dense_solver = None  # the core's function for a dense matrix

    def __init__(self, cost, weights, p_facilities=None, fixed=None, frames=None, *, new_facilities=None):
        if isinstance(cost, _Times):
            self.cost, self.times = None, cost
            shape = (cost.n_rows, cost.n_sites)
        else:
            self.cost, self.times = _dense(cost), None
            shape = self.cost.shape
        super().__init__(*shape, frames)
        self.weights = _weights(weights, self.n_demand)
        self.fixed = _fixed(fixed, self.n_sites)
        if p_facilities is None and new_facilities is None:
            new_facilities = 1
        self.new_facilities = _open_count(p_facilities, new_facilities, len(set(self.fixed)))

    @classmethod
    def from_cost_matrix(cls, cost_matrix, weights=None, p_facilities=None, fixed=None, *, new_facilities=None):
        """A model on a demand x site cost matrix (numpy array, or scipy.sparse storing
        every pair). ``fixed``: site indices, or a boolean mask over the sites.
        ``p_facilities`` counts every open site, the fixed ones included (spopt's
        meaning); ``new_facilities`` counts those besides them (default: one new site)."""
        return cls(cost_matrix, weights, p_facilities, fixed, new_facilities=new_facilities)

    @classmethod
    def from_geodataframe(
        cls,
        demand,
        sites,
        network: Network,
        *,
        weights_col: str | None = None,
        p_facilities: int | None = None,
        new_facilities: int | None = None,
        fixed_col: str | None = None,
        speed_m_s: float = 1.1,
        limit_minutes: float = 60.0,
        unreachable_minutes: float | None = None,
        elderly_speed_m_s: float | None = None,
        age_columns: dict | None = None,
        aging_ratio: float | None = None,
        under_6_ratio: float | None = None,
        serves=None,
        max_snap_m: float | None = None,
    ):
        """A model on walking minutes over ``network`` between the points (or
        polygon centroids) of two (Geo)DataFrames.

        Pairs farther than ``limit_minutes`` cost ``unreachable_minutes``
        (default 3 x the limit) in the objective. Only the pairs within the
        limit are stored and solved on (as ``lifecircle solve --times``
        does), so memory grows with them, not with demand x sites. In the
        :class:`Result` a point beyond ``limit_minutes`` of every open site is
        not served: its row in ``assignments`` has cost NaN, it is left out
        of ``cli2fac``, ``fac2cli`` and ``perc_cov``, and ``solve()`` warns
        with :class:`~lifecircle.errors.UnreachableDemandWarning`.
        """
        ages = {
            "age_columns": age_columns,
            "aging_ratio": aging_ratio,
            "under_6_ratio": under_6_ratio,
            "serves": serves,
            "max_snap_m": max_snap_m,
        }
        frames, (r, s, minutes), weights, fixed, n_rows = _from_frames(
            network, demand, sites, limit_minutes, speed_m_s, elderly_speed_m_s, weights_col, fixed_col, ages
        )
        limit = _core.real_number(limit_minutes, "limit_minutes")
        if unreachable_minutes is None:
            unreachable = 3 * limit
        else:
            unreachable = _core.real_number(unreachable_minutes, "unreachable_minutes")
        # Cheaper than the limit, an unreachable pair would be preferred to a reachable one.
        if np.isnan(unreachable) or unreachable < limit:
            raise InvalidInputError(
                f"unreachable_minutes must be >= limit_minutes ({limit_minutes}), got {unreachable_minutes}"
            )
        times = _Times(n_rows, len(sites), r.astype(np.int64), s.astype(np.int64), minutes, limit, unreachable)
        return cls(times, weights, p_facilities, fixed, frames, new_facilities=new_facilities)

    def solve(self, time_limit: float | None = None, mip_gap: float = 0.0, alternatives: int | None = None) -> Result:
        """Solves exactly (HiGHS); the GIL is released meanwhile. With
        ``alternatives=k``, also looks for up to ``k`` other optimal plans
        (``Result.alternatives``; within the same ``time_limit`` again)."""
        if self.times is None:
            s = self._dense_solver(
                self.cost, self.weights, self.new_facilities, self.fixed, time_limit, mip_gap, alternatives
            )
        else:
            t = self.times
            s = _core.solve_on_times(
                self.name,
                *(t.rows, t.cols, t.minutes, t.n_rows, t.n_sites),
                weights=self.weights,
                p=self.new_facilities,
                fixed=self.fixed,
                unreachable=t.unreachable_minutes,
                time_limit=time_limit,
                mip_gap=mip_gap,
                alternatives=alternatives,
            )
        return self._result(s)

    def _assign(self, selected):
        if self.times is None:
            return _core.assign_nearest(self.cost, selected)
        t = self.times
        return _core.assign_on_times(t.rows, t.cols, t.minutes, t.n_rows, t.n_sites, selected)

    def _result(self, solution) -> Result:
        result = super()._result(solution)
        # Points of weight 0 do not count in the objective: no word about them.
        rows = result.assignments
        weight = self.weights[_rows(rows, self.frames)]
        beyond = rows["demand"][rows["cost"].isna().to_numpy() & (weight > 0)].nunique()
        if beyond:
            n = len(result.cli2fac) - len(result.left_out)
            warnings.warn(
                f"{beyond} of {n} demand points are beyond limit_minutes ({self.times.limit_minutes:g})"
                " of every open site: they are not served (cost NaN in assignments), and the objective takes"
                f" their walks as unreachable_minutes ({self.times.unreachable_minutes:g})",
                UnreachableDemandWarning,
                stacklevel=3,
            )
        return result


def _rows(assignments: pd.DataFrame, frames: _Frames | None) -> np.ndarray:
    """The model row of each assignment (rows are points, or a point's age groups)."""
    if frames is None:
        return assignments["demand"].to_numpy()
    return assignments.index.to_numpy()


class PMedian(_CostModel):
    """p-median: open ``p_facilities`` sites in all (spopt's meaning: ``fixed``
    ones included; or ``new_facilities`` besides them) minimising the total
    weighted cost from demand points to their nearest open site.

    >>> import numpy as np, lifecircle
    >>> x = np.array([0.0, 1.0, 10.0, 11.0])
    >>> r = lifecircle.PMedian.from_cost_matrix(abs(x[:, None] - x), p_facilities=2).solve()
    >>> r.objective, r.status
    (2.0, 'optimal')
    """

    name = "p-median"
    _dense_solver = _core.solve_p_median


class PCenter(_CostModel):
    """p-center: open ``p_facilities`` sites in all (``fixed`` ones included, as
    in spopt; or ``new_facilities`` besides them) minimising the largest cost
    from a demand point with positive weight to its nearest open site (points
    of zero weight are assigned too, but their cost does not count)."""

    name = "p-center"
    _dense_solver = _core.solve_p_center


class _CoverageModel(_Model):
    def __init__(self, cost, service_radius: float, weights=None, fixed=None, frames=None):
        self.service_radius = _core.real_number(service_radius, "service_radius")
        csr = cost if isinstance(cost, _CSR) else _CSR(*_coverage_csr(cost, self.service_radius))
        n_demand, self.indptr, self.indices, self.costs = csr
        super().__init__(n_demand, len(self.indptr) - 1, frames)
        self.weights = _weights(weights, self.n_demand)
        self.fixed = _fixed(fixed, self.n_sites)

    @classmethod
    def _from_gdf(cls, demand, sites, network, limit_minutes, speed_m_s, weights_col, fixed_col, ages, **kw):
        elderly = ages.pop("elderly_speed_m_s")
        frames, (r, s, minutes), weights, fixed, n_rows = _from_frames(
            network, demand, sites, limit_minutes, speed_m_s, elderly, weights_col, fixed_col, ages
        )
        # The pairs come by site, each site's rows in order: CSR as they are.
        indptr = np.concatenate([[0], np.cumsum(np.bincount(s, minlength=len(sites)))]).astype(np.int64)
        csr = _CSR(n_rows, indptr, r, minutes)
        if cls is MCLP:  # LSCP takes no weights
            kw["weights"] = weights
        return cls(csr, service_radius=limit_minutes, fixed=fixed, frames=frames, **kw)

    def _assign(self, selected):
        return _core.assign_covering(self.n_demand, self.indptr, self.indices, self.costs, selected)


class MCLP(_CoverageModel):
    """Maximal coverage: open ``p_facilities`` sites in all (spopt's meaning:
    ``fixed`` ones included; or ``new_facilities`` besides them), or stay
    within ``budget`` given ``site_costs``, to cover the most demand weight
    within ``service_radius`` (cost units; minutes for ``from_geodataframe``).
    The budget pays for new sites only: ``fixed`` sites are open whatever they
    cost. ``fixed`` takes site indices or a boolean mask (a list of 0/1
    integers is read as indices).

    >>> import numpy as np, lifecircle
    >>> cost = np.array([[0.0, 5.0], [1.0, 4.0], [5.0, 0.0]])
    >>> lifecircle.MCLP.from_cost_matrix(cost, [1, 10, 1], service_radius=1, p_facilities=1).solve().objective
    11.0
    """

    name = "mclp"

    def __init__(
        self,
        cost,
        service_radius,
        weights=None,
        p_facilities=None,
        fixed=None,
        site_costs=None,
        budget=None,
        frames=None,
        *,
        new_facilities=None,
    ):
        super().__init__(cost, service_radius, weights, fixed, frames)
        self.new_facilities = _open_count(p_facilities, new_facilities, len(set(self.fixed)), needed=False)
        if self.new_facilities is None and budget is None:
            raise InvalidInputError("MCLP needs p_facilities or a budget (or new_facilities)")
        if site_costs is not None and budget is None:
            raise InvalidInputError("site_costs only count with a budget")
        self.site_costs = _site_costs(site_costs)
        self.budget = None if budget is None else _core.real_number(budget, "budget")

    @classmethod
    def from_cost_matrix(
        cls,
        cost_matrix,
        weights=None,
        service_radius: float | None = None,
        p_facilities=None,
        fixed=None,
        site_costs=None,
        budget=None,
        *,
        new_facilities=None,
    ):
        """A model on a demand x site cost matrix (numpy array or scipy.sparse, where
        absent pairs are out of reach). ``service_radius`` is required; it keeps
        spopt's place after the optional ``weights``. ``fixed``: site indices, or
        a boolean mask over the sites."""
        # A default radius of 0 would count only zero-cost pairs and still look like a plausible optimum.
        if service_radius is None:
            raise TypeError("MCLP.from_cost_matrix() missing required argument: 'service_radius'")
        return cls(
            cost_matrix, service_radius, weights, p_facilities, fixed, site_costs, budget, new_facilities=new_facilities
        )

    @classmethod
    def from_geodataframe(
        cls,
        demand,
        sites,
        network: Network,
        *,
        weights_col=None,
        limit_minutes: float = 15.0,
        p_facilities=None,
        new_facilities=None,
        fixed_col=None,
        speed_m_s: float = 1.1,
        site_costs=None,
        budget=None,
        elderly_speed_m_s: float | None = None,
        age_columns: dict | None = None,
        aging_ratio: float | None = None,
        under_6_ratio: float | None = None,
        serves=None,
        max_snap_m: float | None = None,
    ):
        """A model on walking times over ``network``: a site covers a demand
        point within ``limit_minutes`` at ``speed_m_s``."""
        ages = {
            "elderly_speed_m_s": elderly_speed_m_s,
            "age_columns": age_columns,
            "aging_ratio": aging_ratio,
            "under_6_ratio": under_6_ratio,
            "serves": serves,
            "max_snap_m": max_snap_m,
        }
        return cls._from_gdf(
            demand,
            sites,
            network,
            limit_minutes,
            speed_m_s,
            weights_col,
            fixed_col,
            ages,
            p_facilities=p_facilities,
            new_facilities=new_facilities,
            site_costs=site_costs,
            budget=budget,
        )

    def joint_service(self, name: str, hosts=None) -> JointService:
        """This model as one service of a :class:`JointPlan` over the same
        sites: its rows and weights, its fixed sites and at most its new
        ones, new facilities only at ``hosts`` (site indices or a boolean mask;
        default every site)."""
        hosts = None if hosts is None else _fixed(hosts, self.n_sites)
        return JointService(
            name, self.n_demand, self.indptr, self.indices, self.weights, self.new_facilities, self.fixed, hosts
        )

    def solve(self, time_limit: float | None = None, mip_gap: float = 0.0, alternatives: int | None = None) -> Result:
        """Solves exactly (HiGHS); the GIL is released meanwhile. With
        ``alternatives=k``, also looks for up to ``k`` other optimal plans
        (``Result.alternatives``; within the same ``time_limit`` again)."""
        s = _core.solve_mclp(
            self.n_demand,
            self.indptr,
            self.indices,
            self.weights,
            self.new_facilities,
            self.fixed,
            self.site_costs,
            self.budget,
            time_limit,
            mip_gap,
            alternatives,
        )
        return self._result(s)


class LSCP(_CoverageModel):
    """Set covering: the fewest sites (or least total ``site_costs``) such that
    every demand point is within ``service_radius`` of an open one. Raises
    :class:`~lifecircle.errors.InfeasibleError` naming the points no site reaches."""

    name = "lscp"

    def __init__(self, cost, service_radius, fixed=None, site_costs=None, frames=None):
        super().__init__(cost, service_radius, None, fixed, frames)
        self.site_costs = _site_costs(site_costs)

    @classmethod
    def from_cost_matrix(cls, cost_matrix, service_radius: float, fixed=None, site_costs=None):
        """A model on a demand x site cost matrix (numpy array or scipy.sparse, where
        absent pairs are out of reach). ``fixed``: site indices, or a boolean mask over the sites."""
        return cls(cost_matrix, service_radius, fixed, site_costs)

    @classmethod
    def from_geodataframe(
        cls,
        demand,
        sites,
        network: Network,
        *,
        limit_minutes: float = 15.0,
        fixed_col=None,
        speed_m_s: float = 1.1,
        site_costs=None,
        elderly_speed_m_s: float | None = None,
        age_columns: dict | None = None,
        aging_ratio: float | None = None,
        max_snap_m: float | None = None,
    ):
        """A model on walking times over ``network`` (with ages, each group
        within the limit at its pace)."""
        ages = {
            "elderly_speed_m_s": elderly_speed_m_s,
            "age_columns": age_columns,
            "aging_ratio": aging_ratio,
            "max_snap_m": max_snap_m,
        }
        return cls._from_gdf(
            demand, sites, network, limit_minutes, speed_m_s, None, fixed_col, ages, site_costs=site_costs
        )

    def solve(self, time_limit: float | None = None, mip_gap: float = 0.0, alternatives: int | None = None) -> Result:
        """Solves exactly (HiGHS); the GIL is released meanwhile. With
        ``alternatives=k``, also looks for up to ``k`` other optimal plans
        (``Result.alternatives``; within the same ``time_limit`` again)."""
        s = _core.solve_lscp(
            self.n_demand, self.indptr, self.indices, self.site_costs, self.fixed, time_limit, mip_gap, alternatives
        )
        return self._result(s)


for _built in (PMedian, PCenter, MCLP, LSCP):
    _built.from_geodataframe.__func__.__doc__ += _AGES_DOC


def solve_on_times(
    model: str,
    demand,
    site,
    seconds,
    n_demand: int,
    n_sites: int,
    *,
    weights=None,
    p: int | None = None,
    fixed=None,
    radius: float | None = None,
    decay=None,
    capacities=None,
    target: float | None = None,
    unreachable: float | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    alternatives: int | None = None,
) -> _core.Solution:
    """Solves ``model`` on sparse walking times, as ``lifecircle solve --times``
    does: ``seconds[k]`` from demand point ``demand[k]`` to site ``site[k]``,
    pairs not given out of reach; no dense demand x site table is built.

    ``model`` is any of ``p-median``, ``p-center`` (both need
    ``unreachable``, what a point with no open site in reach pays),
    ``mclp``, ``lscp`` (``radius``), ``gradual`` (a ``decay``: a dict as in
    a scenario's ``[access]`` table or the command line's text such as
    ``"gaussian:900"``), ``attendance`` (ArcGIS's Maximize Attendance:
    ``radius``, optionally a linear/power/exponential decay) and
    ``target-ratio`` (``radius``, site ``capacities``, ``target`` supply per
    resident served). ``p`` sites open besides the ``fixed`` ones. A
    parameter the model does not use is refused, one it needs is named.
    Returns a :class:`Solution` with its bound and gap; the GIL is
    released meanwhile. With ``alternatives=k``, also looks for up to ``k``
    other plans as good (``Solution.alternatives``).

    >>> import lifecircle
    >>> s = lifecircle.solve_on_times("gradual", [0, 1, 1], [0, 0, 1], [0.0, 600.0, 300.0], 2, 2,
    ...                               weights=[1.0, 2.0], p=1, decay="linear:900")
    >>> s.sites, round(s.objective, 6), s.status
    ([0], 1.666667, 'optimal')
    """

    def indices(values, name: str) -> np.ndarray:
        a = np.asarray(values)
        if a.size and not np.issubdtype(a.dtype, np.integer):
            raise InvalidInputError(f"{name} must hold whole numbers (indices), got {a.dtype}")
        return a.astype(np.int64).ravel()

    return _core.solve_on_times(
        model,
        indices(demand, "demand"),
        indices(site, "site"),
        np.asarray(seconds, dtype=float).ravel(),
        n_demand,
        n_sites,
        weights,
        p,
        fixed,
        radius,
        decay,
        capacities,
        target,
        unreachable,
        time_limit,
        mip_gap,
        alternatives,
    )


__all__ = ["LSCP", "MCLP", "JointPlan", "JointService", "PCenter", "PMedian", "Result", "solve_on_times"]

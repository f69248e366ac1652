"""lifecircle.solve_on_times: every model on sparse walking times. Optima are
checked by brute force over all plans, each plan's value recomputed here from
the times (not by the solver)."""

from itertools import combinations

import numpy as np
import pytest

import lifecircle
from lifecircle.errors import InvalidInputError

CUTOFF = 900.0


def instance(seed: int, n: int = 8, m: int = 5):
    rng = np.random.default_rng(seed)
    pairs = [(i, j, float(rng.uniform(0, CUTOFF))) for i in range(n) for j in range(m) if rng.random() < 0.5]
    demand, site, seconds = (np.array(c) for c in zip(*pairs))
    return demand.astype(np.int64), site.astype(np.int64), seconds, rng.integers(1, 10, n).astype(float), n, m


def best_time(demand, site, seconds, n, plan):
    """Each demand point's shortest walk to an open site (inf: none in reach)."""
    t = np.full(n, np.inf)
    for i, j, s in zip(demand, site, seconds):
        if j in plan:
            t[i] = min(t[i], s)
    return t


@pytest.mark.parametrize("seed", range(6))
def test_gradual_coverage_is_the_best_plan_by_brute_force(seed):
    demand, site, seconds, w, n, m = instance(seed)
    s = lifecircle.solve_on_times("gradual", demand, site, seconds, n, m, weights=w, p=2, decay="linear:900")

    def value(plan):
        t = best_time(demand, site, seconds, n, plan)
        return float(np.sum(w * np.where(np.isfinite(t), 1 - t / CUTOFF, 0.0)))

    best = max(value(set(c)) for c in combinations(range(m), 2))
    assert s.status == "optimal" and s.gap == 0
    assert value(set(s.sites)) == pytest.approx(s.objective, rel=1e-9)
    assert s.objective == pytest.approx(best, rel=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_p_median_with_a_penalty_is_the_best_plan_by_brute_force(seed):
    demand, site, seconds, w, n, m = instance(seed)
    s = lifecircle.solve_on_times("p-median", demand, site, seconds, n, m, weights=w, p=2, unreachable=2700.0)

    def cost(plan):
        t = best_time(demand, site, seconds, n, plan)
        return float(np.sum(w * np.where(np.isfinite(t), t, 2700.0)))

    best = min(cost(set(c)) for c in combinations(range(m), 2))
    assert s.status == "optimal"
    assert cost(set(s.sites)) == pytest.approx(s.objective, rel=1e-9)
    assert s.objective == pytest.approx(best, rel=1e-9)


def test_mclp_on_times_equals_mclp_on_the_dense_matrix():
    demand, site, seconds, w, n, m = instance(11, n=30, m=8)
    sparse = lifecircle.solve_on_times("mclp", demand, site, seconds, n, m, weights=w, p=3, radius=600.0)
    cost = np.full((n, m), np.inf)
    cost[demand, site] = seconds
    dense = lifecircle.MCLP.from_cost_matrix(np.where(np.isfinite(cost), cost, 10 * CUTOFF), w, 600.0, 3).solve()
    assert sparse.objective == pytest.approx(dense.objective, rel=1e-12)


def test_parameters_are_refused_or_asked_for_by_name():
    demand, site, seconds, _, n, m = instance(3)
    args = (demand, site, seconds, n, m)
    cases = [
        ("gradual", {"p": 1}, "decay"),
        ("p-median", {"p": 1}, "unreachable"),
        ("mclp", {"p": 1, "radius": 600.0, "unreachable": 1.0}, "unreachable"),
        ("target-ratio", {"p": 1, "radius": 600.0, "target": 0.1}, "capacities"),
        ("gradual", {"p": 1, "decay": "linear:-3"}, "decay"),
        ("gradual", {"p": 1, "decay": {"kind": "gaussian", "cutoff_s": -1}}, "cutoff"),
        ("no-such-model", {}, "p-median"),
    ]
    for model, kw, says in cases:
        with pytest.raises(InvalidInputError, match=says):
            lifecircle.solve_on_times(model, *args, **kw)
    with pytest.raises(InvalidInputError, match="whole numbers"):
        lifecircle.solve_on_times("mclp", demand + 0.5, site, seconds, n, m, p=1, radius=600.0)
    with pytest.raises(InvalidInputError, match="differ in length"):
        lifecircle.solve_on_times("mclp", demand[:-1], site, seconds, n, m, p=1, radius=600.0)

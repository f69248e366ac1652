"""Tied optima from Python: ``solve(alternatives=k)`` on every model, typed,
frozen and pickled, against plans counted by hand."""

import pickle

import numpy as np
import pytest

import lifecircle
from lifecircle import _core


def _twins():
    # Sites 0 and 1 reach the same two points, site 2 the third: with one new
    # site, 0 and 1 are tied; with two, {0, 2} and {1, 2}, sharing site 2.
    return np.array([[1.0, 1.0, 9.0], [1.0, 1.0, 9.0], [9.0, 9.0, 1.0]])


def test_mclp_lists_the_tied_plan_and_the_shared_site():
    r = lifecircle.MCLP.from_cost_matrix(_twins(), service_radius=2, p_facilities=2).solve(alternatives=5)
    a = r.alternatives
    assert isinstance(a, _core.Alternatives)
    assert a.exists and a.exhausted and not a.more and a.status == "optimal"
    assert len(a.plans) == 1 and sorted(a.plans[0] + r.selected.tolist()) == [0, 1, 2, 2]
    assert a.shared_sites == [2] and a.optimum == r.objective == 3.0
    assert pickle.loads(pickle.dumps(r.solution)) == r.solution
    with pytest.raises(AttributeError):
        a.exists = False  # frozen


def test_not_asked_is_none_and_a_unique_optimum_has_no_alternative():
    model = lifecircle.MCLP.from_cost_matrix(_twins(), service_radius=2, p_facilities=2)
    assert model.solve().alternatives is None
    one = lifecircle.PMedian.from_cost_matrix(np.array([[0.0, 5.0], [5.0, 9.0]]), p_facilities=1).solve(alternatives=3)
    assert not one.alternatives.exists and one.alternatives.exhausted and one.alternatives.plans == []


def test_every_model_takes_alternatives():
    cost = _twins()
    for r in [
        lifecircle.PMedian.from_cost_matrix(cost, p_facilities=2).solve(alternatives=2),
        lifecircle.PCenter.from_cost_matrix(cost, p_facilities=2).solve(alternatives=2),
        lifecircle.LSCP.from_cost_matrix(cost, service_radius=2).solve(alternatives=2),
    ]:
        a = r.alternatives
        assert a.exists and a.exhausted and a.shared_sites == [2], (r.model, a)
        assert a.plans == [[1, 2]] or a.plans == [[0, 2]], (r.model, a)


def test_zero_is_refused():
    with pytest.raises(lifecircle.errors.InvalidInputError, match="alternatives"):
        lifecircle.LSCP.from_cost_matrix(_twins(), service_radius=2).solve(alternatives=0)

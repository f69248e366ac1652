"""The package's layout: every public submodule is reachable by its name, and its doctests run."""

import doctest
import importlib
import pkgutil

import pytest

import lifecircle

PUBLIC = [m.name for m in pkgutil.iter_modules(lifecircle.__path__) if not m.name.startswith("_")]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_modules_are_not_hidden_and_their_doctests_pass(name):
    module = importlib.import_module(f"lifecircle.{name}")
    # A re-exported function of the same name would shadow the module on the package.
    assert getattr(lifecircle, name) is module
    failed, _ = doctest.testmod(module)
    assert failed == 0

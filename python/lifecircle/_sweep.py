"""Scenario sweeps: every variant of one or more scenario files, solved in this
process or on a Dask cluster, with the same results either way."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from os import PathLike, fspath
from typing import Any, Union

import pandas as pd

from . import _core

Scenarios = Union[str, PathLike, Iterable[Union[str, PathLike]]]
Progress = Callable[[int, int, str], Any]


@dataclass
class SweepResult:
    """``rows``: the comparison table (one row per variant and planned service,
    as ``lifecircle compare`` writes it); ``reports``: each variant's full
    report (a dict, or ``{"error": message}`` for a variant that failed), by
    variant name, in input order."""

    rows: pd.DataFrame
    reports: dict[str, dict]


def _run(item: tuple[str, str]) -> str:
    """One variant, run wherever this function is shipped (pickled by name)."""
    return _core.run_variant(*item)


def _variants(scenarios: Scenarios) -> list[tuple[str, str]]:
    paths = [scenarios] if isinstance(scenarios, (str, PathLike)) else list(scenarios)
    items = []
    for path in paths:
        variants = _core.scenario_variants(fspath(path))
        prefix = f"{fspath(path)}: " if len(paths) > 1 else ""
        items.extend((prefix + name, scenario) for name, scenario in variants)
    return items


def sweep(scenarios: Scenarios, client=None, progress: Progress | None = None) -> SweepResult:
    """Solves every variant of the scenario file(s) (``[[variant]]`` and
    ``[grid]``, as for ``lifecircle compare``).

    With ``client`` (a ``dask.distributed.Client``) each variant is pickled as
    plain strings (its scenario as JSON, with absolute paths: workers must see
    the same files) and solved on a worker; without, in this process with the
    GIL released. ``progress(done, total, name)`` is called as variants finish
    (pass ``tqdm``-style callbacks, e.g. ``lambda d, t, n: bar.update()``).
    A variant that fails is reported in the rows (``status == "error"``), not
    raised; a scenario file that cannot be read raises.
    """
    items = _variants(scenarios)
    total = len(items)
    done: dict[int, str] = {}

    def finished(k: int, raw: str) -> None:
        done[k] = raw
        if progress is not None:
            progress(len(done), total, items[k][0])

    if client is None:
        for k, item in enumerate(items):
            finished(k, _run(item))
    else:
        from distributed import as_completed

        futures = client.map(_run, items, pure=False)
        index = {f.key: k for k, f in enumerate(futures)}
        for future in as_completed(futures):
            finished(index[future.key], future.result())

    rows, reports = [], {}
    for k in range(total):
        raw = json.loads(done[k])
        rows.extend(raw["rows"])
        outcome = raw["outcome"]
        reports[outcome["name"]] = outcome.get("plan", {"error": outcome.get("error")})
    return SweepResult(rows=pd.DataFrame(rows), reports=reports)


__all__ = ["SweepResult", "sweep"]

"""Scenario sweeps: every variant of one or more scenario files, solved in this
process or on a Dask cluster, with the same results either way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from os import PathLike, fsdecode
from typing import Any, Union

import pandas as pd

from . import _core
from .errors import InvalidInputError
from .scenario import PlanReport, plan_report, warn_skipped

Scenarios = Union[str, bytes, PathLike, Iterable[Union[str, bytes, PathLike]]]
Progress = Callable[[int, int, str], Any]


@dataclass
class SweepResult:
    """``rows``: the comparison table (one row per variant and planned service,
    as ``lifecircle compare`` writes it); ``reports``: each solved variant's
    :class:`~lifecircle.PlanReport` (tables, ``plot()``), by variant name, in
    input order; ``errors``: the message of each variant that failed, by name."""

    rows: pd.DataFrame
    reports: dict[str, PlanReport]
    errors: dict[str, str]


def _run(item: tuple[str, str]) -> _core.VariantRun:
    """One variant, run wherever this function is shipped (pickled by name)."""
    return _core.run_variant(*item)


def _variants(scenarios: Scenarios, max_variants: int | None) -> list[tuple[str, str]]:
    paths = [scenarios] if isinstance(scenarios, (str, bytes, PathLike)) else list(scenarios)
    items = []
    for path in paths:
        variants = _core.scenario_variants(path, max_variants)
        prefix = f"{fsdecode(path)}: " if len(paths) > 1 else ""
        items.extend((prefix + name, scenario) for name, scenario in variants)
    names = [name for name, _ in items]
    repeated = next((name for name in names if names.count(name) > 1), None)
    if repeated is not None:
        # Results are keyed by name: a second variant of that name would hide the first.
        raise InvalidInputError(
            f"two variants are named {repeated!r}: give each scenario file once, and variants unique names"
        )
    return items


def sweep(
    scenarios: Scenarios, client=None, progress: Progress | None = None, max_variants: int | None = None
) -> SweepResult:
    """Solves every variant of the scenario file(s) (``[[variant]]`` and
    ``[grid]``, as for ``lifecircle compare``).

    With ``client`` (a ``dask.distributed.Client``) each variant is pickled as
    plain strings (its scenario as JSON, with absolute paths: workers must see
    the same files) and solved on a worker; without, in this process with the
    GIL released. ``progress(done, total, name)`` is called as variants finish
    (pass ``tqdm``-style callbacks, e.g. ``lambda d, t, n: bar.update()``).
    A variant that fails is reported in the rows (``status == "error"``), not
    raised; a scenario file that cannot be read raises. A file with more than
    ``max_variants`` variants (default: its own ``max_variants`` key, else
    1000) raises :class:`InvalidInputError` before any variant is built.
    """
    items = _variants(scenarios, max_variants)
    total = len(items)
    done: dict[int, _core.VariantRun] = {}

    def finished(k: int, raw: _core.VariantRun) -> None:
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

    rows, reports, errors = [], {}, {}
    for k in range(total):
        outcome = done[k]
        rows.extend(outcome.rows)
        plan = outcome.plan
        if plan is not None:
            reports[outcome.name] = plan_report(plan)
            warn_skipped(plan.skipped)
        else:
            errors[outcome.name] = outcome.error
    return SweepResult(rows=pd.DataFrame(rows), reports=reports, errors=errors)


__all__ = ["SweepResult", "sweep"]

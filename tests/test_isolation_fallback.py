"""Per-file isolation where POSIX resource limits do not exist (Windows), forced here on Linux.

Without ``resource`` a worker has no address-space or CPU cap, but the parent still kills a worker that overruns
the wall-clock limit, a crash is still a failure for that file, and collect gives the same result.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import resource
from pathlib import Path
from typing import Any

import pytest
from support import EXAMPLE_PLAN, fill_workbook, full_scores, generate_plan, plan_layouts

from piano_xlsx.collect import collect
from piano_xlsx.files import isolation
from piano_xlsx.files.isolation import Failure, Limits, run_isolated
from piano_xlsx.signing import load_public_key


def _probe(item: str) -> Any:
    if item == "limits":  # what the worker was given, read with the real module
        return resource.getrlimit(resource.RLIMIT_AS)[0], resource.getrlimit(resource.RLIMIT_CPU)[0]
    if item == "hang":
        while True:
            pass
    if item == "segfault":
        ctypes.string_at(0)
    return f"{item} ok"


def _failed(item: str, failure: Failure) -> str:
    return f"{item} {failure.code}"


@pytest.fixture
def no_rlimits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolation, "resource", None)
    assert not isolation.rlimits_available()


def test_with_rlimits_the_worker_is_capped() -> None:
    """The probe can tell: with the resource module the worker's address space is capped."""
    assert isolation.rlimits_available()
    (limits,) = run_isolated(["limits"], _probe, _failed, limits=Limits(seconds=5, memory=256 * 1024 * 1024))
    assert limits[0] != resource.RLIM_INFINITY and limits[1] != resource.RLIM_INFINITY


@pytest.mark.usefixtures("no_rlimits")
def test_without_rlimits_the_time_limit_and_crash_handling_still_hold() -> None:
    parent = resource.getrlimit(resource.RLIMIT_AS)[0], resource.getrlimit(resource.RLIMIT_CPU)[0]
    items = ["a", "limits", "hang", "b", "segfault", "c"]
    results = run_isolated(items, _probe, _failed, jobs=2, limits=Limits(seconds=1.5))
    outcome = dict(zip(items, results, strict=True))
    assert outcome["limits"] == parent  # nothing was set: the fallback ran
    assert outcome["hang"] == "hang FILE_TIMEOUT"  # the parent's clock
    assert outcome["segfault"] == "segfault FILE_UNREADABLE"
    assert [outcome[k] for k in "abc"] == ["a ok", "b ok", "c ok"]


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory, keys: tuple[Path, Path]) -> tuple[Any, list[Path]]:
    folder = tmp_path_factory.mktemp("fallback")
    loaded, files = generate_plan(EXAMPLE_PLAN, folder / "issued", key=keys[0], per_sector=True)
    layouts = plan_layouts(loaded)
    filled = [fill_workbook(files[0], folder / "a.xlsx", layouts, full_scores(layouts)),
              fill_workbook(files[1], folder / "b.xlsx", layouts, {})]
    return loaded, filled


def _codes(result: Any) -> list[tuple[str, str | None, str | None, str | None]]:
    return [(f.code, f.file, f.sheet, f.cell) for f in result.findings]


def test_collect_is_the_same_without_rlimits(returns: tuple[Any, list[Path]], keys: tuple[Path, Path],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    loaded, files = returns
    public = load_public_key(keys[1])
    capped = collect(loaded, files, public_key=public, jobs=2)
    monkeypatch.setattr(isolation, "resource", None)
    uncapped = collect(loaded, files, public_key=public, jobs=2)
    assert _codes(uncapped) == _codes(capped) and capped.findings
    assert [c.result.total for c in uncapped.consolidated.cards] == [c.result.total for c in capped.consolidated.cards]


def test_collect_with_the_spawn_start_method(returns: tuple[Any, list[Path]], keys: tuple[Path, Path],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows and macOS start workers with ``spawn``: the work is pickled, not inherited."""
    loaded, files = returns
    public = load_public_key(keys[1])
    forked = collect(loaded, files, public_key=public, jobs=1)
    monkeypatch.setattr(isolation, "_context", lambda: multiprocessing.get_context("spawn"))
    spawned = collect(loaded, files, public_key=public, jobs=1)
    assert _codes(spawned) == _codes(forked)

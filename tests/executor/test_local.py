"""The local executors: every task's result once, and a dead worker costs only its task."""

from __future__ import annotations

import pytest

from pytorrent.errors import ConfigError, MissingExtraError
from pytorrent.executor import InlineExecutor, LocalExecutor, make_executor
from tests.executor.tasks import lost, square, square_or_die, square_or_raise


def test_pool_yields_every_result_once() -> None:
    results = LocalExecutor(2).map_unordered(square, [(n,) for n in range(20)], lost)
    assert sorted(results) == [n * n for n in range(20)]


def test_a_worker_killed_by_one_task_fails_only_that_task() -> None:
    messages: list[str] = []
    executor = LocalExecutor(2, on_message=messages.append)
    tasks = [(n, 7) for n in range(16)]
    results = sorted(executor.map_unordered(square_or_die, tasks, lost))
    assert results == sorted([-1007] + [n * n for n in range(16) if n != 7])
    assert executor.crashes == 1
    assert messages and "worker died" in messages[0]


def test_a_task_that_kills_the_only_worker_is_lost_and_the_rest_run() -> None:
    results = sorted(LocalExecutor(1).map_unordered(square_or_die, [(0, 0), (1, 0), (2, 0)], lost))
    assert results == [-1000, 1, 4]


def test_an_exception_escaping_the_task_is_lost_with_its_type() -> None:
    results = sorted(LocalExecutor(2).map_unordered(square_or_raise, [(1, 1), (2, 1)], lost))
    assert results == [-2001, 4]


def test_inline_runs_in_order_in_this_process() -> None:
    assert list(InlineExecutor().map_unordered(square, [(3,), (1,), (2,)], lost)) == [9, 1, 4]


def test_make_executor_names_the_choices() -> None:
    assert isinstance(make_executor("local", 2), LocalExecutor)
    assert isinstance(make_executor("inline", 2), InlineExecutor)
    with pytest.raises(ConfigError, match="local, inline, dask"):
        make_executor("spark", 2)
    with pytest.raises(ConfigError, match="--executor dask"):
        make_executor("local", 2, scheduler="tcp://127.0.0.1:8786")


def test_dask_without_the_extra_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(MissingExtraError, match=r"pytorrent\[dask\]"):
        make_executor("dask", 2)


def test_workers_report_their_own_peak_memory_not_the_drivers() -> None:
    from pytorrent.tasks import peak_rss_bytes

    ballast = bytearray(400 * 2**20)  # the driver's peak rises above 400 MiB
    ballast[::4096] = b"x" * len(ballast[::4096])
    assert peak_rss_bytes() > 400 * 2**20
    (worker_peak,) = LocalExecutor(1).map_unordered(peak_rss_bytes, [()], lost)
    assert 0 < worker_peak < 300 * 2**20
    del ballast

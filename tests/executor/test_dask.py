"""The Dask executor on the session's LocalCluster (and on one of its own)."""

from __future__ import annotations

import pytest

from pytorrent.executor import make_executor
from tests.executor.tasks import lost, square, square_or_die, square_or_raise

pytestmark = [pytest.mark.xdist_group("dask")]


def test_every_result_once_and_the_dashboard_is_announced(dask_scheduler: str) -> None:
    messages: list[str] = []
    executor = make_executor("dask", 2, scheduler=dask_scheduler, on_message=messages.append)
    results = executor.map_unordered(square, [(n,) for n in range(30)], lost)
    assert sorted(results) == [n * n for n in range(30)]
    assert dask_scheduler in messages[0] and "dashboard http" in messages[0]


def test_a_killed_worker_costs_only_the_task_that_killed_it(dask_scheduler: str) -> None:
    executor = make_executor("dask", 2, scheduler=dask_scheduler)
    results = sorted(executor.map_unordered(square_or_die, [(n, 3) for n in range(8)], lost))
    assert results == sorted([-1003] + [n * n for n in range(8) if n != 3])


def test_an_exception_escaping_the_task_is_lost_with_its_type(dask_scheduler: str) -> None:
    executor = make_executor("dask", 2, scheduler=dask_scheduler)
    assert sorted(executor.map_unordered(square_or_raise, [(1, 1), (2, 1)], lost)) == [-2001, 4]


@pytest.mark.slow
def test_without_a_scheduler_it_runs_its_own_local_cluster() -> None:
    executor = make_executor("dask", 2)
    assert sorted(executor.map_unordered(square, [(n,) for n in range(5)], lost)) == [
        0, 1, 4, 9, 16,
    ]  # fmt: skip


def test_a_cluster_without_workers_fails_clearly_instead_of_hanging(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import distributed

    from pytorrent.errors import ExecutorError
    from pytorrent.executor import dask as dask_executor

    monkeypatch.setattr(dask_executor, "POLL_S", 0.2)
    monkeypatch.setattr(dask_executor, "NO_WORKERS_S", 1)
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=None) as empty:
        executor = make_executor("dask", 2, scheduler=empty.scheduler_address)
        with pytest.raises(ExecutorError, match="no workers"):
            list(executor.map_unordered(square, [(1,)], lost))

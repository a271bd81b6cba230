"""Inside a `with` block the local executor keeps one pool for every call (a build's stages
after extraction pay no more start-ups); a broken pool or an abandoned call starts afresh."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pytorrent.config import BuildConfig
from pytorrent.executor import LocalExecutor
from pytorrent.pipeline import build
from tests.envs import make_site
from tests.executor.tasks import lost, square, square_or_die


def worker_pid() -> int:
    return os.getpid()


def test_calls_inside_the_block_share_one_pool() -> None:
    with LocalExecutor(2) as executor:
        first = sorted(executor.map_unordered(square, [(n,) for n in range(6)], lost))
        second = sorted(executor.map_unordered(square, [(n,) for n in range(6, 9)], lost))
        pids = set(executor.map_unordered(worker_pid, [()] * 8, lost))
        again = set(executor.map_unordered(worker_pid, [()] * 8, lost))
        assert executor.pools_started == 1
    assert first == [n * n for n in range(6)] and second == [36, 49, 64]
    assert os.getpid() not in pids and len(pids | again) <= 2  # one pool's two workers


def test_outside_a_block_each_call_has_its_own_pool() -> None:
    executor = LocalExecutor(1)
    first = set(executor.map_unordered(worker_pid, [()], lost))
    second = set(executor.map_unordered(worker_pid, [()], lost))
    assert executor.pools_started == 2 and first != second


def test_a_dead_worker_replaces_the_kept_pool_and_later_calls_run() -> None:
    with LocalExecutor(2) as executor:
        results = sorted(executor.map_unordered(square_or_die, [(n, 3) for n in range(6)], lost))
        assert results == sorted([-1003] + [n * n for n in range(6) if n != 3])
        after = sorted(executor.map_unordered(square, [(4,), (5,)], lost))
    assert after == [16, 25]
    assert executor.crashes == 1
    # the broken pool, the one-at-a-time pools for the suspects, and one fresh kept pool
    assert executor.pools_started >= 3


def test_a_call_stopped_early_does_not_leave_its_tasks_in_the_kept_pool() -> None:
    with LocalExecutor(1) as executor:
        results = executor.map_unordered(square, [(n,) for n in range(10)], lost)
        assert next(results) in {n * n for n in range(10)}
        results.close()  # the caller stops; the pool with tasks in flight is dropped
        assert sorted(executor.map_unordered(square, [(2,), (3,)], lost)) == [4, 9]
        assert executor.pools_started == 2


def test_a_two_worker_build_starts_one_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Extraction, both write phases and the stats read-back all run on the build's pool."""
    from pytorrent import output_steps, pipeline

    started: list[LocalExecutor] = []
    real = pipeline.make_executor

    def recorded(*args: object, **kwargs: object) -> object:
        executor = real(*args, **kwargs)  # type: ignore[arg-type]
        assert isinstance(executor, LocalExecutor)
        started.append(executor)
        return executor

    monkeypatch.setattr(pipeline, "make_executor", recorded)
    monkeypatch.setattr(output_steps, "PARALLEL_WRITE_MIN_UNITS", 0)
    monkeypatch.setattr(output_steps, "PARALLEL_STATS_MIN_UNITS", 0)
    site = make_site(tmp_path / "env", packages=3)
    build(BuildConfig(sources=(f"installed:{site}",), out=tmp_path / "out", workers=2))
    [executor] = started
    assert executor.pools_started == 1
    assert not executor.pool_open  # shut down when the build ended

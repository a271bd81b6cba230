"""Dask distributed: the same tasks on a cluster (`--scheduler ADDRESS`) or on a
`LocalCluster` of `workers` single-threaded processes when no address is given.

Workers must see the build's work folder at the same path (a shared filesystem on a real
cluster). A task whose worker dies is rescheduled by Dask up to the scheduler's
`distributed.scheduler.allowed-failures`, then surfaces as `KilledWorker`: that task is lost
(counted), the build goes on.
"""

from __future__ import annotations

import itertools
import logging
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from typing import Any, TypeVar

from pytorrent.errors import MissingExtraError
from pytorrent.executor.base import WORKER_CRASH, OnLost, OnMessage, Task, lost_reason

R = TypeVar("R")

#: A crashing package kills this many workers before it is given up on (local clusters).
LOCAL_ALLOWED_FAILURES = 1


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise MissingExtraError("distributed", "dask") from None
    return distributed


class DaskExecutor:
    """Submits tasks to a Dask cluster, at most `2 * threads` in flight."""

    def __init__(
        self, workers: int, scheduler: str | None = None, on_message: OnMessage | None = None
    ) -> None:
        _distributed()  # fail at configuration time, not after reading the sources
        self.workers = workers
        self.scheduler = scheduler
        self.on_message = on_message

    def map_unordered(
        self, fn: Callable[..., R], tasks: Sequence[Task], on_lost: OnLost[R]
    ) -> Iterator[R]:
        distributed = _distributed()
        with ExitStack() as stack:
            client = stack.enter_context(self._client(distributed, stack))
            if self.on_message is not None:
                self.on_message(
                    f"dask scheduler {client.scheduler.address}, dashboard {client.dashboard_link}"
                )
            threads = max(1, sum(client.nthreads().values()))
            run = uuid.uuid4().hex[:12]  # keys unique to this run: clusters are shared
            queue = iter(enumerate(tasks))
            in_flight: dict[str, Task] = {}

            def submit(number: int, task: Task) -> Any:
                future = client.submit(fn, *task, key=f"pytorrent-{run}-{number}", pure=False)
                in_flight[future.key] = task
                return future

            first = [submit(n, t) for n, t in itertools.islice(queue, 2 * threads)]
            completed = distributed.as_completed(first, loop=client.loop)
            for future in completed:
                task = in_flight.pop(future.key)
                if future.status == "finished":
                    yield future.result()
                elif future.status == "error":
                    exc = future.exception()
                    killed = isinstance(exc, distributed.KilledWorker)
                    yield on_lost(task, WORKER_CRASH if killed else lost_reason(exc))
                else:  # cancelled by someone else on a shared cluster
                    yield on_lost(task, f"task_{future.status}")
                future.release()
                for number, task in itertools.islice(queue, 1):
                    completed.add(submit(number, task))

    def _client(self, distributed: Any, stack: ExitStack) -> Any:
        if self.scheduler:
            return distributed.Client(self.scheduler, set_as_default=False)
        cluster = stack.enter_context(local_cluster(self.workers))
        return distributed.Client(cluster, set_as_default=False)


def local_cluster(workers: int) -> Any:
    """A LocalCluster of `workers` single-threaded processes, configured so that a package
    that kills its worker is given up on after one retry and never takes an innocent task
    down with it (each worker holds only the task it runs)."""
    distributed = _distributed()
    import dask

    with dask.config.set(
        {
            "distributed.scheduler.allowed-failures": LOCAL_ALLOWED_FAILURES,
            "distributed.scheduler.worker-saturation": 1.0,
        }
    ):
        return distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.CRITICAL,
        )

"""Dask distributed: the same tasks on a cluster (`--scheduler ADDRESS`) or on a
`LocalCluster` of `workers` single-threaded processes when no address is given.

Workers must see the build's work folder at the same path (a shared filesystem on a real
cluster). A task whose worker dies is rescheduled by Dask up to the scheduler's
`distributed.scheduler.allowed-failures`, then surfaces as `KilledWorker`: that task is lost
(counted), the build goes on.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from typing import Any, TypeVar

from pytorrent.errors import ExecutorError, MissingExtraError
from pytorrent.executor.base import WORKER_CRASH, OnLost, OnMessage, Task, lost_reason

R = TypeVar("R")

#: A crashing package kills this many workers before it is given up on (local clusters).
LOCAL_ALLOWED_FAILURES = 1
#: A finished task whose result was lost with its worker is run again this many times.
RESUBMIT_LOST = 3
#: Seconds to fetch a finished task's (small) result before counting it lost.
RESULT_TIMEOUT_S = 30
#: What a timed-out wait raises (asyncio's differs from the builtin before Python 3.11).
TIMEOUTS = (TimeoutError, asyncio.TimeoutError)
#: Seconds between checks on the cluster while nothing completes.
POLL_S = 5
#: Seconds without a single worker after which the build gives up (instead of hanging).
NO_WORKERS_S = 120


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
            stack.enter_context(client.as_current())  # distributed.wait finds it
            if self.on_message is not None:
                self.on_message(
                    f"dask scheduler {client.scheduler.address}, dashboard {client.dashboard_link}"
                )
            threads = max(1, sum(client.nthreads().values()))
            run = uuid.uuid4().hex[:12]  # keys unique to this run: clusters are shared
            queue = iter(enumerate(tasks))
            in_flight: dict[str, tuple[int, Task, int]] = {}  # key -> number, task, attempt

            def submit(number: int, task: Task, attempt: int = 0) -> Any:
                key = f"pytorrent-{run}-{number}-{attempt}"
                future = client.submit(fn, *task, key=key, pure=False)
                in_flight[future.key] = (number, task, attempt)
                return future

            pending = {submit(n, t) for n, t in itertools.islice(queue, 2 * threads)}
            stalled_since: float | None = None
            while pending:
                try:
                    done, pending = distributed.wait(
                        pending, timeout=POLL_S, return_when="FIRST_COMPLETED"
                    )
                except TIMEOUTS:
                    done = set()
                stalled_since = self._check_stall(client, done, stalled_since)
                for future in done:
                    number, task, attempt = in_flight.pop(future.key)
                    status, result = _outcome(future)
                    future.release()
                    if status == "lost" and attempt < RESUBMIT_LOST:
                        # Finished, but its result died with a worker another task killed.
                        pending.add(submit(number, task, attempt + 1))
                        continue
                    if status == "finished":
                        yield result
                    elif status == "error":
                        killed = isinstance(result, distributed.KilledWorker)
                        yield on_lost(task, WORKER_CRASH if killed else lost_reason(result))
                    else:  # lost again and again, or cancelled by someone else
                        yield on_lost(task, f"task_{status}")
                    for next_number, next_task in itertools.islice(queue, 1):
                        pending.add(submit(next_number, next_task))

    def _check_stall(self, client: Any, done: Any, since: float | None) -> float | None:
        """Raise when the cluster has had no worker for NO_WORKERS_S (a hang otherwise)."""
        if done or client.nthreads():
            return None
        now = time.monotonic()
        if since is None:
            return now
        if now - since > NO_WORKERS_S:
            raise ExecutorError(
                f"the Dask cluster at {client.scheduler.address} has had no workers for "
                f"{NO_WORKERS_S} s; start workers (or check why they die) and re-run: "
                "finished packages are kept in the work folder"
            )
        return since

    def _client(self, distributed: Any, stack: ExitStack) -> Any:
        if self.scheduler:
            return distributed.Client(self.scheduler, set_as_default=False)
        cluster = stack.enter_context(local_cluster(self.workers))
        return distributed.Client(cluster, set_as_default=False)


def _outcome(future: Any) -> tuple[str, Any]:
    """(status, result or exception) of a completed future. A result is a few hundred
    bytes, so fetching it only takes long when the worker holding it died after the task
    finished: then the fetch would wait forever, and the task counts as lost (to run again)."""
    if future.status == "error":
        return "error", future.exception()
    if future.status != "finished":
        return future.status, None
    try:
        return "finished", future.result(timeout=RESULT_TIMEOUT_S)
    except TIMEOUTS:
        return "lost", None
    except Exception as exc:  # the result could not be fetched or unpickled
        if future.status == "finished":
            return "error", exc
        return future.status, None


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
            # The statistical profiler samples the task thread every 10 ms: measurable
            # overhead on pure-Python work like parsing, for a dashboard tab.
            "distributed.worker.profile.enabled": False,
        }
    ):
        return distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.CRITICAL,
        )

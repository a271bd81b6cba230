"""Local executors: a process pool (the default) and `inline` (in the driver, for debugging).

The pool spawns its workers (no inherited threads or locks). When a worker dies, Python's
pool is broken for every task in flight, so those tasks are re-run one at a time in a fresh
single-worker pool: a task that kills its worker alone is the culprit and is reported lost,
the innocent ones complete normally, and the result does not depend on scheduling.

Used as a context manager, the executor keeps one pool for every call inside the block, so
a build's later stages (the shard writer's two phases, the stats read-back) do not each pay
a pool's start-up (~1 s: spawning and importing); outside one, each call has its own pool.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import TypeVar

from pytorrent.executor.base import WORKER_CRASH, OnLost, OnMessage, Task, lost_reason

R = TypeVar("R")


class InlineExecutor:
    """Runs every task in the driver process: no isolation, plain tracebacks."""

    def map_unordered(
        self, fn: Callable[..., R], tasks: Sequence[Task], on_lost: OnLost[R]
    ) -> Iterator[R]:
        for task in tasks:
            yield fn(*task)


class LocalExecutor:
    """A pool of `workers` spawned processes, at most `2 * workers` tasks in flight."""

    def __init__(self, workers: int, on_message: OnMessage | None = None) -> None:
        self.workers = workers
        self.on_message = on_message
        self.crashes = 0
        self._keep = False
        self._pool: ProcessPoolExecutor | None = None
        #: Pools started so far (each costs a spawn and the workers' imports).
        self.pools_started = 0

    def __enter__(self) -> LocalExecutor:
        self._keep = True
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._keep = False
        self._drop_pool()

    @property
    def pool_open(self) -> bool:
        """Whether a kept pool is running (between calls inside a `with` block)."""
        return self._pool is not None

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        self.pools_started += 1
        return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))

    def _drop_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def map_unordered(
        self, fn: Callable[..., R], tasks: Sequence[Task], on_lost: OnLost[R]
    ) -> Iterator[R]:
        queue: deque[Task] = deque(tasks)
        while queue:
            suspects: list[Task] = []
            yield from self._run_pool(fn, queue, on_lost, self.workers, suspects)
            if suspects:
                self.crashes += 1
                self._say(f"a worker died; re-running its {len(suspects)} task(s) one at a time")
            for task in suspects:
                yield from self._run_alone(fn, task, on_lost)

    def _run_pool(
        self,
        fn: Callable[..., R],
        queue: deque[Task],
        on_lost: OnLost[R],
        workers: int,
        suspects: list[Task],
    ) -> Iterator[R]:
        """Run queued tasks until the queue is empty or the pool breaks (then the tasks in
        flight go to `suspects`)."""
        kept = self._keep and workers == self.workers
        if kept and self._pool is None:
            self._pool = self._new_pool(workers)
        pool = self._pool if kept and self._pool is not None else self._new_pool(workers)
        pending: dict[Future[R], Task] = {}
        finished = False
        try:
            while queue or pending:
                while queue and len(pending) < 2 * workers:
                    task = queue.popleft()
                    try:
                        pending[pool.submit(fn, *task)] = task
                    except BrokenProcessPool:
                        queue.appendleft(task)
                        break
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                broken = False
                for future in done:
                    task = pending.pop(future)
                    exc = future.exception()
                    if isinstance(exc, BrokenProcessPool):
                        suspects.append(task)
                        broken = True
                    elif exc is not None:
                        yield on_lost(task, lost_reason(exc))
                    else:
                        yield future.result()
                if broken:
                    suspects.extend(pending.values())
                    pending.clear()
                    return
            finished = True
        finally:
            # A kept pool survives a call that ran to the end; a broken pool, or one whose
            # caller stopped early (tasks may still be running), is shut down.
            if not (kept and finished):
                pool.shutdown(wait=True, cancel_futures=True)
                if kept:
                    self._pool = None

    def _run_alone(self, fn: Callable[..., R], task: Task, on_lost: OnLost[R]) -> Iterator[R]:
        suspects: list[Task] = []
        yield from self._run_pool(fn, deque([task]), on_lost, 1, suspects)
        if suspects:
            yield on_lost(task, WORKER_CRASH)

    def _say(self, message: str) -> None:
        if self.on_message is not None:
            self.on_message(message)

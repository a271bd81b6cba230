"""Executors run the per-package task over many packages. Stages never import them.

`LocalExecutor` is a process pool (spawned workers: no inherited threads or locks); with
one worker it runs in-process, which keeps tracebacks and debugging simple.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    def map_unordered(
        self, fn: Callable[..., R], tasks: Sequence[tuple[object, ...]]
    ) -> Iterator[R]:
        """Run fn(*task) for every task; yield results as they complete."""
        ...


class LocalExecutor:
    """A local pool of `workers` processes, at most `2 * workers` tasks in flight."""

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def map_unordered(
        self, fn: Callable[..., R], tasks: Sequence[tuple[object, ...]]
    ) -> Iterator[R]:
        if self.workers == 1:
            for task in tasks:
                yield fn(*task)
            return
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(self.workers, mp_context=context) as pool:
            pending: set[Future[R]] = set()
            queue = iter(tasks)
            for task in queue:
                pending.add(pool.submit(fn, *task))
                if len(pending) >= 2 * self.workers:
                    break
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
                for task in queue:
                    pending.add(pool.submit(fn, *task))
                    if len(pending) >= 2 * self.workers:
                        break


def make_executor(name: str, workers: int) -> Executor:
    if name == "local":
        return LocalExecutor(workers)
    from pytorrent.errors import ConfigError

    raise ConfigError(f"unknown executor {name!r}; available: local")

"""Executors run the per-package task over many packages; stages never import them.

- `local` (default): a pool of spawned worker processes; a worker that dies costs only the
  task that killed it.
- `inline`: every task in the driver process, for debugging (no crash isolation).
- `dask`: Dask distributed, on the cluster at `scheduler` or a `LocalCluster` (extra `dask`).
"""

from __future__ import annotations

from pytorrent.errors import ConfigError
from pytorrent.executor.base import WORKER_CRASH, Executor, OnLost, OnMessage, Task
from pytorrent.executor.local import InlineExecutor, LocalExecutor

EXECUTORS = ("local", "inline", "dask")

__all__ = [
    "EXECUTORS",
    "WORKER_CRASH",
    "Executor",
    "InlineExecutor",
    "LocalExecutor",
    "OnLost",
    "OnMessage",
    "Task",
    "make_executor",
]


def make_executor(
    name: str,
    workers: int,
    *,
    scheduler: str | None = None,
    on_message: OnMessage | None = None,
) -> Executor:
    """The executor called `name`; ConfigError names the choices (and the extra to install)."""
    if scheduler and name != "dask":
        raise ConfigError(f"--scheduler needs --executor dask (got --executor {name})")
    if name == "local":
        return LocalExecutor(workers, on_message)
    if name == "inline":
        return InlineExecutor()
    if name == "dask":
        from pytorrent.executor.dask import DaskExecutor

        return DaskExecutor(workers, scheduler, on_message)
    raise ConfigError(f"unknown executor {name!r}; available: {', '.join(EXECUTORS)}")

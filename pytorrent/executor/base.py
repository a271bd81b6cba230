"""The executor interface: run one function over many tasks, results as they complete.

Stages never import an executor; the build driver picks one. A task whose worker dies
(segfault, out-of-memory kill) is not retried forever: the executor hands it to `on_lost`,
which turns it into an ordinary counted failure, and the build goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, TypeVar

R = TypeVar("R")

Task = tuple[object, ...]
#: Builds the result of a task that produced none: (task, reason) -> result.
OnLost = Callable[[Task, str], R]
#: Receives one-line messages for the user (a dashboard link, a restarted pool).
OnMessage = Callable[[str], None]

#: The reason `on_lost` receives when the worker process running a task died.
WORKER_CRASH = "worker_crash"


class Executor(Protocol):
    def map_unordered(
        self, fn: Callable[..., R], tasks: Sequence[Task], on_lost: OnLost[R]
    ) -> Iterator[R]:
        """Run fn(*task) for every task; yield each result (or on_lost's) as it completes."""
        ...


def lost_reason(exc: BaseException) -> str:
    """The counted reason of a task that raised instead of returning."""
    return f"task_error_{type(exc).__name__}"

"""The progress callback a build reports through: one signature for the CLI's bar and for
library callers, shared by the extract stage and the output steps."""

from __future__ import annotations

from collections.abc import Callable

#: (stage, done, total, units). `extract` counts bytes (size hints, so the ETA follows the work
#: while the heaviest packages run first); other stages count items, and total 0 means a stage
#: whose length is unknown has started (done > 0 once it ended).
ProgressCallback = Callable[[str, int, int, int], None]


def announce(progress: ProgressCallback | None, stage: str, done: int = 0) -> None:
    """Report that `stage` started (done 0) or ended with `done` items, length unknown."""
    if progress is not None:
        progress(stage, done, 0, 0)

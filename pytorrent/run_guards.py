"""Two ways a build can go wrong before or after its packages run, stopped with the fix named.

A script that calls build() without an `if __name__ == "__main__":` guard is re-imported by
every spawned worker; without these checks each worker started a build of its own, every
package failed, and the user got an empty corpus with exit 0.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections import Counter
from collections.abc import Sequence

from pytorrent.errors import ExecutorError
from pytorrent.results import PackageResult

GUARD_HINT = 'put the build() call under `if __name__ == "__main__":`'


def refuse_worker_reimport() -> None:
    """A spawned worker re-imports the user's script as `__mp_main__` while it is being set up
    (multiprocessing marks that phase `_inheriting`); an unguarded build() call there would
    start a build inside every worker. Stop it with the fix in one line."""
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        # Raising would print a traceback per worker; the driver reports the failure once.
        print(
            f"pytorrent: a worker imported your script and reached build(): {GUARD_HINT}",
            file=sys.stderr,
        )
        raise SystemExit(1)


def refuse_all_failed(results: Sequence[PackageResult]) -> None:
    """A build where no package produced a result is a failure, not an empty corpus."""
    if not results or any(result.metadata is not None for result in results):
        return
    reasons: Counter[str] = Counter()
    for result in results:
        reasons.update(reason for (_, reason) in result.drops.counts)
    summary = ", ".join(f"{reason} x{n}" for reason, n in sorted(reasons.items()))
    hint = (
        f"; if you run pytorrent from a script, {GUARD_HINT}"
        if "failed_worker_crash" in (reasons)
        else ""
    )
    raise ExecutorError(f"every one of the {len(results)} packages failed ({summary}){hint}")

"""Per-package wall time and per-worker memory: a runaway package fails alone, counted.

One hostile package (a 10 MB file of one-line functions, a comment bomb) could once take a
worker past 8 GB or hold it for many minutes. Two limits turn that into a `failed_timeout` or
`failed_MemoryError` result while the build goes on:

- the wall-clock budget of one package (`--package-timeout`): SIGALRM raises
  `PackageTimeout`, a BaseException so no per-file `except Exception` swallows it; a CPU-time
  soft limit a little above the budget is the backstop for native code that never returns to
  Python (the kernel then ends the worker and the pool counts the package as `worker_crash`);
- the address space of a worker process (`--worker-memory`, RLIMIT_AS): an allocation past it
  raises MemoryError in that worker.

Both apply only in worker processes on their main thread (the local pool), never to the
driver, so `--executor inline` stays a plain debugging run.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

#: Seconds past the wall budget before the CPU-time backstop ends a worker stuck in C code.
CPU_GRACE_S = 30
_UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
_applied_memory: list[int] = []


class PackageTimeout(BaseException):
    """Raised in a worker when one package has used up its wall-clock budget."""


def parse_memory(text: str) -> int:
    """`4G`, `512M`, `1.5GiB` -> bytes; `0` turns the limit off. A unit is required: a bare
    `4096` could mean bytes or MiB, and guessing wrong kills every worker."""
    if text.strip() == "0":
        return 0
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt])i?b?\s*", text.lower())
    if match is None:
        raise ValueError(f"{text!r} is not a size such as 4G or 512M (or 0 for no limit)")
    return int(float(match.group(1)) * _UNITS[match.group(2)])


def auto_worker_memory(workers: int) -> int:
    """80% of the machine's memory shared by the workers, kept between 2 and 8 GiB."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 4 * 1024**3
    share = int(total * 0.8) // max(1, workers)
    return max(2 * 1024**3, min(8 * 1024**3, share))


def _in_worker() -> bool:
    return (
        multiprocessing.parent_process() is not None
        and threading.current_thread() is threading.main_thread()
    )


def apply_worker_memory(limit: int) -> None:
    """Cap this worker's address space once (lowering only; 0 leaves it alone)."""
    if limit <= 0 or _applied_memory or not _in_worker():
        return
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or limit < soft:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    _applied_memory.append(limit)


def _raise_timeout(signum: int, frame: FrameType | None) -> None:
    raise PackageTimeout


@contextmanager
def package_deadline(seconds: float) -> Iterator[None]:
    """Raise PackageTimeout in the body after `seconds` of wall time (0: no limit)."""
    if seconds <= 0 or not _in_worker():
        yield
        return
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu_now = int(used.ru_utime + used.ru_stime)
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    backstop = cpu_now + int(seconds) + CPU_GRACE_S
    if hard != resource.RLIM_INFINITY:
        backstop = min(backstop, hard)
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    resource.setrlimit(resource.RLIMIT_CPU, (backstop, hard))
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))

"""Task functions and package handles for executor tests; importable by spawned workers."""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass

from pytorrent.drops import Drops
from pytorrent.sources.base import PackageContent, PackageHandle, ReadLimits, Source


def square(n: int) -> int:
    return n * n


def square_or_die(n: int, doomed: int) -> int:
    """Kills its own worker process (as a segfault or the OOM killer would) on `doomed`."""
    if n == doomed:
        os.kill(os.getpid(), signal.SIGKILL)
    return n * n


def square_or_raise(n: int, bad: int) -> int:
    if n == bad:
        raise ValueError(f"bad task {n}")
    return n * n


def lost(task: tuple[object, ...], reason: str) -> int:
    """on_lost of the tests: -1000 - n marks a lost task in the results."""
    n = task[0]
    assert isinstance(n, int)
    return -1000 - n if reason == "worker_crash" else -2000 - n


@dataclass(frozen=True)
class CrashingPackage(PackageHandle):
    """A package whose reading kills the worker process: an injected hard crash."""

    name: str = "zz-crash"
    version: str = "1.0"

    def read(self, limits: ReadLimits, drops: Drops) -> PackageContent:
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("unreachable")


@dataclass(frozen=True)
class WithCrashingPackage(Source):
    """A real source plus one crashing package."""

    inner: Source
    spec: str = "with-crash"

    def packages(self, drops: Drops):  # type: ignore[no-untyped-def]
        yield from self.inner.packages(drops)
        yield CrashingPackage()

"""What a worker needs besides the package, in a module of its own: the task (tasks.py) and
its cache key (task_cache.py) both read it, and neither imports the other for it."""

from __future__ import annotations

from dataclasses import dataclass, field

from pytorrent.dedup import DedupConfig
from pytorrent.filters import FilterConfig
from pytorrent.sources.base import ReadLimits


@dataclass(frozen=True)
class TaskSettings:
    """What a worker needs besides the package: picklable, small."""

    categories: tuple[str, ...]
    limits: ReadLimits
    cache_dir: str  # the task cache folder inside the work folder (shared by every worker)
    filters: FilterConfig = field(default_factory=FilterConfig.none)
    dedup: DedupConfig | None = None
    package_timeout_s: float = 0.0  # run-only: wall budget of one package (0: none)
    worker_memory_bytes: int = 0  # run-only: address-space cap of a worker (0: none)

"""`build`: sources -> extract -> split -> write, as one library call the CLI wraps.

The output folder is staged beside its final place and renamed into it only when complete,
so a failed or interrupted build never leaves a half-written corpus under the final name.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from pytorrent.atomic import replace_folder
from pytorrent.config import BuildConfig
from pytorrent.drops import Drops, Stage
from pytorrent.errors import SourceError
from pytorrent.executor import Executor, OnMessage, Task, make_executor
from pytorrent.executor.limits import auto_worker_memory
from pytorrent.filters import FilterConfig
from pytorrent.metadata.versions import version_key
from pytorrent.models import BuildManifest
from pytorrent.output_steps import write_output
from pytorrent.progress import ProgressCallback, announce
from pytorrent.results import PackageResult, failed_result
from pytorrent.run_guards import refuse_all_failed, refuse_worker_reimport
from pytorrent.sources import PackageHandle, Source, parse_source_spec
from pytorrent.task_cache import TaskCache
from pytorrent.task_settings import TaskSettings
from pytorrent.tasks import process_package
from pytorrent.workdir import WorkFolder, default_work_dir
from pytorrent.write.guard import check_output, check_work, clean_leftovers, mark, unmark
from pytorrent.write.public import source_paths

#: Weight of a package whose size is unknown before reading it.
_UNKNOWN_WEIGHT = 64 * 1024


@dataclass
class BuildReport:
    """What `build` returns: where it wrote and the numbers of the summary table."""

    out: Path
    manifest: BuildManifest
    seconds: float
    notes: list[str] = field(default_factory=list)
    run: RunStats = field(default_factory=lambda: RunStats())


@dataclass
class RunStats:
    """How this run went (never part of the output, which must not depend on it)."""

    packages: int = 0
    reused: int = 0  # packages whose cached result a previous run left in the work folder
    failed: int = 0
    extract_seconds: float = 0.0
    worker_peak_rss: dict[str, int] = field(default_factory=dict)  # worker -> bytes

    def add(self, result: PackageResult) -> None:
        self.packages += 1
        self.reused += result.reused
        self.failed += result.metadata is None
        if result.worker:
            peak = self.worker_peak_rss.get(result.worker, 0)
            self.worker_peak_rss[result.worker] = max(peak, result.peak_rss_bytes)


def collect_packages(
    config: BuildConfig, drops: Drops, sources: Sequence[Source] | None = None
) -> list[PackageHandle]:
    """Every package of every source, one per name (the newest version), in name order."""
    newest: dict[str, PackageHandle] = {}
    if sources is None:
        sources = [parse_source_spec(spec, config.remote_config()) for spec in config.sources]
    for source in sources:
        for handle in source.packages(drops):
            kept = newest.get(handle.name)
            if kept is None:
                newest[handle.name] = handle
                continue
            older, newer = sorted((kept, handle), key=lambda h: version_key(h.version))
            if older.version == newer.version:
                drops.add(Stage.SOURCE, "duplicate_package", handle.key)
                continue
            drops.add(Stage.SOURCE, "older_version", older.key)
            newest[handle.name] = newer
    handles = [newest[name] for name in sorted(newest)]
    if config.limit is not None and len(handles) > config.limit:
        drops.add(Stage.SOURCE, "beyond_limit", n=len(handles) - config.limit)
        handles = handles[: config.limit]
    return handles


def build(
    config: BuildConfig,
    progress: ProgressCallback | None = None,
    *,
    sources: Sequence[Source] | None = None,
    on_message: OnMessage | None = None,
) -> BuildReport:
    """Build a corpus into `config.out`; returns the report. Raises PytorrentError subclasses
    only when the build as a whole cannot proceed (no packages, unusable output folder).

    `sources` replaces the parsing of `config.sources` (for Source objects made in Python);
    `on_message` receives one-line notices (a Dask dashboard link, a restarted pool).
    Per-package results are cached in the work folder (`config.work`, default beside the
    output), so an interrupted build re-run with the same settings resumes where it was.
    """
    refuse_worker_reimport()
    started = time.monotonic()
    drops = Drops()
    notes: list[str] = []
    if sources is not None:  # the manifest and card name the inputs actually used
        config = config.model_copy(update={"sources": tuple(s.spec for s in sources)})
    out, work_root = _check_folders(config)
    announce(progress, "discover")
    handles = collect_packages(config, drops, sources)
    announce(progress, "discover", len(handles))
    if not handles:
        raise SourceError(f"no packages found in {', '.join(config.sources)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out)
    executor = make_executor(  # before the work folder: a missing extra leaves nothing behind
        config.executor,
        min(config.workers, len(handles)),
        scheduler=config.scheduler,
        on_message=on_message,
    )
    run = RunStats()
    with WorkFolder(work_root) as work, _one_pool(executor):
        cached = TaskCache(work.cache).entries()
        if cached and on_message is not None:
            on_message(f"work folder {work.root}: {cached:,} cached package results to reuse")
        staging = _staging_folder(work, out)
        try:
            extract_started = time.monotonic()
            results = _extract_all(config, handles, executor, work, progress, run)
            run.extract_seconds = time.monotonic() - extract_started
            refuse_all_failed(results)
            shard_executor = executor if config.executor == "local" and config.workers > 1 else None
            manifest = write_output(
                config,
                results,
                drops,
                staging,
                progress,
                notes,
                shard_executor=shard_executor,
                scratch=work.root,
            )
            unmark(staging)
            replace_folder(staging, out)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    if config.work is None and not config.keep_work:
        work.remove()
    return BuildReport(out, manifest, time.monotonic() - started, notes, run)


def _one_pool(executor: Executor) -> AbstractContextManager[object]:
    """The build's block in which an executor that can keep its pool (local) keeps it."""
    return executor if isinstance(executor, AbstractContextManager) else nullcontext()


def _check_folders(config: BuildConfig) -> tuple[Path, Path]:
    """--out and --work, resolved, once nothing in them could be lost (see write/guard.py)."""
    sources = [p for spec in config.sources for p in source_paths(spec)]
    out = check_output(config.out, sources=sources, overwrite=config.overwrite)
    if config.work is not None:
        check_work(config.work, config.out)
    return out, (config.work or default_work_dir(out)).resolve()


def _staging_folder(work: WorkFolder, out: Path) -> Path:
    """Inside the work folder when it shares the output's filesystem (one rename moves it),
    else a temp folder beside the output."""
    if work.root.stat().st_dev == out.parent.stat().st_dev:
        work.staging.mkdir()
        return work.staging
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    mark(staging)  # removed just before the swap; a killed run's copy is cleaned next time
    return staging


def _extract_all(
    config: BuildConfig,
    handles: list[PackageHandle],
    executor: Executor,
    work: WorkFolder,
    progress: ProgressCallback | None,
    run: RunStats,
) -> list[PackageResult]:
    settings = TaskSettings(
        config.categories,
        config.limits,
        str(work.cache),
        filters=(FilterConfig() if config.filter else FilterConfig.none()).with_licenses(
            config.licenses
        ),
        dedup=config.dedup_config() if config.dedup else None,
        package_timeout_s=config.package_timeout,
        worker_memory_bytes=(
            auto_worker_memory(config.workers)
            if config.worker_memory is None
            else config.worker_memory
        ),
    )
    # Heaviest first (longest-processing-time scheduling); results are re-sorted by index, so
    # the order of submission never shows in the output.
    sizes = [handle.size_hint() for handle in handles]  # one stat pass: it can cost a file walk
    by_weight = sorted(range(len(handles)), key=lambda i: (-sizes[i], i))
    tasks: list[Task] = [(index, handles[index], settings) for index in by_weight]
    results: list[PackageResult] = []
    units = 0
    weight = [max(size, _UNKNOWN_WEIGHT) for size in sizes]
    total, done = sum(weight), 0
    if progress:
        progress("extract", 0, total, 0)
    for result in executor.map_unordered(process_package, tasks, _lost_package):
        results.append(result)
        run.add(result)
        units += result.units
        done += weight[result.index]
        if progress:
            progress("extract", done, total, units)
    results.sort(key=lambda r: r.index)
    return results


def _lost_package(task: Task, reason: str) -> PackageResult:
    """The result of a package whose worker died or whose task could not run at all."""
    index, handle = task[0], task[1]
    assert isinstance(index, int) and isinstance(handle, PackageHandle)
    return failed_result(index, handle.key, reason)

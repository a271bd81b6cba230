"""`build`: sources -> extract -> split -> write, as one library call the CLI wraps.

The output folder is staged beside its final place and renamed into it only when complete,
so a failed or interrupted build never leaves a half-written corpus under the final name.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pytorrent import layout
from pytorrent.atomic import replace_folder
from pytorrent.config import BuildConfig
from pytorrent.dedup import find_duplicates
from pytorrent.drops import Drops
from pytorrent.errors import OutputError, SourceError
from pytorrent.executor import Executor, OnMessage, Task, make_executor
from pytorrent.executor.limits import auto_worker_memory
from pytorrent.extract import EXTRACTOR_VERSION
from pytorrent.filters import FilterConfig
from pytorrent.metadata.versions import version_key
from pytorrent.models import BuildManifest, PackageMetadata, Split
from pytorrent.results import PackageResult, failed_result
from pytorrent.run_guards import refuse_all_failed, refuse_worker_reimport
from pytorrent.sources import PackageHandle, Source, parse_source_spec
from pytorrent.split import assign_splits
from pytorrent.stats import write_stats
from pytorrent.task_cache import TaskCache
from pytorrent.task_settings import TaskSettings
from pytorrent.tasks import process_package, read_records
from pytorrent.tokenizer import TokenizerConfig, train_tokenizer
from pytorrent.version import __version__, installed_versions
from pytorrent.workdir import WorkFolder, default_work_dir
from pytorrent.write.card import render_card
from pytorrent.write.corpus import digest, write_shards
from pytorrent.write.guard import check_output, check_work, clean_leftovers, mark, unmark
from pytorrent.write.public import public_spec, source_paths
from pytorrent.write.shards import write_jsonl_gz

LIBRARIES = (
    "libcst", "radon", "datasketch", "orjson", "zstandard", "datasets", "pyarrow",
    "huggingface-hub", "tokenizers", "pydantic", "scrapy",
)  # fmt: skip

#: (stage, done, total, units). `extract` counts bytes (size hints, so the ETA follows the work
#: while the heaviest packages run first); other stages count items, and total 0 means a stage
#: whose length is unknown has started (done > 0 once it ended).
ProgressCallback = Callable[[str, int, int, int], None]
#: Weight of a package whose size is unknown before reading it.
_UNKNOWN_WEIGHT = 64 * 1024


def _announce(progress: ProgressCallback | None, stage: str, done: int = 0) -> None:
    if progress is not None:
        progress(stage, done, 0, 0)


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
        sources = [parse_source_spec(spec) for spec in config.sources]
    for source in sources:
        for handle in source.packages(drops):
            kept = newest.get(handle.name)
            if kept is None:
                newest[handle.name] = handle
                continue
            older, newer = sorted((kept, handle), key=lambda h: version_key(h.version))
            if older.version == newer.version:
                drops.add("source", "duplicate_package", handle.key)
                continue
            drops.add("source", "older_version", older.key)
            newest[handle.name] = newer
    handles = [newest[name] for name in sorted(newest)]
    if config.limit is not None and len(handles) > config.limit:
        drops.add("source", "beyond_limit", n=len(handles) - config.limit)
        handles = handles[: config.limit]
    return handles


def library_versions() -> dict[str, str]:
    return installed_versions(LIBRARIES, missing=None)


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
    _announce(progress, "discover")
    handles = collect_packages(config, drops, sources)
    _announce(progress, "discover", len(handles))
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
    with WorkFolder(work_root) as work:
        cached = TaskCache(work.cache).entries()
        if cached and on_message is not None:
            on_message(f"work folder {work.root}: {cached:,} cached package results to reuse")
        staging = _staging_folder(work, out)
        try:
            extract_started = time.monotonic()
            results = _extract_all(config, handles, executor, work, progress, run)
            run.extract_seconds = time.monotonic() - extract_started
            refuse_all_failed(results)
            manifest = _write_output(config, results, drops, staging, progress, notes)
            unmark(staging)
            replace_folder(staging, out)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    if config.work is None and not config.keep_work:
        work.remove()
    return BuildReport(out, manifest, time.monotonic() - started, notes, run)


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


def _records_by_package(
    results: list[PackageResult],
) -> Iterator[tuple[PackageResult, dict[str, object]]]:
    for result in results:
        if result.units_path is None:
            continue
        for record in read_records(result.units_path):
            yield result, record


def _write_output(
    config: BuildConfig,
    results: list[PackageResult],
    drops: Drops,
    staging: Path,
    progress: ProgressCallback | None,
    notes: list[str],
) -> BuildManifest:
    for result in results:
        drops.update(result.drops)
    packages: list[PackageMetadata] = [r.metadata for r in results if r.metadata is not None]
    duplicates: frozenset[str] = frozenset()
    dedup_report: dict[str, object] | None = None
    if config.dedup:
        _announce(progress, "dedup")
        found = find_duplicates(
            [r.signatures_path for r in results if r.signatures_path], config.dedup_config()
        )
        duplicates = found.drop_ids()
        drops.update(found.drops)
        dedup_report = found.report.to_dict()
    splits = assign_splits([p.name for p in packages], config.seed, config.ratios)
    total = sum(r.units for r in results) - len(duplicates)

    def rows() -> Iterator[tuple[Split, dict[str, object]]]:
        for result, record in _records_by_package(results):
            if record["id"] not in duplicates:
                assert result.metadata is not None
                yield splits[result.metadata.name], record

    def on_record(count: int) -> None:
        if progress and (count % 5000 == 0 or count == total):
            progress("write", count, total, count)

    if progress:
        progress("write", 0, total, 0)
    written = write_shards(
        rows(),
        staging,
        scenarios=config.scenarios,
        shard_records=config.shard_records,
        jsonl=config.jsonl,
        on_record=on_record,
    )
    files, split_counts, kinds = written.files, written.split_counts, written.kinds
    package_rows = [p.model_dump(mode="json") for p in sorted(packages, key=lambda p: p.name)]
    packages_path = staging / layout.PACKAGES
    files[layout.PACKAGES] = digest(packages_path, write_jsonl_gz(packages_path, package_rows))
    licenses = Counter(p.license or "unknown" for p in packages)
    counts = {
        "packages": len(packages),
        "packages_with_units": sum(1 for p in packages if p.units),
        "files": sum(p.python_files for p in packages),
        "python_bytes": sum(p.python_bytes for p in packages),
        "units": total,
        "function_units": kinds["function"],
        "comment_units": kinds["comment"],
    }
    if config.tokenizer:
        _announce(progress, "tokenizer")
        try:
            trained = train_tokenizer(staging, TokenizerConfig(vocab_size=config.vocab_size))
        except OutputError as exc:
            notes.append(f"tokenizer not trained: {exc}")
        else:
            for path in trained.files:
                files[path.relative_to(staging).as_posix()] = digest(path, None)
    _announce(progress, "stats")
    corpus_stats = write_stats(staging, drops=drops.by_stage())
    _announce(progress, "card")
    for path in corpus_stats.files:
        files[path.relative_to(staging).as_posix()] = digest(path, None)
    card = render_card(
        stats=corpus_stats.stats,
        tokenizer=corpus_stats.tokenizer,
        split_counts=split_counts,
        scenarios=config.scenarios,
        licenses=licenses,
        inputs=[public_spec(s) for s in config.sources],
        config=config.manifest_config(),
        counts=counts,
        drops=drops.by_stage(),
        version=__version__,
    )
    (staging / "README.md").write_text(card, encoding="utf-8")
    files["README.md"] = digest(staging / "README.md", None)
    manifest = BuildManifest(
        pytorrent_version=__version__,
        extractor_version=EXTRACTOR_VERSION,
        inputs=[public_spec(s) for s in config.sources],
        config=config.manifest_config(),
        library_versions=library_versions(),
        counts=counts,
        split_counts=split_counts,
        drops=drops.by_stage(),
        drop_examples=drops.examples_by_key(),
        dedup=dedup_report,
        contamination=sorted(c for r in results for c in r.contaminated),
        files=dict(sorted(files.items())),
    )
    layout.write_manifest(staging, manifest)
    return manifest

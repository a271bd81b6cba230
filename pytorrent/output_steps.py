"""The build's output as an ordered list of steps: dedup, shards, packages, documents,
tokenizer, stats, card. Each step writes into the staging folder and returns the files it
wrote; `write_output` registers them in `build.json` in one place, so adding an export is
adding a step.

Steps run in order and may read what earlier steps left on the `OutputRun` (the duplicate ids,
the split counts, the statistics); none writes a file another step writes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pytorrent import layout
from pytorrent.config import BuildConfig
from pytorrent.dedup import find_duplicates
from pytorrent.drops import Drops
from pytorrent.errors import OutputError
from pytorrent.executor import Executor
from pytorrent.extract import EXTRACTOR_VERSION
from pytorrent.models import BuildManifest, FileDigest, PackageMetadata, Split
from pytorrent.progress import ProgressCallback, announce
from pytorrent.results import PackageResult
from pytorrent.split import assign_splits
from pytorrent.stats import write_stats
from pytorrent.stats.write import StatsOutput
from pytorrent.tokenizer import TokenizerConfig, train_tokenizer
from pytorrent.units_file import read_records
from pytorrent.version import __version__, installed_versions
from pytorrent.write.card import render_card
from pytorrent.write.corpus import digest, write_shards
from pytorrent.write.documents import write_package_documents
from pytorrent.write.public import public_spec
from pytorrent.write.segments import DEFAULT_PACKAGES_PER_CHUNK, write_shards_segmented
from pytorrent.write.shards import write_jsonl_gz

LIBRARIES = (
    "libcst", "radon", "datasketch", "orjson", "zstandard", "datasets", "pyarrow",
    "huggingface-hub", "tokenizers", "pydantic", "scrapy",
)  # fmt: skip

#: Relative path -> digest of every file one step wrote.
Written = dict[str, FileDigest]
#: Below this many units one pass in the driver beats the segment writer's two pool
#: start-ups (~1 s each); writing costs ~0.4 ms of CPU per unit (zstd level-9 parquet).
PARALLEL_WRITE_MIN_UNITS = 20_000
#: Reading the shards back costs ~0.02 ms per unit; on the build's running pool, one task per
#: shard, 2 workers take 0.57x the serial time at 27k units (benchmarks/stats_collect.py).
PARALLEL_STATS_MIN_UNITS = 20_000


def library_versions() -> dict[str, str]:
    return installed_versions(LIBRARIES, missing=None)


@dataclass
class OutputRun:
    """One build's output in the making: the inputs every step reads and what steps leave
    for the later ones."""

    config: BuildConfig
    results: list[PackageResult]
    drops: Drops
    staging: Path
    progress: ProgressCallback | None
    notes: list[str]
    packages: list[PackageMetadata] = field(default_factory=list)
    duplicates: frozenset[str] = frozenset()
    dedup_report: dict[str, object] | None = None
    split_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    corpus_stats: StatsOutput | None = None
    files: Written = field(default_factory=dict)
    #: Writes the shards in parallel (None: one pass in the driver), with its segments in
    #: a temporary folder under `scratch` (the work folder: every worker sees it).
    shard_executor: Executor | None = None
    scratch: Path | None = None

    def register(self, paths: list[Path]) -> Written:
        """Digests of files written by a step that does not count their records."""
        return {path.relative_to(self.staging).as_posix(): digest(path, None) for path in paths}


@dataclass(frozen=True)
class OutputStep:
    """`name` is the progress stage a step announces before it runs (unless `announced` is
    False: the step reports its own progress); `enabled` says whether a build runs it."""

    name: str
    write: Callable[[OutputRun], Written]
    enabled: Callable[[BuildConfig], bool] = lambda config: True
    announced: bool = True


def _dedup(run: OutputRun) -> Written:
    found = find_duplicates(
        [r.signatures_path for r in run.results if r.signatures_path], run.config.dedup_config()
    )
    run.duplicates = found.drop_ids()
    run.drops.update(found.drops)
    run.dedup_report = found.report.to_dict()
    return {}


def _shards(run: OutputRun) -> Written:
    config, progress = run.config, run.progress
    splits = assign_splits([p.name for p in run.packages], config.seed, config.ratios)
    total = sum(r.units for r in run.results) - len(run.duplicates)

    units: list[tuple[str, Split]] = [
        (r.units_path, splits[r.metadata.name])
        for r in run.results
        if r.units_path is not None and r.metadata is not None
    ]

    def rows() -> Iterator[tuple[Split, dict[str, object]]]:
        for path, split in units:
            for record in read_records(path):
                if record["id"] not in run.duplicates:
                    yield split, record

    def on_record(count: int) -> None:
        if progress and (count % 5000 == 0 or count == total):
            progress("write", count, total, count)

    def on_phase(phase: str, done: int, tasks: int) -> None:
        """Phase 1 (segments) is the first half of the write, phase 2 (shards) the second."""
        if progress:
            count = total * (done + (tasks if phase != "segments" else 0)) // (2 * tasks)
            progress("write", count, total, count)

    if progress:
        progress("write", 0, total, 0)
    if run.shard_executor is not None and total >= PARALLEL_WRITE_MIN_UNITS:
        # ~4 chunks per worker balance phase 1; the bytes never depend on the chunking.
        per_chunk = min(DEFAULT_PACKAGES_PER_CHUNK, -(-len(units) // (4 * config.workers)))
        written = write_shards_segmented(
            run.shard_executor,
            units,
            run.duplicates,
            str(run.staging),
            str(run.scratch or run.staging.parent),
            scenarios=config.scenarios,
            shard_records=config.shard_records,
            jsonl=config.jsonl,
            packages_per_chunk=max(1, per_chunk),
            on_progress=on_phase,
        )
    else:
        written = write_shards(
            rows(),
            run.staging,
            scenarios=config.scenarios,
            shard_records=config.shard_records,
            jsonl=config.jsonl,
            on_record=on_record,
        )
    run.split_counts = written.split_counts
    packages = run.packages
    run.counts = {
        "packages": len(packages),
        "packages_with_units": sum(1 for p in packages if p.units),
        "files": sum(p.python_files for p in packages),
        "python_bytes": sum(p.python_bytes for p in packages),
        "units": total,
        "function_units": written.kinds["function"],
        "comment_units": written.kinds["comment"],
    }
    return written.files


def _packages(run: OutputRun) -> Written:
    rows = [p.model_dump(mode="json") for p in sorted(run.packages, key=lambda p: p.name)]
    path = run.staging / layout.PACKAGES
    return {layout.PACKAGES: digest(path, write_jsonl_gz(path, rows))}


def _documents(run: OutputRun) -> Written:
    path = write_package_documents(run.staging, run.packages)
    return {layout.PACKAGE_DOCUMENTS: digest(path, len(run.packages))}


def _tokenizer(run: OutputRun) -> Written:
    try:
        trained = train_tokenizer(run.staging, TokenizerConfig(vocab_size=run.config.vocab_size))
    except OutputError as exc:
        run.notes.append(f"tokenizer not trained: {exc}")
        return {}
    return run.register(list(trained.files))


def _stats(run: OutputRun) -> Written:
    parallel = run.counts.get("units", 0) >= PARALLEL_STATS_MIN_UNITS
    run.corpus_stats = write_stats(
        run.staging,
        drops=run.drops.by_stage(),
        executor=run.shard_executor if parallel else None,
    )
    return run.register(run.corpus_stats.files)


def _card(run: OutputRun) -> Written:
    assert run.corpus_stats is not None
    card = render_card(
        stats=run.corpus_stats.stats,
        tokenizer=run.corpus_stats.tokenizer,
        split_counts=run.split_counts,
        scenarios=run.config.scenarios,
        licenses=Counter(p.license or "unknown" for p in run.packages),
        inputs=[public_spec(s) for s in run.config.sources],
        config=run.config.manifest_config(),
        counts=run.counts,
        drops=run.drops.by_stage(),
        version=__version__,
    )
    path = run.staging / layout.CARD
    path.write_text(card, encoding="utf-8")
    return run.register([path])


#: In order; `stats` reads the shards and tokenizer files, `card` the statistics.
OUTPUT_STEPS: tuple[OutputStep, ...] = (
    OutputStep("dedup", _dedup, enabled=lambda config: config.dedup),
    OutputStep("write", _shards, announced=False),
    OutputStep("packages", _packages, announced=False),
    OutputStep("documents", _documents, announced=False),
    OutputStep("tokenizer", _tokenizer, enabled=lambda config: config.tokenizer),
    OutputStep("stats", _stats),
    OutputStep("card", _card),
)


def write_output(
    config: BuildConfig,
    results: list[PackageResult],
    drops: Drops,
    staging: Path,
    progress: ProgressCallback | None,
    notes: list[str],
    shard_executor: Executor | None = None,
    scratch: Path | None = None,
) -> BuildManifest:
    """Run every enabled step into `staging`, then write `build.json` listing what they wrote.
    `shard_executor` writes the shards in parallel (segments under `scratch`); same bytes."""
    for result in results:
        drops.update(result.drops)
    run = OutputRun(config, results, drops, staging, progress, notes)
    run.shard_executor, run.scratch = shard_executor, scratch
    run.packages = [r.metadata for r in results if r.metadata is not None]
    for step in OUTPUT_STEPS:
        if step.enabled(config):
            if step.announced:
                announce(progress, step.name)
            run.files.update(step.write(run))
    manifest = BuildManifest(
        pytorrent_version=__version__,
        extractor_version=EXTRACTOR_VERSION,
        inputs=[public_spec(s) for s in config.sources],
        config=config.manifest_config(),
        library_versions=library_versions(),
        counts=run.counts,
        split_counts=run.split_counts,
        drops=drops.by_stage(),
        drop_examples=drops.examples_by_key(),
        dedup=run.dedup_report,
        contamination=sorted(c for r in results for c in r.contaminated),
        files=dict(sorted(run.files.items())),
    )
    layout.write_manifest(staging, manifest)
    return manifest

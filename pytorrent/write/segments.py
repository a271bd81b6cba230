"""Shards written in two parallel phases, so the write scales past one core per config.

One task per config would make a build's write take as long as its largest config (acs3
alone is ~20% of the serial pass). Here phase 1 runs one executor task
per contiguous chunk of packages, which builds every config's rows and writes them to
segment files in a scratch folder (pytorrent.write.segment_files) and returns row counts.
From the counts alone the driver knows every stream's global row offsets, its shard count
(so the `-of-NNNNN` names) and which segment rows each final shard holds. Phase 2 runs one
task per final shard (a few, when shards are small) and writes it as the serial writer
would: the same schema and writer options, row groups cut at the same rows, one gzip stream
over the same lines. The bytes equal `write_shards`' for any rows, and never depend on
chunk size, worker count or completion order. The scratch folder must be visible to every
worker (a local pool's is; a cluster needs a shared file system).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson
import pyarrow as pa

from pytorrent.errors import OutputError
from pytorrent.executor import Executor, Task
from pytorrent.models import FileDigest, Split
from pytorrent.split import SPLITS
from pytorrent.write import shards
from pytorrent.write.corpus import WrittenShards, digest
from pytorrent.write.csn import CSN_SPLITS, csn_folder
from pytorrent.write.segment_files import (
    ChunkCounts,
    Stream,
    is_export,
    read_lines,
    read_table_rows,
    schema_of,
    segment_path,
    write_chunk_segments,
)

#: Packages per phase-1 task: at ~200 units a package, ~20 s of work, and few enough
#: segment files (one per stream per chunk) even at PyTorrent scale.
DEFAULT_PACKAGES_PER_CHUNK = 500
#: Phase-2 tasks hold consecutive shards of up to this many rows (a shard of more is a task
#: of its own), so tiny shards (and csn/'s empty ones) do not cost one task each.
TASK_ROWS = 5_000

#: (units file, split) per package, in build order.
UnitsFiles = Sequence[tuple[str, Split]]
#: Progress: (phase, tasks done, tasks in the phase); phase is "segments" or "shards".
OnProgress = Callable[[str, int, int], None]


#: Rows first..last of chunk `chunk`'s segment of a stream.
Piece = tuple[int, int, int]


@dataclass(frozen=True)
class ShardJob:
    """One final shard: its stream, path under the output folder, and the segment rows it
    holds as (chunk, start, stop), in order."""

    stream: Stream
    relpath: str
    pieces: tuple[Piece, ...]

    @property
    def rows(self) -> int:
        return sum(stop - start for _, start, stop in self.pieces)


def shard_relpath(stream: Stream, index: int, total: int) -> str:
    """The serial writer's name of shard `index` of `total` of `stream`."""
    config, split = stream
    if is_export(config):
        folder = csn_folder(Path(config), split)
        return (folder / f"python_{CSN_SPLITS[split]}_{index}.jsonl.gz").as_posix()
    return f"{config}/{split}-{index:05d}-of-{total:05d}.parquet"


def stream_order(
    chunks: Sequence[ChunkCounts], scenarios: Sequence[int], jsonl: bool
) -> list[Stream]:
    """Streams in the order `write_shards` finishes its writers: pairs, the views, the csn
    function exports, then csn/comments in the order their first comment row came."""
    configs = ["pairs", *(f"acs{n}" for n in scenarios)]
    if jsonl:
        configs += [f"csn/acs{n}" for n in scenarios]
        first: dict[int, tuple[int, int, int]] = {}
        for part in chunks:
            for n, at in part.first_comment.items():
                first.setdefault(n, (part.chunk, at, list(scenarios).index(n)))
        configs += [f"csn/comments/acs{n}" for n in sorted(first, key=first.__getitem__)]
    return [(config, split) for config in configs for split in SPLITS]


def plan_shards(
    chunks: Sequence[ChunkCounts], streams: Sequence[Stream], shard_records: int
) -> list[ShardJob]:
    """Every final shard, in `streams` order: shard k of a stream holds its global rows
    k*shard_records.. ; an empty export stream still gets one empty shard, as in csn/."""
    jobs: list[ShardJob] = []
    for stream in streams:
        sizes = [(part.chunk, part.rows.get(stream, 0)) for part in chunks]
        total = sum(size for _, size in sizes)
        count = -(-total // shard_records)
        if count == 0 and is_export(stream[0]):
            jobs.append(ShardJob(stream, shard_relpath(stream, 0, 1), ()))
            continue
        pieces: list[list[Piece]] = [[] for _ in range(count)]
        begin = 0  # the global row of this chunk's first row
        for chunk, size in sizes:
            row = 0
            while row < size:
                shard = (begin + row) // shard_records
                take = min(size - row, (shard + 1) * shard_records - begin - row)
                pieces[shard].append((chunk, row, row + take))
                row += take
            begin += size
        jobs += [
            ShardJob(stream, shard_relpath(stream, index, count), tuple(held))
            for index, held in enumerate(pieces)
        ]
    return jobs


def group_jobs(jobs: Sequence[ShardJob], task_rows: int = TASK_ROWS) -> list[tuple[ShardJob, ...]]:
    """Consecutive jobs in tasks of up to `task_rows` rows (at least one job each)."""
    groups: list[list[ShardJob]] = []
    rows = 0
    for job in jobs:
        if not groups or rows + job.rows > task_rows:
            groups.append([])
            rows = 0
        groups[-1].append(job)
        rows += job.rows
    return [tuple(group) for group in groups]


def _rows_of(pieces: tuple[Piece, ...], start: int, stop: int) -> list[Piece]:
    """The segment rows that hold a shard's rows start..stop."""
    held: list[Piece] = []
    at = 0  # the shard row of the current piece's first row
    for chunk, first, last in pieces:
        low, high = max(start, at), min(stop, at + last - first)
        if low < high:
            held.append((chunk, first + low - at, first + high - at))
        at += last - first
    return held


def _write_parquet(scratch: Path, target: Path, job: ShardJob, row_group: int) -> None:
    schema = schema_of(job.stream[0])
    writer = shards.parquet_writer(target, schema)
    # One contiguous table per row group, as ParquetShards flushes its buffer; read a row
    # group at a time, so a task holds one row group's rows, not a whole shard's.
    for start in range(0, job.rows, row_group):
        parts = [
            read_table_rows(segment_path(scratch, chunk, job.stream), first, last)
            for chunk, first, last in _rows_of(job.pieces, start, start + row_group)
        ]
        table = pa.concat_tables(parts).combine_chunks()
        writer.write_table(table, row_group_size=row_group)
    writer.close()


def _write_jsonl_gz(scratch: Path, target: Path, job: ShardJob) -> None:
    with target.open("wb") as raw, shards.deterministic_gzip(raw) as out:
        for chunk, start, stop in job.pieces:
            out.write(read_lines(segment_path(scratch, chunk, job.stream), start, stop))


def write_shard_group(
    scratch: str, folder: str, row_group: int, jobs: tuple[ShardJob, ...]
) -> list[tuple[str, FileDigest]]:
    """One phase-2 task: the final shards `jobs`, each under a temporary name first."""
    written: list[tuple[str, FileDigest]] = []
    for job in jobs:
        target = Path(folder) / job.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        if is_export(job.stream[0]):
            _write_jsonl_gz(Path(scratch), partial, job)
        else:
            _write_parquet(Path(scratch), partial, job, row_group)
        partial.replace(target)
        written.append((job.relpath, digest(target, job.rows)))
    return written


def _lost_chunk(task: Task, reason: str) -> ChunkCounts:
    units = list(task[1])  # type: ignore[call-overload]
    name = Path(units[0][0]).name if units else "no units"
    raise OutputError(
        f"writing the segments of {len(units)} packages from {name} failed ({reason}); "
        "run the build again"
    )


def _lost_shards(task: Task, reason: str) -> list[tuple[str, FileDigest]]:
    jobs = list(task[3])  # type: ignore[call-overload]
    more = f" and {len(jobs) - 1} more shards" if len(jobs) > 1 else ""
    raise OutputError(f"writing {jobs[0].relpath}{more} failed ({reason}); run the build again")


def _duplicates_file(work: Path, duplicates: frozenset[str]) -> tuple[str, str]:
    """The dropped ids, written once for every chunk task (not pickled into each task)."""
    if not duplicates:
        return "", ""
    data = orjson.dumps(sorted(duplicates))
    path = work / "duplicates.json"
    path.write_bytes(data)
    return str(path), hashlib.blake2b(data, digest_size=16).hexdigest()


def write_shards_segmented(
    executor: Executor,
    units: UnitsFiles,
    duplicates: frozenset[str],
    folder: str,
    scratch: str,
    *,
    scenarios: Sequence[int],
    shard_records: int,
    jsonl: bool,
    packages_per_chunk: int = DEFAULT_PACKAGES_PER_CHUNK,
    compression: str | None = "lz4",
    on_progress: OnProgress | None = None,
) -> WrittenShards:
    """Every config of `units` (minus `duplicates`) into `folder`, as `write_shards` writes
    them; segments go to a new folder under `scratch`, removed afterwards."""
    if packages_per_chunk < 1:
        raise ValueError(f"packages_per_chunk must be at least 1, not {packages_per_chunk}")
    Path(scratch).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="segments-", dir=scratch))
    try:
        dupes = _duplicates_file(work, duplicates)
        packages = list(units)
        chunked = [
            packages[at : at + packages_per_chunk]
            for at in range(0, len(packages), packages_per_chunk)
        ]
        tasks: list[Task] = [
            (i, chunk, dupes, str(work), tuple(scenarios), jsonl, compression)
            for i, chunk in enumerate(chunked)
        ]
        by_chunk: dict[int, ChunkCounts] = {}
        for part in executor.map_unordered(write_chunk_segments, tasks, _lost_chunk):
            by_chunk[part.chunk] = part
            if on_progress is not None:
                on_progress("segments", len(by_chunk), len(tasks))
        chunks = [by_chunk[i] for i in range(len(tasks))]
        jobs = plan_shards(chunks, stream_order(chunks, scenarios, jsonl), shard_records)
        # Largest first, so no big shard starts last and holds up the end of the phase.
        ordered = sorted(group_jobs(jobs), key=lambda group: -sum(job.rows for job in group))
        groups: list[Task] = [(str(work), folder, shards.ROW_GROUP, group) for group in ordered]
        files: dict[str, FileDigest] = {}
        for done, part_files in enumerate(
            executor.map_unordered(write_shard_group, groups, _lost_shards), 1
        ):
            files.update(part_files)
            if on_progress is not None:
                on_progress("shards", done, len(groups))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    written = WrittenShards(files={job.relpath: files[job.relpath] for job in jobs})
    for part in chunks:
        written.kinds.update(part.kinds)
    for config in ["pairs", *(f"acs{n}" for n in scenarios)]:
        written.split_counts[config] = {
            split: sum(part.rows.get((config, split), 0) for part in chunks) for split in SPLITS
        }
    return written

"""Phase 1 of the segmented shard writer (pytorrent.write.segments): one chunk of packages'
rows of every config, written as temporary segment files, plus the readers of phase 2.

A chunk task builds exactly the rows `write_shards` would build for its packages (duplicates
skipped, `partition` set, `acs_row` per scenario, CSN routing) and appends them, in order,
to one segment per stream (a config or CSN export, and a split): Arrow IPC files of
`SEGMENT_BATCH`-row record batches for the parquet configs, so phase 2 reads only the
batches a shard needs, and the exact jsonl bytes plus their line ends for the CSN export.
"""

from __future__ import annotations

import functools
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import orjson
import pyarrow as pa

from pytorrent.models import Split
from pytorrent.records import acs_row
from pytorrent.units_file import read_records
from pytorrent.write.csn import CSN_SPLITS
from pytorrent.write.shards import ACS_SCHEMA, PAIR_SCHEMA, jsonl_line

#: Rows per record batch of a segment: phase 2 decodes whole batches, so small enough that
#: a shard edge wastes little, large enough that the per-batch conversion cost vanishes.
SEGMENT_BATCH = 4096

#: (config, split): `pairs`, `acs{N}`, `csn/acs{N}` or `csn/comments/acs{N}`.
Stream = tuple[str, str]


def is_export(config: str) -> bool:
    """Whether `config` is a CSN jsonl.gz export (else a parquet config)."""
    return config.startswith("csn/")


def schema_of(config: str) -> pa.Schema:
    return PAIR_SCHEMA if config == "pairs" else ACS_SCHEMA


def segment_path(scratch: Path, chunk: int, stream: Stream) -> Path:
    """Where chunk `chunk` keeps its rows of `stream` (an export's `.ends` lies beside it)."""
    config, split = stream
    suffix = ".lines" if is_export(config) else ".arrow"
    return scratch / f"{chunk:06d}" / f"{config.replace('/', '+')}.{split}{suffix}"


@dataclass
class ChunkCounts:
    """What a chunk task wrote: rows per stream, `kinds` of its pairs rows, and per scenario
    the chunk's record index of its first comment row (orders the csn/comments writers)."""

    chunk: int
    rows: dict[Stream, int] = field(default_factory=dict)
    kinds: Counter[str] = field(default_factory=Counter)
    first_comment: dict[int, int] = field(default_factory=dict)


class _TableSegment:
    """Rows of one parquet stream, converted as `ParquetShards` converts them."""

    def __init__(self, path: Path, schema: pa.Schema, compression: str | None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.schema = schema
        self.sink = pa.OSFile(str(path), "wb")
        options = pa.ipc.IpcWriteOptions(compression=compression)
        self.writer = pa.ipc.new_file(self.sink, schema, options=options)
        self.buffer: list[dict[str, Any]] = []
        self.count = 0

    def write(self, row: dict[str, Any]) -> None:
        self.buffer.append(row)
        self.count += 1
        if len(self.buffer) == SEGMENT_BATCH:
            self._flush()

    def _flush(self) -> None:
        if self.buffer:
            columns = {name: [row.get(name) for row in self.buffer] for name in self.schema.names}
            batch = pa.RecordBatch.from_pydict(columns, schema=self.schema)
            self.writer.write_batch(batch)
            self.buffer = []

    def close(self) -> None:
        self._flush()
        self.writer.close()
        self.sink.close()


class _LinesSegment:
    """Lines of one CSN stream: their bytes, and every line's end offset (int64)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.out: BinaryIO = path.open("wb")
        self.ends = array("q")
        self.size = 0
        self.count = 0

    def write(self, line: bytes) -> None:
        self.out.write(line)
        self.size += len(line)
        self.ends.append(self.size)
        self.count += 1

    def close(self) -> None:
        self.out.close()
        with self.path.with_suffix(".ends").open("wb") as ends:
            self.ends.tofile(ends)


@functools.lru_cache(maxsize=2)
def load_duplicates(path: str, digest: str) -> frozenset[str]:
    """The dropped ids the driver wrote once (`digest` keys the per-process cache)."""
    del digest
    return frozenset(orjson.loads(Path(path).read_bytes())) if path else frozenset()


def write_chunk_segments(
    chunk: int,
    units: list[tuple[str, Split]],
    duplicates_file: tuple[str, str],
    scratch: str,
    scenarios: tuple[int, ...],
    jsonl: bool,
    compression: str | None,
) -> ChunkCounts:
    """One phase-1 task: every stream's rows of the packages in `units`, in build order."""
    duplicates = load_duplicates(*duplicates_file)
    root = Path(scratch)
    tables: dict[Stream, _TableSegment] = {}
    lines: dict[Stream, _LinesSegment] = {}
    counts = ChunkCounts(chunk)

    def table(stream: Stream) -> _TableSegment:
        if stream not in tables:
            path = segment_path(root, chunk, stream)
            tables[stream] = _TableSegment(path, schema_of(stream[0]), compression)
        return tables[stream]

    def export(stream: Stream) -> _LinesSegment:
        if stream not in lines:
            lines[stream] = _LinesSegment(segment_path(root, chunk, stream))
        return lines[stream]

    index = 0
    for path, split in units:
        for record in read_records(path):
            if record["id"] in duplicates:
                continue
            record["partition"] = split
            counts.kinds[str(record["kind"])] += 1
            table(("pairs", split)).write(record)
            for n in scenarios:
                row = acs_row(record, n)
                if row is None:
                    continue
                table((f"acs{n}", split)).write(row)
                if not jsonl:
                    continue
                if row["kind"] == "function":
                    target = f"csn/acs{n}"
                else:
                    target = f"csn/comments/acs{n}"
                    counts.first_comment.setdefault(n, index)
                export((target, split)).write(jsonl_line({**row, "partition": CSN_SPLITS[split]}))
            index += 1
    segments: list[tuple[Stream, _TableSegment | _LinesSegment]] = [
        *tables.items(),
        *lines.items(),
    ]
    for stream, segment in segments:
        segment.close()
        counts.rows[stream] = segment.count
    return counts


def read_table_rows(path: Path, start: int, stop: int) -> pa.Table:
    """Rows start..stop of a table segment, decoding only the batches that hold them."""
    reader = pa.ipc.open_file(pa.memory_map(str(path), "r"))
    first, last = start // SEGMENT_BATCH, (stop - 1) // SEGMENT_BATCH
    batches = [reader.get_batch(i) for i in range(first, last + 1)]
    table = pa.Table.from_batches(batches, schema=reader.schema)
    return table.slice(start - first * SEGMENT_BATCH, stop - start)


def read_lines(path: Path, start: int, stop: int) -> bytes:
    """The bytes of lines start..stop of a lines segment."""
    ends = array("q")
    with path.with_suffix(".ends").open("rb") as raw:
        raw.seek(max(start - 1, 0) * ends.itemsize)
        ends.frombytes(raw.read((stop - max(start - 1, 0)) * ends.itemsize))
    begin = ends[0] if start > 0 else 0
    with path.open("rb") as raw:
        raw.seek(begin)
        return raw.read(ends[-1] - begin)

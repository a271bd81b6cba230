"""Sharded writers: parquet for every `load_dataset` config, jsonl.gz for CodeSearchNet exports.

Every config of the output folder is parquet because `datasets` picks one builder for a
whole repository (huggingface/datasets#6447): a jsonl config beside a parquet one fails to
load. CodeSearchNet-style jsonl.gz views are written beside them under `csn/` on request
(pytorrent.write.csn).

Shards hold a fixed number of records so output depends only on the records, never on
timing or worker count. Files are written under temporary names and get their final
`{split}-{i:05d}-of-{n:05d}` names once the shard count is known. gzip headers carry no
time stamp, so equal inputs give byte-identical files.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

ROW_GROUP = 10_000
#: zstd level 9 with dictionaries only where values repeat made shards 25% smaller than
#: pyarrow's defaults on a real corpus, for a few seconds per 50k records.
COMPRESSION_LEVEL = 9
DICTIONARY_COLUMNS = [
    "repo", "path", "language", "partition", "kind", "docstring_style", "package_version",
    "license", "category", "file_sha256", "sha", "url",
]  # fmt: skip

_STRINGS = pa.list_(pa.string())
#: CodeSearchNet's fields, first in both schemas, in CodeSearchNet's order.
CODESEARCHNET_FIELDS: list[tuple[str, pa.DataType]] = [
    ("repo", pa.string()),
    ("path", pa.string()),
    ("func_name", pa.string()),
    ("original_string", pa.string()),
    ("language", pa.string()),
    ("code", pa.string()),
    ("code_tokens", _STRINGS),
    ("docstring", pa.string()),
    ("docstring_tokens", _STRINGS),
    ("sha", pa.string()),
    ("partition", pa.string()),
    ("url", pa.string()),
]
PAIR_SCHEMA = pa.schema(
    [
        *CODESEARCHNET_FIELDS,
        ("id", pa.string()),
        ("kind", pa.string()),
        ("docstring_summary", pa.string()),
        ("docstring_raw", pa.string()),
        ("docstring_style", pa.string()),
        ("has_doctest", pa.bool_()),
        ("code_without_comments", pa.string()),
        ("code_tokens_with_comments", _STRINGS),
        ("comments", _STRINGS),
        ("commented_out_code", _STRINGS),
        ("commit_message", pa.string()),
        ("commit_sha", pa.string()),
        ("commit_date", pa.string()),
        ("package_version", pa.string()),
        ("license", pa.string()),
        ("category", pa.string()),
        ("start_line", pa.int32()),
        ("end_line", pa.int32()),
        ("file_sha256", pa.string()),
        ("decorators", _STRINGS),
        ("is_async", pa.bool_()),
        (
            "metrics",
            pa.struct(
                [
                    ("cyclomatic_complexity", pa.int32()),
                    ("loc", pa.int32()),
                    ("lloc", pa.int32()),
                    ("sloc", pa.int32()),
                    ("comments", pa.int32()),
                    ("multi", pa.int32()),
                    ("blank", pa.int32()),
                    ("single_comments", pa.int32()),
                ]
            ),
        ),
    ]
)


ACS_SCHEMA = pa.schema(
    [
        *CODESEARCHNET_FIELDS,
        ("id", pa.string()),
        ("kind", pa.string()),
        ("acs", pa.int8()),
        ("x_fallback", pa.bool_()),
    ]
)


def parquet_writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    """The one set of parquet writer options every shard is written with (its bytes depend
    on them): zstd at COMPRESSION_LEVEL, dictionaries for the DICTIONARY_COLUMNS present."""
    return pq.ParquetWriter(
        path,
        schema,
        compression="zstd",
        compression_level=COMPRESSION_LEVEL,
        use_dictionary=[c for c in DICTIONARY_COLUMNS if c in schema.names],
    )


def deterministic_gzip(raw: BinaryIO) -> gzip.GzipFile:
    """A gzip stream over `raw` whose bytes depend on the data alone: no file name, no time
    stamp, level 9."""
    return gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)


class _ShardedWriter:
    """Rolls over to a new shard every `per_shard` records; `finish` names the shards."""

    suffix = ""

    def __init__(self, folder: Path, split: str, per_shard: int) -> None:
        self.folder = folder
        self.split = split
        self.per_shard = per_shard
        self.count = 0
        self.in_shard = 0
        self.paths: list[Path] = []
        self.shard_counts: list[int] = []

    def _temp_path(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f".{self.split}-{len(self.paths):05d}{self.suffix}.partial"
        self.paths.append(path)
        self.shard_counts.append(0)
        return path

    def write(self, row: dict[str, Any]) -> None:
        if self.in_shard == 0:
            self._open(self._temp_path())
        self._write(row)
        self.count += 1
        self.in_shard += 1
        self.shard_counts[-1] += 1
        if self.in_shard == self.per_shard:
            self._close()
            self.in_shard = 0

    def write_all(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.write(row)

    def finish(self) -> dict[Path, int]:
        """Close the last shard, give every shard its final name; returns path -> records."""
        if self.in_shard:
            self._close()
        total = len(self.paths)
        final: dict[Path, int] = {}
        for index, (path, records) in enumerate(zip(self.paths, self.shard_counts, strict=True)):
            target = self.folder / self.final_name(index, total)
            path.replace(target)
            final[target] = records
        return final

    def final_name(self, index: int, total: int) -> str:
        return f"{self.split}-{index:05d}-of-{total:05d}{self.suffix}"

    def _open(self, path: Path) -> None:
        raise NotImplementedError

    def _write(self, row: dict[str, Any]) -> None:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError


class ParquetShards(_ShardedWriter):
    """`{folder}/{split}-NNNNN-of-NNNNN.parquet` with an explicit schema, zstd-compressed."""

    suffix = ".parquet"

    def __init__(
        self, folder: Path, split: str, per_shard: int, schema: pa.Schema = PAIR_SCHEMA
    ) -> None:
        super().__init__(folder, split, per_shard)
        self.schema = schema
        self._writer: pq.ParquetWriter | None = None
        self._buffer: list[dict[str, Any]] = []

    def _open(self, path: Path) -> None:
        self._writer = parquet_writer(path, self.schema)

    def _write(self, row: dict[str, Any]) -> None:
        self._buffer.append(row)
        if len(self._buffer) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self._buffer and self._writer is not None:
            # Column by column: ~40% faster than from_pylist's row-wise conversion, same table.
            columns = {name: [row.get(name) for row in self._buffer] for name in self.schema.names}
            table = pa.Table.from_pydict(columns, schema=self.schema)
            self._writer.write_table(table, row_group_size=ROW_GROUP)
            self._buffer = []

    def _close(self) -> None:
        self._flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None


#: Line breaks for `str.splitlines()` (CodeSearchNet's dpu_utils reader) that JSON may leave
#: raw inside strings; escaped, so every reader sees one record per line. (JSON already
#: escapes the other ones, all below U+0020.) Their UTF-8 bytes occur nowhere else.
_LINE_BREAKS = (
    (b"\xe2\x80\xa8", b"\\u2028"),
    (b"\xe2\x80\xa9", b"\\u2029"),
    (b"\xc2\x85", b"\\u0085"),
)


def jsonl_line(row: dict[str, Any]) -> bytes:
    """One UTF-8 JSON line that every line splitter reads as one line."""
    line = orjson.dumps(row)
    for raw, escaped in _LINE_BREAKS:
        line = line.replace(raw, escaped)
    return line + b"\n"


class JsonlGzShards(_ShardedWriter):
    """`{split}-NNNNN-of-NNNNN.jsonl.gz`: one JSON object a line, no gzip mtime."""

    suffix = ".jsonl.gz"

    def __init__(self, folder: Path, split: str, per_shard: int) -> None:
        super().__init__(folder, split, per_shard)
        self._raw: Any = None
        self._gzip: gzip.GzipFile | None = None

    def _open(self, path: Path) -> None:
        self._raw = path.open("wb")
        self._gzip = deterministic_gzip(self._raw)

    def _write(self, row: dict[str, Any]) -> None:
        assert self._gzip is not None
        self._gzip.write(jsonl_line(row))

    def _close(self) -> None:
        if self._gzip is not None:
            self._gzip.close()
            self._raw.close()
            self._gzip = None


def write_jsonl_gz(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    """One deterministic jsonl.gz file (e.g. packages/packages.jsonl.gz); returns rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    tmp = path.with_name(f".{path.name}.partial")
    with tmp.open("wb") as raw, deterministic_gzip(raw) as gz:
        for row in rows:
            gz.write(jsonl_line(row))
            count += 1
    tmp.replace(path)
    return count

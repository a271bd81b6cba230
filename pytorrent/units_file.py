"""The units file a package task writes (`*.units.jsonl.zst` in the task cache): one JSON
record per line, zstd-compressed. Its own light module because the shard writers read it
in worker processes that should not import the extraction stack."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import zstandard

from pytorrent.atomic import atomic_file


def write_records(path: Path, records: list[dict[str, object]]) -> None:
    compressor = zstandard.ZstdCompressor(level=3)
    with atomic_file(path) as raw, compressor.stream_writer(raw) as out:
        for record in records:
            out.write(orjson.dumps(record) + b"\n")


def read_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Stream the records a task wrote."""
    decompressor = zstandard.ZstdDecompressor()
    with Path(path).open("rb") as raw, decompressor.stream_reader(raw) as reader:
        buffer = b""
        while chunk := reader.read(1 << 20):
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                if line:
                    yield orjson.loads(line)
        if buffer.strip():
            yield orjson.loads(buffer)

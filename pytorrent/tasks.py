"""The per-package task run by workers: read -> decode -> extract -> records on disk.

A task is a pure function of the package's bytes and the settings, writes its records to
one file in the work folder and returns only a small summary, so the driver never holds
the corpus in memory. A failure inside one package fails only that package, counted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import zstandard

from pytorrent.drops import Drops
from pytorrent.extract import extract_source, script_category
from pytorrent.models import PackageMetadata
from pytorrent.records import last_commit, unit_record
from pytorrent.sources.base import PackageHandle, ReadLimits
from pytorrent.sources.decode import UndecodableFile, decode_python_source


@dataclass(frozen=True)
class TaskSettings:
    """What a worker needs besides the package: picklable, small."""

    categories: tuple[str, ...]
    limits: ReadLimits
    work_dir: str


@dataclass
class PackageResult:
    """Summary a worker returns; records stay in `units_path`."""

    index: int
    key: str
    metadata: PackageMetadata | None
    units_path: str | None
    units: int = 0
    files: int = 0
    drops: Drops = field(default_factory=Drops)


def _record_sort_key(record: dict[str, object]) -> tuple[object, ...]:
    return (
        record["path"],
        record["start_line"],
        record["kind"],
        record["end_line"],
        record["func_name"],
    )


def process_package(index: int, handle: PackageHandle, settings: TaskSettings) -> PackageResult:
    """Extract one package into `work_dir/units/{index}.jsonl.zst`."""
    drops = Drops()
    try:
        return _process(index, handle, settings, drops)
    except Exception as exc:  # one bad package must never stop a build
        drops = Drops()
        drops.add("package", f"failed_{type(exc).__name__}", handle.key)
        return PackageResult(index, handle.key, None, None, drops=drops)


def _process(
    index: int, handle: PackageHandle, settings: TaskSettings, drops: Drops
) -> PackageResult:
    content = handle.read(settings.limits, drops)
    meta = content.metadata
    records: list[dict[str, object]] = []
    files = python_bytes = 0
    for raw in content.files:
        example = f"{meta.name}:{raw.path}"
        category = script_category(raw.path)
        if category not in settings.categories:
            drops.add("select", f"category_{category}", example)
            continue
        try:
            text = decode_python_source(raw.data)
        except UndecodableFile as exc:
            drops.add("source", exc.reason, example)
            continue
        files += 1
        python_bytes += len(raw.data)
        file_sha256 = hashlib.sha256(raw.data).hexdigest()
        try:
            units = extract_source(raw.path, text, drops, package=meta.name)
        except Exception as exc:  # an extractor bug costs one file, counted
            drops.add("extract", f"extractor_error_{type(exc).__name__}", example)
            continue
        blame = content.blame(raw.path) if content.blame is not None else None
        for unit in units:
            commit = last_commit(blame, unit.start_line, unit.end_line) if blame else None
            records.append(unit_record(unit, meta, file_sha256, commit))
    records.sort(key=_record_sort_key)
    meta = meta.model_copy(
        update={"python_files": files, "python_bytes": python_bytes, "units": len(records)}
    )
    path = Path(settings.work_dir) / "units" / f"{index:07d}.jsonl.zst"
    write_records(path, records)
    return PackageResult(index, handle.key, meta, str(path), len(records), files, drops)


def write_records(path: Path, records: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".partial")
    compressor = zstandard.ZstdCompressor(level=3)
    with tmp.open("wb") as raw, compressor.stream_writer(raw) as out:
        for record in records:
            out.write(orjson.dumps(record) + b"\n")
    tmp.replace(path)


def read_records(path: str | Path):  # type: ignore[no-untyped-def]
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

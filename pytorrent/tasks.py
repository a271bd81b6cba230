"""The per-package task run by workers: read -> decode -> extract -> records on disk.

A task is a pure function of the package's bytes and the settings: it writes its records
(and dedup signatures) into the task cache of the work folder, keyed by that content, and
returns only a small summary, so the driver never holds the corpus in memory and a re-run
reuses every package already done. A failure inside one package fails only that package,
counted.
"""

from __future__ import annotations

import hashlib
import os
import socket
import sys
from dataclasses import replace
from pathlib import Path

from pytorrent.dedup import compute_signatures
from pytorrent.drops import Drops, Stage
from pytorrent.executor.limits import PackageTimeout, apply_worker_memory, package_deadline
from pytorrent.extract import extract_source, script_category
from pytorrent.filters import (
    FILTER_STAGE,
    first_lines,
    is_trivial_package,
)
from pytorrent.filters.runner import cached_filters
from pytorrent.metadata.packed import pack_document
from pytorrent.records import last_commit, unit_record
from pytorrent.results import PackageResult, failed_result
from pytorrent.sources.base import PackageContent, PackageHandle
from pytorrent.sources.decode import UndecodableFile, decode_python_source
from pytorrent.task_cache import TaskCache, cache_key
from pytorrent.task_settings import TaskSettings
from pytorrent.units_file import write_records


def _record_sort_key(record: dict[str, object]) -> tuple[object, ...]:
    return (
        record["path"],
        record["start_line"],
        record["kind"],
        record["end_line"],
        record["func_name"],
    )


def process_package(index: int, handle: PackageHandle, settings: TaskSettings) -> PackageResult:
    """Extract one package into the task cache under `cache_dir`, or reuse its cached result."""
    apply_worker_memory(settings.worker_memory_bytes)
    try:
        with package_deadline(settings.package_timeout_s):
            result = _cached_or_processed(index, handle, settings)
    except PackageTimeout:
        result = failed_result(index, handle.key, "timeout")
    except Exception as exc:  # one bad package must never stop a build
        result = failed_result(index, handle.key, type(exc).__name__)
    if result.metadata is not None:  # compact in the driver, which keeps every package's
        pack_document(result.metadata)
    result.worker = f"{socket.gethostname()}:{os.getpid()}"
    result.peak_rss_bytes = peak_rss_bytes()
    return result


def peak_rss_bytes() -> int:
    """Peak resident memory of this process so far (0 where the OS does not say).

    Linux's VmHWM, not `getrusage`: a spawned worker's ru_maxrss starts at its parent's peak
    (it survives the exec), so it would report the driver's memory, not the worker's.
    """
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    try:
        import resource
    except ImportError:  # not on POSIX
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def _cached_or_processed(
    index: int, handle: PackageHandle, settings: TaskSettings
) -> PackageResult:
    drops = Drops()
    content = handle.read(settings.limits, drops)
    key, files = cache_key(handle, content, settings)
    cache = TaskCache(Path(settings.cache_dir))
    cached = cache.load(key, index)
    if cached is not None:
        if cached.metadata is not None:  # the document is not cached: the index's may be newer
            cached.metadata.document = content.metadata.document
        return cached
    if files is not None:  # hashing consumed the stream
        content = replace(content, files=iter(files))
    result = _process(index, handle, content, settings, drops, cache, key)
    cache.save(key, result)
    return result


def _process(
    index: int,
    handle: PackageHandle,
    content: PackageContent,
    settings: TaskSettings,
    drops: Drops,
    cache: TaskCache,
    key: str,
) -> PackageResult:
    meta = content.metadata
    filters = cached_filters(settings.filters)
    records: list[dict[str, object]] = []
    heads: dict[str, str] = {}
    files = python_bytes = 0
    for raw in content.files:
        example = f"{meta.name}:{raw.path}"
        category = script_category(raw.path)
        if category not in settings.categories:
            drops.add(Stage.SELECT, f"category_{category}", example)
            continue
        try:
            text = decode_python_source(raw.data)
        except UndecodableFile as exc:
            drops.add(Stage.SOURCE, exc.reason, example)
            continue
        files += 1
        python_bytes += len(raw.data)
        heads[raw.path] = first_lines(text)
        marker = filters.file_marker(raw.path, heads[raw.path], text)
        if marker is not None:  # generated files are dropped before the costly parse
            drops.add(FILTER_STAGE, f"{marker[0]}_file", example)
            continue
        file_sha256 = hashlib.sha256(raw.data).hexdigest()
        try:
            units = extract_source(raw.path, text, drops, package=meta.name)
        except Exception as exc:  # an extractor bug costs one file, counted
            drops.add(Stage.EXTRACT, f"extractor_error_{type(exc).__name__}", example)
            continue
        blame = content.blame(raw.path) if content.blame is not None else None
        if content.blame is not None and blame is None and units:
            drops.add(Stage.SOURCE, "blame_unavailable", example)  # units keep no commit
        for unit in units:
            commit = last_commit(blame, unit.start_line, unit.end_line) if blame else None
            records.append(unit_record(unit, meta, file_sha256, commit, content.blob_url))
    records.sort(key=_record_sort_key)
    trivial = is_trivial_package(records)
    filtered = filters(records, heads)
    drops.update(filtered.drops)
    records = [dict(record) for record in filtered.kept]
    meta = meta.model_copy(
        update={
            "python_files": files,
            "python_bytes": python_bytes,
            "units": len(records),
            "trivial": trivial,
        }
    )
    path = cache.units_path(key)
    write_records(path, records)
    signatures: str | None = None
    if settings.dedup is not None and records:
        batch = compute_signatures(records, settings.dedup, meta)
        signatures = str(batch.write(cache.signatures_path(key)))
    contaminated = [
        f"{c.record_id} {c.benchmark}/{c.task_id} via {c.via} ({c.overlap:.2f})"
        for c in filtered.contaminated
    ]
    return PackageResult(
        index=index,
        key=handle.key,
        metadata=meta,
        units_path=str(path),
        units=len(records),
        files=files,
        drops=drops,
        signatures_path=signatures,
        contaminated=contaminated,
    )

"""The crawl store: verified archives, content-addressed, and metadata records, sharded.

    STORE/archives/<sha[:2]>/<sha256>/<filename>     archive bytes whose sha256 is <sha256>
    STORE/metadata/<kind>/shard-<xx>.jsonl.gz       records; xx = blake2b(name) byte, hex
    STORE/metadata/<kind>/_parts/<run>.jsonl        records of a running crawl (crash-safe)
    STORE/runs/<run>.json, <run>.log                summary and log of each crawl
    STORE/state/                                    job dirs and HTTP cache (disposable)

A record is appended to its run's part file and flushed at once; when the crawl closes, parts
are merged into the shards (one record per key, the newest wins) under a lock. A part left by
a killed crawl is merged by the next one. Shards are sorted and gzip'd without timestamps, so
the same records give byte-identical shards whatever the order or number of runs.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import orjson

if sys.platform != "win32":
    import fcntl

KINDS = ("pypi", "conda")


def shard_of(name: str) -> str:
    """Stable shard of a package name (never Python's salted `hash()`)."""
    return hashlib.blake2b(name.encode("utf-8"), digest_size=1).hexdigest()


def _dumps(record: dict[str, Any]) -> bytes:
    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS)


def _try_lock(handle: IO[Any], blocking: bool) -> bool:
    if sys.platform == "win32":  # pragma: no cover
        return True
    flags = fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB)
    try:
        fcntl.flock(handle.fileno(), flags)
    except BlockingIOError:
        return False
    return True


class Store:
    """A folder holding crawled archives and records; safe for one writer per run."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    # --- archives ------------------------------------------------------------------------

    def blob_dir(self, sha256: str) -> Path:
        return self.root / "archives" / sha256[:2] / sha256

    def find_blob(self, sha256: str) -> Path | None:
        """The stored archive with this digest, if any."""
        folder = self.blob_dir(sha256.lower())
        if not folder.is_dir():
            return None
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        return files[0] if files else None

    def put_blob(self, data: bytes, sha256: str, filename: str) -> Path:
        """Store `data` under its digest (atomic rename); ValueError if the digest differs."""
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError("content does not match its sha256")
        name = safe_filename(filename)
        folder = self.blob_dir(sha256)
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / name
        if final.exists():
            return final
        tmp = folder / f".{name}.{os.getpid()}.tmp"
        tmp.write_bytes(data)
        tmp.replace(final)
        return final

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    # --- records -------------------------------------------------------------------------

    def metadata_dir(self, kind: str) -> Path:
        if kind not in KINDS:
            raise ValueError(f"unknown record kind {kind!r}")
        return self.root / "metadata" / kind

    def shard_path(self, kind: str, shard: str) -> Path:
        return self.metadata_dir(kind) / f"shard-{shard}.jsonl.gz"

    def writer(self, kind: str, run_id: str) -> RecordWriter:
        return RecordWriter(self, kind, run_id)

    def records(self, kind: str, names: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
        """Merged records (not those of running crawls), of `names` only when given."""
        wanted = None if names is None else set(names)
        if wanted is None:
            shards = sorted(self.metadata_dir(kind).glob("shard-*.jsonl.gz"))
        else:
            shards = [self.shard_path(kind, s) for s in sorted({shard_of(n) for n in wanted})]
        for path in shards:
            for record in _read_shard(path).values():
                if wanted is None or record.get("name") in wanted:
                    yield record

    def compact(self, kind: str) -> int:
        """Merge every finished part file into the shards; returns the records merged."""
        folder = self.metadata_dir(kind)
        parts_dir = folder / "_parts"
        if not parts_dir.is_dir():
            return 0
        with self._locked(folder / ".lock"), _ExitStack() as held:
            parts = [p for p in sorted(parts_dir.glob("*.jsonl")) if held.try_lock(p)]
            by_shard: dict[str, list[dict[str, Any]]] = {}
            for part in parts:
                for record in _read_part(part):
                    by_shard.setdefault(shard_of(str(record.get("name", ""))), []).append(record)
            for shard, records in sorted(by_shard.items()):
                path = self.shard_path(kind, shard)
                merged = _read_shard(path)
                for record in records:
                    merged[str(record["key"])] = record
                _write_shard(path, merged)
            for part in parts:
                part.unlink()
        return sum(len(r) for r in by_shard.values())

    @contextmanager
    def _locked(self, path: Path) -> Iterator[None]:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as handle:
            _try_lock(handle, blocking=True)
            yield


class _ExitStack:
    """Holds the part files locked during a merge, so a live writer's part is never taken."""

    def __init__(self) -> None:
        self.handles: list[IO[Any]] = []

    def try_lock(self, path: Path) -> bool:
        handle = path.open("ab")
        if _try_lock(handle, blocking=False):
            self.handles.append(handle)
            return True
        handle.close()
        return False

    def __enter__(self) -> _ExitStack:
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self.handles:
            handle.close()


class RecordWriter:
    """Appends one run's records to its part file, flushed per record; `close` merges."""

    def __init__(self, store: Store, kind: str, run_id: str) -> None:
        self.store = store
        self.kind = kind
        parts = store.metadata_dir(kind) / "_parts"
        parts.mkdir(parents=True, exist_ok=True)
        self.path = parts / f"{run_id}.jsonl"
        self._handle: IO[bytes] | None = self.path.open("ab")
        _try_lock(self._handle, blocking=True)
        self.count = 0

    def write(self, record: dict[str, Any]) -> None:
        if self._handle is None:
            raise ValueError("writer is closed")
        if not record.get("key") or not record.get("name"):
            raise ValueError("a record needs a key and a name")
        self._handle.write(_dumps(record) + b"\n")
        self._handle.flush()
        self.count += 1

    def close(self) -> int:
        """Release the part and merge every finished part into the shards."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self.path.exists() and self.path.stat().st_size == 0:
            self.path.unlink()
        return self.store.compact(self.kind)


def _read_part(path: Path) -> Iterator[dict[str, Any]]:
    """Complete records of a part; a line cut short by a kill is skipped."""
    with path.open("rb") as handle:
        for line in handle:
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            if isinstance(record, dict) and record.get("key") and record.get("name"):
                yield record


def _read_shard(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    with gzip.open(path, "rb") as handle:
        records = (orjson.loads(line) for line in handle if line.strip())
        return {str(r["key"]): r for r in records}


def _write_shard(path: Path, records: dict[str, dict[str, Any]]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with (
        tmp.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as out,
    ):
        for key in sorted(records):
            out.write(_dumps(records[key]) + b"\n")
    tmp.replace(path)


def safe_filename(filename: str) -> str:
    """The last path component of an index-given file name, refusing tricks like `..`."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name or name in (".", "..") or name.startswith(".") or "\x00" in name:
        raise ValueError(f"unsafe archive file name {filename!r}")
    return name

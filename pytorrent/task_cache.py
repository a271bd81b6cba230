"""Cached per-package results, keyed by what the result is a pure function of.

The key hashes the package's content (its archive's sha256, or every Python file's bytes for
folders and installed distributions, plus the commit for git sources), its metadata, the
task settings, and the versions of the extractor and of pytorrent: a changed extractor or
setting misses the cache, an unchanged package is never extracted twice. A result is cached
as three files written by temp name + rename; the JSON marker is written last, so a marker
on disk means the whole result is there (a build killed at any point leaves no half entry).
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from pytorrent.atomic import atomic_file
from pytorrent.extract import engine
from pytorrent.results import PackageResult
from pytorrent.sources.base import PackageContent, PackageHandle, RawFile
from pytorrent.version import __version__

if TYPE_CHECKING:
    from pytorrent.task_settings import TaskSettings

#: Bumped when the layout of cache entries, the shape of their records or what the built-in
#: benchmark index holds changes (2: `url` carries the line span; 3: benchmark text after
#: leading imports is indexed).
CACHE_FORMAT = "3"


def settings_identity(settings: TaskSettings) -> bytes:
    """Stable bytes of the settings a task's result depends on. Of dedup only what defines a
    signature counts: the threshold and banding act in the driver."""
    data = {
        "categories": settings.categories,
        "limits": dataclasses.asdict(settings.limits),
        "filters": dataclasses.asdict(settings.filters),
        "dedup": None if settings.dedup is None else settings.dedup.signature_params(),
    }
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS, default=repr)


def cache_key(
    handle: PackageHandle, content: PackageContent, settings: TaskSettings
) -> tuple[str, list[RawFile] | None]:
    """The package's cache key, and its files when hashing them had to read them all."""
    digest = hashlib.blake2b(digest_size=20)
    for part in (
        CACHE_FORMAT,
        __version__,
        engine.EXTRACTOR_VERSION,  # read at call time: tests and upgrades change it
        handle.key,
        handle.revision or "",
    ):
        digest.update(part.encode() + b"\0")
    digest.update(settings_identity(settings) + b"\0")
    digest.update(content.metadata.model_dump_json().encode() + b"\0")
    if content.metadata.archive_sha256:
        return digest.hexdigest(), None
    files = list(content.files)
    for raw in files:
        digest.update(raw.path.encode() + b"\0" + hashlib.sha256(raw.data).digest())
    return digest.hexdigest(), files


@dataclasses.dataclass(frozen=True)
class TaskCache:
    """Cache entries under `root/ab/abcd...{.json,.units.jsonl.zst,.sig.arrow}`."""

    root: Path

    def units_path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.units.jsonl.zst"

    def signatures_path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.sig.arrow"

    def marker_path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def load(self, key: str, index: int) -> PackageResult | None:
        """The cached result of `key` renumbered as `index`, or None (absent or damaged)."""
        try:
            data = orjson.loads(self.marker_path(key).read_bytes())
            result = PackageResult.from_json(
                data, index, str(self.units_path(key)), str(self.signatures_path(key))
            )
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return None
        needed = [result.units_path, result.signatures_path]
        if not all(Path(p).is_file() for p in needed if p is not None):
            return None
        return result

    def save(self, cache_key: str, result: PackageResult) -> None:
        """Write the marker of a result whose files are already in place."""
        with atomic_file(self.marker_path(cache_key)) as marker:
            marker.write(orjson.dumps(result.to_json(), option=orjson.OPT_SORT_KEYS))

    def entries(self) -> int:
        """Completed entries (markers) in the cache."""
        return sum(1 for _ in self.root.glob("*/*.json")) if self.root.is_dir() else 0

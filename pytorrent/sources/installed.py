"""The `installed` source: every distribution in the running (or a given) environment.

The embedded default of `pytorrent build`: a real corpus with no network. Files come from each
distribution's RECORD; only `.py` files inside the environment are read, with the same limits
and decoding as archives.
"""

from __future__ import annotations

import csv
import importlib.metadata as im
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

from pytorrent.drops import Drops, Stage
from pytorrent.metadata.core import metadata_from_message
from pytorrent.models import PackageMetadata
from pytorrent.sources.base import PackageContent, PackageHandle, RawFile, ReadLimits, Source
from pytorrent.sources.folder import listed_members
from pytorrent.sources.reader import read_python_files


@dataclass(frozen=True)
class InstalledPackage(PackageHandle):
    """One installed distribution: its metadata folder and the relative paths of its files."""

    name: str
    version: str
    dist_path: str
    base_path: str
    files: tuple[str, ...]

    def size_hint(self) -> int:
        total = 0
        for rel in self.files:
            try:
                total += Path(self.base_path, rel).lstat().st_size
            except OSError:
                continue
        return total

    def _distribution(self) -> im.Distribution:
        return im.PathDistribution(Path(self.dist_path))

    def read(self, limits: ReadLimits, drops: Drops) -> PackageContent:
        dist = self._distribution()
        meta: PackageMetadata = metadata_from_message(
            dist.metadata,  # type: ignore[arg-type]
            source="installed",
            fallback_name=self.name,
            fallback_version=self.version,
            source_file=Path(self.dist_path).name,
        )
        return PackageContent(metadata=meta, files=self._iter_files(limits, drops))

    def _iter_files(self, limits: ReadLimits, drops: Drops) -> Iterator[RawFile]:
        # The same reading path and limits as archives and folders (reader.py).
        members = listed_members(self.base_path, self.files)
        yield from read_python_files(members, limits, drops, self.name)


def _listed_paths(dist: im.Distribution) -> list[str] | None:
    """Every path the distribution's RECORD lists, missing files included (they are counted
    when read). `dist.files` is not used for wheels: the importlib_metadata backport, once
    something imports it, serves the distributions and silently drops listed files that do
    not exist."""
    record = dist.read_text("RECORD")
    if record is not None:
        return [row[0] for row in csv.reader(record.splitlines()) if row]
    files = dist.files  # egg-info: installed-files.txt / SOURCES.txt
    return None if files is None else [entry.as_posix() for entry in files]


def _python_files(dist: im.Distribution, base: Path) -> tuple[str, ...] | None:
    """Relative POSIX paths of the distribution's .py files that live under `base`."""
    listed = _listed_paths(dist)
    if listed is None:
        return None
    paths = set()
    for rel in listed:
        if not rel.endswith(".py"):
            continue
        # Files installed outside the environment (../../bin/...) are not package code.
        if rel.startswith("../") or rel.startswith("/") or "/../" in rel:
            continue
        paths.add(rel)
    return tuple(sorted(paths))


@dataclass(frozen=True)
class InstalledSource(Source):
    """Distributions visible on `paths` (default: the running interpreter's `sys.path`)."""

    paths: Sequence[str] | None = None
    spec: str = "installed"

    def packages(self, drops: Drops) -> Iterator[PackageHandle]:
        search = list(self.paths) if self.paths is not None else list(sys.path)
        seen: set[str] = set()
        for dist in im.distributions(path=search):
            display = dist.metadata["Name"] if dist.metadata else None
            dist_path = getattr(dist, "_path", None)
            if not display or dist_path is None:
                drops.add(
                    Stage.SOURCE, "distribution_without_name", Path(str(dist_path or "?")).name
                )
                continue
            name = canonicalize_name(display)
            if name in seen:
                # importlib lists shadowed copies after the one Python would import.
                drops.add(Stage.SOURCE, "shadowed_distribution", name)
                continue
            seen.add(name)
            base = Path(dist_path).parent
            files = _python_files(dist, base)
            if files is None:
                drops.add(Stage.SOURCE, "no_file_list", name)
                continue
            yield InstalledPackage(
                name=name,
                version=dist.version or "0",
                dist_path=str(dist_path),
                base_path=str(base),
                files=files,
            )

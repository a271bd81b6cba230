"""`dir:PATH` or a bare path: a folder of archives and unpacked projects, or one archive.

Discovery walks the folder (linked folders are not entered), names each archive by its file
name (or its metadata when the name does not parse), and keeps one file per project: the latest
version by PEP 440, and within a release the sdist over an unpacked folder over a wheel over a
conda package. Every file left out is counted (`older_version`, `duplicate_release_file`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from pytorrent.drops import Drops
from pytorrent.errors import SourceError
from pytorrent.metadata.versions import version_key
from pytorrent.sources.archive import ArchiveKind, ArchivePackage
from pytorrent.sources.base import PackageHandle, ReadLimits, Source
from pytorrent.sources.conda import INDEX
from pytorrent.sources.containers import archive_members
from pytorrent.sources.folder import FolderPackage, skip_dir
from pytorrent.sources.reader import STAGE, read_named_files

SDIST_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar", ".zip")
CONDA_TARBALL_SUFFIXES = (".tar.bz2", ".tbz2")
#: A folder holding one of these is a project: it is one package, and not searched further.
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "PKG-INFO")
#: conda-build writes `info/` first; an sdist never has `info/index.json` at its top level.
CONDA_PEEK_MEMBERS = 256

_RANK = {"sdist": 0, "folder": 1, "wheel": 2, "conda": 3}


def _suffix(filename: str, suffixes: Iterable[str]) -> str | None:
    lower = filename.lower()
    return next((suffix for suffix in suffixes if lower.endswith(suffix)), None)


def _has_conda_index(path: Path, limits: ReadLimits) -> bool:
    try:
        with archive_members(str(path), limits) as members:
            found = read_named_files(
                islice(members, CONDA_PEEK_MEMBERS), limits, want=INDEX.__eq__, enough=bool
            )
    except OSError:
        return False
    return INDEX in found


def archive_kind(path: Path, limits: ReadLimits) -> ArchiveKind | None:
    """The kind of package archive a file is, from its name (and, for .tar.bz2, its content)."""
    lower = path.name.lower()
    if lower.endswith(".whl"):
        return "wheel"
    if lower.endswith(".conda"):
        return "conda"
    if _suffix(lower, CONDA_TARBALL_SUFFIXES) and _has_conda_index(path, limits):
        return "conda"
    if _suffix(lower, SDIST_SUFFIXES):
        return "sdist"
    return None


def name_version_from_filename(filename: str, kind: ArchiveKind) -> tuple[str, str] | None:
    """(PEP 503 name, version) by the sdist, wheel or conda file-name conventions."""
    try:
        if kind == "wheel":
            name, version, _, _ = parse_wheel_filename(filename)
            return str(name), str(version)
        if kind == "conda":
            suffix = _suffix(filename, (".conda", *CONDA_TARBALL_SUFFIXES)) or ""
            parts = filename[: len(filename) - len(suffix)].rsplit("-", 2)
            if len(parts) != 3 or not all(parts):
                return None
            return str(canonicalize_name(parts[0])), parts[1]
        suffix = _suffix(filename, SDIST_SUFFIXES) or ""
        name, sdist_version = parse_sdist_filename(
            filename[: len(filename) - len(suffix)] + ".tar.gz"
        )
        return str(name), str(sdist_version)
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return None


def _stem(filename: str) -> str:
    suffix = _suffix(filename, (".whl", ".conda", *SDIST_SUFFIXES)) or ""
    return filename[: len(filename) - len(suffix)]


@dataclass(frozen=True)
class Candidate:
    """A package file or folder found by discovery, before one per project is chosen."""

    handle: PackageHandle
    rank: int
    filename: str


def archive_candidate(path: Path, limits: ReadLimits) -> Candidate | None:
    kind = archive_kind(path, limits)
    if kind is None:
        return None
    parsed = name_version_from_filename(path.name, kind)
    if parsed is None:
        guess = ArchivePackage(
            name=str(canonicalize_name(_stem(path.name))), version="0", path=str(path), kind=kind
        )
        metadata = guess.peek_metadata(limits)
        parsed = (metadata.name, metadata.version) if metadata else (guess.name, guess.version)
    handle = ArchivePackage(name=parsed[0], version=parsed[1], path=str(path), kind=kind)
    return Candidate(handle=handle, rank=_RANK[kind], filename=path.name)


def folder_candidate(path: Path, limits: ReadLimits) -> Candidate:
    label = path.resolve().name
    try:
        name, version = parse_sdist_filename(label + ".tar.gz")  # an unpacked `name-1.0/`
        fallback = (str(name), str(version))
    except (InvalidSdistFilename, InvalidVersion):
        fallback = (str(canonicalize_name(label)), "0")
    guess = FolderPackage(name=fallback[0], version=fallback[1], path=str(path))
    metadata = guess.peek_metadata(limits)
    if metadata is not None and metadata.name:
        guess = FolderPackage(name=metadata.name, version=metadata.version, path=str(path))
    return Candidate(handle=guess, rank=_RANK["folder"], filename=label)


def is_project_root(folder: Path) -> bool:
    return any((folder / marker).is_file() for marker in PROJECT_MARKERS)


def entry_kind(entry: os.DirEntry[str]) -> str:
    """`dir`, `file`, `symlink` (to a folder: never followed), `broken_symlink` (dangling or a
    loop, which raises ELOOP on every stat) or `other` (sockets, FIFOs, devices: never read)."""
    try:
        if entry.is_dir(follow_symlinks=False):
            return "dir"
        if entry.is_symlink():
            if entry.is_dir():
                return "symlink"
            return "file" if entry.is_file() else "broken_symlink"
        return "file" if entry.is_file(follow_symlinks=False) else "other"
    except OSError:
        return "broken_symlink"


def discover(root: Path, limits: ReadLimits, drops: Drops) -> Iterator[Candidate]:
    """Archives and project folders under `root`, depth first in name order."""
    if is_project_root(root):
        yield folder_candidate(root, limits)
        return
    found_any = False
    saw_python = False
    stack = [root]
    while stack:
        folder = stack.pop()
        if folder != root and is_project_root(folder):
            found_any = True
            yield folder_candidate(folder, limits)
            continue
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError:
            drops.add(STAGE, "unreadable_folder", str(folder.relative_to(root)))
            continue
        subdirs: list[Path] = []
        for entry in entries:
            path = Path(entry.path)
            kind = entry_kind(entry)
            if kind == "dir":
                if not skip_dir(path):
                    subdirs.append(path)
            elif kind in ("symlink", "broken_symlink"):
                drops.add(STAGE, kind, str(path.relative_to(root)))
            elif kind == "file":
                candidate = archive_candidate(path, limits)
                if candidate is not None:
                    found_any = True
                    yield candidate
                elif entry.name.endswith(".py"):
                    saw_python = True
        stack.extend(reversed(subdirs))
    if not found_any and saw_python:
        # A plain folder of scripts, with no project files: the folder is the package.
        yield folder_candidate(root, limits)


def select_releases(
    candidates: Iterable[Candidate], drops: Drops, all_versions: bool = False
) -> list[PackageHandle]:
    """One file per project (or per release with `all_versions`), counting the others."""
    groups: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault(candidate.handle.name, []).append(candidate)
    chosen: list[PackageHandle] = []
    for name in sorted(groups):
        ordered = sorted(groups[name], key=lambda c: (c.rank, c.filename))
        ordered.sort(key=lambda c: version_key(c.handle.version), reverse=True)
        kept: list[tuple[int, Version | str]] = []
        for candidate in ordered:
            key = version_key(candidate.handle.version)
            if key in kept:
                drops.add(STAGE, "duplicate_release_file", candidate.filename)
            elif kept and not all_versions:
                drops.add(STAGE, "older_version", candidate.filename)
            else:
                kept.append(key)
                chosen.append(candidate.handle)
    return chosen


@dataclass(frozen=True)
class LocalSource(Source):
    """A folder (searched recursively) of sdists, wheels, conda packages and projects, or one
    archive. `limits` bound the small reads discovery makes (conda sniffing, metadata)."""

    path: str
    spec: str
    all_versions: bool = False
    limits: ReadLimits = field(default_factory=ReadLimits)

    def packages(self, drops: Drops) -> Iterator[PackageHandle]:
        root = Path(self.path)
        if root.is_file():
            candidate = archive_candidate(root, self.limits)
            if candidate is None:
                raise SourceError(
                    f"source {self.spec!r}: {root.name} is not an sdist, wheel or conda package"
                )
            yield candidate.handle
            return
        if not root.is_dir():
            raise SourceError(f"source {self.spec!r}: no such file or folder")
        handles = select_releases(discover(root, self.limits, drops), drops, self.all_versions)
        if not handles:
            drops.add(STAGE, "no_packages", root.resolve().name)
        yield from handles

"""Files on disk as members: an unpacked project folder, or the listed files of a distribution.

Links are reported, never followed: the walk does not enter linked folders, and files are
opened with O_NOFOLLOW and checked to be regular files on the open descriptor, so a FIFO or a
device cannot block or flood the reader.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from pytorrent.drops import Drops
from pytorrent.models import PackageMetadata
from pytorrent.sources.base import PackageContent, PackageHandle, RawFile, ReadLimits
from pytorrent.sources.members import Member, MemberError, MemberKind
from pytorrent.sources.project import fallback_metadata, is_tree_metadata_path, tree_metadata
from pytorrent.sources.reader import STAGE, read_named_files, read_python_files

#: Folders of a project that hold no package code of its own (VCS data, caches).
SKIPPED_DIRS = frozenset({"__pycache__", "node_modules"})

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


def read_regular_file(path: str, n: int) -> bytes:
    """Up to `n` bytes of a regular file, refusing links and special files at open time."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise MemberError("missing_file") from None
    except OSError as exc:
        raise MemberError("unreadable_file", str(exc)) from None
    with os.fdopen(fd, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise MemberError("special_file")
        try:
            return stream.read(n)
        except OSError as exc:
            raise MemberError("unreadable_file", str(exc)) from None


def _kind(mode: int) -> MemberKind:
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISREG(mode):
        return "file"
    return "special"


def skip_dir(path: Path) -> bool:
    """Hidden folders, caches and virtual environments are not part of a project's code."""
    return path.name.startswith(".") or path.name in SKIPPED_DIRS or (path / "pyvenv.cfg").is_file()


def folder_members(root: str) -> Iterator[Member]:
    """Every entry under `root` (depth first, sorted by name), paths relative to `root`."""
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        try:
            with os.scandir(Path(root, rel_dir)) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError:
            yield Member(name=rel_dir or ".", kind="special", size=0)
            continue
        subdirs: list[str] = []
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            kind = _kind(info.st_mode)
            if kind == "dir":
                if not skip_dir(Path(entry.path)):
                    subdirs.append(rel)
                continue
            yield Member(
                name=rel,
                kind=kind,
                size=info.st_size if kind == "file" else 0,
                read=partial(read_regular_file, entry.path),
            )
        stack.extend(reversed(subdirs))


def listed_members(base: str, paths: Iterable[str]) -> Iterator[Member]:
    """Members for known relative paths under `base` (an installed distribution's RECORD).

    A path that resolves outside `base` through a linked folder counts as a symlink.
    """
    real_base = os.path.realpath(base)
    for rel in paths:
        full = str(Path(base, rel))
        try:
            info = os.lstat(full)
        except OSError:
            yield Member(name=rel, kind="file", size=0, read=partial(read_regular_file, full))
            continue
        kind = _kind(info.st_mode)
        if kind == "file" and not os.path.realpath(full).startswith(real_base + os.sep):
            kind = "symlink"
        yield Member(
            name=rel,
            kind=kind,
            size=info.st_size if kind == "file" else 0,
            read=partial(read_regular_file, full),
        )


def tree_metadata_candidates(root: str) -> list[str]:
    """Paths under `root` that `is_tree_metadata_path` may accept, found without a full walk."""
    paths = ["PKG-INFO", "pyproject.toml", "setup.cfg"]
    for parent in ("", "src/"):
        try:
            with os.scandir(Path(root, parent)) as scan:
                names = sorted(entry.name for entry in scan if entry.name.endswith(".egg-info"))
        except OSError:
            continue
        paths.extend(f"{parent}{name}/PKG-INFO" for name in names)
    return [path for path in paths if os.path.lexists(Path(root, path))]


@dataclass(frozen=True)
class FolderPackage(PackageHandle):
    """An unpacked project folder (a checkout without git, an unpacked sdist)."""

    name: str
    version: str
    path: str

    @property
    def label(self) -> str:
        return Path(self.path).resolve().name

    def read(self, limits: ReadLimits, drops: Drops) -> PackageContent:
        metadata = self.peek_metadata(limits)
        if metadata is None:
            drops.add(STAGE, "no_metadata", self.label)
            metadata = fallback_metadata(
                source="folder", name=self.name, version=self.version, label=self.label
            )
        return PackageContent(metadata=metadata, files=self._files(limits, drops))

    def peek_metadata(self, limits: ReadLimits) -> PackageMetadata | None:
        """Metadata from the folder's metadata files, or None; problems are not counted here."""
        found = read_named_files(
            listed_members(self.path, tree_metadata_candidates(self.path)),
            limits,
            want=is_tree_metadata_path,
        )
        return tree_metadata(
            found,
            source="folder",
            purl_type="generic",
            fallback_name=self.name,
            fallback_version=self.version,
            source_file=self.label,
        )

    def _files(self, limits: ReadLimits, drops: Drops) -> Iterator[RawFile]:
        yield from read_python_files(folder_members(self.path), limits, drops, self.label)

"""One package archive (sdist, wheel or conda package) as a picklable handle.

`read` makes two streaming passes over the archive (metadata, then files) plus one to hash it,
so no member is ever held beyond the file being yielded. Layouts:
- sdist: paths lose the top-level `name-version/` folder; metadata from PKG-INFO (project.py);
- wheel: paths as in the wheel; metadata from `*.dist-info/METADATA`;
- conda: paths as in the package without `info/`; metadata from `info/*.json` (conda.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import BinaryIO, Literal

from pytorrent.drops import Drops
from pytorrent.metadata.core import metadata_from_message, parse_core_metadata
from pytorrent.models import PackageMetadata
from pytorrent.sources.base import PackageContent, PackageHandle, RawFile, ReadLimits
from pytorrent.sources.conda import (
    ABOUT,
    INDEX,
    CondaPart,
    conda_metadata,
    conda_v2_members,
    outside_info,
)
from pytorrent.sources.containers import (
    Container,
    expected_container,
    file_container,
    stream_members,
)
from pytorrent.sources.members import ArchiveError, Member
from pytorrent.sources.project import is_tree_metadata_path, tree_message
from pytorrent.sources.reader import STAGE, keep_path, read_named_files, read_python_files

ArchiveKind = Literal["sdist", "wheel", "conda"]

_HASH_CHUNK = 1024 * 1024


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fp:
        while chunk := fp.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class StripRoot:
    """Drop an sdist's top-level folder, which is the first folder of its first file."""

    def __init__(self) -> None:
        self.root: str | None = None
        self.decided = False

    def __call__(self, path: str) -> str | None:
        if not self.decided:
            self.decided = True
            self.root = path.split("/", 1)[0] if "/" in path else None
        if self.root is not None and path.startswith(self.root + "/"):
            return path[len(self.root) + 1 :]
        return path


def _is_wheel_metadata(path: str) -> bool:
    parts = path.split("/")
    return len(parts) == 2 and parts[0].endswith(".dist-info") and parts[1] == "METADATA"


@dataclass(frozen=True)
class ArchivePackage(PackageHandle):
    """An sdist, wheel or conda archive on disk. `upload_time`/`release_count` come from an
    index when the archive was crawled; the archive itself does not record them."""

    name: str
    version: str
    path: str
    kind: ArchiveKind
    upload_time: str | None = None
    release_count: int | None = None

    def size_hint(self) -> int:
        try:
            return Path(self.path).stat().st_size
        except OSError:
            return 0

    @property
    def filename(self) -> str:
        return Path(self.path).name

    def read(self, limits: ReadLimits, drops: Drops) -> PackageContent:
        try:
            digest = file_sha256(self.path)
        except OSError:
            drops.add(STAGE, "unreadable_archive", self.filename)
            return PackageContent(metadata=self._fallback(None), files=iter(()))
        metadata = self.peek_metadata(limits, archive_sha256=digest)
        if metadata is None:
            drops.add(STAGE, "no_metadata", self.filename)
            metadata = self._fallback(digest)
        return PackageContent(metadata=metadata, files=self._files(limits, drops))

    def peek_metadata(
        self, limits: ReadLimits, archive_sha256: str | None = None
    ) -> PackageMetadata | None:
        """Metadata from the archive's own files, or None; problems are not counted here."""
        try:
            with Path(self.path).open("rb") as fp:
                container = file_container(fp, self.filename)
                found = read_named_files(
                    self._members(fp, container, limits, "info"),
                    limits,
                    relpath=StripRoot() if self.kind == "sdist" else keep_path,
                    want=self._metadata_wanted,
                    enough=self._metadata_enough,
                )
        except (OSError, ArchiveError):
            return None
        if self.kind == "conda":
            return conda_metadata(
                found,
                package_type=self._conda_type,
                source_file=self.filename,
                archive_sha256=archive_sha256,
                upload_time=self.upload_time,
                release_count=self.release_count,
            )
        msg = self._core_metadata(found)
        if msg is None:
            return None
        return metadata_from_message(
            msg,
            source="archive",
            fallback_name=self.name,
            fallback_version=self.version,
            source_file=self.filename,
            archive_sha256=archive_sha256,
            upload_time=self.upload_time,
            release_count=self.release_count,
        )

    def _core_metadata(self, found: dict[str, bytes]) -> Message | None:
        """The wheel's METADATA, or the sdist's PKG-INFO (or its static project files)."""
        if self.kind == "wheel":
            paths = sorted(found)
            text = found[paths[0]].decode("utf-8", errors="replace") if paths else ""
            msg = parse_core_metadata(text)
            return msg if msg.get("Name") else None
        return tree_message(found)

    @property
    def _conda_type(self) -> str:
        return "conda" if self.filename.lower().endswith(".conda") else "tar.bz2"

    @property
    def _metadata_wanted(self) -> Callable[[str], bool]:
        if self.kind == "conda":
            return lambda path: path in (INDEX, ABOUT)
        if self.kind == "wheel":
            return _is_wheel_metadata
        return is_tree_metadata_path

    def _metadata_enough(self, found: dict[str, bytes]) -> bool:
        if self.kind == "conda":
            return INDEX in found and ABOUT in found
        if self.kind == "wheel":
            return bool(found)
        return "PKG-INFO" in found

    def _members(
        self, fp: BinaryIO, container: Container, limits: ReadLimits, part: CondaPart
    ) -> Iterator[Member]:
        if self.kind == "conda" and container == "zip":
            return conda_v2_members(fp, limits, part)
        return stream_members(fp, container, limits)

    def _files(self, limits: ReadLimits, drops: Drops) -> Iterator[RawFile]:
        label = self.filename
        layouts: dict[ArchiveKind, Callable[[str], str | None]] = {
            "sdist": StripRoot(),
            "wheel": keep_path,
            "conda": outside_info,
        }
        relpath = layouts[self.kind]
        try:
            with Path(self.path).open("rb") as fp:
                try:
                    container = file_container(fp, label)
                except ArchiveError as exc:
                    drops.add(STAGE, exc.reason, label)
                    return
                expected = expected_container(label)
                if expected is not None and expected != container:
                    drops.add(STAGE, "misnamed_archive", label)
                members = self._members(fp, container, limits, "pkg")
                yield from read_python_files(members, limits, drops, label, relpath=relpath)
        except OSError:
            drops.add(STAGE, "unreadable_archive", label)

    def _fallback(self, digest: str | None) -> PackageMetadata:
        """Metadata from the file name alone (the handle's name and version)."""
        return metadata_from_message(
            {},
            source="archive",
            purl_type="conda" if self.kind == "conda" else "pypi",
            fallback_name=self.name,
            fallback_version=self.version,
            source_file=self.filename,
            archive_sha256=digest,
            upload_time=self.upload_time,
            release_count=self.release_count,
        )

"""Open an archive file as a stream of members, whatever its compression, by its content.

The format comes from the file's first bytes, not its name, so a mis-named archive is still
read (and counted as `misnamed_archive` by the caller). Members are streamed: nothing is
extracted, and compressed tars are inflated on the fly.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, BinaryIO, Literal

import zstandard

from pytorrent.sources.base import ReadLimits
from pytorrent.sources.members import ArchiveError, ByteStream, Member
from pytorrent.sources.tarstream import tar_members
from pytorrent.sources.zipread import open_zip, zip_members

Container = Literal["zip", "gzip", "bzip2", "xz", "zstd", "tar"]

#: zstd frames may ask for a window this large at most (128 MiB, zstd's own default limit).
ZSTD_MAX_WINDOW = 1 << 27

_MAGIC: tuple[tuple[bytes, Container], ...] = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # empty zip
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)

#: The container each archive suffix promises (to tell a mis-named archive).
SUFFIX_CONTAINERS: tuple[tuple[str, Container], ...] = (
    (".tar.gz", "gzip"),
    (".tgz", "gzip"),
    (".tar.bz2", "bzip2"),
    (".tbz2", "bzip2"),
    (".tar.xz", "xz"),
    (".txz", "xz"),
    (".tar", "tar"),
    (".zip", "zip"),
    (".whl", "zip"),
    (".conda", "zip"),
)


def sniff(head: bytes) -> Container | None:
    """The container of a file from its first 512 bytes, or None when unknown."""
    for magic, container in _MAGIC:
        if head.startswith(magic):
            return container
    if head[257:262] == b"ustar":
        return "tar"
    return None


def expected_container(filename: str) -> Container | None:
    lower = filename.lower()
    for suffix, container in SUFFIX_CONTAINERS:
        if lower.endswith(suffix):
            return container
    return None


def decompressed(raw: IO[bytes], container: Container) -> ByteStream:
    """A reader of the inflated bytes of a compressed stream (tar containers only)."""
    if container == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if container == "bzip2":
        return bz2.BZ2File(raw, mode="rb")
    if container == "xz":
        return lzma.LZMAFile(raw, mode="rb")
    if container == "zstd":
        reader: ByteStream = zstandard.ZstdDecompressor(
            max_window_size=ZSTD_MAX_WINDOW
        ).stream_reader(raw, read_across_frames=True, closefd=False)
        return reader
    return raw


def file_container(fp: BinaryIO, filename: str) -> Container:
    """Sniff an open archive (rewinding it); old v7 tars without magic pass by their name."""
    head = fp.read(512)
    fp.seek(0)
    container = sniff(head)
    if container is None and expected_container(filename) == "tar" and len(head) == 512:
        container = "tar"
    if container is None:
        raise ArchiveError("corrupt_archive", "not a zip or tar archive")
    return container


def stream_members(fp: BinaryIO, container: Container, limits: ReadLimits) -> Iterator[Member]:
    """Members of an open archive file (zip or a possibly compressed tar)."""
    if container == "zip":
        with open_zip(fp, limits.max_members) as zf:
            yield from zip_members(zf)
        return
    yield from tar_members(decompressed(fp, container))


@contextmanager
def archive_members(path: str, limits: ReadLimits) -> Iterator[Iterator[Member]]:
    """Context of an archive's member stream; errors surface as ArchiveError while iterating."""
    with Path(path).open("rb") as fp:
        yield _members(fp, path, limits)


def _members(fp: BinaryIO, path: str, limits: ReadLimits) -> Iterator[Member]:
    container = file_container(fp, path)
    yield from stream_members(fp, container, limits)

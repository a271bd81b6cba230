"""Zip members (wheels, zip sdists, .conda) with the index checked before it is loaded.

`zipfile` holds the whole central directory in memory, so its declared size and entry count
are read from the end records first and refused when over the caps. Member reads are bounded
by the caller and by the declared size (`zipfile` stops inflating there).
"""

from __future__ import annotations

import lzma
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from pytorrent.sources.members import ArchiveError, Member, MemberError, MemberKind

#: Central-directory bytes allowed per member of `max_members` (real entries take ~100).
INDEX_BYTES_PER_MEMBER = 512

_EOCD = struct.Struct("<4s4H2LH")
_EOCD64_LOCATOR = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_MAX_COMMENT = 65535


def zip_index_size(fp: BinaryIO) -> tuple[int, int]:
    """(entries, central-directory bytes) declared by the zip's end records."""
    fp.seek(0, 2)
    end = fp.tell()
    tail_len = min(end, _EOCD.size + _MAX_COMMENT)
    fp.seek(end - tail_len)
    tail = fp.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or pos + _EOCD.size > len(tail):
        raise ArchiveError("corrupt_archive", "no zip end record")
    fields = _EOCD.unpack_from(tail, pos)
    entries, cd_size = int(fields[4]), int(fields[5])
    if pos >= _EOCD64_LOCATOR.size:
        locator = _EOCD64_LOCATOR.unpack_from(tail, pos - _EOCD64_LOCATOR.size)
        if locator[0] == b"PK\x06\x07" and locator[2] < end:
            fp.seek(locator[2])
            record = fp.read(_EOCD64.size)
            if len(record) == _EOCD64.size and record[:4] == b"PK\x06\x06":
                fields64 = _EOCD64.unpack(record)
                entries, cd_size = int(fields64[7]), int(fields64[8])
    fp.seek(0)
    return entries, cd_size


def open_zip(fp: BinaryIO, max_members: int) -> zipfile.ZipFile:
    """Open a zip after checking its index against the member cap; raises ArchiveError."""
    try:
        entries, cd_size = zip_index_size(fp)
    except (OSError, struct.error) as exc:
        raise ArchiveError("corrupt_archive", str(exc)) from None
    if entries > max_members:
        raise ArchiveError("too_many_members", f"{entries} entries")
    if cd_size > max(max_members, 1024) * INDEX_BYTES_PER_MEMBER:
        raise ArchiveError("too_many_members", f"central directory of {cd_size} bytes")
    try:
        zf = zipfile.ZipFile(fp)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ArchiveError("corrupt_archive", str(exc)) from None
    if len(zf.infolist()) > max_members:
        zf.close()
        raise ArchiveError("too_many_members", "central directory has more entries than declared")
    return zf


def _kind(info: zipfile.ZipInfo) -> MemberKind:
    if info.is_dir():
        return "dir"
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_IFMT(mode) and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return "special"
    return "file"


def read_zip_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, n: int) -> bytes:
    """Up to `n` inflated bytes of one member; damaged members raise MemberError."""
    try:
        with zf.open(info) as stream:
            return stream.read(n)
    except NotImplementedError as exc:
        raise MemberError("unsupported_compression", str(exc)) from None
    except RuntimeError as exc:  # encrypted members
        raise MemberError("encrypted_member", str(exc)) from None
    except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, OSError, EOFError, ValueError) as exc:
        raise MemberError("corrupt_member", str(exc)) from None


def zip_members(zf: zipfile.ZipFile) -> Iterator[Member]:
    """Members of an open zip in central-directory order."""
    for info in zf.infolist():

        def read(n: int, info: zipfile.ZipInfo = info) -> bytes:
            return read_zip_member(zf, info, n)

        yield Member(name=info.filename, kind=_kind(info), size=info.file_size, read=read)

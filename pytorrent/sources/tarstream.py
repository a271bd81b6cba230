"""Streaming tar reader whose memory stays bounded whatever the archive holds.

`tarfile` reads GNU long names, pax headers and sparse maps of any declared size into memory,
so a small hostile .tar.gz can make it allocate gigabytes. Here each 512-byte header block is
parsed by the standard `tarfile.TarInfo.frombuf`, while this module drives the stream: extended
headers are capped at `MAX_HEADER_BYTES`, member data is read only as far as the caller asks,
and the rest is skipped in fixed-size chunks. Nothing is extracted.
"""

from __future__ import annotations

import lzma
import tarfile
import zipfile
import zlib
from collections.abc import Iterator

from pytorrent.sources.members import ArchiveError, ByteStream, Member, MemberError, MemberKind

BLOCK = 512
#: Extended headers (pax records, GNU long names) larger than this are refused as corrupt.
MAX_HEADER_BYTES = 1024 * 1024
#: Extended headers in a row before a member (real archives use at most three: x, L, K).
MAX_EXTENDED_HEADERS = 8
_CHUNK = 1024 * 1024

_PAX_TYPES = (tarfile.XHDTYPE, tarfile.SOLARIS_XHDTYPE)
_KINDS: dict[bytes, MemberKind] = {
    tarfile.REGTYPE: "file",
    tarfile.AREGTYPE: "file",
    tarfile.CONTTYPE: "file",
    tarfile.DIRTYPE: "dir",
    tarfile.SYMTYPE: "symlink",
    tarfile.LNKTYPE: "hardlink",
}
_NO_DATA_TYPES = (
    tarfile.LNKTYPE,
    tarfile.SYMTYPE,
    tarfile.DIRTYPE,
    tarfile.FIFOTYPE,
    tarfile.CHRTYPE,
    tarfile.BLKTYPE,
)
# Errors a decompressor raises on damaged input, besides EOFError (which means truncation).
_STREAM_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    zlib.error,
    lzma.LZMAError,
    ValueError,
    zipfile.BadZipFile,  # a tar read out of a zip member (.conda)
)
try:  # zstandard is a dependency, but keep the tar reader usable without it.
    import zstandard

    _STREAM_ERRORS += (zstandard.ZstdError,)
except ImportError:  # pragma: no cover
    pass


class _Blocks:
    """Exact reads and skips on a (decompressed) byte stream, mapping errors to ArchiveError."""

    def __init__(self, stream: ByteStream) -> None:
        self._stream = stream

    def read(self, n: int) -> bytes:
        """Up to `n` bytes; fewer only at the end of the stream."""
        parts: list[bytes] = []
        left = n
        while left > 0:
            chunk = self._raw_read(min(left, _CHUNK))
            if not chunk:
                break
            parts.append(chunk)
            left -= len(chunk)
        return b"".join(parts)

    def read_exact(self, n: int) -> bytes:
        data = self.read(n)
        if len(data) != n:
            raise ArchiveError("truncated_archive", "stream ended inside a member")
        return data

    def skip(self, n: int) -> None:
        while n > 0:
            chunk = self._raw_read(min(n, _CHUNK))
            if not chunk:
                raise ArchiveError("truncated_archive", "stream ended inside a member")
            n -= len(chunk)

    def _raw_read(self, n: int) -> bytes:
        try:
            return self._stream.read(n)
        except EOFError as exc:
            raise ArchiveError("truncated_archive", str(exc)) from None
        except _STREAM_ERRORS as exc:
            raise ArchiveError("corrupt_archive", str(exc)) from None


class _Data:
    """Reader of the current member's data: one read from the start, then the rest is skipped."""

    def __init__(self, blocks: _Blocks, size: int) -> None:
        self._blocks = blocks
        self.size = size
        self.consumed = 0
        self._read_once = False

    def read(self, n: int) -> bytes:
        if self._read_once:
            raise MemberError("unreadable_member", "tar member data is read once")
        self._read_once = True
        data = self._blocks.read(min(n, self.size))
        self.consumed = len(data)
        if self.consumed < min(n, self.size):
            raise ArchiveError("truncated_archive", "stream ended inside a member")
        return data

    def finish(self) -> None:
        """Skip the unread data and the block padding, leaving the stream at the next header."""
        self._blocks.skip(self.size - self.consumed + (-self.size) % BLOCK)


def _parse_pax(data: bytes) -> dict[str, str]:
    """Records `LEN KEY=VALUE\\n` of a pax extended header (POSIX.1-2008)."""
    fields: dict[str, str] = {}
    pos = 0
    while pos < len(data) and data[pos] != 0:
        space = data.find(b" ", pos, pos + 20)
        try:
            length = int(data[pos:space]) if space > pos else 0
        except ValueError:
            length = 0
        end = pos + length
        if length <= 0 or end > len(data) or data[end - 1] != 0x0A:
            raise ArchiveError("corrupt_archive", "malformed pax record")
        key, eq, value = data[space + 1 : end - 1].partition(b"=")
        if not eq:
            raise ArchiveError("corrupt_archive", "malformed pax record")
        fields[key.decode("utf-8", "surrogateescape")] = value.decode("utf-8", "surrogateescape")
        pos = end
    return fields


def _nts(data: bytes) -> str:
    """A NUL-terminated name of a GNU long-name record."""
    return data.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


def _header(block: bytes) -> tarfile.TarInfo:
    try:
        return tarfile.TarInfo.frombuf(block, "utf-8", "surrogateescape")
    except tarfile.HeaderError as exc:
        raise ArchiveError("corrupt_archive", f"tar header: {exc}") from None


def tar_members(stream: ByteStream) -> Iterator[Member]:
    """Members of an uncompressed tar stream, in archive order.

    Each member's `read` is valid until the next member is requested. Raises ArchiveError
    when the stream is truncated or corrupt (members already yielded stay valid).
    """
    blocks = _Blocks(stream)
    pending: dict[str, str] = {}
    extended = 0  # extended headers since the last member: bounds `pending` and the work done
    first = True
    while True:
        block = blocks.read(BLOCK)
        if not block or block.count(0) == BLOCK:
            return  # end of archive (a missing end marker is tolerated, as tar does)
        if len(block) < BLOCK:
            raise ArchiveError("truncated_archive", "stream ended inside a header")
        try:
            info = _header(block)
        except ArchiveError:
            if first:
                raise ArchiveError("corrupt_archive", "not a tar archive") from None
            raise
        first = False
        size = info.size
        if info.type in (*_PAX_TYPES, tarfile.XGLTYPE, tarfile.GNUTYPE_LONGNAME,
                         tarfile.GNUTYPE_LONGLINK):  # fmt: skip
            extended += 1
            if size > MAX_HEADER_BYTES or extended > MAX_EXTENDED_HEADERS:
                raise ArchiveError("corrupt_archive", "oversized extended headers")
            data = blocks.read_exact(size)
            blocks.skip((-size) % BLOCK)
            if info.type in _PAX_TYPES:
                pending.update(_parse_pax(data))
            elif info.type == tarfile.GNUTYPE_LONGNAME:
                pending["path"] = _nts(data)
            elif info.type == tarfile.GNUTYPE_LONGLINK:
                pending["linkpath"] = _nts(data)
            # Global pax headers (XGLTYPE) name no member: skipped.
            continue
        if info.type == tarfile.GNUTYPE_SPARSE:
            _skip_sparse_extensions(blocks, block)
        name = pending.get("path", info.name)
        if "size" in pending:
            try:
                size = int(pending["size"])
            except ValueError:
                raise ArchiveError("corrupt_archive", "bad pax size") from None
        sparse = any(key.startswith("GNU.sparse.") for key in pending)
        pending, extended = {}, 0
        if size < 0:
            raise ArchiveError("corrupt_archive", "negative member size")
        kind = "special" if sparse else _KINDS.get(info.type, "special")
        if info.type in _NO_DATA_TYPES:
            size = 0  # as tarfile and tar do: these types store no data, whatever `size` says
        data_reader = _Data(blocks, size)
        yield Member(name=name, kind=kind, size=size, read=data_reader.read, streamed=True)
        data_reader.finish()


def _skip_sparse_extensions(blocks: _Blocks, block: bytes) -> None:
    """Old GNU sparse headers chain extension blocks after the header; step over them."""
    extended = block[482]
    while extended:
        ext = blocks.read_exact(BLOCK)
        extended = ext[504]

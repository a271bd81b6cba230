"""Real package archives built in a temp folder: sdists, wheels and both conda formats."""

from __future__ import annotations

import functools
import gzip
import io
import json
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import zstandard

#: A fixed archive mtime (2021-01-01T00:00:00Z), so builds are reproducible.
MTIME = 1609459200


def core_metadata(name: str, version: str, **fields: str) -> bytes:
    """PKG-INFO / METADATA text in the email-header format."""
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"{key.replace('_', '-')}: {value}" for key, value in fields.items()]
    return ("\n".join(lines) + "\n\nLong description.\n").encode()


def tar_bytes(files: Mapping[str, bytes], mode: str = "w:gz") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as tf:  # type: ignore[call-overload]
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = MTIME
            tf.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def zip_bytes(files: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2021, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def make_sdist(
    folder: Path,
    name: str,
    version: str,
    files: Mapping[str, bytes],
    fmt: str = "tar.gz",
    pkg_info: bytes | None = None,
) -> Path:
    """An sdist `name-version.FMT` with everything under `name-version/` and a PKG-INFO."""
    root = f"{name}-{version}"
    members = {f"{root}/{path}": data for path, data in files.items()}
    members[f"{root}/PKG-INFO"] = pkg_info if pkg_info is not None else core_metadata(name, version)
    path = folder / f"{root}.{fmt}"
    if fmt == "zip":
        path.write_bytes(zip_bytes(members))
    else:
        mode = {"tar.gz": "w:gz", "tgz": "w:gz", "tar.bz2": "w:bz2", "tar.xz": "w:xz"}[fmt]
        path.write_bytes(tar_bytes(members, mode))
    return path


def make_wheel(
    folder: Path, name: str, version: str, files: Mapping[str, bytes], **fields: str
) -> Path:
    dist_info = f"{name}-{version}.dist-info"
    members = dict(files)
    members[f"{dist_info}/METADATA"] = core_metadata(name, version, **fields)
    members[f"{dist_info}/WHEEL"] = b"Wheel-Version: 1.0\nRoot-Is-Purelib: true\n"
    members[f"{dist_info}/RECORD"] = b""
    path = folder / f"{name}-{version}-py3-none-any.whl"
    path.write_bytes(zip_bytes(members))
    return path


def conda_info(name: str, version: str, build: str) -> dict[str, bytes]:
    index = {
        "name": name,
        "version": version,
        "build": build,
        "build_number": 0,
        "license": "BSD-3-Clause",
        "subdir": "noarch",
        "timestamp": 1700000000000,
        "depends": ["python >=3.8"],
    }
    about = {
        "summary": f"{name} for conda",
        "home": f"https://example.invalid/{name}",
        "dev_url": f"https://example.invalid/{name}/src",
        "license": "BSD-3-Clause",
    }
    return {
        "info/index.json": json.dumps(index).encode(),
        "info/about.json": json.dumps(about).encode(),
        "info/recipe/build.py": b"print('recipe')\n",
    }


def make_conda_tarbz2(
    folder: Path, name: str, version: str, build: str, files: Mapping[str, bytes]
) -> Path:
    """Format v1: one .tar.bz2, `info/` first as conda-build writes it."""
    members = {**conda_info(name, version, build), **files}
    path = folder / f"{name}-{version}-{build}.tar.bz2"
    path.write_bytes(tar_bytes(members, "w:bz2"))
    return path


def make_conda_v2(
    folder: Path, name: str, version: str, build: str, files: Mapping[str, bytes]
) -> Path:
    """Format v2: a stored zip of metadata.json and zstd-compressed info/pkg tars."""
    stem = f"{name}-{version}-{build}"
    compressor = zstandard.ZstdCompressor(level=3)
    info_tar = compressor.compress(tar_bytes(conda_info(name, version, build), "w"))
    pkg_tar = compressor.compress(tar_bytes(files, "w"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("metadata.json", json.dumps({"conda_pkg_format_version": 2}))
        zf.writestr(f"info-{stem}.tar.zst", info_tar)
        zf.writestr(f"pkg-{stem}.tar.zst", pkg_tar)
    path = folder / f"{stem}.conda"
    path.write_bytes(buffer.getvalue())
    return path


@functools.cache
def _ustar_template(size: int, typeflag: bytes, linkname: str) -> tuple[bytes, int]:
    """A ustar header with an empty name and a blank checksum, and the sum of its bytes."""

    def octal(value: int, width: int) -> bytes:
        return f"{value:0{width - 1}o}".encode() + b"\0"

    block = bytearray(512)
    block[100:108] = octal(0o644, 8)
    block[108:116] = octal(0, 8)
    block[116:124] = octal(0, 8)
    block[124:136] = octal(size, 12)
    block[136:148] = octal(MTIME, 12)
    block[148:156] = b" " * 8
    block[156:157] = typeflag
    block[157:257] = linkname.encode().ljust(100, b"\0")[:100]
    block[257:265] = b"ustar\x0000"
    return bytes(block), sum(block)


def ustar_header(
    name: str | bytes, size: int = 0, typeflag: bytes = b"0", linkname: str = ""
) -> bytes:
    """One ustar header block, built directly (any name bytes; fast enough for 100k members)."""
    template, base = _ustar_template(size, typeflag, linkname)
    raw = (name.encode() if isinstance(name, str) else name).ljust(100, b"\0")[:100]
    checksum = f"{base + sum(raw):06o}".encode() + b"\0 "
    return raw + template[100:148] + checksum + template[156:]


def tar_records(files: Mapping[str, bytes]) -> bytes:
    """Raw tar members (header, data, padding) without the end-of-archive marker."""
    parts = []
    for name, data in files.items():
        parts += [ustar_header(name, len(data)), data, b"\0" * (-len(data) % 512)]
    return b"".join(parts)


_ZERO_CHUNK = 64 * 1024 * 1024


@functools.cache
def _gzip_zero_chunk() -> bytes:
    return gzip.compress(b"\0" * _ZERO_CHUNK, compresslevel=9)


def gzip_bomb_tar(
    path: Path,
    bomb_name: str,
    bomb_size: int,
    before: Mapping[str, bytes],
    after: Mapping[str, bytes],
    typeflag: bytes = b"0",
) -> Path:
    """A .tar.gz whose member `bomb_name` inflates to `bomb_size` zero bytes.

    Built from concatenated gzip members (one compressed 64 MiB chunk written repeatedly), so
    a 1.5 GiB bomb takes well under a second and ~1.5 MB on disk.
    """
    full, rest = divmod(bomb_size, _ZERO_CHUNK)
    chunk = _gzip_zero_chunk()
    with path.open("wb") as out:
        out.write(gzip.compress(tar_records(before) + ustar_header(bomb_name, bomb_size, typeflag)))
        for _ in range(full):
            out.write(chunk)
        out.write(gzip.compress(b"\0" * (rest + -bomb_size % 512)))
        out.write(gzip.compress(tar_records(after) + b"\0" * 1024))
    return path


@dataclass
class RawZipEntry:
    """A zip member written as is: `chunks` are its (already compressed) data."""

    name: bytes
    method: int
    crc: int
    compressed_size: int
    size: int
    chunks: Iterable[bytes]
    mode: int = 0o100644
    flags: int = 0


def write_raw_zip(path: Path, entries: Iterable[RawZipEntry]) -> Path:
    """A zip from raw entries: lets tests write bombs and 100k members in milliseconds."""
    central = []
    count = 0
    with path.open("wb") as out:
        for entry in entries:
            offset = out.tell()
            out.write(
                _LOCAL.pack(
                    b"PK\x03\x04",
                    20,
                    entry.flags,
                    entry.method,
                    0,
                    0x5221,
                    entry.crc,
                    entry.compressed_size,
                    entry.size,
                    len(entry.name),
                    0,
                )
            )
            out.write(entry.name)
            for chunk in entry.chunks:
                out.write(chunk)
            central.append(
                _CENTRAL.pack(
                    b"PK\x01\x02",
                    0x031E,
                    20,
                    entry.flags,
                    entry.method,
                    0,
                    0x5221,
                    entry.crc,
                    entry.compressed_size,
                    entry.size,
                    len(entry.name),
                    0,
                    0,
                    0,
                    0,
                    entry.mode << 16,
                    offset,
                )
            )
            central.append(entry.name)
            count += 1
        start = out.tell()
        directory = b"".join(central)
        out.write(directory)
        if count > 0xFFFF:  # zip64 end records carry the real count
            end64 = out.tell()
            out.write(
                _END64.pack(b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, len(directory), start)
            )
            out.write(_LOCATOR64.pack(b"PK\x06\x07", 0, end64, 1))
        short = min(count, 0xFFFF)
        out.write(_END.pack(b"PK\x05\x06", 0, 0, short, short, len(directory), start, 0))
    return path


_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_END64 = struct.Struct("<4sQ2H2L4Q")
_LOCATOR64 = struct.Struct("<4sLQL")


def stored_entry(name: str, data: bytes) -> RawZipEntry:
    return RawZipEntry(name.encode(), 0, zlib.crc32(data), len(data), len(data), [data])


def zip_bomb(path: Path, bomb_name: str, bomb_size: int, others: Mapping[str, bytes]) -> Path:
    """A zip whose deflated member `bomb_name` inflates to `bomb_size` zero bytes.

    The deflate stream repeats one fully-flushed compressed chunk, which stays valid because a
    full flush leaves no back-references; the CRC is computed chunk by chunk.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = b"\0" * _ZERO_CHUNK
    chunk = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    count = bomb_size // _ZERO_CHUNK
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(zeros, crc)
    bomb = RawZipEntry(
        bomb_name.encode(),
        8,
        crc,
        len(chunk) * count + len(final),
        count * _ZERO_CHUNK,
        [*([chunk] * count), final],
    )
    return write_raw_zip(path, [*(stored_entry(n, d) for n, d in others.items()), bomb])

"""Zip reading: the index is checked from the end records before zipfile loads it."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pytest

from pytorrent.sources.members import ArchiveError, MemberError
from pytorrent.sources.zipread import open_zip, read_zip_member, zip_index_size

from .builders import RawZipEntry, stored_entry, write_raw_zip, zip_bytes


def test_index_size_comes_from_the_end_record() -> None:
    raw = zip_bytes({"a.py": b"a", "b.py": b"b"})
    entries, size = zip_index_size(io.BytesIO(raw))
    assert entries == 2 and 0 < size < len(raw)


def test_zip64_end_records_give_the_real_entry_count(tmp_path: Path) -> None:
    path = write_raw_zip(
        tmp_path / "big.zip", (stored_entry(f"{i}.py", b"") for i in range(70_000))
    )
    with path.open("rb") as fp:
        assert zip_index_size(fp)[0] == 70_000
        with pytest.raises(ArchiveError) as caught:
            open_zip(fp, max_members=50_000)
    assert caught.value.reason == "too_many_members"


def test_an_oversized_central_directory_is_refused() -> None:
    raw = zip_bytes({"x" * 2000 + f"{i}.py": b"" for i in range(600)})
    with pytest.raises(ArchiveError) as caught:
        open_zip(io.BytesIO(raw), max_members=1000)  # 1.2 MB of index > 1000 * 512 bytes
    assert caught.value.reason == "too_many_members"


@pytest.mark.parametrize("raw", [b"", b"PK\x03\x04 truncated", b"\x00" * 100])
def test_not_a_zip_is_a_corrupt_archive(raw: bytes) -> None:
    with pytest.raises(ArchiveError) as caught:
        open_zip(io.BytesIO(raw), max_members=10)
    assert caught.value.reason == "corrupt_archive"


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        (RawZipEntry(b"enc.py", 0, zlib.crc32(b"x"), 1, 1, [b"x"], flags=1), "encrypted_member"),
        (RawZipEntry(b"odd.py", 99, zlib.crc32(b"x"), 1, 1, [b"x"]), "unsupported_compression"),
        (RawZipEntry(b"crc.py", 0, 12345, 1, 1, [b"x"]), "corrupt_member"),
        (
            RawZipEntry(b"bad.py", 8, zlib.crc32(b"x"), 4, 1, [b"\xff\xff\xff\xff"]),
            "corrupt_member",
        ),
    ],
)
def test_damaged_members_raise_member_errors(
    tmp_path: Path, entry: RawZipEntry, reason: str
) -> None:
    path = write_raw_zip(tmp_path / "one.zip", [entry, stored_entry("ok.py", b"ok")])
    with path.open("rb") as fp, open_zip(fp, 10) as zf:
        bad, good = zf.infolist()
        with pytest.raises(MemberError) as caught:
            read_zip_member(zf, bad, 100)
        assert caught.value.reason == reason
        assert read_zip_member(zf, good, 100) == b"ok"

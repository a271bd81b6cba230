"""The streaming tar reader: stdlib header parsing, bounded extended headers, lazy data."""

from __future__ import annotations

import io
import tarfile

import pytest

from pytorrent.sources.members import ArchiveError, MemberError
from pytorrent.sources.tarstream import MAX_HEADER_BYTES, tar_members

from .builders import tar_bytes, tar_records, ustar_header


def names_and_data(raw: bytes) -> list[tuple[str, str, bytes]]:
    return [(m.name, m.kind, m.read(1 << 20)) for m in tar_members(io.BytesIO(raw))]


@pytest.mark.parametrize("fmt", [tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT])
def test_reads_every_tar_format_like_tarfile(fmt: int) -> None:
    buffer = io.BytesIO()
    long_name = "pkg/" + "x" * 90 + "/" + "y" * 90 + ".py"
    with tarfile.open(fileobj=buffer, mode="w", format=fmt) as tf:
        for name, data in (("pkg/a.py", b"a"), (long_name, b"long"), ("pkg/empty.py", b"")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    assert names_and_data(buffer.getvalue()) == [
        ("pkg/a.py", "file", b"a"),
        (long_name, "file", b"long"),
        ("pkg/empty.py", "file", b""),
    ]


def pax_record(key: str, value: str) -> bytes:
    body = f" {key}={value}\n".encode()
    length = len(body) + len(str(len(body)))
    length = len(body) + len(str(length))
    return str(length).encode() + body


def test_pax_headers_override_name_and_size_and_global_headers_are_skipped() -> None:
    pax = pax_record("path", "pkg/renamed.py") + pax_record("size", "4")
    comment = pax_record("comment", "hey")
    assert pax.startswith(b"23 path=pkg/renamed.py\n")
    raw = (
        ustar_header("global", len(comment), b"g")
        + comment.ljust(512, b"\0")
        + ustar_header("pax", len(pax), b"x")
        + pax.ljust(512, b"\0")
        + ustar_header("pkg/original.py", 0)  # the pax size (4) wins over the header's 0
        + b"data".ljust(512, b"\0")
        + b"\0" * 1024
    )
    assert names_and_data(raw) == [("pkg/renamed.py", "file", b"data")]


def test_links_and_devices_have_kinds_and_no_data() -> None:
    raw = (
        ustar_header("l.py", 100, b"2", "/etc/passwd")  # a bogus size on a link is ignored
        + ustar_header("h.py", 0, b"1", "/etc/passwd")
        + ustar_header("c.py", 0, b"3")
        + ustar_header("d", 0, b"5")
        + tar_records({"ok.py": b"ok"})
    )
    members = [(m.name, m.kind, m.size) for m in tar_members(io.BytesIO(raw))]
    assert members == [
        ("l.py", "symlink", 0),
        ("h.py", "hardlink", 0),
        ("c.py", "special", 0),
        ("d", "dir", 0),
        ("ok.py", "file", 2),
    ]


def test_data_is_read_once_and_only_as_far_as_asked() -> None:
    raw = tar_records({"big.py": b"0123456789" * 100, "next.py": b"n"}) + b"\0" * 1024
    members = tar_members(io.BytesIO(raw))
    big = next(members)
    assert big.read(4) == b"0123"
    with pytest.raises(MemberError):
        big.read(4)
    following = next(members)
    assert (following.name, following.read(10)) == ("next.py", b"n")


@pytest.mark.parametrize("typeflag", [b"x", b"L", b"K"])
def test_oversized_extended_headers_are_refused_before_reading(typeflag: bytes) -> None:
    raw = ustar_header("ext", MAX_HEADER_BYTES + 1, typeflag)  # no data follows: never read
    with pytest.raises(ArchiveError) as caught:
        list(tar_members(io.BytesIO(raw)))
    assert caught.value.reason == "corrupt_archive"


def test_endless_extended_headers_are_refused() -> None:
    record = pax_record("comment", "x" * 1000)
    one = ustar_header("pax", len(record), b"x") + record + b"\0" * (-len(record) % 512)
    raw = one * 9 + tar_records({"a.py": b""})
    with pytest.raises(ArchiveError) as caught:
        list(tar_members(io.BytesIO(raw)))
    assert caught.value.reason == "corrupt_archive"
    assert [m.name for m in tar_members(io.BytesIO(one * 8 + tar_records({"a.py": b""})))] == [
        "a.py"
    ]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"this is not a tar archive".ljust(1024, b"!"), "corrupt_archive"),
        (tar_records({"a.py": b"a" * 1000})[:700], "truncated_archive"),
        (tar_records({"a.py": b"a"})[:300], "truncated_archive"),
        (ustar_header("x", 30, b"x") + b"99 path=x\n".ljust(512, b"\0"), "corrupt_archive"),
    ],
    ids=["not-tar", "truncated-data", "truncated-header", "bad-pax-record"],
)
def test_broken_streams_raise_archive_errors(raw: bytes, reason: str) -> None:
    with pytest.raises(ArchiveError) as caught:
        for member in tar_members(io.BytesIO(raw)):
            member.read(1 << 20)
    assert caught.value.reason == reason


def test_a_missing_end_marker_is_tolerated_and_an_empty_stream_is_empty() -> None:
    assert [m.name for m in tar_members(io.BytesIO(tar_records({"a.py": b"a"})))] == ["a.py"]
    assert list(tar_members(io.BytesIO(b""))) == []
    assert [m.name for m in tar_members(io.BytesIO(tar_bytes({"b.py": b""}, "w")))] == ["b.py"]


def test_old_gnu_sparse_members_are_special_and_skipped_with_their_extensions() -> None:
    header = bytearray(ustar_header("sparse.py", 512, b"S"))
    header[482] = 1  # one extension block follows
    header[148:156] = b" " * 8
    header[148:156] = f"{sum(header):06o}".encode() + b"\0 "
    extension = bytearray(512)
    raw = bytes(header) + bytes(extension) + b"s" * 512 + tar_records({"ok.py": b"ok"})
    assert [(m.name, m.kind) for m in tar_members(io.BytesIO(raw))] == [
        ("sparse.py", "special"),
        ("ok.py", "file"),
    ]

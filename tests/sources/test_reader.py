"""The shared reading path: caps, counted skips and layouts, on real containers and members."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from pytorrent.drops import Drops
from pytorrent.sources.base import ReadLimits
from pytorrent.sources.members import ArchiveError, Member, MemberError
from pytorrent.sources.reader import read_named_files, read_python_files
from pytorrent.sources.tarstream import tar_members
from pytorrent.sources.zipread import open_zip, zip_members

from .builders import tar_records, zip_bytes

FIVE = {f"m{i}.py": f"m = {i}\n".encode() for i in range(5)}


def counts(drops: Drops) -> dict[str, int]:
    return {reason: n for (_, reason), n in drops.counts.items()}


def tar(files: dict[str, bytes]) -> Iterator[Member]:
    return tar_members(io.BytesIO(tar_records(files) + b"\0" * 1024))


def test_member_cap_stops_the_package_and_counts_once() -> None:
    drops = Drops()
    found = list(read_python_files(tar(FIVE), ReadLimits(max_members=3), drops, "p"))
    assert [raw.path for raw in found] == ["m0.py", "m1.py", "m2.py"]
    assert counts(drops) == {"too_many_members": 1}


def test_zip_member_cap_refuses_the_index_before_loading_it() -> None:
    drops = Drops()
    zf_bytes = zip_bytes(FIVE)
    members = _zip_iter(zf_bytes, max_members=3)
    assert list(read_python_files(members, ReadLimits(max_members=3), drops, "p")) == []
    assert counts(drops) == {"too_many_members": 1}


def _zip_iter(raw: bytes, max_members: int) -> Iterator[Member]:
    with open_zip(io.BytesIO(raw), max_members) as zf:
        yield from zip_members(zf)


def test_total_bytes_charge_every_tar_member_but_only_read_zip_members() -> None:
    files = {"a.py": b"a" * 40, "data.bin": b"d" * 100, "b.py": b"b" * 40}
    limits = ReadLimits(max_total_bytes=150)
    tar_drops, zip_drops = Drops(), Drops()
    from_tar = [raw.path for raw in read_python_files(tar(files), limits, tar_drops, "p")]
    zip_files = _zip_iter(zip_bytes(files), 100)
    from_zip = [raw.path for raw in read_python_files(zip_files, limits, zip_drops, "p")]
    assert from_tar == ["a.py"] and counts(tar_drops) == {"package_too_large": 1}
    assert from_zip == ["a.py", "b.py"] and counts(zip_drops) == {}


def _never(limit: int) -> bytes:
    raise AssertionError("a member over the cap must not be read")


def _lying(limit: int) -> bytes:
    return b"x" * limit


def _broken(limit: int) -> bytes:
    raise MemberError("corrupt_member")


def _fatal(limit: int) -> bytes:
    raise ArchiveError("truncated_archive")


def test_file_cap_uses_the_declared_size_and_the_bytes_actually_read() -> None:
    members = [
        Member("declared.py", "file", 11, _never),
        Member("lying.py", "file", 1, _lying),  # says 1 byte, delivers more
        Member("fine.py", "file", 3, lambda n: b"ok\n"),
    ]
    drops = Drops()
    found = list(read_python_files(members, ReadLimits(max_file_bytes=10), drops, "p"))
    assert [raw.path for raw in found] == ["fine.py"]
    assert counts(drops) == {"file_too_large": 2}
    assert drops.examples_by_key()["source/file_too_large"] == ["p:declared.py", "p:lying.py"]


def test_member_errors_skip_one_file_and_archive_errors_stop_the_package() -> None:
    members = [
        Member("broken.py", "file", 3, _broken),
        Member("ok.py", "file", 3, lambda n: b"ok\n"),
        Member("fatal.py", "file", 3, _fatal),
        Member("never.py", "file", 3, _never),
    ]
    drops = Drops()
    assert [raw.path for raw in read_python_files(members, ReadLimits(), drops, "p")] == ["ok.py"]
    assert counts(drops) == {"corrupt_member": 1, "truncated_archive": 1}


def test_only_python_files_are_read_and_unwanted_members_are_not_counted() -> None:
    members = [
        Member("README.md", "file", 3, _never),
        Member("pkg", "dir", 0),
        Member("lib.so", "symlink", 0),  # links are counted whatever their suffix
        Member("vendor/x-1.0.whl", "file", 3, _never),
        Member("info/recipe.py", "file", 3, _never),
        Member("pkg/m.py", "file", 2, lambda n: b"m\n"),
    ]
    drops = Drops()
    relpath = lambda p: None if p.startswith("info/") else p  # noqa: E731
    found = list(read_python_files(members, ReadLimits(), drops, "p", relpath=relpath))
    assert [raw.path for raw in found] == ["pkg/m.py"]
    assert counts(drops) == {"symlink": 1, "nested_archive": 1}


def test_named_files_stop_early_and_count_nothing() -> None:
    seen: list[str] = []

    def members() -> Iterator[Member]:
        for name in ("PKG-INFO", "a.py", "b.py"):
            seen.append(name)
            yield Member(name, "file", 1, lambda n: b"x")

    found = read_named_files(members(), ReadLimits(), want=lambda p: p == "PKG-INFO", enough=bool)
    assert found == {"PKG-INFO": b"x"} and seen == ["PKG-INFO"]


@pytest.mark.parametrize("limit", [0, 1])
def test_caps_are_configurable_down_to_nothing(limit: int) -> None:
    drops = Drops()
    found = list(read_python_files(tar(FIVE), ReadLimits(max_members=limit), drops, "p"))
    assert len(found) == limit and counts(drops) == {"too_many_members": 1}


def test_a_path_held_twice_is_read_once() -> None:
    members = [
        Member("./pkg/m.py", "file", 5, lambda n: b"first"),
        Member("pkg//m.py", "file", 6, lambda n: b"second"),
    ]
    drops = Drops()
    found = list(read_python_files(members, ReadLimits(), drops, "p"))
    assert [(raw.path, raw.data) for raw in found] == [("pkg/m.py", b"first")]
    assert counts(drops) == {"duplicate_member": 1}


def test_public_names_of_the_sources_package() -> None:
    import pytorrent.sources as sources

    assert sorted(sources.__all__) == sorted(
        [
            "ArchivePackage",
            "CommitInfo",
            "FolderPackage",
            "GitPackage",
            "GitSource",
            "InstalledPackage",
            "InstalledSource",
            "LocalSource",
            "PackageContent",
            "PackageHandle",
            "RawFile",
            "ReadLimits",
            "Source",
            "UndecodableFile",
            "decode_python_source",
            "parse_source_spec",
        ]
    )
    assert all(hasattr(sources, name) for name in sources.__all__)

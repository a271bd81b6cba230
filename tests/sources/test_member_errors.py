"""The two container errors carry their drop reason and a readable message, and a member
without content fails as `unreadable_member` while the other members are still read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pytorrent.drops import Drops
from pytorrent.sources.base import ReadLimits
from pytorrent.sources.members import ArchiveError, Member, MemberError
from pytorrent.sources.reader import read_python_files


@pytest.mark.parametrize("error", [ArchiveError, MemberError])
def test_an_error_names_its_reason_and_detail(error: type[ArchiveError | MemberError]) -> None:
    with_detail = error("truncated", "ended at byte 512")
    assert with_detail.reason == "truncated"
    assert str(with_detail) == "truncated: ended at byte 512"
    alone = error("truncated")
    assert alone.reason == "truncated" and str(alone) == "truncated"
    assert str(error("truncated", "")) == "truncated"


def test_a_member_without_content_is_unreadable() -> None:
    member = Member("pkg/mod.py", "file", 10)
    with pytest.raises(MemberError) as caught:
        member.read(11)
    assert caught.value.reason == "unreadable_member"
    assert str(caught.value) == "unreadable_member: no content"
    assert not member.streamed


def test_an_unreadable_member_is_counted_and_the_rest_are_read() -> None:
    members = [
        Member("pkg/lost.py", "file", 4),
        Member("pkg/kept.py", "file", 4, read=lambda n: b"x = 1"[:n]),
    ]
    drops = Drops()
    files = list(read_python_files(members, ReadLimits(), drops, "pkg-1.0"))
    assert [(f.path, f.data) for f in files] == [("pkg/kept.py", b"x = 1")]
    assert dict(drops.counts) == {("source", "unreadable_member"): 1}
    assert drops.examples[("source", "unreadable_member")] == ["pkg-1.0:pkg/lost.py"]


def test_a_container_that_breaks_stops_with_its_reason() -> None:
    def broken() -> Iterator[Member]:
        yield Member("pkg/a.py", "file", 1, read=lambda n: b"a")
        raise ArchiveError("corrupt_archive", "bad header")

    drops = Drops()
    files = list(read_python_files(broken(), ReadLimits(), drops, "pkg-1.0"))
    assert [f.path for f in files] == ["pkg/a.py"]
    assert dict(drops.counts) == {("source", "corrupt_archive"): 1}

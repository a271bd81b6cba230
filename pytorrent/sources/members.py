"""One shape for the entries of every container (tar, zip, folder, git tree).

Container readers turn their entries into `Member`s; `reader.read_python_files` applies the
safety rules and limits to all of them the same way. Readers report problems with the two
exceptions below, each carrying its drop reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol


class ByteStream(Protocol):
    """What the streaming readers need of a (decompressed) input: bounded reads."""

    def read(self, size: int = -1, /) -> bytes: ...


MemberKind = Literal["file", "dir", "symlink", "hardlink", "special", "submodule"]


class ArchiveError(Exception):
    """The container cannot be read any further (corrupt, truncated, over a cap)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class MemberError(Exception):
    """One member cannot be read; the others still can."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def _unreadable(limit: int) -> bytes:
    raise MemberError("unreadable_member", "no content")


@dataclass(frozen=True)
class Member:
    """An entry of a container.

    `read(n)` returns at most `n` bytes of the content from the start; it is valid only until
    the container moves to the next member. `streamed` members cost their full size to skip
    (tar streams must inflate them), so the total-bytes cap charges them whether read or not.
    """

    name: str
    kind: MemberKind
    size: int
    read: Callable[[int], bytes] = _unreadable
    streamed: bool = False

"""The one reading path of every source: members -> Python files, safely and within limits.

Archives, folders, installed distributions and git trees all come through `read_python_files`,
so the safety rules and caps (docs/architecture.md, "Safety rules") are applied in one place and every skip is counted
under stage "source" with the same reasons (see docs/sources.md).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable

from pytorrent.drops import Drops, Stage
from pytorrent.sources.base import RawFile, ReadLimits
from pytorrent.sources.members import ArchiveError, Member, MemberError
from pytorrent.sources.paths import (
    UnsafePathError,
    is_archive_path,
    is_python_path,
    printable,
    safe_relative_path,
)

STAGE = Stage.SOURCE

_KIND_REASONS = {
    "symlink": "symlink",
    "hardlink": "hardlink",
    "special": "special_file",
    "submodule": "submodule",
}


def keep_path(path: str) -> str | None:
    return path


def read_python_files(
    members: Iterable[Member],
    limits: ReadLimits,
    drops: Drops,
    label: str,
    *,
    relpath: Callable[[str], str | None] = keep_path,
    want: Callable[[str], bool] = is_python_path,
) -> Generator[RawFile, None, None]:
    """Yield the wanted files of a container, counting every member left out for safety.

    `relpath` maps a safe member path to the package-relative path, or None to ignore the
    member silently (a layout's metadata folder). `label` names the package in drop examples.
    Stops at the first cap on members or total bytes, or when the container breaks.
    """
    iterator = iter(members)
    count = 0
    total = 0
    seen: set[str] = set()  # bounded by max_members
    while True:
        try:
            member = next(iterator)
        except StopIteration:
            return
        except ArchiveError as exc:
            drops.add(STAGE, exc.reason, label)
            return
        count += 1
        if count > limits.max_members:
            drops.add(STAGE, "too_many_members", label)
            return
        if member.streamed:
            total += member.size
            if total > limits.max_total_bytes:
                drops.add(STAGE, "package_too_large", label)
                return
        if member.kind == "dir":
            continue
        example = f"{label}:{printable(member.name)}"
        try:
            path = relpath(safe_relative_path(member.name))
        except UnsafePathError as exc:
            drops.add(STAGE, exc.reason, example)
            continue
        if path is None:
            continue
        if member.kind != "file":
            drops.add(STAGE, _KIND_REASONS[member.kind], example)
            continue
        if not want(path):
            if is_archive_path(path):
                drops.add(STAGE, "nested_archive", example)
            continue
        if path in seen:  # a tar may hold a path twice; the first copy is the one kept
            drops.add(STAGE, "duplicate_member", example)
            continue
        if member.size > limits.max_file_bytes:
            drops.add(STAGE, "file_too_large", example)
            continue
        if not member.streamed:
            total += member.size
            if total > limits.max_total_bytes:
                drops.add(STAGE, "package_too_large", label)
                return
        try:
            data = member.read(limits.max_file_bytes + 1)
        except MemberError as exc:
            drops.add(STAGE, exc.reason, example)
            continue
        except ArchiveError as exc:
            drops.add(STAGE, exc.reason, label)
            return
        if len(data) > limits.max_file_bytes:  # the declared size lied, or the file grew
            drops.add(STAGE, "file_too_large", example)
            continue
        seen.add(path)
        yield RawFile(path=path, data=data)


def read_named_files(
    members: Iterable[Member],
    limits: ReadLimits,
    *,
    relpath: Callable[[str], str | None] = keep_path,
    want: Callable[[str], bool],
    enough: Callable[[dict[str, bytes]], bool] = lambda found: False,
) -> dict[str, bytes]:
    """Read a few small files (metadata) by path, stopping as soon as `enough(found)`.

    Problems are not counted here: the files pass over the same container counts them once.
    """
    found: dict[str, bytes] = {}
    files = read_python_files(members, limits, Drops(), "", relpath=relpath, want=want)
    try:
        for raw in files:
            found.setdefault(raw.path, raw.data)
            if enough(found):
                break
    finally:
        files.close()
    return found

"""Package names asked for: `NAME` or `NAME==VERSION`, one per line in a names file."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from packaging.utils import canonicalize_name

_BAD_NAME = set("<>=!~;[ @/")
_BAD_VERSION = set("<>=!~;*, ")


def parse_requirement(line: str) -> tuple[str, str | None] | None:
    """(normalised name, pin or None) from `NAME` or `NAME==VERSION`; comments and blanks give
    None; anything else (ranges, extras, markers) raises ValueError."""
    text = line.split("#", 1)[0].strip()
    if not text:
        return None
    name, sep, version = text.partition("==")
    name, version = name.strip(), version.strip()
    if not name or (sep and not version) or _BAD_NAME & set(name) or _BAD_VERSION & set(version):
        raise ValueError(f"expected NAME or NAME==VERSION, got {line.strip()!r}")
    return str(canonicalize_name(name)), version or None


def parse_requirements(lines: Iterable[str]) -> dict[str, list[str | None]]:
    """Name -> pins (None: the latest release), in first-seen order, duplicates removed."""
    wanted: dict[str, list[str | None]] = {}
    for line in lines:
        parsed = parse_requirement(line)
        if parsed is not None:
            pins = wanted.setdefault(parsed[0], [])
            if parsed[1] not in pins:
                pins.append(parsed[1])
    return wanted


def read_names_file(path: str | Path) -> list[str]:
    return Path(path).read_text(encoding="utf-8").splitlines()

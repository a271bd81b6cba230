"""Exact limits of member-name safety: the longest accepted name, the printable cut, and the
message a refusal carries (drop examples and logs show it)."""

from __future__ import annotations

import pytest

from pytorrent.sources.paths import (
    MAX_PATH_CHARS,
    UnsafePathError,
    printable,
    safe_relative_path,
)


def _name_of(length: int) -> str:
    """A safe member name of exactly `length` characters."""
    return "pkg/" + "m" * (length - len("pkg/.py")) + ".py"


@pytest.mark.parametrize("length", [MAX_PATH_CHARS - 1, MAX_PATH_CHARS])
def test_a_name_up_to_the_limit_is_kept(length: int) -> None:
    name = _name_of(length)
    assert len(name) == length
    assert safe_relative_path(name) == name


def test_a_name_one_over_the_limit_is_refused() -> None:
    name = _name_of(MAX_PATH_CHARS + 1)
    with pytest.raises(UnsafePathError) as caught:
        safe_relative_path(name)
    assert caught.value.reason == "bad_path"


@pytest.mark.parametrize(
    ("name", "reason"),
    [("/etc/passwd", "absolute_path"), ("../x.py", "path_traversal"), ("a\0.py", "bad_path")],
)
def test_the_refusal_message_is_its_reason(name: str, reason: str) -> None:
    with pytest.raises(UnsafePathError) as caught:
        safe_relative_path(name)
    assert str(caught.value) == reason
    assert caught.value.args == (reason,)


@pytest.mark.parametrize("length", [199, 200])
def test_printable_keeps_a_name_up_to_its_limit_whole(length: int) -> None:
    assert printable("x" * length) == "x" * length


def test_printable_cuts_one_over_its_limit() -> None:
    assert printable("x" * 201) == "x" * 200 + "..."
    assert printable("abcdef", limit=3) == "abc..."
    assert printable("abc", limit=3) == "abc"


def test_printable_limit_counts_escaped_characters() -> None:
    # "\n" escapes to two characters, so 100 newlines are 200 printable ones: kept whole.
    assert printable("\n" * 100) == "\\n" * 100
    assert printable("\n" * 101) == ("\\n" * 101)[:200] + "..."

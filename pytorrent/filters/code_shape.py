"""Filters on the shape of the code text: too short, minified/very long lines, symbol soup.

- `short_code`: CodeSearchNet drops functions under 3 lines. Lines are the non-blank lines
  of the code without comments and docstring (a one-line body under its `def` is 2 lines).
  A comment unit's code is often a single statement, which is the point of the unit, so
  for comment units the minimum is 1 line (the code under the comment must exist).
- `long_lines`: minified or generated code (StarCoder/codeparrot thresholds): any line
  over 1,000 characters, or a mean line length over 100 characters. The mean applies only
  to units of at least 5 lines: one long signature line is normal Python.
- `low_alphanumeric`: under 25% letters/digits among the non-whitespace characters
  (ASCII art, symbol tables, encoded blobs). Whitespace is left out so that indentation
  does not count against deeply nested code; on ~30k real functions the lowest is 0.32.
"""

from __future__ import annotations

from typing import ClassVar

from pytorrent.filters.base import COMMENT, FUNCTION, Record, UnitFilter
from pytorrent.filters.text import code_lines

#: The ASCII characters `str.isspace` / `str.isalnum` accept: on ASCII code (nearly all) the
#: counts are two `bytes.translate` calls instead of a Python loop over every character.
_ASCII_SPACE = bytes(c for c in range(128) if chr(c).isspace())
_ASCII_ALNUM = bytes(c for c in range(128) if chr(c).isalnum())


def visible_and_alphanumeric(code: str) -> tuple[int, int]:
    """Characters of `code` that are not whitespace, and how many of them are alphanumeric."""
    if code.isascii():
        data = code.encode("ascii")
        return len(data.translate(None, _ASCII_SPACE)), len(data) - len(
            data.translate(None, _ASCII_ALNUM)
        )
    chars = [c for c in code if not c.isspace()]
    return len(chars), sum(c.isalnum() for c in chars)


def _bare_code(record: Record) -> str:
    bare = record.get("code_without_comments")
    return str(bare if bare is not None else record.get("code", ""))


class ShortCode(UnitFilter):
    name: ClassVar[str] = "short_code"

    def __init__(self, min_function_lines: int = 3, min_comment_lines: int = 1) -> None:
        self.minimum = {FUNCTION: min_function_lines, COMMENT: min_comment_lines}

    def drops(self, record: Record) -> bool:
        return len(code_lines(_bare_code(record))) < self.minimum[record["kind"]]


class LongLines(UnitFilter):
    name: ClassVar[str] = "long_lines"

    def __init__(
        self, max_length: int = 1000, max_mean_length: float = 100.0, mean_min_lines: int = 5
    ) -> None:
        self.max_length = max_length
        self.max_mean_length = max_mean_length
        self.mean_min_lines = mean_min_lines

    def drops(self, record: Record) -> bool:
        lengths = [len(line) for line in str(record.get("code", "")).splitlines()]
        if not lengths:
            return False
        if max(lengths) > self.max_length:
            return True
        return (
            len(lengths) >= self.mean_min_lines
            and sum(lengths) / len(lengths) > self.max_mean_length
        )


class LowAlphanumeric(UnitFilter):
    name: ClassVar[str] = "low_alphanumeric"

    def __init__(self, min_fraction: float = 0.25) -> None:
        self.min_fraction = min_fraction

    def drops(self, record: Record) -> bool:
        visible, alphanumeric = visible_and_alphanumeric(str(record.get("code", "")))
        if not visible:
            return False
        return alphanumeric / visible < self.min_fraction

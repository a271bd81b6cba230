"""`too_long`: per-unit caps on lines and code tokens.

A comment above `class Series` makes a comment unit of pandas' whole 10,146-line class; a
function of coordinate tables runs to 33k tokens. Such pairs are not "this text describes
this code", and one of them outweighs thousands of ordinary units in training. A unit is
dropped when its `code` has more than `max_lines` lines (decorators and comments
included, the docstring not) or more than `max_tokens` code tokens. The defaults sit above the
99.9th percentile of function units in the installed environment (348 lines, 1,527
tokens; docs/dedup.md gives the measured distribution), so only the far tail goes.
"""

from __future__ import annotations

from typing import ClassVar

from pytorrent.filters.base import Record, UnitFilter

#: Defaults, chosen from the measured distribution (docs/dedup.md, "Length caps").
MAX_UNIT_LINES = 500
MAX_UNIT_TOKENS = 2000


def unit_lines(record: Record) -> int:
    """Lines of the unit's `code`: comments kept, the docstring not (pandas' `read_csv` is
    563 lines long, most of them the documentation a function unit pairs with its code)."""
    return len(str(record.get("code", "")).splitlines())


class TooLong(UnitFilter):
    name: ClassVar[str] = "too_long"

    def __init__(self, max_lines: int = MAX_UNIT_LINES, max_tokens: int = MAX_UNIT_TOKENS) -> None:
        self.max_lines = max_lines
        self.max_tokens = max_tokens

    def drops(self, record: Record) -> bool:
        return (
            unit_lines(record) > self.max_lines
            or len(record.get("code_tokens") or ()) > self.max_tokens
        )

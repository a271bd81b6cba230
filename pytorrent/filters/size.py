"""`too_long`: per-unit caps on lines and code tokens.

A comment above `class Series` makes a comment unit of pandas' whole 10,146-line class; a
function of coordinate tables runs to 33k tokens. Such pairs are not "this text describes
this code", and one of them outweighs thousands of ordinary units in training. A unit is
dropped when it spans more than `max_lines` source lines (start to end, decorators and
comments included) or has more than `max_tokens` code tokens. The defaults sit above the
99.9th percentile of the installed environment's units (docs/dedup.md gives the measured
distribution), so only the far tail goes.
"""

from __future__ import annotations

from typing import ClassVar

from pytorrent.filters.base import Record, UnitFilter

#: Defaults, chosen from the measured distribution (docs/dedup.md, "Length caps").
MAX_UNIT_LINES = 500
MAX_UNIT_TOKENS = 4000


def unit_lines(record: Record) -> int:
    """Source lines the unit spans, both ends included."""
    return int(record.get("end_line", 0)) - int(record.get("start_line", 0)) + 1


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

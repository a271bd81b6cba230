"""Function units start at their decorator or `def` column, so methods parse on their own.

A method's rows keep their class indentation in the file. A unit's text drops the leading
whitespace of its first row (`prefix`) from every row of the unit that starts with exactly
that prefix, except rows inside a multi-line string literal, whose text is the string's
value and stays as written. Rows that do not start with the prefix (blank rows, rows of a
bracketed continuation or comments written further left) stay as written: Python ignores
their indentation, so the unit still parses. docs/extraction.md, "Unit text", describes it.
"""

from __future__ import annotations

import tokenize
from dataclasses import dataclass

from pytorrent.extract.tokens import FileTokens, Token

Range = tuple[int, int, int, int]  # (start_row, start_col, end_row, end_col)


@dataclass(frozen=True, slots=True)
class Dedent:
    """Rows first..last of a file with `prefix` removed where it applies."""

    first_row: int
    lines: list[str]
    shifts: list[int]  # characters removed from the start of each row

    def column(self, row: int, col: int) -> int:
        """Column `col` of file row `row` in the dedented text."""
        return max(0, col - self.shifts[row - self.first_row])


def _string_interior_rows(span: list[Token]) -> set[int]:
    """Rows that continue a multi-line string literal (every row after its first)."""
    rows: set[int] = set()
    for tok in span:
        if tok[0] == tokenize.STRING and tok[3][0] > tok[2][0]:
            rows.update(range(tok[2][0] + 1, tok[3][0] + 1))
    return rows


def dedent_unit(tokens: FileTokens, first_row: int, last_row: int, span: list[Token]) -> Dedent:
    """The unit's rows without the indentation of its first row (see the module docstring)."""
    lines = tokens.lines[first_row - 1 : last_row]
    head = lines[0] if lines else ""
    prefix = head[: len(head) - len(head.lstrip(" \t\f"))]
    if not prefix:
        return Dedent(first_row, list(lines), [0] * len(lines))
    keep = _string_interior_rows(span)
    out: list[str] = []
    shifts: list[int] = []
    for row, line in enumerate(lines, start=first_row):
        if row not in keep and line.startswith(prefix):
            out.append(line[len(prefix) :])
            shifts.append(len(prefix))
        else:
            out.append(line)
            shifts.append(0)
    return Dedent(first_row, out, shifts)


def cut_rows(
    tokens: FileTokens,
    first_row: int,
    last_row: int,
    ranges: list[Range],
    dedent: Dedent | None = None,
) -> str:
    """Text of rows first..last with the given (row, col) ranges removed (after `dedent`)."""
    lines = dedent.lines if dedent else tokens.lines[first_row - 1 : last_row]
    if not ranges:
        return "".join(lines)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    text = "".join(lines)

    def offset(row: int, col: int) -> int:
        if row > last_row:
            return offsets[-1]
        return offsets[row - first_row] + (dedent.column(row, col) if dedent else col)

    pieces: list[str] = []
    position = 0
    for r0, c0, r1, c1 in sorted(ranges):
        start, end = offset(r0, c0), offset(r1, c1)
        if start < position:
            start = position
        if end <= start:
            continue
        pieces.append(text[position:start])
        position = end
    pieces.append(text[position:])
    return "".join(pieces)

"""Data, not code: units and files that are mostly literal values.

chardet's language models (4,100-line dicts under a "3: Positive" comment), scipy's
`get_lebedev_sphere` (33k tokens of coordinates) and matplotlib's colormap tables pair
natural language with numbers. The measure is token based, so it needs no parse: a
*literal run* is a maximal run of tokens that are numbers, strings, `None`/`True`/`False`
and the punctuation of displays (`, : ( ) [ ] { } + -`); the share of the code's characters
inside runs holding at least two values and a comma is the literal share.

- `data_literal` (unit): the longest run holds over `max_literal_share` (0.8) of the
  code's characters, in a unit of at least `literal_min_tokens` (50) tokens: a short
  loop over a list of five keys is code.
- `data_file` (file, before parsing): every run together holds over
  `max_file_literal_share` (0.9) of a file of at least `data_file_min_lines` (200)
  lines. Only files where most lines start like a display's element (a quote, digit,
  bracket) are tokenized, so ordinary files cost one pass over their line starts. The
  file share is stricter than the unit share: lexer modules of pygments are 82-89%
  keyword tables but also hold real lexer code, which the unit filter judges unit by unit.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable
from typing import ClassVar

from pytorrent.filters.base import FileFilter, Record, UnitFilter

_NUMBER = re.compile(r"^\.?\d[\w.]*(?:[eE][+-]?\d+)?[jJ]?$")
_STRING = re.compile(r"^[rRbBuUfF]{0,2}['\"]")
_PUNCT = frozenset({",", ":", "(", ")", "[", "]", "{", "}", "+", "-"})
_NAMED = frozenset({"None", "True", "False"})


def _is_value(token: str) -> bool:
    return token in _NAMED or bool(_NUMBER.match(token)) or bool(_STRING.match(token))


def literal_runs(tokens: Iterable[str]) -> tuple[list[int], int]:
    """(characters of each literal run holding two or more values and a comma, characters
    of all tokens). The comma is what makes a display: `None): "docstring"` is no table."""
    runs: list[int] = []
    total = run = values = commas = 0
    for token in tokens:
        size = len(token)
        total += size
        value = _is_value(token)
        if value or token in _PUNCT:
            run += size
            values += value
            commas += token == ","
            continue
        if values >= 2 and commas:
            runs.append(run)
        run = values = commas = 0
    if values >= 2 and commas:
        runs.append(run)
    return runs, total


def longest_literal_share(tokens: Iterable[str]) -> float:
    """Share of the characters of `tokens` in their longest literal run."""
    runs, total = literal_runs(tokens)
    return max(runs, default=0) / total if total else 0.0


def _code_tokens(source: str) -> Iterable[str]:
    """Token strings of `source` without comments and layout; stops quietly at an error."""
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type not in skip and token.string:
                yield token.string
    except (tokenize.TokenError, SyntaxError):
        return


def file_literal_share(source: str) -> float:
    """Share of a file's code characters inside literal runs (docstrings alone do not count:
    a run needs two values)."""
    runs, total = literal_runs(_code_tokens(source))
    return sum(runs) / total if total else 0.0


_DATA_LINE_START = frozenset("0123456789'\"-+([{)]}.")


def _mostly_data_lines(source: str) -> bool:
    """Cheap gate before tokenizing: most non-blank lines start like a display's element."""
    starts = [line.lstrip()[:1] for line in source.splitlines()]
    starts = [c for c in starts if c and c != "#"]
    return sum(c in _DATA_LINE_START for c in starts) * 2 >= len(starts) > 0


def data_file_marker(source: str | None, min_lines: int, max_share: float) -> str | None:
    """'N% literals' for a file of at least `min_lines` lines that is mostly data, else None."""
    if source is None or source.count("\n") < min_lines or not _mostly_data_lines(source):
        return None
    share = file_literal_share(source)
    return f"{share:.0%} literals" if share > max_share else None


class DataLiteral(UnitFilter):
    name: ClassVar[str] = "data_literal"

    def __init__(self, max_share: float = 0.8, min_tokens: int = 50) -> None:
        self.max_share = max_share
        self.min_tokens = min_tokens

    def drops(self, record: Record) -> bool:
        tokens = record.get("code_tokens") or ()
        if len(tokens) < self.min_tokens:
            return False
        return longest_literal_share(tokens) > self.max_share


class DataFile(FileFilter):
    name: ClassVar[str] = "data_file"

    def __init__(self, min_lines: int = 200, max_share: float = 0.9) -> None:
        self.min_lines = min_lines
        self.max_share = max_share

    def marker(self, path: str, head: str | None, source: str | None = None) -> str | None:
        return data_file_marker(source, self.min_lines, self.max_share)

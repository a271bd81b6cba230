"""CodeSearchNet's "docstring shorter than 3 tokens" rule, made to fit both unit kinds.

A function unit's natural language is its docstring; a comment unit has no docstring and
its natural language is the comment block in `comments`. So the rule is two steps:

- `short_docstring` (function units): drop when the docstring has 1 to `min_tokens`-1
  tokens ("TODO.", "Deprecated"): a docstring too short to describe anything. Functions
  with no docstring at all are kept unless `require_docstring` is set (CodeSearchNet's
  exact rule): they still pair code with comments in ACS 1/2/4, and each ACS view already
  skips units whose X is empty.
- `short_comment` (comment units): drop when the comment block has fewer than
  `min_tokens` tokens ("# loop", "# fix").
"""

from __future__ import annotations

from typing import ClassVar

from pytorrent.filters.base import COMMENT, FUNCTION, Record, UnitFilter
from pytorrent.filters.text import words


def docstring_token_count(record: Record) -> int:
    """Tokens of the docstring: the extractor's `docstring_tokens`, else its words."""
    tokens = record.get("docstring_tokens")
    if tokens is not None:
        return len(tokens)
    return len(words(record.get("docstring") or ""))


class ShortDocstring(UnitFilter):
    name: ClassVar[str] = "short_docstring"
    kinds: ClassVar[frozenset[str]] = frozenset({FUNCTION})

    def __init__(self, min_tokens: int = 3, require_docstring: bool = False) -> None:
        self.min_tokens = min_tokens
        self.require_docstring = require_docstring

    def drops(self, record: Record) -> bool:
        count = docstring_token_count(record)
        if count == 0:
            return self.require_docstring
        return count < self.min_tokens


class ShortComment(UnitFilter):
    name: ClassVar[str] = "short_comment"
    kinds: ClassVar[frozenset[str]] = frozenset({COMMENT})

    def __init__(self, min_tokens: int = 3) -> None:
        self.min_tokens = min_tokens

    def drops(self, record: Record) -> bool:
        return len(words(" ".join(record.get("comments") or ()))) < self.min_tokens

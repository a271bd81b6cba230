"""The file's tokens from CPython 3.11's C tokenizer, identical to the pure-Python pass.

On Python 3.11 `tokenize.generate_tokens` is a regex tokenizer written in Python: it took
15% of a build. The parser's own C tokenizer (`_tokenize.TokenizerIter`) gives the same code
tokens 20x faster, but with C token types, UTF-8 byte columns and no comments. This module
maps types (operators -> OP), turns byte columns into characters on non-ASCII lines, and
finds comments as the `#` of a line that no token covers (a comment is always the last thing
on its row). Anything it cannot reproduce exactly returns None and the caller uses
`tokenize`; tests/extract/test_ctokens_parity.py compares both over real files.
"""

from __future__ import annotations

import bisect
import importlib
import re
import sys
import tokenize
from collections.abc import Callable, Iterable
from typing import Any

#: (type, string, start, end, line): `tokenize.TokenInfo`'s fields, as a plain tuple.
Token = tuple[int, str, tuple[int, int], tuple[int, int], str]
#: (row, col, text) of a comment, and (start_row, start_col, end_row) of a logical line.
CommentAt = tuple[int, int, str]
LogicalAt = tuple[int, int, int]

_OP = tokenize.OP
_NAME, _NUMBER, _STRING = tokenize.NAME, tokenize.NUMBER, tokenize.STRING
_NEWLINE, _INDENT, _DEDENT, _ENDMARKER = (
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENDMARKER,
)
#: C exact types of operators are the numbers between DEDENT and OP (token.py's numbering).
_FIRST_OPERATOR, _LAST_OPERATOR = tokenize.DEDENT + 1, tokenize.OP
_PLAIN_KINDS = frozenset({_NAME, _NUMBER, _STRING})
_SKIPPED_KINDS = frozenset({_INDENT, _DEDENT, _ENDMARKER})
#: 3.11's C tokenizer types `async` and `await` as ASYNC/AWAIT; `tokenize` gives NAME.
_NAME_KINDS = frozenset({getattr(tokenize, "ASYNC", -1), getattr(tokenize, "AWAIT", -1)})
#: What the pure tokenizer reads as a name; other identifier characters it splits off.
_PURE_NAME = re.compile(r"\w+")


def _c_tokenizer() -> Callable[[str], Iterable[tuple[Any, ...]]] | None:
    """3.11's TokenizerIter (its output format is what this module reads); None elsewhere:
    3.12+ `tokenize` already runs in C, 3.10 has no iterator."""
    if (sys.version_info.major, sys.version_info.minor) != (3, 11):
        return None
    try:
        module = importlib.import_module("_tokenize")
    except ImportError:
        return None
    tokenizer: Callable[[str], Iterable[tuple[Any, ...]]] | None
    tokenizer = getattr(module, "TokenizerIter", None)
    return tokenizer


_TOKENIZER = _c_tokenizer()


def _char_col(line: str, byte_col: int) -> int:
    return len(line.encode("utf-8")[:byte_col].decode("utf-8"))


def c_tokens(
    source: str, lines: list[str]
) -> tuple[list[Token], list[int], list[LogicalAt], list[CommentAt]] | None:
    """(tokens with comments, their rows, logical lines, comments) of valid `source`, as the
    pure tokenizer gives them; None when this fast path does not apply or cannot be sure."""
    if _TOKENIZER is None:
        return None
    try:
        found = _code_tokens(_TOKENIZER(source), lines)
    except (SyntaxError, UnicodeError, ValueError, IndexError):
        return None
    if found is None:
        return None
    tokens, rows, logical = found
    comments = _comments(lines, tokens, rows)
    if comments is None:
        return None
    if comments:
        tokens, rows = _merge(tokens, rows, comments, lines)
    return tokens, rows, logical, comments


def _code_tokens(
    raw: Iterable[tuple[Any, ...]], lines: list[str]
) -> tuple[list[Token], list[int], list[LogicalAt]] | None:
    tokens: list[Token] = []
    rows: list[int] = []
    logical: list[LogicalAt] = []
    append_token, append_row = tokens.append, rows.append
    line_start: tuple[int, int] | None = None
    first_operator, last_operator, op = _FIRST_OPERATOR, _LAST_OPERATOR, _OP
    plain_kinds, skipped_kinds = _PLAIN_KINDS, _SKIPPED_KINDS
    newline = _NEWLINE
    for text, kind, row, end_row, col, end_col, _ in raw:
        if first_operator <= kind <= last_operator:
            kind = op
        elif kind not in plain_kinds:
            if kind == newline:
                if line_start is not None:
                    logical.append((line_start[0], line_start[1], row))
                line_start = None
                continue
            if kind in skipped_kinds:
                continue
            if kind not in _NAME_KINDS:
                return None  # a token type the pure tokenizer may render differently
            kind = _NAME  # 3.11's C tokenizer marks async/await
        line = lines[row - 1]
        if not line.isascii():
            if kind == _NAME and not _PURE_NAME.fullmatch(text):
                return None  # the pure tokenizer splits such a name into error tokens
            col = _char_col(line, col)
            if end_row == row:
                end_col = col + len(text)
        if end_row != row:
            end_line = lines[end_row - 1]
            if not end_line.isascii():
                end_col = _char_col(end_line, end_col)
        start = (row, col)
        if line_start is None:
            line_start = start
        append_token((kind, text, start, (end_row, end_col), line))
        append_row(row)
    return tokens, rows, logical


def _comments(lines: list[str], tokens: list[Token], rows: list[int]) -> list[CommentAt] | None:
    """Every `#` comment: the first `#` on a row outside the tokens, to the end of the row."""
    comments: list[CommentAt] = []
    for index, line in enumerate(lines):
        if "#" not in line:
            continue
        row = index + 1
        lo = bisect.bisect_left(rows, row)
        hi = bisect.bisect_right(rows, row, lo)
        position = line.find("#")
        # the token before this row may run into it (a multi-line string)
        for token in tokens[max(lo - 1, 0) : hi]:
            end_row, end_col = token[3]
            if end_row < row or (end_row == row and end_col <= position):
                continue  # ends before the `#`
            start_row, start_col = token[2]
            if start_row == row and start_col > position:
                return None  # code after a comment on its row: not a comment after all
            if end_row > row:
                position = -1
                break
            position = line.find("#", end_col)
            if position < 0:
                break
        if position >= 0:
            comments.append((row, position, line[position:].rstrip("\r\n")))
    return comments


def _merge(
    tokens: list[Token], rows: list[int], comments: list[CommentAt], lines: list[str]
) -> tuple[list[Token], list[int]]:
    """Comments into the token list, each after the tokens starting on its row."""
    merged: list[Token] = []
    merged_rows: list[int] = []
    taken = 0
    comment_kind = tokenize.COMMENT
    for row, col, text in comments:
        cut = bisect.bisect_right(rows, row, taken)
        merged.extend(tokens[taken:cut])
        merged_rows.extend(rows[taken:cut])
        taken = cut
        merged.append((comment_kind, text, (row, col), (row, col + len(text)), lines[row - 1]))
        merged_rows.append(row)
    merged.extend(tokens[taken:])
    merged_rows.extend(rows[taken:])
    return merged, merged_rows

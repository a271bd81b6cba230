"""One tokenize pass per file: logical lines, comments and code tokens, with positions.

libcst gives structure but no positions without its costly metadata wrapper (docs/architecture.md, "Measured facts").
Python's tokenizer is cheap and gives rows for everything: every statement header and simple
statement ends in exactly one NEWLINE token, in the same order libcst lists statements, so
`structure.py` maps statements to rows by counting logical lines. Comments and the tokens of
`code_tokens` come from the same pass.
"""

from __future__ import annotations

import bisect
import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import NamedTuple

from pytorrent.extract.ctokens import Token as Token
from pytorrent.extract.ctokens import c_tokens

_SKIPPED_TYPES = frozenset(
    {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
)
_FSTRING_START = getattr(tokenize, "FSTRING_START", -1)
_FSTRING_END = getattr(tokenize, "FSTRING_END", -1)
_TSTRING_START = getattr(tokenize, "TSTRING_START", -2)
_TSTRING_END = getattr(tokenize, "TSTRING_END", -2)

# CodeSearchNet's docstring tokenizer (function_parser), kept verbatim for compatibility.
DOCSTRING_TOKENIZER = re.compile(
    r"[^\s,'\"`.():\[\]=*;>{\}+-/\\]+|\\+|\.+|\(\)|{\}|\[\]|\(+|\)+|:+|\[+|\]+|{+|\}+|=+|\*+|;+|>+|\++|-+|/+"
)


def docstring_tokens(text: str) -> list[str]:
    """Tokenize natural language the way CodeSearchNet did (case kept)."""
    return [t for t in DOCSTRING_TOKENIZER.findall(text) if t]


#: A token is `tokenize.TokenInfo`'s tuple (type, string, start, end, line), read by index
#: (`tok[0]` type, `tok[1]` text, `tok[2]`/`tok[3]` (row, col) of start/end): the C fast
#: path builds plain tuples, the `tokenize` pass keeps its own objects (re-wrapping each one
#: cost 10% of extraction time). f-strings split by Python >= 3.12 are merged back into one
#: STRING token.


class LogicalLine(NamedTuple):
    """Rows of one logical line (a statement or a compound-statement header)."""

    start_row: int
    start_col: int
    end_row: int


class Comment(NamedTuple):
    """A `#` comment; `full_line` when nothing but whitespace precedes it on its row."""

    row: int
    col: int
    text: str
    full_line: bool


@dataclass(slots=True)
class FileTokens:
    """Everything the extractor needs from one tokenize pass over a file."""

    lines: list[str]
    tokens: list[Token] = field(default_factory=list)
    token_rows: list[int] = field(default_factory=list)
    logical_lines: list[LogicalLine] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    logical_starts: list[int] = field(default_factory=list)

    def tokens_between(self, first_row: int, last_row: int) -> list[Token]:
        """Tokens (comments included) starting on rows first_row..last_row."""
        lo = bisect.bisect_left(self.token_rows, first_row)
        hi = bisect.bisect_right(self.token_rows, last_row)
        return self.tokens[lo:hi]

    def text(self, first_row: int, last_row: int) -> str:
        """Source text of rows first_row..last_row (1-based, inclusive)."""
        return "".join(self.lines[first_row - 1 : last_row])


def split_lines(source: str) -> list[str]:
    """Lines with their "\\n" kept; only "\\n" separates lines (form feeds do not)."""
    lines = source.split("\n")
    result = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        result.append(lines[-1])
    return result


def tokenize_file(source: str) -> FileTokens:
    """Tokenize `source` once. Raises tokenize.TokenError/SyntaxError on invalid input.

    The C tokenizer's fast path (ctokens.py) gives the same tokens where it applies."""
    lines = split_lines(source)
    fast = c_tokens(source, lines)
    if fast is not None:
        tokens, rows, logical, comments = fast
        logical_lines = [LogicalLine(*at) for at in logical]
        return FileTokens(
            lines,
            tokens,
            rows,
            logical_lines,
            [Comment(r, c, text, not lines[r - 1][:c].strip()) for r, c, text in comments],
            [at[0] for at in logical],
        )
    return _pure_tokens(source, lines)


def _pure_tokens(source: str, lines: list[str]) -> FileTokens:
    """The `tokenize` pass (the reference the fast path matches)."""
    result = FileTokens(lines=lines)
    tokens = result.tokens
    rows = result.token_rows
    logical = result.logical_lines
    comments = result.comments
    line_start: tuple[int, int] | None = None
    fstring_depth = 0
    fstring_begin: tuple[int, int] = (0, 0)
    comment_kind, newline_kind, string_kind = tokenize.COMMENT, tokenize.NEWLINE, tokenize.STRING
    special = _SKIPPED_TYPES | {comment_kind, _FSTRING_START, _FSTRING_END, _TSTRING_START,
                                _TSTRING_END, tokenize.ERRORTOKEN}  # fmt: skip
    append_token = tokens.append
    append_row = rows.append
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        kind = tok[0]
        if kind not in special:
            if fstring_depth:
                continue
            start = tok[2]
            if line_start is None:
                line_start = start
            append_token(tok)
            append_row(start[0])
            continue
        if kind in (_FSTRING_START, _TSTRING_START):
            if fstring_depth == 0:
                fstring_begin = tok.start
                if line_start is None:
                    line_start = tok.start
            fstring_depth += 1
        elif kind in (_FSTRING_END, _TSTRING_END):
            fstring_depth -= 1
            if fstring_depth == 0:
                text = _slice(lines, fstring_begin, tok.end)
                append_token(tokenize.TokenInfo(string_kind, text, fstring_begin, tok.end, ""))
                append_row(fstring_begin[0])
        elif fstring_depth:
            continue
        elif kind == comment_kind:
            row, col = tok.start
            full_line = not lines[row - 1][:col].strip()
            comments.append(Comment(row, col, tok.string, full_line))
            append_token(tok)
            append_row(row)
        elif kind == newline_kind:
            if line_start is not None:
                logical.append(LogicalLine(line_start[0], line_start[1], tok.start[0]))
            line_start = None
        elif kind == tokenize.ERRORTOKEN and tok.string.strip():
            if line_start is None:
                line_start = tok.start
            append_token(tok)
            append_row(tok.start[0])
    result.logical_starts = [ll.start_row for ll in logical]
    return result


def _slice(lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    if start[0] == end[0]:
        return lines[start[0] - 1][start[1] : end[1]]
    parts = [lines[start[0] - 1][start[1] :]]
    parts.extend(lines[start[0] : end[0] - 1])
    parts.append(lines[end[0] - 1][: end[1]])
    return "".join(parts)


def indent_width(prefix: str) -> int:
    """Indentation width as Python computes it (tabs to multiples of 8, form feed resets)."""
    width = 0
    for char in prefix:
        if char == "\t":
            width = (width // 8 + 1) * 8
        elif char == "\f":
            width = 0
        else:
            width += 1
    return width

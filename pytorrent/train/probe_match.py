"""Which opener each closing bracket or quote of Python source closes.

A forgiving scanner rather than Python's tokenizer, which stops at the first error: model
samples and truncated text are full of errors and must still be measured. Strings (any
prefix, one or three quotes, backslash escapes) and comments hide the brackets inside them;
f-string (and t-string) replacement fields are code again, so strings nest inside strings.
A closer that does not match the innermost opener closes the nearest matching opener of the
same string level and abandons those above it; with none it is a stray closer.

Positions are indices into the text: an opener or closer is the first character of its
delimiter (the quote, not the string prefix; the first of three quotes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = {")": "(", "]": "[", "}": "{"}
QUOTES = ("'", '"')
STRING_PREFIXES = frozenset({"r", "u", "b", "f", "t", "br", "rb", "fr", "rf", "tr", "rt"})


@dataclass(frozen=True)
class Pair:
    """An opener at `opener` closed by `delimiter` (`)`, `]`, `}` or the quote) at `closer`."""

    opener: int
    closer: int
    delimiter: str

    @property
    def distance(self) -> int:
        return self.closer - self.opener

    @property
    def is_quote(self) -> bool:
        return self.delimiter[0] in QUOTES


@dataclass(frozen=True)
class Matches:
    """Every closer of a text with its opener, and what did not pair up."""

    pairs: tuple[Pair, ...]  # in the order of their closers
    stray: tuple[int, ...]  # closing brackets that close nothing
    abandoned: tuple[int, ...]  # openers skipped by an outer closer; strings cut by their line
    open_at_end: tuple[int, ...]  # openers (brackets or strings) still open at the end

    @property
    def well_nested(self) -> bool:
        """No closer was wrong so far: what is still open may close after the text ends."""
        return not (self.stray or self.abandoned)

    @property
    def balanced(self) -> bool:
        return self.well_nested and not self.open_at_end


@dataclass
class _Frame:
    kind: str  # "bracket", "field" (an f-string's `{`), "spec" (its format spec), "string"
    position: int
    delimiter: str  # the bracket character, or the quote text of a string
    fstring: bool = False


@dataclass
class _Scan:
    text: str
    stack: list[_Frame] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    stray: list[int] = field(default_factory=list)
    abandoned: list[int] = field(default_factory=list)

    def close(self, frame: _Frame, at: int, delimiter: str) -> None:
        self.pairs.append(Pair(frame.position, at, delimiter))


def _string_prefix(text: str, quote_at: int) -> str:
    """The string prefix (`rb`, `f`, ...) written just before the quote, or ''."""
    start = quote_at
    while start > 0 and quote_at - start < 3 and _identifier_char(text[start - 1]):
        start -= 1
    prefix = text[start:quote_at]
    if start > 0 and _identifier_char(text[start - 1]):
        return ""
    return prefix if prefix.lower() in STRING_PREFIXES else ""


def _identifier_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _close_bracket(scan: _Scan, closer: str, at: int) -> None:
    """Close the nearest matching opener above the innermost string, else count a stray."""
    wanted = CLOSERS[closer]
    for depth in range(len(scan.stack) - 1, -1, -1):
        frame = scan.stack[depth]
        if frame.kind == "string":
            break
        if frame.kind in ("bracket", "field") and frame.delimiter == wanted:
            for skipped in scan.stack[depth + 1 :]:
                if skipped.kind != "spec":
                    scan.abandoned.append(skipped.position)
            del scan.stack[depth:]
            scan.close(frame, at, closer)
            return
    scan.stray.append(at)


def _in_code(scan: _Scan, i: int) -> int:
    """Scan one step of code (outside strings); return the next index."""
    text, char = scan.text, scan.text[i]
    if char == "#":
        end = text.find("\n", i)
        return len(text) if end < 0 else end
    if char in QUOTES:
        prefix = _string_prefix(text, i).lower()
        quote = char * 3 if text.startswith(char * 3, i) else char
        fstring = "f" in prefix or "t" in prefix
        scan.stack.append(_Frame("string", i, quote, fstring))
        return i + len(quote)
    if char in OPENERS:
        scan.stack.append(_Frame("bracket", i, char))
    elif char in CLOSERS:
        _close_bracket(scan, char, i)
    elif char == ":" and scan.stack and scan.stack[-1].kind == "field":
        scan.stack.append(_Frame("spec", i, ":"))
    elif char == "\\":
        return i + 2
    return i + 1


def _in_string(scan: _Scan, frame: _Frame, i: int) -> int:
    text, char = scan.text, scan.text[i]
    if char == "\\":
        # An escaped brace of an f-string is still a brace (Python warns, then uses the field).
        braced = frame.fstring and text[i + 1 : i + 2] in ("{", "}")
        return i + 1 if braced else i + 2
    if text.startswith(frame.delimiter, i):
        scan.stack.pop()
        scan.close(frame, i, frame.delimiter)
        return i + len(frame.delimiter)
    if char == "\n" and len(frame.delimiter) == 1:
        scan.stack.pop()
        scan.abandoned.append(frame.position)
        return i + 1
    if frame.fstring and char in "{}":
        if text.startswith(char * 2, i):
            return i + 2
        if char == "{":
            scan.stack.append(_Frame("field", i, "{"))
    return i + 1


def _in_spec(scan: _Scan, i: int) -> int:
    """A replacement field's format spec: text, except nested fields and the closing `}`."""
    char = scan.text[i]
    if char == "{":
        scan.stack.append(_Frame("field", i, "{"))
    elif char == "}":
        scan.stack.pop()
        field_frame = scan.stack.pop()
        scan.close(field_frame, i, "}")
    return i + 1


def match(text: str) -> Matches:
    """Pair every closing bracket and quote of `text` with its opener; never raises."""
    scan = _Scan(text)
    i = 0
    while i < len(text):
        top = scan.stack[-1] if scan.stack else None
        if top is None or top.kind in ("bracket", "field"):
            i = _in_code(scan, i)
        elif top.kind == "string":
            i = _in_string(scan, top, i)
        else:
            i = _in_spec(scan, i)
    return Matches(
        pairs=tuple(scan.pairs),
        stray=tuple(scan.stray),
        abandoned=tuple(scan.abandoned),
        open_at_end=tuple(f.position for f in scan.stack if f.kind != "spec"),
    )

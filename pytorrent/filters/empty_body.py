"""Function units whose body does nothing: `pass`, `...`, `raise NotImplementedError`.

Abstract methods, protocol stubs and placeholders pair a docstring with no code, which
teaches a model nothing about code. The check reads `code_tokens` (comments and docstring
already excluded), so it needs no parse and works for any unit the extractor produced.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from pytorrent.dedup.tokens import normalize_code_tokens
from pytorrent.filters.base import FUNCTION, Record, UnitFilter

_OPEN = {"(", "[", "{"}
_CLOSE = {")", "]", "}"}


def body_tokens(tokens: Sequence[str]) -> list[str] | None:
    """Tokens after the colon that ends the `def` header, or None without a header."""
    try:
        start = list(tokens).index("def")
    except ValueError:
        return None
    depth = 0
    for i in range(start + 1, len(tokens)):
        token = tokens[i]
        if token in _OPEN:
            depth += 1
        elif token in _CLOSE:
            depth -= 1
        elif token == ":" and depth == 0:
            return list(tokens[i + 1 :])
    return None


def is_empty_body(body: Sequence[str]) -> bool:
    """True when the body is only `pass`, `...`, `;` and `raise NotImplementedError[(...)]`."""
    i = 0
    while i < len(body):
        token = body[i]
        if token in {"pass", "...", ";"}:
            i += 1
        elif token == "raise" and i + 1 < len(body) and body[i + 1] == "NotImplementedError":
            i += 2
            if i < len(body) and body[i] == "(":
                depth = 0
                while i < len(body):
                    depth += body[i] in _OPEN
                    depth -= body[i] in _CLOSE
                    i += 1
                    if depth == 0:
                        break
        else:
            return False
    return True


class EmptyBody(UnitFilter):
    name: ClassVar[str] = "empty_body"
    kinds: ClassVar[frozenset[str]] = frozenset({FUNCTION})

    def drops(self, record: Record) -> bool:
        body = body_tokens(normalize_code_tokens(record.get("code_tokens") or ()))
        return body is not None and is_empty_body(body)

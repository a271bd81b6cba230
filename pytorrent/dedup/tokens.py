"""Token normalisation shared by dedup and decontamination."""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Iterable, Sequence

#: Names that say what code does, kept by `anonymize`: keywords and builtins.
KEPT_NAMES = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)
KEPT_NAMES |= frozenset(name for name in dir(builtins) if not name.startswith("_"))
PLACEHOLDER = "ID"


def normalize_code_tokens(tokens: Iterable[str]) -> list[str]:
    """Code tokens with comments and layout removed: the text exact and near dedup compare.

    `code_tokens` already excludes comments; this also drops whitespace-only tokens
    (NEWLINE/INDENT when an extractor keeps them) and any `#` comment that slipped through,
    so two units differing only in comments or formatting normalise to the same list.
    """
    return [t for t in tokens if t and not t.isspace() and not t.startswith("#")]


def is_local_name(token: str) -> bool:
    """An identifier a copy can rename freely: not a keyword or builtin."""
    return token.isidentifier() and token not in KEPT_NAMES


def anonymize(tokens: Sequence[str]) -> list[str]:
    """Tokens with local names (variables, parameters, functions) replaced by `ID`.

    Attribute names after a dot (`.append`) stay: like builtins, they say what the code
    does, while a renamed variable says nothing.
    """
    out: list[str] = []
    previous = ""
    for token in tokens:
        out.append(PLACEHOLDER if previous != "." and is_local_name(token) else token)
        previous = token
    return out

"""Token normalisation for overlap checks: words for text, anonymised identifiers for code.

Renaming variables is the cheapest way to disguise a copied solution, so code tokens are
compared with every identifier replaced by `ID`, except keywords, builtins (`len`,
`sorted`) and attribute names after a dot (`.append`), which carry what the code does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pytorrent.dedup.tokens import anonymize as anonymize

_WORD = re.compile(r"\w+")
_STRING_START = re.compile(r"^[rRbBuUfF]{0,2}['\"]")


def text_words(texts: Iterable[str]) -> list[str]:
    """Lower-cased word tokens of all texts, in order, without numbers and 1-letter words.

    Number runs ("1.0, 2.0, 3.0", "0, 1, 2, ..., 9") are in benchmark docstrings and in
    countless doctests alike: n-grams of them match everywhere and prove nothing.
    """
    return [
        w.lower() for text in texts for w in _WORD.findall(text) if len(w) > 1 and not w.isdigit()
    ]


def string_literals(tokens: Iterable[str]) -> list[str]:
    """The string literal tokens of code (text hidden in code, e.g. embedded prompts)."""
    return [t for t in tokens if _STRING_START.match(t)]

"""Small text helpers shared by the filters."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Word tokens (runs of letters, digits and underscores), as CodeSearchNet counts them."""
    return _WORD.findall(text)


def code_lines(text: str) -> list[str]:
    """Non-blank lines."""
    return [line for line in text.splitlines() if line.strip()]

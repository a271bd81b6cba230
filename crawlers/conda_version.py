"""conda's version ordering (conda's `VersionOrder`), so "latest" means what conda means.

PEP 440 cannot parse many conda versions (`1.1_`, `2022a`, `1.0.0.post1.dev2`), and conda
orders some strings differently (`dev` first, `post` last, a trailing `_` between `dev` and
letters). Components compare number by number; strings sort before numbers.
"""

from __future__ import annotations

import functools
import re
from itertools import zip_longest

_VALID = re.compile(r"^[*.+!_0-9a-z]+$")
_SPLIT = re.compile(r"([0-9]+|[*]+|[^0-9*]+)")

Part = int | float | str


def _components(text: str) -> list[list[Part]]:
    """Split one dotted segment list into conda's comparable components."""
    if text.endswith("_"):
        # openssl-style `1.0.2_`: the trailing underscore stays part of the last component.
        pieces = text[:-1].replace("_", ".").split(".")
        pieces[-1] += "_"
    else:
        pieces = text.replace("_", ".").split(".")
    result: list[list[Part]] = []
    for piece in pieces:
        tokens = _SPLIT.findall(piece)
        if not tokens:
            raise ValueError(f"empty version component in {text!r}")
        parts: list[Part] = []
        for token in tokens:
            if token.isdigit():
                parts.append(int(token))
            elif token == "post":
                parts.append(float("inf"))
            elif token == "dev":
                parts.append("DEV")  # upper case sorts before every other (lower-case) string
            else:
                parts.append(token)
        if not piece[0].isdigit():
            parts.insert(0, 0)  # keep numbers and strings in phase
        result.append(parts)
    return result


def _compare_parts(a: Part, b: Part) -> int:
    if a == b:
        return 0
    if isinstance(a, str) and not isinstance(b, str):
        return -1
    if isinstance(b, str) and not isinstance(a, str):
        return 1
    return -1 if a < b else 1  # type: ignore[operator]


@functools.total_ordering
class VersionOrder:
    """A conda version string made comparable; raises ValueError for invalid versions."""

    def __init__(self, version: str) -> None:
        self.text = version
        text = version.strip().lower()
        if not text or not _VALID.match(text):
            raise ValueError(f"invalid conda version {version!r}")
        epoch, sep, rest = text.partition("!")
        if not sep:
            epoch, rest = "0", text
        elif not epoch.isdigit():
            raise ValueError(f"invalid epoch in conda version {version!r}")
        main, plus, local = rest.partition("+")
        if not main or (plus and not local):
            raise ValueError(f"invalid conda version {version!r}")
        self.version: list[list[Part]] = [[int(epoch)], *_components(main)]
        self.local: list[list[Part]] = _components(local) if plus else []

    def _cmp(self, other: VersionOrder) -> int:
        empty: list[Part] = []
        for mine, theirs in ((self.version, other.version), (self.local, other.local)):
            for left, right in zip_longest(mine, theirs, fillvalue=empty):
                for a, b in zip_longest(left, right, fillvalue=0):
                    result = _compare_parts(a, b)
                    if result:
                        return result
        return 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VersionOrder) and self._cmp(other) == 0

    def __lt__(self, other: VersionOrder) -> bool:
        return self._cmp(other) < 0

    def __repr__(self) -> str:
        return f"VersionOrder({self.text!r})"

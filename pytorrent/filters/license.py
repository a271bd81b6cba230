"""`--license`: keep only units whose package license the user accepts (e.g. permissive).

CodeParrot and The Stack built permissively licensed corpora by keeping repositories under
a list of licenses. Here a unit's `license` is its package's SPDX expression (normalised by
`pytorrent.metadata.licenses`), and an expression is accepted when the licenses it requires
are all accepted: `MIT OR GPL-3.0-only` needs one side, `MIT AND Zlib` both; an exception
(`Apache-2.0 WITH LLVM-exception`) only adds permissions, so its base license decides. A
unit without a resolved license is dropped: nothing says its use is allowed.
"""

from __future__ import annotations

import re
from typing import ClassVar

from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

from pytorrent.errors import ConfigError
from pytorrent.filters.base import Record, UnitFilter

#: `permissive`: licenses that allow use, change and redistribution with at most an
#: attribution or notice duty (no copyleft). Public-domain dedications count.
PERMISSIVE = (
    "0BSD", "Apache-2.0", "BlueOak-1.0.0", "BSD-2-Clause", "BSD-3-Clause", "BSL-1.0",
    "CC0-1.0", "CNRI-Python", "HPND", "ISC", "MIT", "MIT-0", "MIT-CMU", "NCSA", "PSF-2.0",
    "Python-2.0", "Unlicense", "UPL-1.0", "X11", "Zlib", "ZPL-2.1",
)  # fmt: skip
PERMISSIVE_NAME = "permissive"

_TOKEN = re.compile(r"\(|\)|[^\s()]+")


def parse_license_filter(text: str) -> tuple[str, ...]:
    """`--license MIT,Apache-2.0` or `permissive` (combinable) -> sorted canonical SPDX ids."""
    ids: set[str] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if part.lower() == PERMISSIVE_NAME:
            ids.update(PERMISSIVE)
            continue
        try:
            canonical = str(canonicalize_license_expression(part))
        except InvalidLicenseExpression:
            canonical = ""
        if not canonical or " " in canonical:
            raise ConfigError(
                f"--license takes SPDX license ids or {PERMISSIVE_NAME!r}, not {part!r}"
            )
        ids.add(canonical)
    if not ids:
        raise ConfigError(f"--license takes SPDX license ids or {PERMISSIVE_NAME!r}")
    return tuple(sorted(ids))


class _Parser:
    """Recursive descent over `or := and (OR and)*`, `and := atom (AND atom)*`,
    `atom := ( or ) | id [WITH exception]`, answering whether the expression is accepted."""

    def __init__(self, expression: str, accepted: frozenset[str]) -> None:
        self.tokens = _TOKEN.findall(expression)
        self.at = 0
        self.accepted = accepted

    def _peek(self) -> str:
        return self.tokens[self.at].upper() if self.at < len(self.tokens) else ""

    def parse(self) -> bool:
        value = self._or()
        if self.at != len(self.tokens):
            raise ValueError("trailing tokens")
        return value

    def _or(self) -> bool:
        value = self._and()
        while self._peek() == "OR":
            self.at += 1
            value = self._and() or value
        return value

    def _and(self) -> bool:
        value = self._atom()
        while self._peek() == "AND":
            self.at += 1
            value = self._atom() and value
        return value

    def _atom(self) -> bool:
        token = self._peek()
        if not token or token in {"AND", "OR", "WITH", ")"}:
            raise ValueError("expected a license")
        self.at += 1
        if token == "(":
            value = self._or()
            if self._peek() != ")":
                raise ValueError("unclosed parenthesis")
            self.at += 1
            return value
        if self._peek() == "WITH":
            self.at += 2
        return token in self.accepted


def expression_accepted(expression: str | None, accepted: frozenset[str]) -> bool:
    """True when the SPDX `expression` is satisfied by the `accepted` (upper-cased) ids."""
    if not expression:
        return False
    try:
        return _Parser(expression, accepted).parse()
    except ValueError:
        return False


class LicenseFilter(UnitFilter):
    name: ClassVar[str] = "license"

    def __init__(self, accepted: tuple[str, ...]) -> None:
        self.accepted = frozenset(license_id.upper() for license_id in accepted)
        self._verdicts: dict[str | None, bool] = {}

    def drops(self, record: Record) -> bool:
        expression = record.get("license")
        if expression not in self._verdicts:
            self._verdicts[expression] = not expression_accepted(expression, self.accepted)
        return self._verdicts[expression]

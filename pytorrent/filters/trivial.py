"""The trivial-package flag (Abdalkareem et al., FSE 2017: "Why do developers use trivial
packages?"): a package with at most 35 lines of code and a total McCabe cyclomatic
complexity of at most 10.

Sizes are summed over the package's function units outside tests and build scripts
(categories `core` and `init`), counting only outermost functions: a nested function's
lines and complexity are already inside its parent's metrics. Module-level statements
are not units; pass their source lines as `extra_sloc` when known. With no function
units at all, a package is trivial when `extra_sloc` is within the line limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_LOC = 35
MAX_COMPLEXITY = 10
_COUNTED_CATEGORIES = frozenset({"core", "init"})


@dataclass(frozen=True)
class PackageSize:
    """Source lines and total cyclomatic complexity of a package's outermost functions."""

    sloc: int
    complexity: int
    functions: int


def package_size(records: Iterable[Mapping[str, Any]]) -> PackageSize:
    """Sum the metrics of the outermost function units in core and init files."""
    spans: dict[str, list[tuple[int, int, Mapping[str, Any]]]] = {}
    for record in records:
        if record.get("kind") != "function" or record.get("category") not in _COUNTED_CATEGORIES:
            continue
        if not record.get("metrics"):
            continue
        spans.setdefault(record["path"], []).append(
            (int(record["start_line"]), -int(record["end_line"]), record["metrics"])
        )
    sloc = complexity = functions = 0
    for units in spans.values():
        units.sort(key=lambda unit: (unit[0], unit[1]))
        covered_to = 0
        for start, negative_end, metrics in units:
            if start <= covered_to:  # nested inside an already counted function
                continue
            covered_to = -negative_end
            sloc += int(metrics.get("sloc") or 0)
            complexity += int(metrics.get("cyclomatic_complexity") or 0)
            functions += 1
    return PackageSize(sloc, complexity, functions)


def is_trivial_package(
    records: Iterable[Mapping[str, Any]],
    *,
    extra_sloc: int = 0,
    max_loc: int = MAX_LOC,
    max_complexity: int = MAX_COMPLEXITY,
) -> bool:
    """True for a trivial package: <= `max_loc` lines and complexity <= `max_complexity`."""
    size = package_size(records)
    return size.sloc + extra_sloc <= max_loc and size.complexity <= max_complexity

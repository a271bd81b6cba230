"""Quality filters and decontamination of units, each counted by name (docs/architecture.md, "Data flow").

In a worker, per package::

    filters = UnitFilters(config)   # once per worker (loads the benchmark index)
    if filters.file_marker(path, first_lines(text), text): ...  # skip generated/data files early
    result = filters(records, file_heads={path: first_lines(text), ...})
    result.kept, result.drops, result.contaminated

`FilterConfig.none()` is `--no-filter`. `is_trivial_package(records)` gives the
per-package trivial flag. docs/dedup.md documents every filter with measured effects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytorrent.lazy import lazy_exports

if TYPE_CHECKING:
    from pytorrent.filters.config import SWITCHES, FilterConfig
    from pytorrent.filters.generated import first_lines, generated_marker
    from pytorrent.filters.runner import (
        DECONTAM_STAGE,
        FILTER_STAGE,
        FilterResult,
        UnitFilters,
        filter_records,
    )
    from pytorrent.filters.trivial import PackageSize, is_trivial_package, package_size

__getattr__ = lazy_exports(
    __name__,
    {
        "SWITCHES": "config",
        "FilterConfig": "config",
        "first_lines": "generated",
        "generated_marker": "generated",
        "DECONTAM_STAGE": "runner",
        "FILTER_STAGE": "runner",
        "FilterResult": "runner",
        "UnitFilters": "runner",
        "filter_records": "runner",
        "PackageSize": "trivial",
        "is_trivial_package": "trivial",
        "package_size": "trivial",
    },
)

__all__ = [
    "DECONTAM_STAGE",
    "FILTER_STAGE",
    "SWITCHES",
    "FilterConfig",
    "FilterResult",
    "PackageSize",
    "UnitFilters",
    "filter_records",
    "first_lines",
    "generated_marker",
    "is_trivial_package",
    "package_size",
]

"""Extraction: decoded Python source -> function and comment units (docs/architecture.md, "Units and records" and "Augmented-Code Scenarios")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytorrent.lazy import lazy_exports

if TYPE_CHECKING:
    from pytorrent.extract.categories import ALL_CATEGORIES, parse_categories, script_category
    from pytorrent.extract.engine import EXTRACTOR_VERSION, extract_source
    from pytorrent.extract.units import Unit

__getattr__ = lazy_exports(
    __name__,
    {
        "ALL_CATEGORIES": "categories",
        "parse_categories": "categories",
        "script_category": "categories",
        "EXTRACTOR_VERSION": "engine",
        "extract_source": "engine",
        "Unit": "units",
    },
)


__all__ = [
    "ALL_CATEGORIES",
    "EXTRACTOR_VERSION",
    "Unit",
    "extract_source",
    "parse_categories",
    "script_category",
]

"""Extraction: decoded Python source -> function and comment units (docs/architecture.md, "Units and records" and "Augmented-Code Scenarios")."""

from pytorrent.extract.categories import ALL_CATEGORIES, parse_categories, script_category
from pytorrent.extract.engine import EXTRACTOR_VERSION, extract_source
from pytorrent.extract.units import Unit

__all__ = [
    "ALL_CATEGORIES",
    "EXTRACTOR_VERSION",
    "Unit",
    "extract_source",
    "parse_categories",
    "script_category",
]

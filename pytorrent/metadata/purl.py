"""Package URLs (purl spec): `pkg:TYPE/NAME@VERSION?qualifiers`, percent-encoded as the spec asks.

Versions such as `2.1.0+cu121` must encode `+`, or readers take it for a space.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote


def _encode(text: str) -> str:
    return quote(text, safe="").replace("%3A", ":")


def make_purl(
    purl_type: str, name: str, version: str | None, qualifiers: Mapping[str, str] | None = None
) -> str:
    """The purl of one release; qualifiers are sorted by key and empty ones left out."""
    purl = f"pkg:{purl_type}/{_encode(name)}"
    if version:
        purl += f"@{_encode(version)}"
    pairs = sorted((key, value) for key, value in (qualifiers or {}).items() if value)
    if pairs:
        purl += "?" + "&".join(f"{key}={_encode(value)}" for key, value in pairs)
    return purl

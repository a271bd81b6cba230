"""A package's metadata document carried as zstd-compressed JSON between worker and driver.

The driver keeps every package's metadata until the output is written; a PyPI document (every
release's files and digests, the long description) as Python objects takes roughly ten times
its JSON size, so 218,814 of them would take gigabytes of driver memory. Packed, a document
costs its compressed size, and the documents export decodes one at a time while it writes.
JSON from orjson encodes back to the same bytes, so the export is unchanged.
"""

from __future__ import annotations

from typing import Any

import orjson
import zstandard

from pytorrent.models import PackageMetadata

_LEVEL = 3


def pack_document(meta: PackageMetadata) -> None:
    """Move `meta.document` into `meta.packed_document` (no-op when there is none)."""
    if meta.document is not None:
        meta.packed_document = zstandard.ZstdCompressor(level=_LEVEL).compress(
            orjson.dumps(meta.document)
        )
        meta.document = None


def unpacked_document(meta: PackageMetadata) -> dict[str, Any] | None:
    """The document of `meta`, packed or not; None when it has none."""
    if meta.packed_document is not None:
        document: dict[str, Any] = orjson.loads(
            zstandard.ZstdDecompressor().decompress(meta.packed_document)
        )
        return document
    return meta.document

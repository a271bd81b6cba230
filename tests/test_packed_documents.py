"""Metadata documents travel packed (zstd JSON) from worker to driver: the documents export
is the same bytes as from the documents themselves, and a packed document is smaller than
its JSON."""

from __future__ import annotations

from pathlib import Path

import orjson

from pytorrent import layout
from pytorrent.drops import Drops
from pytorrent.metadata.packed import pack_document, unpacked_document
from pytorrent.models import PackageMetadata
from pytorrent.sources import parse_source_spec
from pytorrent.sources.base import ReadLimits
from pytorrent.write.documents import write_package_documents


def installed_metadata(limit: int) -> list[PackageMetadata]:
    """Real core-metadata documents of this environment's distributions."""
    handles = list(parse_source_spec("installed").packages(Drops()))[:limit]
    return [handle.read(ReadLimits(), Drops()).metadata for handle in handles]


def test_packed_documents_export_the_same_bytes(tmp_path: Path) -> None:
    plain = installed_metadata(25)
    assert len(plain) == 25 and all(meta.document is not None for meta in plain)
    packed = [meta.model_copy(deep=True) for meta in plain]
    for meta in packed:
        pack_document(meta)
    assert all(m.document is None and m.packed_document is not None for m in packed)
    write_package_documents(tmp_path / "plain", plain)
    write_package_documents(tmp_path / "packed", packed)
    written = (tmp_path / "packed" / layout.PACKAGE_DOCUMENTS).read_bytes()
    assert written == (tmp_path / "plain" / layout.PACKAGE_DOCUMENTS).read_bytes()
    json_bytes = sum(len(orjson.dumps(m.document)) for m in plain)
    packed_bytes = sum(len(m.packed_document or b"") for m in packed)
    assert packed_bytes < json_bytes / 2


def test_a_document_unpacks_to_what_was_packed() -> None:
    [meta] = installed_metadata(1)
    original = meta.document
    pack_document(meta)
    assert unpacked_document(meta) == original
    pack_document(meta)  # nothing left to pack: the packed document stays
    assert unpacked_document(meta) == original


def test_metadata_without_a_document_stays_without() -> None:
    [meta] = installed_metadata(1)
    meta.document = None
    pack_document(meta)
    assert meta.packed_document is None and unpacked_document(meta) is None
    assert "packed_document" not in meta.model_dump()

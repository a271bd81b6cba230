"""`packages/documents.jsonl.gz`: per package, its whole metadata document, beside the flat
typed table `packages/packages.jsonl.gz`.

The flat table answers "which license, how many units"; the documents keep what PyTorrent
stores (descriptions, every release's files and digests, the crawl time), so a reader written
for PyTorrent's metadata finds it. One row per package of packages.jsonl.gz, in the same name
order; `name` is the records' `repo`. Bytes depend only on the documents (no gzip time stamp,
no clock: the only time is the crawl's own `timestamp`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pytorrent import layout
from pytorrent.metadata.documents import metadata_document
from pytorrent.metadata.packed import unpacked_document
from pytorrent.models import PackageMetadata
from pytorrent.write.shards import write_jsonl_gz


def package_document(meta: PackageMetadata) -> dict[str, Any]:
    """The document of one built package; its join keys are always the metadata's own."""
    document = unpacked_document(meta)
    if document is None:
        document = metadata_document(meta)
    head = {"name": meta.name, "version": meta.version, "source": meta.source}
    return {**head, **{k: v for k, v in document.items() if k not in head}}


def _rows(packages: Iterable[PackageMetadata]) -> Iterator[dict[str, Any]]:
    for meta in sorted(packages, key=lambda p: p.name):
        yield package_document(meta)


def write_package_documents(staging: Path, packages: Iterable[PackageMetadata]) -> Path:
    """Write the documents of `packages` under `staging`; returns the file written."""
    path = staging / layout.PACKAGE_DOCUMENTS
    write_jsonl_gz(path, _rows(packages))
    return path

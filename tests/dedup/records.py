"""Records for the filter, dedup and decontam tests, made by the real extractor.

Going through `extract_source` + `unit_record` gives exactly the dicts the pipeline feeds
these stages; `synthetic` makes cheap records from token lists for property tests.
"""

from __future__ import annotations

import textwrap
from typing import Any

from pytorrent.drops import Drops
from pytorrent.extract.engine import extract_source
from pytorrent.models import PackageMetadata
from pytorrent.records import unit_record


def package(
    name: str = "pkg",
    *,
    version: str = "1.0",
    release_count: int | None = None,
    upload_time: str | None = None,
) -> PackageMetadata:
    return PackageMetadata(
        name=name,
        display_name=name,
        version=version,
        source="folder",
        purl=f"pkg:pypi/{name}@{version}",
        release_count=release_count,
        upload_time=upload_time,
    )


def extract(
    source: str, *, path: str = "pkg/mod.py", meta: PackageMetadata | None = None
) -> list[dict[str, Any]]:
    """Every record of one file (dedented `source`), in the extractor's order."""
    meta = meta or package()
    units = extract_source(path, textwrap.dedent(source), Drops(), package=meta.name)
    return [unit_record(unit, meta, "0" * 64) for unit in units]


def function(source: str, **kwargs: Any) -> dict[str, Any]:
    """The first function record of `source`."""
    return next(r for r in extract(source, **kwargs) if r["kind"] == "function")


def synthetic(
    record_id: str,
    tokens: list[str],
    *,
    repo: str = "pkg",
    path: str = "pkg/mod.py",
    start_line: int = 1,
) -> dict[str, Any]:
    """A minimal record with just what dedup reads."""
    return {
        "id": record_id,
        "repo": repo,
        "path": path,
        "start_line": start_line,
        "code_tokens": tokens,
    }

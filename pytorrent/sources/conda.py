"""Conda packages: the two archive layouts and their `info/` metadata.

- `.tar.bz2` (format v1): one tar with `info/` (index.json, about.json, recipe) and the files.
- `.conda` (format v2): a zip holding `metadata.json`, `info-*.tar.zst` and `pkg-*.tar.zst`.

Package files keep their paths as installed (`site-packages/...`, `lib/python3.X/...`);
`info/` is metadata, never package code.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from typing import BinaryIO, Literal

import orjson
from packaging.utils import canonicalize_name

from pytorrent.metadata.purl import make_purl
from pytorrent.models import PackageMetadata
from pytorrent.sources.base import ReadLimits
from pytorrent.sources.containers import decompressed
from pytorrent.sources.members import ArchiveError, Member
from pytorrent.sources.tarstream import tar_members
from pytorrent.sources.zipread import open_zip

INDEX = "info/index.json"
ABOUT = "info/about.json"
CondaPart = Literal["info", "pkg"]


def outside_info(path: str) -> str | None:
    """Package-relative path of a conda member, or None for the `info/` metadata folder."""
    return None if path == "info" or path.startswith("info/") else path


def conda_v2_members(fp: BinaryIO, limits: ReadLimits, part: CondaPart) -> Iterator[Member]:
    """Members of the inner `info-*` or `pkg-*` tar of a `.conda` zip, inflated on the fly."""
    with open_zip(fp, limits.max_members) as zf:
        inner = sorted(
            info.filename
            for info in zf.infolist()
            if info.filename.startswith(f"{part}-") and info.filename.endswith(".tar.zst")
        )
        if not inner:
            raise ArchiveError("corrupt_archive", f"no {part}-*.tar.zst in .conda")
        try:
            raw = zf.open(inner[0])
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError) as exc:
            raise ArchiveError("corrupt_archive", str(exc)) from None
        with raw:
            yield from tar_members(decompressed(raw, "zstd"))


def _json_object(data: bytes | None) -> dict[str, object]:
    if not data:
        return {}
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _str(mapping: Mapping[str, object], key: str) -> str | None:
    value = mapping.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _timestamp(value: object) -> str | None:
    """conda's `timestamp` (ms since the epoch; older packages used seconds) as ISO 8601 UTC."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        return None
    seconds = value / 1000 if value > 1e11 else value
    try:
        moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def conda_metadata(
    files: Mapping[str, bytes], *, package_type: str, **extra: object
) -> PackageMetadata | None:
    """`PackageMetadata` from info/index.json (+ about.json), or None without a usable index."""
    index = _json_object(files.get(INDEX))
    about = _json_object(files.get(ABOUT))
    conda_name, version = _str(index, "name"), _str(index, "version")
    if not conda_name or not version:
        return None
    home = _str(about, "home")
    urls = {
        label: url
        for label, url in (
            ("Homepage", home),
            ("Source", _str(about, "dev_url")),
            ("Documentation", _str(about, "doc_url")),
        )
        if url
    }
    keywords = about.get("keywords")
    qualifiers = {
        "build": _str(index, "build") or "",
        "subdir": _str(index, "subdir") or "",
        "type": package_type,
    }
    if extra.get("upload_time") is None:
        extra["upload_time"] = _timestamp(index.get("timestamp"))
    return PackageMetadata(
        name=canonicalize_name(conda_name),
        display_name=conda_name,
        version=version,
        summary=_str(about, "summary"),
        license=_str(about, "license") or _str(index, "license"),
        home_page=home,
        project_urls=dict(sorted(urls.items())),
        keywords=[k for k in keywords if isinstance(k, str)] if isinstance(keywords, list) else [],
        source="archive",
        purl=make_purl("conda", conda_name.lower(), version, qualifiers),
        **extra,
    )

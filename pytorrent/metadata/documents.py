"""Package documents: per package, the metadata document PyTorrent stores, from what the
source really offers (docs/usage.md, "Package documents"; schema: schemas/package-document.json).

Two shapes, told apart by `format`:

- `pypi`: PyPI's JSON-API document (`info`, `releases`, `urls`, `last_serial`) as crawled,
  plus the crawl's `timestamp`. Installed, archive, folder and git sources fill `info` from
  their core metadata (PKG-INFO / METADATA); what only an index knows is null.
- `anaconda`: PyTorrent's Anaconda shape (`title`, `access`, `summary`, `updated`, `detail`)
  filled from the channel's repodata entry (kept whole as `repodata`) and the package's own
  `info/about.json` when the crawl read it; what neither says (download counts, labels,
  installers, badges, access) is null, never guessed.

Every document starts with `name` (PEP 503 normalised: the records' `repo`), `version` (the
release in this build) and `source`, so documents join to records and to packages.jsonl.gz.
"""

from __future__ import annotations

from collections.abc import Mapping
from email.message import Message
from typing import Any

from pytorrent.metadata.info import full_info
from pytorrent.models import PackageMetadata

PYPI_FORMAT = "pypi"
ANACONDA_FORMAT = "anaconda"
#: `detail` keys of PyTorrent's Anaconda documents that a channel never serves.
_ANACONDA_PAGE_ONLY = ("installers", "note", "labels", "badges")


def _head(name: str, version: str, source: str, fmt: str, timestamp: object) -> dict[str, Any]:
    return {
        "name": name,
        "version": version,
        "source": source,
        "format": fmt,
        "timestamp": timestamp if isinstance(timestamp, str) else None,
    }


def core_metadata_document(
    message: Message, *, name: str, version: str, source: str
) -> dict[str, Any]:
    """The `pypi`-shaped document of a package known only by its core metadata."""
    return {
        **_head(name, version, source, PYPI_FORMAT, None),
        "info": full_info(message),
        "releases": None,
        "urls": None,
        "last_serial": None,
    }


def pypi_crawl_document(record: Mapping[str, Any]) -> dict[str, Any]:
    """The `pypi`-shaped document of a crawled PyPI record: its JSON-API document's parts as
    they came (a simple-index crawl has what the simple page and the archive's PKG-INFO gave)."""
    raw = record.get("document")
    document: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    serial = document.get("last_serial")
    return {
        **_head(
            str(record.get("name")),
            str(record.get("version")),
            "pypi",
            PYPI_FORMAT,
            record.get("crawled_at"),
        ),
        "info": document.get("info"),
        "releases": document.get("releases"),
        "urls": document.get("urls"),
        "last_serial": serial if isinstance(serial, int) else None,
    }


def _about_text(about: Mapping[str, Any], key: str) -> str | None:
    value = about.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def conda_crawl_document(record: Mapping[str, Any]) -> dict[str, Any]:
    """The `anaconda`-shaped document of a crawled conda record (the newest build of a name)."""
    raw_entry = record.get("record")
    entry: Mapping[str, Any] = raw_entry if isinstance(raw_entry, Mapping) else {}
    raw_about = record.get("about")
    about: Mapping[str, Any] = raw_about if isinstance(raw_about, Mapping) else {}
    uploaded = record.get(
        "upload_time"
    )  # repodata `timestamp` as ISO 8601 (pytorrent_crawlers.items)
    filename = str(record.get("filename") or "")
    home = _about_text(about, "home")
    docs = _about_text(about, "doc_url")
    dev = _about_text(about, "dev_url")
    license_ = entry.get("license") if isinstance(entry.get("license"), str) else None
    size = entry.get("size")
    meta = {
        "license": license_ or _about_text(about, "license"),
        "license_url": _about_text(about, "license_url"),
        "home": home,
        "home_url": home,
        "documentation": docs,
        "documentation_url": docs,
        "development": dev,
        "development_url": dev,
        "download_count": None,
        "last_upload": uploaded,
    }
    files = [
        {
            "type": "conda",
            "size": size if isinstance(size, int) else None,
            "file": {"name": filename, "href": record.get("url")},
            "uploaded": uploaded,
            "uploader": None,
            "downloads": None,
            "labels": None,
        }
    ]
    subdir = record.get("subdir")
    detail: dict[str, Any] = {
        "meta": meta,
        "platform_versions": [[subdir, entry.get("version")]] if subdir else None,
        "description": _about_text(about, "description"),
        "files": files,
        **dict.fromkeys(_ANACONDA_PAGE_ONLY),
    }
    return {
        **_head(
            str(record.get("name")),
            str(record.get("version")),
            "conda",
            ANACONDA_FORMAT,
            record.get("crawled_at"),
        ),
        "title": entry.get("name") if isinstance(entry.get("name"), str) else None,
        "access": None,
        "summary": _about_text(about, "summary"),
        "updated": uploaded,
        "detail": dict(sorted(detail.items())),
        "channel": record.get("channel"),
        "subdir": subdir,
        "repodata": dict(entry),
    }


def crawl_document(record: Mapping[str, Any]) -> dict[str, Any]:
    """The document of one crawl record (pypi or conda)."""
    if record.get("kind") == "conda":
        return conda_crawl_document(record)
    return pypi_crawl_document(record)


def metadata_document(meta: PackageMetadata) -> dict[str, Any]:
    """The document of a package whose source gave none (a local conda archive): its flat
    metadata in the document's shape, null for everything else."""
    if meta.purl.startswith("pkg:conda/"):
        record = {
            "name": meta.name,
            "version": meta.version,
            "kind": "conda",
            "filename": meta.source_file,
            "upload_time": meta.upload_time,
            "about": {
                "summary": meta.summary,
                "license": meta.license_raw or meta.license,
                "home": meta.home_page,
                "doc_url": meta.project_urls.get("Documentation"),
                "dev_url": meta.project_urls.get("Source"),
            },
        }
        document = conda_crawl_document(record)
        document.update(title=meta.display_name, repodata=None, channel=None, source=meta.source)
        return document
    message = Message()
    for header, value in (
        ("Name", meta.display_name),
        ("Version", meta.version),
        ("Summary", meta.summary),
        ("License", meta.license_raw),
        ("Home-page", meta.home_page),
        ("Requires-Python", meta.requires_python),
    ):
        if value:
            message[header] = value
    return core_metadata_document(message, name=meta.name, version=meta.version, source=meta.source)

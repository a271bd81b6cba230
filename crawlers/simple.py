"""PEP 503 (HTML) and PEP 691 (JSON) simple repository pages.

Mirrors and private indexes often serve only these pages. A project page is turned into a
document shaped like the JSON API's (releases keyed by version, files with `digests`), so one
code path selects and describes releases whichever API answered; the page itself is kept too.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urldefrag, urljoin

import orjson
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from parsel import Selector

from pytorrent_crawlers.select import latest_version

#: Ask for PEP 691 JSON, accept PEP 503 HTML.
ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
    "text/html;q=0.1"
)

_OTHER_SDIST = re.compile(r"^(?P<name>.+?)-(?P<version>\d[^-]*?)\.(?:tar\.bz2|tar\.xz|tgz|tar)$")
_EGG = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)-py(?P<py>\d[\d.]*)(?:-.+)?\.egg$")


class SimplePageError(ValueError):
    """The page is neither valid PEP 691 JSON nor parseable HTML."""


def is_json(content_type: str) -> bool:
    return "json" in content_type.lower()


def parse_index(body: bytes, content_type: str) -> list[str]:
    """Project names listed on a simple index root page, normalised, sorted, unique."""
    names: set[str] = set()
    if is_json(content_type):
        data = _load(body)
        for project in data.get("projects") or []:
            if isinstance(project, dict) and isinstance(project.get("name"), str):
                names.add(canonicalize_name(project["name"]))
    else:
        for anchor in Selector(text=body.decode("utf-8", "replace")).xpath("//a"):
            text = "".join(anchor.xpath(".//text()").getall()).strip()
            if text:
                names.add(canonicalize_name(text))
    names.discard("")
    return sorted(names)


def parse_project(body: bytes, content_type: str, page_url: str) -> dict[str, Any]:
    """A project page as PEP 691 JSON (HTML pages are converted to the same shape)."""
    if is_json(content_type):
        data = _load(body)
        files = data.get("files")
        if not isinstance(files, list):
            raise SimplePageError("PEP 691 page without a 'files' list")
        for entry in files:
            if isinstance(entry, dict) and isinstance(entry.get("url"), str):
                entry["url"] = urljoin(page_url, entry["url"])
        return data
    return _parse_project_html(body.decode("utf-8", "replace"), page_url)


def _load(body: bytes) -> dict[str, Any]:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise SimplePageError(f"malformed JSON: {exc}") from None
    if not isinstance(data, dict):
        raise SimplePageError("JSON page is not an object")
    return data


def _parse_project_html(html: str, page_url: str) -> dict[str, Any]:
    files: list[dict[str, Any]] = []
    for anchor in Selector(text=html).xpath("//a[@href]"):
        attrs = anchor.attrib
        url, fragment = urldefrag(urljoin(page_url, attrs["href"]))
        algo, _, digest = fragment.partition("=")
        filename = "".join(anchor.xpath(".//text()").getall()).strip()
        entry: dict[str, Any] = {
            "filename": filename or url.rsplit("/", 1)[-1],
            "url": url,
            "hashes": {algo: digest.lower()} if algo and digest else {},
        }
        if "data-requires-python" in attrs:
            entry["requires-python"] = attrs["data-requires-python"]
        if "data-yanked" in attrs:
            entry["yanked"] = attrs["data-yanked"] or True
        for key in ("data-core-metadata", "data-dist-info-metadata"):
            if key in attrs:
                entry[key.removeprefix("data-")] = attrs[key]
        files.append(entry)
    return {"meta": {"api-version": "1.0", "format": "html"}, "files": files}


def release_of(filename: str) -> tuple[str, str, str] | None:
    """(version, packagetype, python_version) from a distribution file name, or None."""
    try:
        if filename.endswith(".whl"):
            _, version, _, tags = parse_wheel_filename(filename)
            pythons = sorted({tag.interpreter for tag in tags})
            return str(version), "bdist_wheel", ".".join(pythons)
        if filename.endswith((".tar.gz", ".zip")):
            _, version = parse_sdist_filename(filename)
            return str(version), "sdist", "source"
    except (InvalidWheelFilename, InvalidSdistFilename, ValueError):
        return None
    match = _OTHER_SDIST.match(filename)
    if match:
        return match["version"], "sdist", "source"
    match = _EGG.match(filename)
    if match:
        return match["version"], "bdist_egg", match["py"]
    return None


def to_document(name: str, page: dict[str, Any]) -> dict[str, Any]:
    """A JSON-API-shaped document (`info`, `releases`, `urls`, ...) from a simple project page.

    `info` holds only name and version here; the archive's own PKG-INFO fills it later.
    """
    releases: dict[str, list[dict[str, Any]]] = {}
    for entry in page.get("files") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("filename"), str):
            continue
        parsed = release_of(entry["filename"])
        if parsed is None:
            continue
        version, packagetype, python_version = parsed
        raw_hashes = entry.get("hashes")
        hashes: dict[str, Any] = raw_hashes if isinstance(raw_hashes, dict) else {}
        yanked = entry.get("yanked", False)
        releases.setdefault(version, []).append(
            {
                "filename": entry["filename"],
                "url": entry.get("url"),
                "digests": {k: v for k, v in hashes.items() if k in ("sha256", "md5")},
                "packagetype": packagetype,
                "python_version": python_version,
                "requires_python": entry.get("requires-python"),
                "size": entry.get("size"),
                "upload_time_iso_8601": entry.get("upload-time"),
                "yanked": bool(yanked),
                "yanked_reason": yanked if isinstance(yanked, str) else None,
            }
        )
    raw_meta = page.get("meta")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    serial = meta.get("_last-serial")
    document: dict[str, Any] = {
        "info": {"name": page.get("name") or name, "version": ""},
        "releases": releases,
        "urls": [],
        "vulnerabilities": [],
        "last_serial": serial if isinstance(serial, int) else None,
    }
    latest = latest_version(document) or ""
    document["info"]["version"] = latest
    document["urls"] = releases.get(latest, [])
    return document

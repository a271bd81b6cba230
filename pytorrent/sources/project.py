"""Metadata of a source tree (sdist, project folder, git checkout) from its static files.

In order of trust: `PKG-INFO` (written by the build backend), `*.egg-info/PKG-INFO`, the
`[project]` table of `pyproject.toml`, `[metadata]` of `setup.cfg`. `setup.py` is code and is
never run. All of them become core-metadata headers for `metadata_from_message`.
"""

from __future__ import annotations

import configparser
import importlib
from collections.abc import Mapping
from email.message import Message

from pytorrent.metadata.core import metadata_from_message, parse_core_metadata
from pytorrent.models import PackageMetadata

_ROOT_FILES = ("PKG-INFO", "pyproject.toml", "setup.cfg")


def is_tree_metadata_path(path: str) -> bool:
    """Files `tree_metadata` reads: root metadata files and (src/)NAME.egg-info/PKG-INFO."""
    if path in _ROOT_FILES:
        return True
    parts = path.split("/")
    return (
        parts[-1] == "PKG-INFO"
        and 2 <= len(parts) <= 3
        and parts[-2].endswith(".egg-info")
        and (len(parts) == 2 or parts[0] == "src")
    )


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _str(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _strings(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item.strip() for item in value if isinstance(item, str) and item.strip()]


def load_toml(data: bytes) -> object:
    """A TOML document, or None when it does not parse (or on Python 3.10, without tomllib)."""
    try:
        tomllib = importlib.import_module("tomllib")
    except ImportError:  # pragma: no cover - Python 3.10
        return None
    try:
        return tomllib.loads(_text(data))
    except (tomllib.TOMLDecodeError, RecursionError):
        return None


def message_from_pyproject(data: bytes) -> Message | None:
    """Core-metadata headers from a static `[project]` table (PEP 621), or None."""
    document = load_toml(data)
    if not isinstance(document, dict):
        return None
    project = document.get("project")
    if not isinstance(project, dict) or not _str(project.get("name")):
        return None
    msg = Message()
    msg["Name"] = _str(project.get("name")) or ""
    simple = {"version": "Version", "description": "Summary", "requires-python": "Requires-Python"}
    for key, header in simple.items():
        value = _str(project.get(key))
        if value:
            msg[header] = value
    license_value = project.get("license")
    if _str(license_value):
        msg["License-Expression"] = _str(license_value) or ""
    elif isinstance(license_value, dict) and _str(license_value.get("text")):
        msg["License"] = _str(license_value.get("text")) or ""
    for classifier in _strings(project.get("classifiers")):
        msg["Classifier"] = classifier
    for requirement in _strings(project.get("dependencies")):
        msg["Requires-Dist"] = requirement
    keywords = _strings(project.get("keywords"))
    if keywords:
        msg["Keywords"] = ",".join(keywords)
    urls = project.get("urls")
    if isinstance(urls, dict):
        for label, url in urls.items():
            if isinstance(label, str) and _str(url):
                msg["Project-URL"] = f"{label}, {_str(url)}"
    authors = project.get("authors")
    if isinstance(authors, list):
        names = [_str(a.get("name")) for a in authors if isinstance(a, dict)]
        if any(names):
            msg["Author"] = ", ".join(n for n in names if n)
    return msg


def message_from_setup_cfg(data: bytes) -> Message | None:
    """Core-metadata headers from `[metadata]` of setup.cfg (static values only), or None."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(_text(data))
    except configparser.Error:
        return None
    if not parser.has_section("metadata"):
        return None
    section = parser["metadata"]
    name = section.get("name", "").strip()
    if not name:
        return None
    msg = Message()
    msg["Name"] = name
    version = section.get("version", "").strip()
    if version and not version.startswith(("attr:", "file:")):
        msg["Version"] = version
    for key, header in (("description", "Summary"), ("license", "License"), ("url", "Home-page")):
        value = section.get(key, "").strip()
        if value and not value.startswith("file:"):
            msg[header] = value
    for classifier in section.get("classifiers", "").splitlines():
        if classifier.strip() and not classifier.strip().startswith("file:"):
            msg["Classifier"] = classifier.strip()
    return msg


def tree_message(files: Mapping[str, bytes]) -> Message | None:
    """Headers from the most trusted metadata file present, or None."""
    if "PKG-INFO" in files:
        msg = parse_core_metadata(_text(files["PKG-INFO"]))
        if msg.get("Name"):
            return msg
    for path in sorted(files):
        if path.endswith(".egg-info/PKG-INFO"):
            msg = parse_core_metadata(_text(files[path]))
            if msg.get("Name"):
                return msg
    if "pyproject.toml" in files:
        found = message_from_pyproject(files["pyproject.toml"])
        if found is not None:
            return found
    if "setup.cfg" in files:
        return message_from_setup_cfg(files["setup.cfg"])
    return None


def tree_metadata(
    files: Mapping[str, bytes],
    *,
    source: str,
    purl_type: str,
    fallback_name: str,
    fallback_version: str,
    **extra: object,
) -> PackageMetadata | None:
    """`PackageMetadata` from a tree's metadata files, or None when none of them names it."""
    msg = tree_message(files)
    if msg is None:
        return None
    return metadata_from_message(
        msg,
        source=source,
        purl_type=purl_type,
        fallback_name=fallback_name,
        fallback_version=fallback_version,
        **extra,
    )


def fallback_metadata(
    *, source: str, name: str, version: str, label: str, upload_time: str | None = None
) -> PackageMetadata:
    """Metadata of a project tree that declares none: its name, version and folder name."""
    return metadata_from_message(
        {},
        source=source,
        purl_type="generic",
        fallback_name=name,
        fallback_version=version,
        source_file=label,
        upload_time=upload_time,
    )

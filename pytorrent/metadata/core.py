"""Core-metadata (PKG-INFO / METADATA, email-header format) -> `PackageMetadata`.

Shared by every source that sees Python packaging metadata: installed distributions,
sdists and wheels. Parsed with the standard `email` parser that packaging tools use.
"""

from __future__ import annotations

import email.parser
import email.policy
from collections.abc import Mapping
from email.message import Message

from packaging.utils import canonicalize_name

from pytorrent.metadata.documents import core_metadata_document
from pytorrent.metadata.licenses import resolve_license
from pytorrent.metadata.purl import make_purl
from pytorrent.models import PackageMetadata

_LICENSE_CLASSIFIER = "License :: "


def parse_core_metadata(text: str) -> Message:
    """Parse PKG-INFO/METADATA text; never raises on malformed headers."""
    return email.parser.Parser(policy=email.policy.compat32).parsestr(text, headersonly=True)


def _get(msg: Message, field: str) -> str | None:
    value = msg.get(field)
    if value is None:
        return None
    value = str(value).strip()
    if not value or value.upper() == "UNKNOWN":
        return None
    return value


def license_of(msg: Message) -> str | None:
    """The most specific license statement as declared (kept as `license_raw`): expression,
    short License field, else classifiers."""
    expression = _get(msg, "License-Expression")
    if expression:
        return expression
    field = _get(msg, "License")
    # The License field sometimes holds the whole license text; keep its first line only.
    if field and "\n" not in field and len(field) <= 120:
        return field
    classifiers = [
        c.split(" :: ")[-1]
        for c in msg.get_all("Classifier") or []
        if str(c).startswith(_LICENSE_CLASSIFIER)
    ]
    if classifiers:
        return " OR ".join(sorted(set(classifiers)))
    if field:
        return field.splitlines()[0].strip()[:120] or None
    return None


def spdx_license_of(msg: Message) -> str | None:
    """The declared license as a canonical SPDX expression; None when unresolvable."""
    return resolve_license(
        _get(msg, "License-Expression"),
        _get(msg, "License"),
        [str(c) for c in msg.get_all("Classifier") or []],
    )


def _project_urls(msg: Message) -> dict[str, str]:
    urls: dict[str, str] = {}
    for entry in msg.get_all("Project-URL") or []:
        label, sep, url = str(entry).partition(",")
        if sep and url.strip():
            urls[label.strip()] = url.strip()
    return dict(sorted(urls.items()))


def _keywords(msg: Message) -> list[str]:
    raw = _get(msg, "Keywords") or ""
    separator = "," if "," in raw else None
    return [k.strip() for k in raw.split(separator) if k.strip()]


def metadata_from_message(
    msg: Message | Mapping[str, str],
    *,
    source: str,
    purl_type: str = "pypi",
    fallback_name: str = "",
    fallback_version: str = "0",
    **extra: object,
) -> PackageMetadata:
    """Build `PackageMetadata` from core metadata headers plus source-specific extras."""
    if not isinstance(msg, Message):
        message = Message()
        for key, value in msg.items():
            message[key] = value
        msg = message
    display = _get(msg, "Name") or fallback_name
    version = _get(msg, "Version") or fallback_version
    name = canonicalize_name(display) if display else ""
    return PackageMetadata(
        name=name,
        display_name=display,
        version=version,
        summary=_get(msg, "Summary"),
        license=spdx_license_of(msg),
        license_raw=license_of(msg),
        license_expression=_get(msg, "License-Expression"),
        classifiers=sorted({str(c) for c in msg.get_all("Classifier") or []}),
        requires_python=_get(msg, "Requires-Python"),
        requires_dist=[str(r) for r in msg.get_all("Requires-Dist") or []],
        project_urls=_project_urls(msg),
        home_page=_get(msg, "Home-page"),
        author=_get(msg, "Author"),
        author_email=_get(msg, "Author-email"),
        maintainer=_get(msg, "Maintainer"),
        maintainer_email=_get(msg, "Maintainer-email"),
        keywords=_keywords(msg),
        source=source,
        purl=make_purl(purl_type, name, version),
        document=core_metadata_document(msg, name=name, version=version, source=source),
        **extra,
    )

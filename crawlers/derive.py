"""Facts derived from an index document: release count, upload times, license expression.

PyTorrent's Table 2 keeps packages by release count; upload times date a release; the license
expression (SPDX) is what a dataset card needs. Inputs are raw documents, read defensively.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from email.message import Message
from typing import Any

from pytorrent.metadata.core import license_of
from pytorrent_crawlers.select import iter_release_files

#: License classifiers that name exactly one SPDX license (ambiguous ones, such as
#: "BSD License" or "Apache Software License", are deliberately absent).
CLASSIFIER_SPDX = {
    "License :: OSI Approved :: MIT License": "MIT",
    "License :: OSI Approved :: MIT No Attribution License (MIT-0)": "MIT-0",
    "License :: OSI Approved :: ISC License (ISCL)": "ISC",
    "License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)": (
        "GPL-3.0-or-later"
    ),
    "License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)": (
        "GPL-2.0-or-later"
    ),
    "License :: OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)": (
        "AGPL-3.0-or-later"
    ),
    "License :: OSI Approved :: Python Software Foundation License": "PSF-2.0",
    "License :: OSI Approved :: The Unlicense (Unlicense)": "Unlicense",
    "License :: OSI Approved :: Boost Software License 1.0 (BSL-1.0)": "BSL-1.0",
    "License :: OSI Approved :: zlib/libpng License": "Zlib",
    "License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication": "CC0-1.0",
}


def release_count(document: Mapping[str, Any]) -> int:
    """Releases with at least one file (yanked ones included: they were released)."""
    return len({version for version, _ in iter_release_files(document)})


def iso_time(value: object) -> str | None:
    """An upload time as ISO 8601 in UTC (`...+00:00`); None when absent or unparseable."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)  # the JSON API's `upload_time` is UTC
    return moment.astimezone(timezone.utc).isoformat()


def file_upload_time(entry: Mapping[str, Any]) -> str | None:
    return iso_time(entry.get("upload_time_iso_8601")) or iso_time(entry.get("upload_time"))


def upload_span(document: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """First and last upload time over every file of every release."""
    times = sorted(t for _, entry in iter_release_files(document) if (t := file_upload_time(entry)))
    return (times[0], times[-1]) if times else (None, None)


def conda_time(timestamp: object) -> str | None:
    """repodata `timestamp` (milliseconds since the epoch; old entries use seconds) as ISO."""
    if not isinstance(timestamp, int) or isinstance(timestamp, bool) or timestamp <= 0:
        return None
    seconds = timestamp / 1000 if timestamp > 10**11 else timestamp
    return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat()


def canonical_spdx(text: str) -> str | None:
    """`text` as a canonical SPDX expression, or None when it is not one."""
    try:
        from packaging.licenses import (  # type: ignore[import-not-found,unused-ignore]
            InvalidLicenseExpression,
            canonicalize_license_expression,
        )
    except ImportError:  # packaging < 24.2 cannot validate SPDX
        return None
    if not text or "\n" in text or len(text) > 200:
        return None
    try:
        return str(canonicalize_license_expression(text))
    except InvalidLicenseExpression:
        return None


def license_facts(info: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(license statement, SPDX expression, where the expression came from).

    The expression is the declared `license_expression`, else the `license` field when it is
    valid SPDX, else the one unambiguous license classifier; otherwise None.
    """
    message = Message()
    for key, header in (("license_expression", "License-Expression"), ("license", "License")):
        if isinstance(info.get(key), str):
            message[header] = info[key]
    classifiers = [c for c in info.get("classifiers") or [] if isinstance(c, str)]
    for classifier in classifiers:
        message["Classifier"] = classifier
    statement = license_of(message)
    declared = info.get("license_expression")
    if isinstance(declared, str) and declared.strip():
        return statement, canonical_spdx(declared) or declared.strip(), "declared"
    field = info.get("license")
    if isinstance(field, str) and (spdx := canonical_spdx(field.strip())):
        return statement, spdx, "license_field"
    mapped = {CLASSIFIER_SPDX[c] for c in classifiers if c in CLASSIFIER_SPDX}
    license_classifiers = [c for c in classifiers if c.startswith("License :: ")]
    if len(mapped) == 1 and len(license_classifiers) == 1:
        return statement, mapped.pop(), "classifier"
    return statement, None, None

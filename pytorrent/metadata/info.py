"""Core-metadata headers (PKG-INFO / METADATA) named and typed as the PyPI JSON API's `info`.

One mapping for the crawler (simple-index records get their `info` from the archive) and for
the package documents of installed, archive, folder and git sources, so both spell a field the
same way. Values stay as written: `keywords` is the header's string, never split.
"""

from __future__ import annotations

from email.message import Message
from typing import Any

#: Headers that may repeat -> JSON API key (a list).
LIST_FIELDS = {
    "Classifier": "classifiers",
    "Requires-Dist": "requires_dist",
    "Provides-Extra": "provides_extra",
    "Platform": "platform",
    "Dynamic": "dynamic",
    "License-File": "license_files",
}
#: Single headers -> JSON API key (a string).
TEXT_FIELDS = {
    "Name": "name",
    "Version": "version",
    "Summary": "summary",
    "Home-page": "home_page",
    "Download-URL": "download_url",
    "Author": "author",
    "Author-email": "author_email",
    "Maintainer": "maintainer",
    "Maintainer-email": "maintainer_email",
    "License": "license",
    "License-Expression": "license_expression",
    "Keywords": "keywords",
    "Requires-Python": "requires_python",
    "Description-Content-Type": "description_content_type",
    "Metadata-Version": "metadata_version",
}
#: `info` keys the JSON API fills from the index, never from core metadata.
INDEX_ONLY_FIELDS = (
    "bugtrack_url",
    "docs_url",
    "downloads",
    "package_url",
    "project_url",
    "release_url",
    "yanked",
    "yanked_reason",
)


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text if text and text != "UNKNOWN" else None


def info_from_message(message: Message) -> dict[str, Any]:
    """The headers present in `message`, under their JSON API names (absent ones left out)."""
    info: dict[str, Any] = {}
    for header, key in TEXT_FIELDS.items():
        if (value := _text(message.get(header))) is not None:
            info[key] = value
    for header, key in LIST_FIELDS.items():
        values = [str(v).strip() for v in message.get_all(header) or [] if str(v).strip()]
        if values:
            info[key] = values
    urls: dict[str, str] = {}
    for entry in message.get_all("Project-URL") or []:
        label, sep, url = str(entry).partition(",")
        if sep and url.strip():
            urls[label.strip()] = url.strip()
    if urls:
        info["project_urls"] = urls
    body = message.get_payload()
    description = message.get("Description") or (body if isinstance(body, str) else None)
    if description and str(description).strip():
        info["description"] = str(description).strip()
    return info


def full_info(message: Message) -> dict[str, Any]:
    """`info_from_message` with every JSON API key present: null where the metadata has
    nothing (and for the index-only keys), `[]` for no classifiers, as the JSON API gives."""
    info = info_from_message(message)
    keys = [*TEXT_FIELDS.values(), *LIST_FIELDS.values(), "project_urls", "description"]
    complete: dict[str, Any] = {key: None for key in [*keys, *INDEX_ONLY_FIELDS]}
    complete["classifiers"] = []
    complete.update(info)
    return dict(sorted(complete.items()))

"""A stored conda archive's own `info/about.json` (summary, home, doc/dev URLs, description).

The channel's repodata has none of these; the package's documents need them (PyTorrent's
Anaconda documents carry them), so the crawl keeps the file whole in the record's `about`.
Only the `info/` part of the archive is read, with a size cap; nothing is extracted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from pytorrent.sources.base import ReadLimits
from pytorrent.sources.conda import ABOUT, conda_v2_members
from pytorrent.sources.containers import file_container, stream_members
from pytorrent.sources.members import ArchiveError
from pytorrent.sources.reader import read_named_files

MAX_ABOUT_BYTES = 2 * 1024 * 1024


def read_about(path: Path) -> dict[str, Any] | None:
    """The archive's about.json as a JSON object; None when absent, too large or malformed."""
    limits = ReadLimits(max_file_bytes=MAX_ABOUT_BYTES)
    try:
        with path.open("rb") as fp:
            container = file_container(fp, path.name)
            members = (
                conda_v2_members(fp, limits, "info")
                if container == "zip"
                else stream_members(fp, container, limits)
            )
            found = read_named_files(
                members, limits, want=lambda name: name == ABOUT, enough=lambda f: ABOUT in f
            )
    except (OSError, ArchiveError):
        return None
    try:
        about = orjson.loads(found.get(ABOUT) or b"")
    except orjson.JSONDecodeError:
        return None
    return about if isinstance(about, dict) else None

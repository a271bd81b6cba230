"""An archive's own core metadata (sdist PKG-INFO, wheel METADATA) as a JSON-API `info`.

Used when the index is a plain PEP 503/691 mirror with no JSON API. Only the metadata member
is read, from the archive bytes in memory, with a size cap; nothing is extracted.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from typing import Any

from pytorrent.metadata.core import parse_core_metadata
from pytorrent.metadata.info import info_from_message

MAX_METADATA_BYTES = 2 * 1024 * 1024
MAX_MEMBERS_SCANNED = 20_000


def read_core_metadata(data: bytes, filename: str) -> bytes | None:
    """The PKG-INFO (sdist) or METADATA (wheel) bytes of an archive, or None."""
    try:
        if filename.endswith((".whl", ".zip")):
            return _from_zip(data, wheel=filename.endswith(".whl"))
        if filename.endswith((".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar")):
            return _from_tar(data)
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError, ValueError):
        return None
    return None


def _metadata_member(names: list[str], wheel: bool) -> str | None:
    if wheel:
        found = [n for n in names if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
    else:
        # The sdist's own PKG-INFO sits at <name>-<version>/PKG-INFO; deeper ones are vendored.
        found = [n for n in names if n.count("/") == 1 and n.endswith("/PKG-INFO")]
    return min(found) if found else None


def _from_zip(data: bytes, wheel: bool) -> bytes | None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = {i.filename: i for i in archive.infolist()[:MAX_MEMBERS_SCANNED]}
        member = _metadata_member(list(infos), wheel)
        if member is None or infos[member].file_size > MAX_METADATA_BYTES:
            return None
        return archive.read(member)


def _from_tar(data: bytes) -> bytes | None:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
        for count, info in enumerate(archive):
            if count >= MAX_MEMBERS_SCANNED:
                return None
            if info.isfile() and _metadata_member([info.name], wheel=False):
                if info.size > MAX_METADATA_BYTES:
                    return None
                handle = archive.extractfile(info)
                return handle.read() if handle else None
    return None


def info_from_core_metadata(raw: bytes) -> dict[str, Any]:
    """Core metadata headers as the JSON API names them in `info`."""
    return info_from_message(parse_core_metadata(raw.decode("utf-8", "replace")))

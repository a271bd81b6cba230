"""Atomic file and folder writes: temp names first, then one rename."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from pytorrent.errors import OutputError


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """Write `path` through a temp file in the same folder; renamed only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with tmp.open("wb") as handle:
            yield handle
        tmp.replace(path)
    finally:
        if tmp.exists():
            tmp.unlink()


def replace_folder(staged: Path, final: Path) -> None:
    """Move a fully written folder into place, replacing an older one as late as possible.

    Never loses both: when the new folder cannot be renamed into place, the old one gets its
    name back and OutputError says so."""
    trash: Path | None = None
    if final.exists():
        trash = final.with_name(f".{final.name}.old-{os.getpid()}")
        final.replace(trash)
    try:
        staged.replace(final)
    except OSError as exc:
        if trash is not None:
            trash.replace(final)
        raise OutputError(
            f"cannot move the new output into {final} ({exc.strerror or exc}); "
            "the previous one is unchanged"
        ) from None
    if trash is not None:
        shutil.rmtree(trash, ignore_errors=True)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()

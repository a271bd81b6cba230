"""What a dataset repository already holds, and whether a local file is already there.

The Hub reports, per file, its size and git blob id, plus the sha256 of the content for files
stored with LFS. LFS files compare by size and sha256 (which `build.json` already holds); small
regular files by size and git blob sha1 of their bytes, the id `git hash-object` prints.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from huggingface_hub import RepoFile, RepoFolder

from pytorrent.publish.verify import LocalFile


@dataclass(frozen=True)
class RemoteFile:
    """One file of the repository as the Hub lists it."""

    path: str
    size: int
    blob_id: str
    lfs_sha256: str | None = None


def remote_files(entries: Iterable[RepoFile | RepoFolder]) -> dict[str, RemoteFile]:
    """Files of a `list_repo_tree(..., recursive=True)` listing by path; folders are skipped."""
    files: dict[str, RemoteFile] = {}
    for entry in entries:
        if isinstance(entry, RepoFile):
            sha = entry.lfs.sha256 if entry.lfs is not None else None
            files[entry.path] = RemoteFile(entry.path, entry.size, entry.blob_id, sha)
    return files


def git_blob_sha1(path: Path) -> str:
    """The git object id of a file's bytes: sha1(b"blob <size>\\0" + data), streamed."""
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(b"blob %d\0" % path.stat().st_size)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def already_there(local: LocalFile, path: Path, remote: RemoteFile | None) -> bool:
    """True when `remote` holds exactly the bytes of `local` (read from `path` if needed)."""
    if remote is None or remote.size != local.bytes:
        return False
    if remote.lfs_sha256 is not None:
        return remote.lfs_sha256 == local.sha256
    return remote.blob_id == git_blob_sha1(path)

"""Keep `build.json`'s `files` true when stats, plots or a tokenizer are added after a build."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from pytorrent import layout
from pytorrent.atomic import atomic_file, sha256_file
from pytorrent.errors import OutputError
from pytorrent.models import BuildManifest, FileDigest

MANIFEST = layout.MANIFEST


def read_manifest(out: Path) -> BuildManifest:
    path = out / MANIFEST
    if not path.is_file():
        raise OutputError(f"{out} has no {MANIFEST}: not a complete pytorrent output folder")
    try:
        return BuildManifest.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        raise OutputError(
            f"{path} is not a valid build manifest: {exc.errors()[0]['msg']}"
        ) from None


def write_manifest(out: Path, manifest: BuildManifest) -> None:
    """Write `build.json` atomically, in the pipeline's format."""
    with atomic_file(out / MANIFEST) as handle:
        handle.write((manifest.model_dump_json(indent=2) + "\n").encode())


def register_files(out: Path, paths: Iterable[Path]) -> BuildManifest:
    """Record the sha256 and size of `paths` (files under `out`) in `out/build.json`.

    A relative path is relative to the current folder, like `out` itself (so `out / "x"`
    works for a relative `out`). Entries of files that no longer exist are removed, so the
    manifest lists exactly what is on disk; `records` of an entry already present is kept.
    The file is replaced atomically.
    """
    root = out.resolve()
    manifest = read_manifest(out)
    files = dict(manifest.files)
    for path in paths:
        absolute = path.absolute()
        try:
            rel = absolute.resolve().relative_to(root).as_posix()
        except ValueError:
            raise OutputError(f"{path} is not inside {out}") from None
        if rel == MANIFEST:
            continue
        if not absolute.is_file():
            raise OutputError(f"cannot register {rel}: no such file")
        old = files.get(rel)
        files[rel] = FileDigest(
            sha256=sha256_file(absolute),
            bytes=absolute.stat().st_size,
            records=old.records if old else None,
        )
    files = {rel: digest for rel, digest in files.items() if (root / rel).is_file()}
    updated = manifest.model_copy(update={"files": dict(sorted(files.items()))})
    write_manifest(out, updated)
    return updated

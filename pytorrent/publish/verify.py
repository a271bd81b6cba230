"""Check that an output folder is a complete, untouched build before any byte leaves the machine.

A folder is publishable when `build.json` parses, every file it lists is on disk with the listed
size and sha256, nothing else is in the folder, and every `data_files` pattern of the card's
`configs:` matches at least one listed file (so `load_dataset` finds data for every config).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from pytorrent import layout
from pytorrent.atomic import sha256_file
from pytorrent.errors import OutputError
from pytorrent.models import BuildManifest

MANIFEST = layout.MANIFEST
CARD = layout.CARD
_SHOWN = 3  # offending paths named in one error line


@dataclass(frozen=True)
class LocalFile:
    """One file of a verified folder: its repository path (POSIX, relative), size and sha256."""

    path: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class VerifiedFolder:
    """A folder that passed `verify_folder`: every file to publish, `build.json` included."""

    root: Path
    manifest: BuildManifest
    files: dict[str, LocalFile]
    configs: dict[str, list[str]]  # config name -> files its data_files patterns match

    @property
    def bytes(self) -> int:
        return sum(f.bytes for f in self.files.values())

    def local_path(self, path: str) -> Path:
        return self.root.joinpath(*path.split("/"))


def verify_folder(root: Path) -> VerifiedFolder:
    """Verify `root` against its `build.json` and card; raises OutputError saying what is wrong."""
    root = Path(root)
    if not root.is_dir():
        raise OutputError(f"{root} is not a folder")
    manifest = _read_manifest(root)
    on_disk = _walk(root)
    listed = set(manifest.files)
    missing = sorted(listed - on_disk.keys())
    if missing:
        raise OutputError(_refusal(root, "listed in build.json but missing", missing))
    unlisted = sorted(on_disk.keys() - listed - {MANIFEST})
    if unlisted:
        raise OutputError(
            _refusal(root, "not listed in build.json (remove them or rebuild)", unlisted)
        )
    files: dict[str, LocalFile] = {}
    changed: list[str] = []
    for rel, digest in sorted(manifest.files.items()):
        path = on_disk[rel]
        size = path.stat().st_size
        sha = sha256_file(path) if size == digest.bytes else ""
        if sha != digest.sha256:
            changed.append(rel)
        files[rel] = LocalFile(rel, size, sha)
    if changed:
        raise OutputError(
            _refusal(
                root, "changed since the build (size or sha256 differs from build.json)", changed
            )
        )
    manifest_path = on_disk[MANIFEST]
    files[MANIFEST] = LocalFile(MANIFEST, manifest_path.stat().st_size, sha256_file(manifest_path))
    if CARD not in files:
        raise OutputError(f"{root} cannot be published: the dataset card {CARD} is missing")
    configs = _card_configs(root, on_disk[CARD], sorted(listed))
    return VerifiedFolder(root, manifest, dict(sorted(files.items())), configs)


def _read_manifest(root: Path) -> BuildManifest:
    path = root / MANIFEST
    if not path.is_file():
        raise OutputError(
            f"{root} is not a complete pytorrent build: {MANIFEST} is missing "
            f"(build it with: python -m pytorrent build --out {root})"
        )
    try:
        return BuildManifest.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "document"
        raise OutputError(
            f"{root} cannot be published: {MANIFEST} is not a build manifest ({where}: {first['msg']})"
        ) from None


def _walk(root: Path) -> dict[str, Path]:
    """Every file under `root` by POSIX relative path; links are refused, never followed."""
    found: dict[str, Path] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            raise OutputError(f"{root} cannot be published: {rel} is a link, not a file")
        if path.is_file():
            found[rel] = path
    return found


def _refusal(root: Path, what: str, paths: list[str]) -> str:
    shown = ", ".join(paths[:_SHOWN]) + (
        f" and {len(paths) - _SHOWN} more" if len(paths) > _SHOWN else ""
    )
    noun = "file" if len(paths) == 1 else "files"
    return f"{root} cannot be published: {len(paths)} {noun} {what}: {shown}"


def _card_configs(root: Path, card: Path, files: list[str]) -> dict[str, list[str]]:
    header = _front_matter(root, card.read_text(encoding="utf-8"))
    entries = header.get("configs")
    if not isinstance(entries, list) or not entries:
        raise OutputError(
            f"{root} cannot be published: {CARD} declares no configs, nothing to load"
        )
    configs: dict[str, list[str]] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("config_name"), str):
            raise OutputError(f"{root} cannot be published: {CARD} has a config without a name")
        name = entry["config_name"]
        matched: set[str] = set()
        for pattern in _patterns(entry.get("data_files")):
            parts = pattern.split("/")
            if pattern.startswith("/") or ".." in parts or "://" in pattern:
                raise OutputError(
                    f"{root} cannot be published: config {name} points outside the folder ({pattern})"
                )
            hits = [f for f in files if _glob_match(f.split("/"), parts)]
            if not hits:
                raise OutputError(
                    f"{root} cannot be published: config {name} matches no file ({pattern})"
                )
            matched.update(hits)
        if not matched:
            raise OutputError(f"{root} cannot be published: config {name} has no data_files")
        configs[name] = sorted(matched)
    return configs


def _front_matter(root: Path, text: str) -> dict[str, object]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---" or "---" not in (line.strip() for line in lines[1:]):
        raise OutputError(f"{root} cannot be published: {CARD} has no YAML header")
    end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
    try:
        header = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        raise OutputError(
            f"{root} cannot be published: {CARD} header is not YAML ({exc})"
        ) from None
    if not isinstance(header, dict):
        raise OutputError(f"{root} cannot be published: {CARD} header is not a mapping")
    return {str(k): v for k, v in header.items()}


def _patterns(data_files: object) -> list[str]:
    """Every path pattern of a config's `data_files`, in each form `datasets` accepts."""
    if isinstance(data_files, str):
        return [data_files]
    if isinstance(data_files, dict):
        return [p for value in data_files.values() for p in _patterns(value)]
    if isinstance(data_files, list):
        patterns: list[str] = []
        for item in data_files:
            patterns += _patterns(item.get("path") if isinstance(item, dict) else item)
        return patterns
    return []


def _glob_match(path: list[str], pattern: list[str]) -> bool:
    """Glob by path segments: `*` stays inside one segment, `**` spans any number of them."""
    if not pattern:
        return not path
    if pattern[0] == "**":
        return any(_glob_match(path[i:], pattern[1:]) for i in range(len(path) + 1))
    return (
        bool(path)
        and fnmatch.fnmatchcase(path[0], pattern[0])
        and _glob_match(path[1:], pattern[1:])
    )

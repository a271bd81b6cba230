"""Which folders pytorrent may replace or delete, checked before any work starts.

An existing `--out` is replaced only when it is empty or an earlier pytorrent output: a
`build.json` whose file registry lists everything in the folder. `--overwrite` lifts that
rule, never the protected ones: the filesystem root, the home folder, the current folder or
any folder above it, and every source folder or folder above one. Work and temp folders
pytorrent creates hold a marker file (`MARKER`), so a later run can prove they are its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from pytorrent import layout
from pytorrent.errors import ConfigError

#: Written into every work, staging and temp folder pytorrent creates; holds the pid.
MARKER = ".pytorrent-owned"
#: Prefixes (after `.NAME.`) of the temp folders beside an output that a killed run leaves.
LEFTOVERS = ("old-", "dedup-", "staging-")
_OWN_FILES = frozenset({layout.MANIFEST, layout.CARD})


def _protected(folder: Path, sources: Iterable[Path]) -> str | None:
    """Why `folder` (resolved) may never be replaced, or None."""
    if folder.parent == folder:
        return "it is the filesystem root"
    with contextlib.suppress(RuntimeError):  # no home folder known
        if folder == Path.home().resolve():
            return "it is your home folder"
    cwd = Path.cwd().resolve()
    if folder == cwd or folder in cwd.parents:
        return "it is the current folder or holds it"
    for source in sources:
        if folder == source or folder in source.parents:
            return f"it is or holds the source {source}"
    return None


def is_pytorrent_output(folder: Path) -> bool:
    """True when `folder` has a build.json and nothing its file registry does not list."""
    try:
        files = json.loads((folder / layout.MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if not isinstance(files, dict):
        return False
    listed = set(files) | _OWN_FILES
    parents = {p.as_posix() for name in listed for p in Path(name).parents}
    for root, dirs, names in os.walk(folder):
        rel = Path(root).relative_to(folder)
        for name in dirs:
            path = Path(root, name)
            if path.is_symlink() or (rel / name).as_posix() not in parents:
                return False
        for name in names:
            if Path(root, name).is_symlink() or (rel / name).as_posix() not in listed:
                return False
    return True


def _exists(folder: Path, option: str, given: Path) -> bool:
    """`folder.exists()`, or a one-line refusal where a folder above it cannot be entered
    (`Path.exists` raises PermissionError there instead of answering)."""
    try:
        return folder.exists()
    except PermissionError:
        raise ConfigError(
            f"{option} {given}: cannot enter a folder above it; pass another {option}"
        ) from None


def check_output(
    out: Path, *, option: str = "--out", sources: Iterable[Path] = (), overwrite: bool = False
) -> Path:
    """Refuse (ConfigError, exit 2) an `out` whose replacement could lose data; returns it
    resolved. Also refuses a parent folder that cannot be written."""
    folder = out.resolve()
    why = _protected(folder, [s.resolve() for s in sources])
    if why is not None:
        raise ConfigError(f"{option} {out} is refused: {why}; pass another {option}")
    if _exists(folder, option, out) and not folder.is_dir():
        raise ConfigError(f"{option} {out} exists and is not a folder; pass another {option}")
    if (
        folder.is_dir()
        and not overwrite
        and any(folder.iterdir())
        and not is_pytorrent_output(folder)
    ):
        raise ConfigError(
            f"{option} {out} holds files that no earlier pytorrent build wrote; pass "
            f"--overwrite to replace it anyway, or another {option}"
        )
    parent = folder.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise ConfigError(f"{option} {out}: cannot write in {parent}; pass another {option}")
    return folder


def mark(folder: Path) -> None:
    """Write the marker that proves `folder` is pytorrent's own."""
    (folder / MARKER).write_text(f"{os.getpid()}\n", encoding="utf-8")


def unmark(folder: Path) -> None:
    (folder / MARKER).unlink(missing_ok=True)


def _marker_pid(folder: Path) -> int | None:
    """The pid of the marker's writer; 0 when the marker is unreadable; None when absent."""
    try:
        text = (folder / MARKER).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):  # a damaged marker is still a marker
        return 0
    return int(text) if text.strip().isdigit() else 0


def _alive(pid: int) -> bool:
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def check_work(work: Path, out: Path) -> None:
    """`--work` must be empty or a folder pytorrent made, and apart from `out`."""
    folder, target = work.resolve(), out.resolve()
    if folder == target or target in folder.parents or folder in target.parents:
        raise ConfigError(
            f"--work {work} and --out {out} overlap; pass a --work outside the output"
        )
    if _exists(folder, "--work", work) and not folder.is_dir():
        raise ConfigError(f"--work {work} exists and is not a folder; pass another --work")
    if folder.is_dir() and _marker_pid(folder) is None and any(folder.iterdir()):
        raise ConfigError(
            f"--work {work} is not empty and pytorrent did not create it; pass an empty or "
            "new folder as --work"
        )


def clean_leftovers(out: Path) -> list[Path]:
    """Delete `.NAME.old-*`, `.NAME.dedup-*` and `.NAME.staging-*` beside `out` that killed
    runs left, when pytorrent can prove it wrote them (its marker, whose writer is no longer
    running, or an earlier output); returns what it removed."""
    removed: list[Path] = []
    parent = out.parent
    if not parent.is_dir():
        return removed
    for entry in sorted(parent.iterdir()):
        rest = entry.name.removeprefix(f".{out.name}.")
        if rest == entry.name or not rest.startswith(LEFTOVERS):
            continue
        if entry.is_symlink() or not entry.is_dir():
            continue
        pid = _marker_pid(entry)
        owned = (pid is not None and not _alive(pid)) or (
            rest.startswith("old-") and is_pytorrent_output(entry)
        )
        if owned:
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed

"""Member names of archives and folders -> safe, relative POSIX paths, or a drop reason.

Nothing is ever extracted, so a hostile name cannot write anywhere; these rules still refuse
names that could escape a package root, because the paths end up in records and other tools may
write them out. Reasons (stage "source"): path_traversal, absolute_path, bad_path.
"""

from __future__ import annotations

import re

#: Longer names are refused: no real package has them, and they end up in every record.
MAX_PATH_CHARS = 1024

_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

#: Suffixes of archives that may sit inside a package; they are never opened (not recursed).
ARCHIVE_SUFFIXES = (
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz2",
    ".tar.xz",
    ".txz",
    ".tar",
    ".zip",
    ".whl",
    ".egg",
    ".conda",
    ".tar.zst",
)


class UnsafePathError(Exception):
    """A member name that must not be used; `reason` is the drop reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def safe_relative_path(name: str) -> str:
    """Normalise an archive member name to `a/b/c.py`, or raise UnsafePathError.

    Backslashes count as separators (zips made on Windows use them), `.` and empty parts are
    dropped, and a `..` part anywhere is refused rather than resolved.
    """
    if len(name) > MAX_PATH_CHARS or _CONTROL.search(name):
        raise UnsafePathError("bad_path")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes kept as surrogates by the archive reader
        raise UnsafePathError("bad_path") from None
    posix = name.replace("\\", "/")
    if posix.startswith("/") or _DRIVE.match(posix):
        raise UnsafePathError("absolute_path")
    parts = [part for part in posix.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise UnsafePathError("path_traversal")
    if not parts:
        raise UnsafePathError("bad_path")
    return "/".join(parts)


def is_python_path(path: str) -> bool:
    """Python source files as the pipeline reads them (`.py` only; stubs and notebooks are not)."""
    return path.endswith(".py")


def is_archive_path(path: str) -> bool:
    """Whether a member looks like an archive (counted as nested, never opened)."""
    return path.lower().endswith(ARCHIVE_SUFFIXES)


def printable(name: str, limit: int = 200) -> str:
    """A member name made safe for drop examples and logs (escaped, shortened)."""
    text = ascii(name)[1:-1]
    return text if len(text) <= limit else text[:limit] + "..."

"""Text from outside that goes into an output folder, made fit to publish.

`build.json` and the card name the sources as the user typed them, except that an absolute
local path becomes relative to the current folder (when inside it) or just its last part:
no user names or home folders of the build machine in a published corpus. Markdown table
cells escape `|`, so a license or summary holding one cannot break the table.
"""

from __future__ import annotations

from pathlib import Path

#: SOURCE prefixes followed by a local path (`installed:` takes a comma-separated list).
_PATH_PREFIXES = ("dir:", "git:", "pypi:@")
_REMOTE_PREFIXES = ("pypi:", "conda:")


def _split(spec: str) -> tuple[str, list[str]]:
    """(prefix, local paths) of one SOURCE; no paths for remote and `installed` sources."""
    if spec == "installed":
        return spec, []
    if spec.startswith("installed:"):
        return "installed:", [p for p in spec.removeprefix("installed:").split(",") if p]
    for prefix in _PATH_PREFIXES:
        if spec.startswith(prefix):
            return prefix, [spec.removeprefix(prefix)]
    if spec.startswith(_REMOTE_PREFIXES):
        return spec, []
    return "", [spec]


def source_paths(spec: str) -> list[Path]:
    """The local files and folders one SOURCE reads (nothing for remote sources)."""
    return [Path(p) for p in _split(spec)[1]]


def _shown(path: str) -> str:
    if not Path(path).is_absolute():
        return path
    resolved, cwd = Path(path).resolve(), Path.cwd().resolve()
    if resolved == cwd:
        return "."
    if cwd in resolved.parents:
        return resolved.relative_to(cwd).as_posix()
    return resolved.name or path


def public_spec(spec: str) -> str:
    """`spec` as build.json and the card record it: no absolute local path."""
    prefix, paths = _split(spec)
    if not paths:
        return spec
    return prefix + ",".join(_shown(p) for p in paths)


def md_cell(text: object) -> str:
    """One markdown table cell: `|` escaped, line breaks folded into spaces."""
    return " ".join(str(text).replace("|", "\\|").split())

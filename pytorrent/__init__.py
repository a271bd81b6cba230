"""pytorrent: build, deduplicate, measure and publish PyTorrent-style corpora of Python code.

The public face is the names in `__all__`; everything else is internal and may move. The build
stack is imported on first use, so `import pytorrent` (and the CLI's `--help`) stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from pytorrent.errors import (
    ConfigError,
    ExecutorError,
    HubError,
    MissingExtraError,
    OutputError,
    PytorrentError,
    SourceError,
    WorkFolderBusyError,
)
from pytorrent.version import __version__

if TYPE_CHECKING:
    from pytorrent.config import BuildConfig
    from pytorrent.pipeline import BuildReport, build


__all__ = [
    "BuildConfig",
    "BuildReport",
    "ConfigError",
    "ExecutorError",
    "HubError",
    "MissingExtraError",
    "OutputError",
    "PytorrentError",
    "SourceError",
    "WorkFolderBusyError",
    "__version__",
    "build",
]

#: Lazily imported public names -> the module that defines them.
_LAZY = {
    "BuildConfig": "pytorrent.config",
    "BuildReport": "pytorrent.pipeline",
    "build": "pytorrent.pipeline",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'pytorrent' has no attribute {name!r}")

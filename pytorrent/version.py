"""The version of pytorrent, in a module of its own so any module can read it without
importing the package root (which re-exports the build stack), and the versions of the
libraries that runs record."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable

__version__ = "0.1.0"


def installed_versions(
    names: Iterable[str], missing: str | None = "not installed"
) -> dict[str, str]:
    """Installed version of each distribution; an absent one gets `missing` (None: left out)."""
    found: dict[str, str] = {}
    for name in names:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            if missing is not None:
                found[name] = missing
    return found

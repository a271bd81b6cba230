"""One order of package versions for every place that picks the newest release."""

from __future__ import annotations

from packaging.version import InvalidVersion, Version


def version_key(version: str) -> tuple[int, Version | str]:
    """PEP 440 order; versions that do not parse sort below every valid one, by text."""
    try:
        return (1, Version(version))
    except InvalidVersion:
        return (0, version)

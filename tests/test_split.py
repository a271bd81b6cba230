from __future__ import annotations

from collections import Counter

import pytest

from pytorrent.split import assign_splits, validate_ratios


def names(n: int) -> list[str]:
    return [f"package-{i}" for i in range(n)]


def test_split_is_deterministic_and_seeded() -> None:
    a = assign_splits(names(500), seed=1)
    assert a == assign_splits(list(reversed(names(500))), seed=1)
    assert a != assign_splits(names(500), seed=2)


def test_ratios_hold_on_thousands_of_packages() -> None:
    counts = Counter(assign_splits(names(5000), seed=0, ratios=(0.8, 0.1, 0.1)).values())
    assert abs(counts["train"] / 5000 - 0.8) < 0.02
    assert abs(counts["validation"] / 5000 - 0.1) < 0.015
    assert abs(counts["test"] / 5000 - 0.1) < 0.015


def test_adding_packages_never_moves_existing_ones() -> None:
    small = assign_splits(names(100), seed=3)
    large = assign_splits(names(1000), seed=3)
    assert all(large[name] == split for name, split in small.items())


@pytest.mark.parametrize("ratios", [(0.5, 0.5, 0.5), (1.0, -0.1, 0.1)])
def test_invalid_ratios(ratios: tuple[float, float, float]) -> None:
    with pytest.raises(ValueError):
        validate_ratios(ratios)

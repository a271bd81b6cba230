"""Unequal split ratios: valid and test each get their own share (swapping them shows), and
a package's split is the ratio interval its fraction falls in, lower ends included."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pytorrent.config import BuildConfig
from pytorrent.pipeline import build
from pytorrent.split import assign_split, assign_splits, package_fraction, validate_ratios
from tests.envs import make_site

NAMES = [f"package-{i}" for i in range(5000)]


@pytest.mark.parametrize(
    "ratios", [(0.6, 0.3, 0.1), (0.7, 0.05, 0.25), (0.2, 0.0, 0.8), (0.0, 0.9, 0.1)]
)
def test_each_split_gets_its_own_share(ratios: tuple[float, float, float]) -> None:
    counts = Counter(assign_splits(NAMES, seed=0, ratios=ratios).values())
    for split, ratio in zip(("train", "validation", "test"), ratios, strict=True):
        # 4 standard deviations of a binomial share, at least one package
        tolerance = 4 * math.sqrt(ratio * (1 - ratio) / len(NAMES)) + 1 / len(NAMES)
        assert abs(counts[split] / len(NAMES) - ratio) <= tolerance, (split, counts)


def test_every_package_falls_in_its_interval() -> None:
    ratios = (0.5, 0.15, 0.35)
    for name, split in assign_splits(NAMES[:500], seed=4, ratios=ratios).items():
        fraction = package_fraction(name, 4)
        expected = "train" if fraction < 0.5 else "validation" if fraction < 0.65 else "test"
        assert split == expected, (name, fraction)


def _next_to(fraction: float, shift: int) -> float:
    """`fraction` itself (0), or the float just under (-1) or just over (+1) it."""
    return fraction if shift == 0 else math.nextafter(fraction, shift * math.inf)


@pytest.mark.parametrize(("shift", "split"), [(-1, "validation"), (0, "validation"), (1, "train")])
def test_a_fraction_exactly_at_the_train_bound_is_valid(shift: int, split: str) -> None:
    bound = _next_to(package_fraction("edge", 0), shift)
    ratios = (bound, (1.0 - bound) / 2, (1.0 - bound) / 2)
    assert assign_split("edge", 0, ratios) == split


@pytest.mark.parametrize(("shift", "split"), [(-1, "test"), (0, "test"), (1, "validation")])
def test_a_fraction_exactly_at_the_valid_bound_is_test(shift: int, split: str) -> None:
    bound = _next_to(package_fraction("edge", 0), shift)
    ratios = (0.0, bound, 1.0 - bound)
    assert assign_split("edge", 0, ratios) == split


# Fractions at seed 0: pkg00 0.886, pkg01 0.005, pkg02 0.760, pkg03 0.746.
@pytest.mark.parametrize(
    ("ratios", "expected"),
    [
        ((0.0, 0.0, 1.0), ["test", "test", "test", "test"]),
        ((0.0, 0.75, 0.25), ["test", "validation", "test", "validation"]),
        ((0.5, 0.25, 0.25), ["test", "train", "test", "validation"]),
    ],
)
def test_a_build_writes_each_package_to_its_split(
    tmp_path: Path, ratios: tuple[float, float, float], expected: list[str]
) -> None:
    site = make_site(tmp_path / "env", packages=4)
    out = tmp_path / "out"
    config = BuildConfig(
        sources=(f"installed:{site}",), out=out, executor="inline", ratios=ratios,
        scenarios=(0,),
    )  # fmt: skip
    build(config)
    written = {
        row["repo"]: path.name.split("-")[0]
        for path in sorted((out / "pairs").glob("*.parquet"))
        for row in pq.read_table(path, columns=["repo"]).to_pylist()
    }
    assert written == {f"pkg{i:02d}": split for i, split in enumerate(expected)}
    assert written == {name: assign_split(name, 0, ratios) for name in written}


@pytest.mark.parametrize("ratios", [(0.5, 0.5, 0.5), (1.0, -0.1, 0.1), (0.5, 0.5)])
def test_invalid_ratios_name_the_rule(ratios: tuple[float, float, float]) -> None:
    with pytest.raises(ValueError, match=r"three non-negative numbers summing to 1, not \("):
        validate_ratios(ratios)

"""pass@k against values computed by hand from 1 - C(n-c, k) / C(n, k)."""

from __future__ import annotations

import math

import pytest

from pytorrent.evaluate.passk import mean_pass_at_k, pass_at_k


@pytest.mark.parametrize(
    ("n", "c", "k", "expected"),
    [
        (1, 1, 1, 1.0),
        (1, 0, 1, 0.0),
        (10, 3, 1, 0.3),  # c / n for k = 1
        (5, 2, 2, 1 - 3 / 10),  # C(3,2) / C(5,2) = 3 / 10
        (10, 1, 5, 1 - 126 / 252),  # C(9,5) / C(10,5) = 1 / 2
        (4, 1, 4, 1.0),  # n - c < k: every 4-subset holds the pass
        (20, 0, 10, 0.0),
        (6, 2, 3, 1 - 4 / 20),  # C(4,3) / C(6,3)
    ],
)
def test_hand_computed(n: int, c: int, k: int, expected: float) -> None:
    assert pass_at_k(n, c, k) == pytest.approx(expected)


def test_matches_binomials_where_they_fit_and_stays_finite_where_they_overflow() -> None:
    assert pass_at_k(200, 13, 100) == pytest.approx(1 - math.comb(187, 100) / math.comb(200, 100))
    value = pass_at_k(5000, 1, 100)
    assert value == pytest.approx(100 / 5000)


def test_rejects_impossible_counts() -> None:
    for n, c, k in ((3, 4, 1), (0, 0, 1), (3, 1, 0), (3, 1, 4)):
        with pytest.raises(ValueError):
            pass_at_k(n, c, k)


def test_mean_skips_k_above_the_smallest_n() -> None:
    result = mean_pass_at_k([(2, 1), (2, 2)], [1, 2, 10])
    assert result == {1: pytest.approx(0.75), 2: pytest.approx(1.0)}

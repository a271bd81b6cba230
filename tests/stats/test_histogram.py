"""`IntHistogram`: exact nearest-rank percentiles with bounded memory."""

from __future__ import annotations

import numpy as np
import pytest

from pytorrent.stats.histogram import DENSE_LIMIT, PERCENTILES, IntHistogram


def nearest_rank(values: list[int], q: float) -> int:
    return int(np.percentile(np.array(values), q * 100, method="inverted_cdf"))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_percentiles_equal_numpys_inverted_cdf(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 300, size=997).tolist() + [DENSE_LIMIT + 5, 10 * DENSE_LIMIT] * 3
    histogram = IntHistogram()
    for chunk in np.array_split(np.array(values), 7):
        histogram.add(chunk)
    qs = [0.01, *PERCENTILES, 0.99, 1.0]
    assert histogram.percentiles(qs) == [nearest_rank(values, q) for q in qs]
    summary = histogram.summary()
    assert summary.count == len(values)
    assert summary.mean == round(sum(values) / len(values), 4)
    assert (summary.min, summary.max) == (min(values), max(values))
    assert summary.median == nearest_rank(values, 0.5)
    assert summary.percentiles == {"p50": summary.median} | {
        f"p{round(q * 100)}": nearest_rank(values, q) for q in PERCENTILES[1:]
    }


def test_exact_ranks_do_not_suffer_from_float_rounding() -> None:
    histogram = IntHistogram()
    histogram.add(range(1, 11))
    # 0.7 * 10 is 7.000000000000001 in floating point: the 7th value, not the 8th.
    assert histogram.percentiles([0.7, 0.95, 0.5]) == [7, 10, 5]


def test_counts_totals_and_shares() -> None:
    histogram = IntHistogram()
    histogram.add([3, 3, 5, DENSE_LIMIT * 2])
    assert list(histogram.items()) == [(3, 2), (5, 1), (DENSE_LIMIT * 2, 1)]
    assert histogram.total == 11 + DENSE_LIMIT * 2
    assert histogram.count_at_most(4) == 2
    assert histogram.count_at_most(DENSE_LIMIT * 2) == 4
    assert histogram.share_at_most(5) == 0.75


def test_add_counts_and_merge_equal_adding_values() -> None:
    direct = IntHistogram()
    direct.add([1, 1, 1, 7, DENSE_LIMIT + 1, DENSE_LIMIT + 1])
    counted = IntHistogram()
    counted.add_counts([(1, 3), (7, 1), (DENSE_LIMIT + 1, 2)])
    merged = IntHistogram()
    merged.merge(counted)
    assert list(direct.items()) == list(counted.items()) == list(merged.items())


def test_empty_histogram_summary_has_no_values() -> None:
    summary = IntHistogram().summary()
    assert summary.count == 0
    assert summary.mean is summary.median is summary.min is summary.max is None
    assert summary.percentiles == {}
    assert IntHistogram().share_at_most(3) is None


def test_rejects_negative_values_and_bad_percentiles() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        IntHistogram().add([1, -1])
    histogram = IntHistogram()
    histogram.add([1])
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        histogram.percentiles([0.0])

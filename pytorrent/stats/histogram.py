"""Exact histograms of non-negative integers (token counts, line lengths, complexity).

Lengths are integers, so a histogram of them is exact and its memory is bounded by the number
of distinct values, not by the corpus: values below `DENSE_LIMIT` live in a numpy array that
grows to the largest value seen, rarer large values in a dict. Percentiles use the
nearest-rank definition (numpy's `inverted_cdf`): the p-th percentile is the smallest value
with at least `ceil(p * n)` values at or below it, so it is always a value of the data.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

#: The percentiles of PyTorrent's Table 5.
PERCENTILES: tuple[float, ...] = (0.5, 0.7, 0.8, 0.9, 0.95)

DENSE_LIMIT = 1 << 16


def percentile_key(q: float) -> str:
    """`0.95` -> `"p95"`: the key of a percentile in `Summary.percentiles`."""
    return f"p{round(q * 100):d}"


class Summary(BaseModel):
    """Count, mean, median, extremes and Table 5 percentiles of one distribution."""

    model_config = ConfigDict(extra="forbid")

    count: int
    mean: float | None
    median: int | None
    min: int | None
    max: int | None
    percentiles: dict[str, int]


class IntHistogram:
    """Counts of non-negative integers; exact percentiles with memory bounded by distinct values."""

    def __init__(self) -> None:
        self._dense: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._sparse: dict[int, int] = {}

    def add(self, values: npt.ArrayLike) -> None:
        """Count every value of `values` (any integer array-like)."""
        array = np.asarray(values, dtype=np.int64).ravel()
        if array.size == 0:
            return
        if int(array.min()) < 0:
            raise ValueError("IntHistogram counts non-negative integers only")
        small = array[array < DENSE_LIMIT]
        if small.size:
            counts = np.bincount(small)
            if counts.size > self._dense.size:
                grown = np.zeros(counts.size, dtype=np.int64)
                grown[: self._dense.size] = self._dense
                self._dense = grown
            self._dense[: counts.size] += counts
        large = array[array >= DENSE_LIMIT]
        if large.size:
            keys, counts = np.unique(large, return_counts=True)
            for key, count in zip(keys.tolist(), counts.tolist(), strict=True):
                self._sparse[key] = self._sparse.get(key, 0) + count

    def add_counts(self, counts: Iterable[tuple[int, int]]) -> None:
        """Count `count` occurrences of each `value` of (value, count) pairs."""
        for value, count in counts:
            if value < 0 or count < 0:
                raise ValueError("IntHistogram counts non-negative integers only")
            if value >= DENSE_LIMIT:
                self._sparse[value] = self._sparse.get(value, 0) + count
                continue
            if value >= self._dense.size:
                grown = np.zeros(value + 1, dtype=np.int64)
                grown[: self._dense.size] = self._dense
                self._dense = grown
            self._dense[value] += count

    def merge(self, other: IntHistogram) -> None:
        self.add_counts(other.items())

    def items(self) -> Iterator[tuple[int, int]]:
        """(value, count) for every value seen, ascending."""
        for value in np.flatnonzero(self._dense).tolist():
            yield value, int(self._dense[value])
        for value in sorted(self._sparse):
            yield value, self._sparse[value]

    @property
    def count(self) -> int:
        return int(self._dense.sum()) + sum(self._sparse.values())

    @property
    def total(self) -> int:
        """Sum of all values."""
        dense = int(np.dot(np.arange(self._dense.size, dtype=np.int64), self._dense))
        return dense + sum(v * c for v, c in self._sparse.items())

    def count_at_most(self, limit: int) -> int:
        """How many values are <= `limit`."""
        dense = int(self._dense[: max(0, min(limit + 1, self._dense.size))].sum())
        return dense + sum(c for v, c in self._sparse.items() if v <= limit)

    def share_at_most(self, limit: int) -> float | None:
        n = self.count
        return None if n == 0 else self.count_at_most(limit) / n

    def percentiles(self, qs: Sequence[float]) -> list[int | None]:
        """Nearest-rank percentiles for each q in (0, 1]; None for an empty histogram."""
        if any(not 0.0 < q <= 1.0 for q in qs):
            raise ValueError("percentiles are in (0, 1]")
        n = self.count
        if n == 0:
            return [None for _ in qs]
        ranks = [max(1, math.ceil(q * n - 1e-9)) for q in qs]
        results: list[int | None] = [None for _ in qs]
        seen = 0
        pending = sorted(range(len(qs)), key=lambda i: ranks[i])
        for value, count in self.items():
            seen += count
            while pending and ranks[pending[0]] <= seen:
                results[pending.pop(0)] = value
            if not pending:
                break
        return results

    def summary(self, qs: Sequence[float] = PERCENTILES) -> Summary:
        n = self.count
        if n == 0:
            return Summary(count=0, mean=None, median=None, min=None, max=None, percentiles={})
        values = [v for v, _ in self.items()]
        median, *rest = self.percentiles([0.5, *qs])
        return Summary(
            count=n,
            mean=round(self.total / n, 4),
            median=median,
            min=values[0],
            max=values[-1],
            percentiles={
                percentile_key(q): int(v) for q, v in zip(qs, rest, strict=True) if v is not None
            },
        )

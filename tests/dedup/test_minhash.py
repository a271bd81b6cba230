"""Our batched MinHash is datasketch's affine32 MinHash, row for row."""

from __future__ import annotations

import numpy as np
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from pytorrent.dedup import minhash

sets = st.lists(
    st.lists(st.integers(0, 2**32 - 1), max_size=60, unique=True).map(
        lambda xs: np.array(sorted(xs), dtype=np.uint32)
    ),
    max_size=8,
)


def _datasketch(values: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    sketch = MinHash(num_perm=num_perm, seed=seed, hashfunc=lambda v: v)
    sketch.update_batch(values.tolist())
    return np.asarray(sketch.hashvalues)


@settings(max_examples=40, deadline=None)
@given(sets, st.sampled_from([16, 256]), st.integers(1, 5))
def test_rows_equal_datasketch_update_batch(
    batch: list[np.ndarray], num_perm: int, seed: int
) -> None:
    rows = minhash.signatures(batch, num_perm, seed)
    for values, row in zip(batch, rows, strict=True):
        if values.size:
            assert np.array_equal(row, _datasketch(values, num_perm, seed))
        else:
            assert (row == minhash.EMPTY).all()


def test_sets_larger_than_a_chunk(monkeypatch: object) -> None:
    rng = np.random.default_rng(0)
    big = np.unique(
        rng.integers(0, 2**32, 3 * minhash.CHUNK + 7, dtype=np.uint64).astype(np.uint32)
    )
    small = np.arange(5, dtype=np.uint32)
    rows = minhash.signatures([small, big, small], 64, 1)
    assert np.array_equal(rows[1], _datasketch(big, 64, 1))
    assert np.array_equal(rows[0], rows[2])


def test_lean_minhash_estimates_jaccard() -> None:
    a = np.arange(0, 1000, dtype=np.uint32)
    b = np.arange(100, 1100, dtype=np.uint32)  # true Jaccard 900/1100 = 0.818
    rows = minhash.signatures([a, b], 256, 1)
    estimate = minhash.lean_minhash(rows[0], 1).jaccard(minhash.lean_minhash(rows[1], 1))
    assert abs(estimate - 900 / 1100) < 0.08

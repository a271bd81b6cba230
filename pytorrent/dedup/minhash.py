"""Batched MinHash: datasketch's "affine32" scheme, vectorised over many sets at once.

Calling `MinHash.update` per shingle costs a Python call each (1.5k functions/s, docs/architecture.md,
"Measured facts"). Here the shingles of a whole batch of units go through numpy in chunks and one
`minimum.reduceat` gives every unit's signature. The permutations are datasketch's own
(`MinHash(num_perm, seed, scheme="affine32").permutations`) and the arithmetic is its
affine32 update, so each row equals `datasketch.MinHash.update_batch` over the same 32-bit
shingle hashes (a test checks this) and wraps into a `LeanMinHash` for any datasketch tool.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from datasketch import LeanMinHash, MinHash

from pytorrent.dedup.hashing import U32, fmix32

SCHEME = "affine32"
EMPTY = np.uint32(0xFFFFFFFF)
#: Shingles hashed per numpy step: num_perm x CHUNK x 4 bytes of temporary memory (16 MiB).
CHUNK = 16384


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[U32, U32]:
    """datasketch's permutation parameters (a, b) for `num_perm` and `seed`."""
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations
    return np.ascontiguousarray(a, dtype=np.uint32), np.ascontiguousarray(b, dtype=np.uint32)


def signatures(sets: Sequence[U32], num_perm: int, seed: int) -> npt.NDArray[np.uint32]:
    """MinHash signature (one row of `num_perm` uint32) per set of 32-bit shingle hashes.

    An empty set gets the all-`EMPTY` row; callers must not treat such rows as similar.
    """
    a, b = permutations(num_perm, seed)
    a_col, b_col = a[:, None], b[:, None]
    out = np.full((len(sets), num_perm), EMPTY, dtype=np.uint32)
    lengths = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
    i, n = 0, len(sets)
    while i < n:
        if lengths[i] == 0:
            i += 1
            continue
        if lengths[i] >= CHUNK:
            # One big unit: fold its shingles chunk by chunk into its row.
            h = fmix32(sets[i])
            for start in range(0, h.shape[0], CHUNK):
                part = a_col * h[None, start : start + CHUNK] + b_col
                np.minimum(out[i], part.min(axis=1), out=out[i])
            i += 1
            continue
        rows: list[int] = []
        total = 0
        j = i
        while j < n and total + lengths[j] <= CHUNK:
            if lengths[j]:
                rows.append(j)
                total += int(lengths[j])
            j += 1
        h = fmix32(np.concatenate([sets[r] for r in rows]))
        starts = np.zeros(len(rows), dtype=np.int64)
        np.cumsum(lengths[rows[:-1]], out=starts[1:])
        # (num_perm, shingles) layout: reduceat along the contiguous axis is ~7x faster.
        permuted = a_col * h[None, :] + b_col
        out[rows] = np.minimum.reduceat(permuted, starts, axis=1).T
        i = j
    return out


def lean_minhash(row: npt.NDArray[np.uint32], seed: int) -> LeanMinHash:
    """Wrap one signature row as a datasketch `LeanMinHash` (for MinHashLSH and friends)."""
    return LeanMinHash(seed=seed, hashvalues=row, scheme=SCHEME)

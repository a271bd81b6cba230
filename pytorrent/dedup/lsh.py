"""LSH banding with compact integer band keys, and candidate edges from equal keys.

A signature's `rows` consecutive values per band are folded into one 64-bit key, so the
whole index is an (n, bands) uint64 array: 104 bytes per unit at 256 permutations and
threshold 0.85 (13 bands of 19), instead of a Python object per band. Two units are
candidates when any band key is equal; random 64-bit key collisions are negligible
(~n²/2⁶⁵ pairs per band).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from pytorrent.dedup.hashing import U64, fmix64
from pytorrent.dedup.unionfind import Index

_MUL = np.uint64(0x9E3779B97F4A7C15)


def band_keys(signatures: npt.NDArray[np.uint32], bands: int, rows: int) -> U64:
    """(n, bands) band keys of an (n, num_perm) signature matrix."""
    n = signatures.shape[0]
    cube = signatures[:, : bands * rows].reshape(n, bands, rows)
    keys = np.zeros((n, bands), dtype=np.uint64)
    for j in range(rows):
        keys = keys * _MUL + cube[:, :, j].astype(np.uint64)
    return fmix64(keys)


def bucket_edges(keys: U64) -> tuple[Index, Index]:
    """Edges joining every unit to the first unit with the same key (a star per bucket).

    A star has the connectivity of all pairs in the bucket with len-1 edges instead of
    len²/2, so a bucket of 10,000 identical boilerplate units costs 9,999 edges.
    """
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    first = np.empty(ordered.shape[0], dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    run = np.cumsum(first) - 1
    heads = order[np.flatnonzero(first)]
    rest = ~first
    return heads[run[rest]].astype(np.int64), order[rest].astype(np.int64)

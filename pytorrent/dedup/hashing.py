"""Stable, vectorised hashing of tokens and token n-grams.

Every hash here is a pure function of its input bytes (blake2b for tokens, fixed-constant
integer mixing for n-grams), so workers, re-runs and machines agree. Python's `hash()` is
salted per process and must never reach a signature (docs/architecture.md, "Data flow").
"""

from __future__ import annotations

from collections.abc import Sequence
from hashlib import blake2b

import numpy as np
import numpy.typing as npt

from pytorrent.dedup.tokens import PLACEHOLDER, is_local_name

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]

# Odd 64-bit multiplier of the rolling n-gram combine (golden ratio, as in splitmix64).
_MUL = np.uint64(0x9E3779B97F4A7C15)
_FMIX64 = (np.uint64(33), np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35))


def sequence_key(token_hashes: U64) -> int:
    """64-bit key of a token-hash sequence: the exact-dedup key (collisions ~1e-7 at 3M)."""
    data = token_hashes.astype("<u8", copy=False).tobytes()
    return int.from_bytes(blake2b(data, digest_size=8).digest(), "little")


def fmix64(h: U64) -> U64:
    """MurmurHash3's 64-bit finaliser: an avalanching bijection (wraps modulo 2**64)."""
    shift, m1, m2 = _FMIX64
    h = h ^ (h >> shift)
    h = h * m1
    h = h ^ (h >> shift)
    h = h * m2
    mixed: U64 = h ^ (h >> shift)
    return mixed


def fmix32(h: U32) -> U32:
    """MurmurHash3's 32-bit finaliser, as datasketch's "affine32" scheme applies it."""
    s1, m1, s2, m2 = _FMIX32
    h = h ^ (h >> s1)
    h = h * m1
    h = h ^ (h >> s2)
    h = h * m2
    mixed: U32 = h ^ (h >> s1)
    return mixed


class TokenHasher:
    """Maps token strings to 64-bit blake2b hashes, caching the (small) vocabulary.

    One hasher per worker amortises hashing over a package's units; the cache is cleared
    when it grows past `max_cache` so memory stays bounded on odd inputs.
    """

    def __init__(self, max_cache: int = 1 << 20) -> None:
        self._cache: dict[str, int] = {}
        self._code_cache: dict[str, int] = {}
        self._local: dict[str, bool] = {}
        self._max_cache = max_cache
        self._dot = _token_hash(".", keep_all=True)
        self._placeholder = _token_hash(PLACEHOLDER, keep_all=True)

    def __call__(self, tokens: Sequence[str]) -> U64:
        """Hash of every token."""
        return self._hash(tokens, self._cache, keep_all=True)

    def code(self, tokens: Sequence[str], anonymize: bool = False) -> U64:
        """Hashes of the tokens `normalize_code_tokens` keeps, without building that list.

        With `anonymize`, local names hash as the placeholder `ID`, as in
        `tokens.anonymize(normalize_code_tokens(tokens))`.
        """
        hashes = self._hash(tokens, self._code_cache, keep_all=False)
        kept = hashes != 0
        out: U64 = hashes[kept]
        if anonymize and out.size:
            local = self._local
            if len(local) > self._max_cache:
                local.clear()
            for token in set(tokens).difference(local):
                local[token] = is_local_name(token)
            names = np.array([local[token] for token in tokens], dtype=bool)[kept]
            names[1:] &= out[:-1] != self._dot
            out = np.where(names, np.uint64(self._placeholder), out)
        return out

    def _hash(self, tokens: Sequence[str], cache: dict[str, int], keep_all: bool) -> U64:
        if len(cache) > self._max_cache:
            cache.clear()
        for token in set(tokens).difference(cache):
            cache[token] = _token_hash(token, keep_all)
        return np.array([cache[token] for token in tokens], dtype=np.uint64)


def _token_hash(token: str, keep_all: bool) -> int:
    """blake2b of the token; 0 marks a layout/comment token when code is hashed."""
    if not keep_all and (not token or token.isspace() or token.startswith("#")):
        return 0
    digest = blake2b(token.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") or 1


def ngram_hashes(token_hashes: U64, n: int) -> U64:
    """64-bit hash of every contiguous n-gram; a sequence shorter than n is one n-gram.

    Order-sensitive (a rolling multiply-add) and finalised with fmix64. Empty input gives
    an empty array: a unit without tokens has no shingles.
    """
    length = int(token_hashes.shape[0])
    if length == 0:
        return np.empty(0, dtype=np.uint64)
    width = min(n, length)
    count = length - width + 1
    h = np.zeros(count, dtype=np.uint64)
    for j in range(width):
        h = h * _MUL + token_hashes[j : j + count]
    return fmix64(h)

"""What decontamination needs of each code token, looked up for a whole package at once.

`DecontamIndex.check` normalises, anonymises and hashes the tokens of one unit with a Python
step per token. A worker sees the same few thousand distinct tokens again and again, so this
vocabulary keeps, per distinct token, its hash, whether normalisation keeps it, whether
`anonymize` renames it, whether it is `.` and whether it is a string literal; a package's
tokens then become one array of ids and the rest is numpy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from pytorrent.decontam.normalize import string_literals
from pytorrent.dedup.hashing import U64, TokenHasher
from pytorrent.dedup.tokens import PLACEHOLDER, is_local_name, normalize_code_tokens

Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]


class TokenVocabulary:
    """Distinct code tokens of this worker with their per-token facts (bounded in size)."""

    def __init__(self, hasher: TokenHasher, max_tokens: int = 1 << 20) -> None:
        self._hasher = hasher
        self._max_tokens = max_tokens
        self._placeholder = hasher([PLACEHOLDER])
        self._clear()

    def _clear(self) -> None:
        self._ids: dict[str, int] = {}
        self._hash: U64 = np.empty(0, np.uint64)
        self._kept: Bools = np.empty(0, bool)
        self._local: Bools = np.empty(0, bool)
        self._dot: Bools = np.empty(0, bool)
        self._literal: Bools = np.empty(0, bool)

    def _learn(self, tokens: Sequence[str]) -> None:
        new = sorted(set(tokens).difference(self._ids))
        if not new:
            return
        if len(self._ids) + len(new) > self._max_tokens:
            self._clear()
            new = sorted(set(tokens))
        first = len(self._ids)
        self._ids.update((token, first + k) for k, token in enumerate(new))
        self._hash = np.concatenate([self._hash, self._hasher(new)])
        facts = [
            (
                bool(normalize_code_tokens([t])),
                is_local_name(t),
                t == ".",
                bool(string_literals([t])),
            )
            for t in new
        ]
        kept, local, dot, literal = (
            np.array(column, dtype=bool) for column in zip(*facts, strict=True)
        )
        self._kept = np.concatenate([self._kept, kept])
        self._local = np.concatenate([self._local, local])
        self._dot = np.concatenate([self._dot, dot])
        self._literal = np.concatenate([self._literal, literal])

    def code_hashes(self, units: Sequence[Sequence[str]]) -> tuple[U64, Ints, list[list[str]]]:
        """For every unit's tokens: the hashes of `anonymize(normalize_code_tokens(tokens))`,
        all units joined, with each unit's count; and each unit's string literal tokens."""
        joined = [token for tokens in units for token in tokens]
        self._learn(joined)
        count = len(joined)
        ids = np.fromiter(map(self._ids.__getitem__, joined), dtype=np.int64, count=count)
        owner = np.repeat(np.arange(len(units)), [len(tokens) for tokens in units])
        literals: list[list[str]] = [[] for _ in units]
        for position in np.flatnonzero(self._literal[ids]).tolist():
            literals[owner[position]].append(joined[position])
        kept = self._kept[ids]
        ids, owner = ids[kept], owner[kept]
        # `anonymize` renames a local name unless the token before it (in the same unit,
        # after normalisation) is a dot
        after_dot = np.zeros(ids.size, dtype=bool)
        after_dot[1:] = self._dot[ids[:-1]] & (owner[1:] == owner[:-1])
        renamed = self._local[ids] & ~after_dot
        hashes: U64 = np.where(renamed, self._placeholder[0], self._hash[ids])
        return hashes, np.bincount(owner, minlength=len(units)), literals

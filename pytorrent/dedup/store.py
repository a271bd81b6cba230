"""The driver's view of all signature batches: compact key arrays in memory, the rest on disk.

Loading streams every batch once and keeps per unit only its batch number, its exact
key, its shingle count and its LSH band keys: 184 bytes at the defaults (21 bands).
Ids, keeper fields and shingle sets are read back only for the units that end up in a
duplicate group, from memory-mapped files (or the in-memory batches that were passed).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from pytorrent.dedup.config import DedupConfig
from pytorrent.dedup.hashing import U32, U64
from pytorrent.dedup.lsh import band_keys
from pytorrent.dedup.signatures import SignatureBatch
from pytorrent.dedup.unionfind import Index
from pytorrent.errors import ConfigError

Source = SignatureBatch | str | os.PathLike[str]
_EMPTY = np.empty(0, dtype=np.uint32)


class SignatureStore:
    """Every unit's keys, indexed 0..n-1 in load order (which affects nothing downstream)."""

    def __init__(self, sources: Iterable[Source], config: DedupConfig) -> None:
        self._sources: list[SignatureBatch | Path] = [
            s if isinstance(s, SignatureBatch) else Path(s) for s in sources
        ]
        bands, rows = config.lsh_params
        # Sizes first (a file's footer), so the arrays are allocated once, never regrown.
        sizes = np.array([len(self._batch(i)) for i in range(len(self._sources))], np.int64)
        self.offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        n = int(self.offsets[-1])
        self.src = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
        self.exact_keys: U64 = np.empty(n, dtype=np.uint64)
        self.shingle_counts = np.empty(n, dtype=np.int32)
        self.band_keys: U64 = np.empty((n if config.near else 0, bands), dtype=np.uint64)
        for index, source in enumerate(self._sources):
            # Read whole (not memory-mapped): the mapped pages would stay in RSS.
            batch = self._batch(index, mmap=False)
            _check(batch, config, source)
            part = slice(int(self.offsets[index]), int(self.offsets[index + 1]))
            self.exact_keys[part] = batch.exact_keys()
            self.shingle_counts[part] = batch.shingle_counts()
            if config.near:
                self.band_keys[part] = band_keys(batch.minhashes(), bands, rows)
            del batch

    def __len__(self) -> int:
        return int(self.src.shape[0])

    def nbytes(self) -> int:
        """Resident bytes of the per-unit arrays (the memory that grows with the corpus)."""
        arrays = (self.src, self.exact_keys, self.shingle_counts, self.band_keys)
        return sum(int(a.nbytes) for a in arrays)

    def _batch(self, index: int, mmap: bool = True) -> SignatureBatch:
        source = self._sources[index]
        if isinstance(source, SignatureBatch):
            return source
        return SignatureBatch.read(source, mmap=mmap)

    def _rows_in_batch(self, units: Index) -> Index:
        return (units - self.offsets[self.src[units]]).astype(np.int64)

    def _by_batch(self, units: Index) -> Iterable[tuple[SignatureBatch, Index, Index]]:
        """(batch, positions in `units`, rows in the batch), one batch opened at a time."""
        order = np.argsort(self.src[units], kind="stable")
        ordered = self.src[units][order]
        cuts = np.flatnonzero(np.diff(ordered)) + 1
        for part in np.split(order, cuts):
            if part.size:
                batch = self._batch(int(self.src[units[part[0]]]))
                yield batch, part, self._rows_in_batch(units[part])

    def fetch(
        self, units: Index, with_sets: bool = False
    ) -> tuple[list[dict[str, Any]], list[U32] | None]:
        """Keeper-rule fields (id, repo, path, start_line, release_count, upload_time) and,
        with `with_sets`, the stored shingle sets (copied out) of `units`, in their order."""
        rows: list[dict[str, Any]] = [{}] * int(units.size)
        sets: list[U32] | None = [_EMPTY] * int(units.size) if with_sets else None
        for batch, positions, batch_rows in self._by_batch(units):
            places = positions.tolist()
            for position, fetched in zip(places, batch.rows(batch_rows), strict=True):
                rows[position] = fetched
            if sets is not None:
                for position, values in zip(places, batch.shingle_sets(batch_rows), strict=True):
                    sets[position] = np.array(values, dtype=np.uint32)
        return rows, sets


def _check(batch: SignatureBatch, config: DedupConfig, source: Source) -> None:
    expected = config.signature_params()
    if batch.params != expected:
        raise ConfigError(
            f"signatures in {_name(source)} were computed with {batch.params}, "
            f"the dedup config needs {expected}; recompute them"
        )
    if config.near and config.verify and not batch.has_shingles and len(batch):
        raise ConfigError(
            f"signatures in {_name(source)} have no shingle sets; recompute them with "
            "verify=True or cluster with verify=False"
        )


def _name(source: Source) -> str:
    return "a batch" if isinstance(source, SignatureBatch) else str(source)

"""Deterministic samples of unit texts from one split of `pairs/`, capped in bytes.

A unit's text is its `original_string`: code, docstring and comments exactly as written. Function
units give every function once; comment units are added only at module level (imports,
constants, module code that no function unit covers), since comment units inside functions
repeat code their function already gives.

The sample keeps each unit whose keyed hash of (seed, record id) falls under the fraction
`cap / total bytes`, then stops at the cap: a uniform sample over the whole split, the same
on every run, read batch by batch in two passes (sizes, then texts).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pytorrent.stats.collect import iter_batches, shards

_COLUMNS = ["id", "kind", "func_name", "original_string"]
_SCALE = 1 << 64


@dataclass
class Sample:
    """What a sample held: filled in while its texts are read."""

    split: str
    cap_bytes: int | None
    units: int = 0
    characters: int = 0
    bytes: int = 0


def _unit_texts(batch: pa.RecordBatch) -> pa.RecordBatch:
    kind = batch.column("kind")
    module_level = pc.and_(
        pc.equal(kind, "comment"), pc.starts_with(batch.column("func_name"), "<module>:")
    )
    return batch.filter(pc.or_(pc.equal(kind, "function"), module_level))


def split_paths(out: Path, split: str) -> list[Path]:
    return shards(out, "pairs").get(split, [])


def split_bytes(out: Path, split: str) -> int:
    """UTF-8 bytes of every unit text of `split`."""
    total = 0
    for batch in iter_batches(split_paths(out, split), _COLUMNS):
        texts = _unit_texts(batch).column("original_string")
        total += int(pc.sum(pc.binary_length(texts)).as_py() or 0)
    return total


def _key(seed: int, record_id: str) -> int:
    digest = hashlib.blake2b(f"{seed}\0{record_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def sample_texts(out: Path, sample: Sample, seed: int = 0) -> Iterator[list[str]]:
    """Batches of unit texts of `sample.split`, at most `sample.cap_bytes` bytes in all."""
    cap = sample.cap_bytes
    total = split_bytes(out, sample.split)
    threshold = _SCALE if cap is None or total <= cap else int(cap / total * _SCALE)
    for batch in iter_batches(split_paths(out, sample.split), _COLUMNS):
        units = _unit_texts(batch)
        kept: list[str] = []
        for record_id, text in zip(
            units.column("id").to_pylist(), units.column("original_string").to_pylist(), strict=True
        ):
            if threshold < _SCALE and _key(seed, record_id) >= threshold:
                continue
            size = len(text.encode("utf-8"))
            if cap is not None and sample.bytes + size > cap:
                if kept:
                    yield kept
                return
            kept.append(text)
            sample.units += 1
            sample.bytes += size
            sample.characters += len(text)
        if kept:
            yield kept

"""Per-package dedup signatures, computed in a worker and stored compactly for the driver.

For every record: the exact-dedup key (hash of its normalised code tokens; for a comment
unit, followed by its normalised comment words: a unit is a pair, and 260 different
comments above `pass` are 260 pairs), the MinHash signature of the 5-gram shingles of the
same sequence and, when verification is on, the sorted set of
32-bit shingle hashes (for the exact Jaccard check of LSH candidates). A batch also keeps
what the keeper rule needs (package, path, line, release count, upload time), so the
driver never reads records back.

A batch is an Arrow table; `write`/`read` use the Arrow IPC file format, which the driver
memory-maps, so it only pages in the columns and rows it uses.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
import pyarrow as pa
from datasketch import LeanMinHash

from pytorrent.dedup import minhash
from pytorrent.dedup.config import DedupConfig
from pytorrent.dedup.hashing import U32, U64, TokenHasher, ngram_hashes, sequence_key
from pytorrent.errors import ConfigError
from pytorrent.models import PackageMetadata

FORMAT_VERSION = 1
_META_KEY = b"pytorrent.signatures"

Record = Mapping[str, Any]


def shingle_set(hashes: U64, shingle: int) -> U32:
    """Sorted unique 32-bit hashes of the `shingle`-grams of a token-hash sequence."""
    return np.unique(ngram_hashes(hashes, shingle).astype(np.uint32))


#: Joins a comment unit's code hashes to its words (no token hashes to this).
_NL_SEPARATOR = "\0natural-language"
_WORD = re.compile(r"\w+")


def pair_words(record: Record) -> list[str] | None:
    """The normalised natural language that is part of a comment unit's identity (its
    comment words, lower-cased, punctuation and layout dropped); None for function units,
    whose identity is their code (CodeSearchNet, The Stack)."""
    if record.get("kind") != "comment":
        return None
    return _WORD.findall(" ".join(str(c) for c in record.get("comments") or ()).lower())


def _with_words(hashes: U64, words: Sequence[str] | None, hasher: TokenHasher) -> U64:
    if words is None:
        return hashes
    joined: U64 = np.concatenate([hashes, hasher([_NL_SEPARATOR, *words])])
    return joined


def unit_keys(
    tokens: Sequence[str],
    shingle: int,
    hasher: TokenHasher,
    anonymize: bool = False,
    words: Sequence[str] | None = None,
) -> tuple[int, U32]:
    """(exact key, shingle set) of a unit's code tokens, comments and layout ignored, and
    of its `words` (`pair_words`) when the unit is a comment unit.

    The exact key always uses the tokens as written; with `anonymize` the shingles see
    local names as `ID`, so renamed copies stay near duplicates.
    """
    hashes = _with_words(hasher.code(tokens), words, hasher)
    grams = _with_words(hasher.code(tokens, anonymize=True), words, hasher) if anonymize else hashes
    return sequence_key(hashes), shingle_set(grams, shingle)


def batch_keys(
    token_lists: Sequence[Sequence[str]],
    shingle: int,
    hasher: TokenHasher,
    anonymize: bool = False,
    word_lists: Sequence[Sequence[str] | None] | None = None,
) -> tuple[U64, list[U32]]:
    """`unit_keys` of many units at once: n-grams and per-unit sets in a few numpy calls.

    Per-unit numpy calls on ~150-token arrays cost more than their work, so the n-grams
    of all units are hashed in one pass over the concatenated tokens and made unique per
    unit with one sort of (unit, shingle) keys.
    """
    words = word_lists if word_lists is not None else [None] * len(token_lists)
    hashed = [
        _with_words(hasher.code(tokens), w, hasher)
        for tokens, w in zip(token_lists, words, strict=True)
    ]
    keys = np.fromiter((sequence_key(h) for h in hashed), dtype=np.uint64, count=len(hashed))
    if anonymize:
        hashed = [
            _with_words(hasher.code(tokens, anonymize=True), w, hasher)
            for tokens, w in zip(token_lists, words, strict=True)
        ]
    lengths = np.fromiter((h.size for h in hashed), dtype=np.int64, count=len(hashed))
    sets: list[U32] = [np.empty(0, dtype=np.uint32)] * len(hashed)
    short = np.flatnonzero((lengths > 0) & (lengths < shingle))
    for unit in short.tolist():  # shorter than one shingle: the whole unit is one
        sets[unit] = shingle_set(hashed[unit], shingle)
    long_units = np.flatnonzero(lengths >= shingle)
    if long_units.size:
        flat = np.concatenate([hashed[u] for u in long_units.tolist()])
        grams = ngram_hashes(flat, shingle).astype(np.uint32)
        long_lengths = lengths[long_units]
        starts = np.concatenate(([0], np.cumsum(long_lengths)[:-1]))
        counts = long_lengths - shingle + 1
        # A gram is valid when it starts in a unit and ends in the same one.
        owner = np.repeat(np.arange(long_units.size, dtype=np.uint64), counts)
        position = np.repeat(starts, counts) + _ranges(counts)
        combined = np.unique((owner << np.uint64(32)) | grams[position].astype(np.uint64))
        cuts = np.searchsorted(combined >> np.uint64(32), np.arange(1, long_units.size))
        for unit, values in zip(long_units.tolist(), np.split(combined, cuts), strict=True):
            sets[unit] = values.astype(np.uint32)
    return keys, sets


def _ranges(counts: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Concatenated aranges: [0..counts[0]), [0..counts[1]), ..."""
    ends = np.cumsum(counts)
    return np.arange(int(ends[-1]), dtype=np.int64) - np.repeat(ends - counts, counts)


def compute_signatures(
    records: Sequence[Record],
    config: DedupConfig,
    package: PackageMetadata | None = None,
    *,
    hasher: TokenHasher | None = None,
) -> SignatureBatch:
    """Signatures of one package's kept records (the worker side of dedup).

    `package` supplies the keeper rule's release count and upload time for every record;
    records are read for `id`, `repo`, `path`, `start_line`, `code_tokens`, `kind` and
    `comments`. Pass one `hasher` per worker to reuse its token cache across packages.
    """
    hasher = hasher or TokenHasher()
    tokens = [r["code_tokens"] for r in records]
    words = [pair_words(r) for r in records]
    keys, sets = batch_keys(tokens, config.shingle, hasher, config.anonymize, words)
    return SignatureBatch.build(
        ids=[str(r["id"]) for r in records],
        repos=[str(r["repo"]) for r in records],
        paths=[str(r["path"]) for r in records],
        start_lines=[int(r["start_line"]) for r in records],
        exact_keys=keys,
        sets=sets,
        config=config,
        release_count=package.release_count if package else None,
        upload_time=package.upload_time if package else None,
    )


def parse_upload_time(value: str | None) -> datetime | None:
    """ISO 8601 upload time as an aware UTC datetime; None when missing or unparseable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _list_array(sets: Sequence[U32]) -> pa.Array:
    offsets = np.zeros(len(sets) + 1, dtype=np.int32)
    np.cumsum([len(s) for s in sets], out=offsets[1:])
    values = np.concatenate(sets) if sets else np.empty(0, dtype=np.uint32)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(values, pa.uint32()))


def _column(table: pa.Table, name: str) -> pa.Array:
    column = table.column(name)
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


class SignatureBatch:
    """The dedup signatures of a batch of records (normally one package), as an Arrow table."""

    def __init__(self, table: pa.Table) -> None:
        raw = (table.schema.metadata or {}).get(_META_KEY)
        if raw is None:
            raise ConfigError("not a pytorrent signature table (metadata missing)")
        meta = orjson.loads(raw)
        if meta.get("format") != FORMAT_VERSION or meta.get("scheme") != minhash.SCHEME:
            raise ConfigError(f"unsupported signature format {meta}; recompute signatures")
        self.table = table
        names = ("num_perm", "seed", "shingle", "anonymize")
        self.params: dict[str, int] = {k: int(meta.get(k, 0)) for k in names}

    @classmethod
    def build(
        cls,
        *,
        ids: Sequence[str],
        repos: Sequence[str],
        paths: Sequence[str],
        start_lines: Sequence[int],
        exact_keys: U64,
        sets: Sequence[U32],
        config: DedupConfig,
        release_count: int | None = None,
        upload_time: str | None = None,
    ) -> SignatureBatch:
        """A batch from per-unit columns and sorted unique 32-bit shingle sets."""
        n = len(ids)
        matrix = minhash.signatures(sets, config.num_perm, config.seed)
        uploaded = parse_upload_time(upload_time)
        columns: dict[str, pa.Array] = {
            "id": pa.array(ids, pa.string()),
            "repo": pa.array(repos, pa.string()),
            "path": pa.array(paths, pa.string()),
            "start_line": pa.array(start_lines, pa.int32()),
            "release_count": pa.array([release_count] * n, pa.int64()),
            "upload_time": pa.array([uploaded] * n, pa.timestamp("us", tz="UTC")),
            "exact_key": pa.array(exact_keys, pa.uint64()),
            "n_shingles": pa.array(np.array([len(s) for s in sets], dtype=np.int32)),
            "minhash": pa.FixedSizeListArray.from_arrays(pa.array(matrix.ravel()), config.num_perm),
        }
        if config.verify:
            columns["shingles"] = _list_array(sets)
        meta = {"format": FORMAT_VERSION, "scheme": minhash.SCHEME, **config.signature_params()}
        table = pa.table(columns).replace_schema_metadata({_META_KEY: orjson.dumps(meta)})
        return cls(table)

    def __len__(self) -> int:
        return int(self.table.num_rows)

    @property
    def has_shingles(self) -> bool:
        """Whether shingle sets were stored (needed for exact-Jaccard verification)."""
        return "shingles" in self.table.column_names

    def ids(self) -> list[str]:
        return [str(v) for v in _column(self.table, "id").to_pylist()]

    def exact_keys(self) -> U64:
        return _column(self.table, "exact_key").to_numpy(zero_copy_only=True)  # type: ignore[no-any-return]

    def shingle_counts(self) -> npt.NDArray[np.int32]:
        return _column(self.table, "n_shingles").to_numpy(zero_copy_only=True)  # type: ignore[no-any-return]

    def minhashes(self) -> npt.NDArray[np.uint32]:
        """(rows, num_perm) signature matrix; a zero-copy view of the table when possible."""
        flat = _column(self.table, "minhash").flatten().to_numpy(zero_copy_only=True)
        return flat.reshape(len(self), self.params["num_perm"])  # type: ignore[no-any-return]

    def shingle_sets(self, rows: Sequence[int] | npt.NDArray[np.int64]) -> list[U32]:
        """The stored shingle sets of `rows` (views into the table, no copy)."""
        if not self.has_shingles:
            raise ConfigError("signatures were computed without shingle sets (verify=False)")
        column = _column(self.table, "shingles")
        offsets = column.offsets.to_numpy()
        values = column.values.to_numpy(zero_copy_only=True)
        return [values[offsets[r] : offsets[r + 1]] for r in rows]

    def rows(self, rows: Sequence[int] | npt.NDArray[np.int64]) -> list[dict[str, Any]]:
        """Keeper-rule fields of `rows` as plain dicts."""
        names = ["id", "repo", "path", "start_line", "release_count", "upload_time"]
        taken = self.table.select(names).take(pa.array(np.asarray(rows, dtype=np.int64)))
        return taken.to_pylist()  # type: ignore[no-any-return]

    def lean_minhash(self, row: int) -> LeanMinHash:
        """One row as a datasketch `LeanMinHash`."""
        return minhash.lean_minhash(self.minhashes()[row], self.params["seed"])

    def to_bytes(self) -> bytes:
        """Arrow IPC file bytes (about 1 KiB per unit at 256 permutations, plus shingles)."""
        sink = pa.BufferOutputStream()
        with pa.ipc.new_file(sink, self.table.schema) as writer:
            writer.write_table(self.table)
        return sink.getvalue().to_pybytes()  # type: ignore[no-any-return]

    @classmethod
    def from_bytes(cls, data: bytes) -> SignatureBatch:
        return cls(pa.ipc.open_file(pa.py_buffer(data)).read_all())

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write atomically (temp name, then rename), so a reader never sees half a file."""
        target = Path(path)
        temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        with pa.OSFile(str(temp), "wb") as sink, pa.ipc.new_file(sink, self.table.schema) as w:
            w.write_table(self.table)
        temp.replace(target)
        return target

    @classmethod
    def read(cls, path: str | os.PathLike[str], mmap: bool = True) -> SignatureBatch:
        """Read a written batch; memory-mapped by default, so columns page in when used."""
        if mmap:  # the mapping lives as long as the table's buffers
            return cls(pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all())
        with pa.OSFile(str(path), "rb") as source:
            return cls(pa.ipc.open_file(source).read_all())

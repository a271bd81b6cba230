"""The statistics of one parquet shard, and of many shards through an executor.

Every statistic is a sum of per-shard counts (exact histograms, counters), so shards can be
read by the workers in any order and merged in the driver with the same result as one serial
pass: reading the shards back is the part of the stats stage that grows with the corpus.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pytorrent.executor import Executor, Task
from pytorrent.stats.histogram import IntHistogram

BATCH_ROWS = 2_000
_PAIR_COLUMNS = [
    "kind", "category", "license", "code", "docstring", "code_tokens", "docstring_tokens",
    "docstring_style", "has_doctest", "decorators", "is_async", "comments", "metrics",
]  # fmt: skip


def iter_batches(paths: list[Path], columns: list[str]) -> Iterator[pa.RecordBatch]:
    for path in paths:
        yield from pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS, columns=columns)


def _ints(array: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.int64]:
    return np.asarray(pc.fill_null(array, 0).to_numpy(zero_copy_only=False), dtype=np.int64)


def _list_lengths(array: pa.Array) -> npt.NDArray[np.int64]:
    return _ints(pc.list_value_length(array))


def _count_strings(counter: Counter[str], array: pa.Array, missing: str = "unknown") -> None:
    for entry in pc.value_counts(pc.fill_null(array, missing)).to_pylist():
        counter[str(entry["values"])] += int(entry["counts"])


@dataclass
class PairCounts:
    """Counts over rows of the `pairs` config; `merge` adds another shard's."""

    kinds: Counter[str] = field(default_factory=Counter)
    categories: Counter[tuple[str, str]] = field(default_factory=Counter)
    category_splits: Counter[tuple[str, str]] = field(default_factory=Counter)
    licenses: Counter[str] = field(default_factory=Counter)
    styles: Counter[str] = field(default_factory=Counter)
    nl: IntHistogram = field(default_factory=IntHistogram)
    pl: IntHistogram = field(default_factory=IntHistogram)
    lines: IntHistogram = field(default_factory=IntHistogram)
    complexity: IntHistogram = field(default_factory=IntHistogram)
    doc_lines: IntHistogram = field(default_factory=IntHistogram)
    doc_words: IntHistogram = field(default_factory=IntHistogram)
    functions: int = 0
    with_docstring: int = 0
    with_doctest: int = 0
    with_decorators: int = 0
    with_comments: int = 0
    is_async: int = 0

    def add(self, batch: pa.RecordBatch, split: str) -> None:
        kinds = batch.column("kind").to_pylist()
        categories = batch.column("category").to_pylist()
        self.kinds.update(kinds)
        self.categories.update(zip(categories, kinds, strict=True))
        self.category_splits.update((c, split) for c in categories)
        _count_strings(self.licenses, batch.column("license"))
        functions = batch.filter(pc.equal(batch.column("kind"), "function"))
        if functions.num_rows:
            self._add_functions(functions)

    def _add_functions(self, batch: pa.RecordBatch) -> None:
        self.functions += batch.num_rows
        self.pl.add(_list_lengths(batch.column("code_tokens")))
        nl = _list_lengths(batch.column("docstring_tokens"))
        self.nl.add(nl[nl > 0])
        _count_strings(self.styles, batch.column("docstring_style"), "none")
        self.with_doctest += int(pc.sum(batch.column("has_doctest")).as_py() or 0)
        self.with_decorators += int(np.count_nonzero(_list_lengths(batch.column("decorators"))))
        self.with_comments += int(np.count_nonzero(_list_lengths(batch.column("comments"))))
        self.is_async += int(pc.sum(batch.column("is_async")).as_py() or 0)
        cc = pc.struct_field(batch.column("metrics"), "cyclomatic_complexity")
        self.complexity.add(_ints(pc.drop_null(cc)))
        docstrings = pc.filter(
            batch.column("docstring"), pc.not_equal(batch.column("docstring"), "")
        )
        self.with_docstring += len(docstrings)
        if len(docstrings):
            self.doc_lines.add(_ints(pc.count_substring(docstrings, "\n")) + 1)
            self.doc_words.add(_ints(pc.count_substring_regex(docstrings, r"\S+")))
        lines = pc.list_flatten(pc.split_pattern(batch.column("code"), "\n"))
        lines = pc.filter(lines, pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(lines)), 0))
        self.lines.add(_ints(pc.utf8_length(lines)))

    def merge(self, other: PairCounts) -> None:
        for name in ("kinds", "categories", "category_splits", "licenses", "styles"):
            getattr(self, name).update(getattr(other, name))
        for name in ("nl", "pl", "lines", "complexity", "doc_lines", "doc_words"):
            getattr(self, name).merge(getattr(other, name))
        for name in (
            "functions", "with_docstring", "with_doctest", "with_decorators", "with_comments",
            "is_async",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ShardPart:
    """One shard's counts: `pairs` for a shard of the pairs config, else its token lengths."""

    path: str
    config: str
    pairs: PairCounts | None
    nl: IntHistogram
    pl: IntHistogram


def collect_shard(config: str, split: str, path: str) -> ShardPart:
    """The counts of one shard (an executor task: plain arguments, picklable result)."""
    if config == "pairs":
        pairs = PairCounts()
        for batch in iter_batches([Path(path)], _PAIR_COLUMNS):
            pairs.add(batch, split)
        return ShardPart(path, config, pairs, pairs.nl, pairs.pl)
    nl, pl = IntHistogram(), IntHistogram()
    for batch in iter_batches([Path(path)], ["docstring_tokens", "code_tokens"]):
        nl.add(_list_lengths(batch.column("docstring_tokens")))
        pl.add(_list_lengths(batch.column("code_tokens")))
    return ShardPart(path, config, None, nl, pl)


def _lost(task: Task, reason: str) -> ShardPart | None:
    """None: the driver reads the shard itself. A worker may die of a shard the driver can
    still read, and one that cannot be read raises its own clear error there."""
    return None


def collect_parts(
    shards: Sequence[tuple[str, str, Path]], executor: Executor | None = None
) -> list[ShardPart]:
    """The counts of every (config, split, path) shard, in `shards`' order; through
    `executor` when given (one task per shard, any completion order)."""
    tasks: list[Task] = [(config, split, str(path)) for config, split, path in shards]
    done: dict[str, ShardPart] = {}
    if executor is not None and len(tasks) > 1:
        for part in executor.map_unordered(collect_shard, tasks, _lost):
            if part is not None:
                done[part.path] = part
    return [
        done.get(str(path)) or collect_shard(config, split, str(path))
        for config, split, path in shards
    ]

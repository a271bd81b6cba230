"""An n-gram index of benchmark tasks and the per-unit contamination check.

Benchmark n-grams are 64-bit hashes in sorted numpy arrays with a CSR list of owners (a
task for text, a code piece for code), so checking a unit is one `searchsorted` of its
own n-grams: about as cheap as hashing them, and nothing is matched pair by pair.
`check_many` does that for a whole package at once: the n-grams of all its units in one
array, one lookup, and the per-unit `check` only for the few units sharing any n-gram with
a benchmark (per-unit numpy calls were most of decontamination's cost).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from pytorrent.decontam.benchmarks import BenchmarkTask, load_tasks
from pytorrent.decontam.config import DecontamConfig
from pytorrent.decontam.normalize import anonymize, string_literals, text_words
from pytorrent.decontam.vocabulary import Ints, TokenVocabulary
from pytorrent.dedup.hashing import U64, TokenHasher, ngram_hashes
from pytorrent.dedup.tokens import normalize_code_tokens

Via = Literal["text", "code"]


class Contamination(NamedTuple):
    """A unit that overlaps a benchmark task; `overlap` is the share of the task's n-grams
    found in the unit (text: of its text n-grams; code: of the matched function's)."""

    record_id: str
    benchmark: str
    task_id: str
    via: Via
    overlap: float


class _Table:
    """Sorted unique n-gram hashes with the owners of each (CSR)."""

    def __init__(self, grams: list[U64]) -> None:
        owner = np.repeat(np.arange(len(grams), dtype=np.int64), [g.size for g in grams])
        pairs = np.unique(
            np.stack([np.concatenate(grams or [np.empty(0, np.uint64)]), owner.astype(np.uint64)]),
            axis=1,
        )
        self.keys, self.starts = np.unique(pairs[0], return_index=True)
        self.starts = np.append(self.starts, pairs.shape[1]).astype(np.int64)
        self.owners = pairs[1].astype(np.int64)
        self.sizes = np.array([np.unique(g).size for g in grams], dtype=np.int64)

    def hits(self, query: U64) -> npt.NDArray[np.int64]:
        """Number of distinct query n-grams each owner has."""
        counts = np.zeros(self.sizes.size, dtype=np.int64)
        if not query.size or not self.keys.size:
            return counts
        query = np.unique(query)
        where = np.minimum(np.searchsorted(self.keys, query), self.keys.size - 1)
        where = where[self.keys[where] == query]
        for position in where.tolist():  # few: most units match nothing
            counts[self.owners[self.starts[position] : self.starts[position + 1]]] += 1
        return counts


class DecontamIndex:
    """Benchmark tasks indexed for `check`; build once per worker (it pickles small)."""

    def __init__(self, tasks: Sequence[BenchmarkTask], config: DecontamConfig) -> None:
        self.config = config
        self.tasks = list(tasks)
        self._hasher = TokenHasher()
        self._vocabulary = TokenVocabulary(self._hasher)
        text_grams = []
        for task in self.tasks:
            words = text_words(task.texts)
            # A text shorter than one n-gram is too generic to be evidence.
            grams = (
                self._grams(words, config.text_ngram) if len(words) >= config.text_ngram else None
            )
            text_grams.append(grams if grams is not None else np.empty(0, np.uint64))
        self._text = _Table(text_grams)
        piece_grams, self._piece_task = [], []
        for number, task in enumerate(self.tasks):
            for piece in task.pieces:
                grams = np.unique(self._grams(anonymize(piece), config.code_ngram))
                if grams.size >= config.min_code_ngrams:
                    piece_grams.append(grams)
                    self._piece_task.append(number)
        self._code = _Table(piece_grams)

    @classmethod
    def from_config(cls, config: DecontamConfig) -> DecontamIndex:
        tasks = [task for spec in config.benchmarks for task in load_tasks(spec)]
        return cls(tasks, config)

    def _grams(self, tokens: Sequence[str], n: int) -> U64:
        return ngram_hashes(self._hasher(tokens), n)

    def check(self, record: Mapping[str, Any]) -> list[Contamination]:
        """Benchmark tasks `record` overlaps, best overlap per (task, via); [] when clean."""
        tokens = normalize_code_tokens(record.get("code_tokens") or ())
        texts = [str(record.get("docstring") or ""), *map(str, record.get("comments") or ())]
        texts.extend(string_literals(tokens))
        found: dict[tuple[int, Via], float] = {}
        words = text_words(texts)
        if len(words) >= self.config.text_ngram:
            counts = self._text.hits(self._grams(words, self.config.text_ngram))
            for task in np.flatnonzero(counts).tolist():
                found[(task, "text")] = counts[task] / max(int(self._text.sizes[task]), 1)
        if tokens:
            counts = self._code.hits(self._grams(anonymize(tokens), self.config.code_ngram))
            coverage = counts / np.maximum(self._code.sizes, 1)
            for piece in np.flatnonzero(coverage >= self.config.min_code_coverage).tolist():
                key: tuple[int, Via] = (self._piece_task[piece], "code")
                found[key] = max(found.get(key, 0.0), float(coverage[piece]))
        return self._report(record, found)

    def check_many(self, records: Sequence[Mapping[str, Any]]) -> list[list[Contamination]]:
        """`check` of every record, in order: one n-gram lookup for all, `check` for hits."""
        text_n, code_n = self.config.text_ngram, self.config.code_ngram
        codes, code_lengths, literals = self._vocabulary.code_hashes(
            [record.get("code_tokens") or () for record in records]
        )
        words: list[str] = []
        word_lengths = np.zeros(len(records), dtype=np.int64)
        for number, (record, unit_literals) in enumerate(zip(records, literals, strict=True)):
            texts = [str(record.get("docstring") or ""), *map(str, record.get("comments") or ())]
            unit_words = text_words([*texts, *unit_literals])
            if len(unit_words) >= text_n:
                words.extend(unit_words)
                word_lengths[number] = len(unit_words)
        # any shared text n-gram contaminates; code needs min_code_coverage of a benchmark
        # function's n-grams, so at least that share of min_code_ngrams distinct ones
        # (less a rounding margin: `check` compares float coverage)
        code_hits = max(
            1, math.ceil(self.config.min_code_coverage * self.config.min_code_ngrams - 1e-6)
        )
        suspects = _known_counts(self._hasher(words), word_lengths, text_n, self._text.keys) > 0
        suspects |= _known_counts(codes, code_lengths, code_n, self._code.keys) >= code_hits
        return [
            self.check(record) if suspect else []
            for record, suspect in zip(records, suspects.tolist(), strict=True)
        ]

    def _report(
        self, record: Mapping[str, Any], found: dict[tuple[int, Via], float]
    ) -> list[Contamination]:
        record_id = str(record.get("id", ""))
        return sorted(
            Contamination(record_id, self.tasks[t].benchmark, self.tasks[t].task_id, via, share)
            for (t, via), share in found.items()
        )


def _known_counts(joined: U64, lengths: Ints, n: int, keys: U64) -> Ints:
    """Per sequence (`joined` cut by `lengths`): how many distinct `ngram_hashes(sequence, n)`
    occur in sorted `keys`.

    The n-grams of all sequences come from one `ngram_hashes` over `joined`, keeping the
    windows inside one sequence; a sequence shorter than n is one n-gram (of all its
    tokens), hashed on its own as `ngram_hashes` does.
    """
    counts = np.zeros(lengths.size, dtype=np.int64)
    if not keys.size or not joined.size:
        return counts
    starts = np.cumsum(lengths) - lengths
    for index in np.flatnonzero((lengths > 0) & (lengths < n)).tolist():
        sequence = joined[starts[index] : starts[index] + lengths[index]]
        counts[index] = int(_known(ngram_hashes(sequence, n), keys).any())
    long = np.flatnonzero(lengths >= n)
    if not long.size:
        return counts
    grams = ngram_hashes(joined, n)
    windows = lengths[long] - n + 1  # windows of each long sequence, in order
    # window k of sequence i starts at starts[i] + k, for k < windows[i]
    owner = np.repeat(np.arange(long.size), windows)
    offsets = np.arange(owner.size) - np.repeat(np.cumsum(windows) - windows, windows)
    inside = grams[starts[long][owner] + offsets]
    known = _known(inside, keys)
    pairs = np.unique(np.stack([owner[known].astype(np.uint64), inside[known]]), axis=1)
    counts[long] = np.bincount(pairs[0].astype(np.int64), minlength=long.size)
    return counts


def _known(grams: U64, keys: U64) -> npt.NDArray[np.bool_]:
    where = np.minimum(np.searchsorted(keys, grams), keys.size - 1)
    known: npt.NDArray[np.bool_] = keys[where] == grams
    return known

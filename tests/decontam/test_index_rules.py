"""The rules of `DecontamIndex` at their edges, for `check` and `check_many` alike: a code
piece of exactly `min_code_ngrams`, coverage exactly at `min_code_coverage`, a piece of one
n-gram, the best of a task's pieces, copied text in comments only, records without an id,
indexes with no code or no text n-grams, and 64-bit keys that differ in their lowest bit.

Benchmark text and code are HumanEval/0 from the installed data.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np
import pytest

from pytorrent.decontam import HUMANEVAL, DecontamConfig, DecontamIndex, load_tasks
from pytorrent.decontam.benchmarks import BenchmarkTask, read_rows
from pytorrent.decontam.index import Contamination, _known_counts, _Table
from pytorrent.decontam.normalize import anonymize
from pytorrent.dedup.hashing import TokenHasher, ngram_hashes
from tests.dedup.records import function, synthetic

SENTENCE = "Check if in given list of numbers, are any two numbers closer to each other"
# Two 64-bit keys one apart, above 2**53: a float64 cannot tell them apart.
KEY = 2**63 + 2


@lru_cache(maxsize=1)
def _task() -> BenchmarkTask:
    return load_tasks(HUMANEVAL)[0]


@lru_cache(maxsize=1)
def _solution() -> dict[str, Any]:
    """HumanEval/0 verbatim, without its docstring: only its code can match."""
    row = read_rows(HUMANEVAL)[0]
    code = str(row["prompt"]) + str(row["canonical_solution"])
    return function(re.sub(r'\n    """.*?"""\n', "\n", code, flags=re.S))


def _distinct_code_ngrams(piece: tuple[str, ...], n: int = 10) -> int:
    return int(np.unique(ngram_hashes(TokenHasher()(anonymize(piece)), n)).size)


def _both(index: DecontamIndex, record: dict[str, Any]) -> list[Contamination]:
    """`check`'s answer, after asserting `check_many` gives the same."""
    hits = index.check(record)
    assert index.check_many([record]) == [hits]
    return hits


def _code_hits(index: DecontamIndex, record: dict[str, Any]) -> list[tuple[str, float]]:
    return [(h.task_id, h.overlap) for h in _both(index, record) if h.via == "code"]


@pytest.mark.parametrize(("offset", "indexed"), [(-1, True), (0, True), (1, False)])
def test_a_piece_of_exactly_min_code_ngrams_is_indexed(offset: int, indexed: bool) -> None:
    (piece,) = _task().pieces
    size = _distinct_code_ngrams(piece)
    assert size > 20
    index = DecontamIndex([_task()], DecontamConfig(min_code_ngrams=size + offset))
    assert _code_hits(index, _solution()) == ([("HumanEval/0", 1.0)] if indexed else [])


def test_coverage_exactly_at_the_threshold_contaminates() -> None:
    # Coverage 1.0 of a piece of `size` n-grams: `check_many` must suspect a unit with all
    # `size` of them, and `check` must accept a coverage equal to min_code_coverage.
    (piece,) = _task().pieces
    size = _distinct_code_ngrams(piece)
    config = DecontamConfig(min_code_coverage=1.0, min_code_ngrams=size)
    assert _code_hits(DecontamIndex([_task()], config), _solution()) == [("HumanEval/0", 1.0)]


def test_a_piece_of_one_ngram_is_covered_whole_by_its_copy() -> None:
    tokens = ["return", "x", "+", "1"]  # shorter than code_ngram: one n-gram
    task = BenchmarkTask("tiny", "tiny/0", (), (tuple(tokens),))
    index = DecontamIndex([task], DecontamConfig(min_code_ngrams=1))
    assert _code_hits(index, synthetic("copy", tokens)) == [("tiny/0", 1.0)]
    assert _code_hits(index, synthetic("other", ["return", "x", "-", "1"])) == []


def test_a_task_reports_its_best_covered_piece() -> None:
    (piece,) = _task().pieces
    longer = (*piece, "total", "=", "len", "(", "numbers", ")")
    share = _distinct_code_ngrams(piece) / _distinct_code_ngrams(longer)
    assert 0.6 <= share < 1.0
    best_first = BenchmarkTask("humaneval", "HumanEval/0", (), (piece, longer))
    assert _code_hits(DecontamIndex([best_first], DecontamConfig()), _solution()) == [
        ("HumanEval/0", 1.0)
    ]
    only_longer = BenchmarkTask("humaneval", "HumanEval/0", (), (longer,))
    ((task_id, overlap),) = _code_hits(DecontamIndex([only_longer], DecontamConfig()), _solution())
    assert task_id == "HumanEval/0" and overlap == pytest.approx(share)


def test_text_overlap_of_a_task_of_one_ngram_is_whole() -> None:
    words = SENTENCE.replace(",", "").split()[:10]
    task = BenchmarkTask("tiny", "tiny/0", (" ".join(words),), ())
    record = function(f'def f(items):\n    """{SENTENCE}."""\n    return items\n')
    hits = _both(DecontamIndex([task], DecontamConfig()), record)
    assert [(h.task_id, h.via, h.overlap) for h in hits] == [("tiny/0", "text", 1.0)]


def test_text_copied_into_a_comment_only_is_caught() -> None:
    record = function(f"def f(items):\n    # {SENTENCE}\n    return items\n")
    assert record["docstring"] == "" and record["comments"] == [SENTENCE]
    index = DecontamIndex([_task()], DecontamConfig())
    assert [(h.task_id, h.via) for h in _both(index, record)] == [("HumanEval/0", "text")]


def test_a_record_without_an_id_is_reported_with_an_empty_id() -> None:
    record = {k: v for k, v in _solution().items() if k != "id"}
    hits = _both(DecontamIndex([_task()], DecontamConfig()), record)
    assert [(h.record_id, h.task_id) for h in hits] == [("", "HumanEval/0")]


def test_an_index_without_code_ngrams_still_checks_text() -> None:
    index = DecontamIndex([_task()], DecontamConfig(min_code_ngrams=10**6))
    record = function(str(read_rows(HUMANEVAL)[0]["prompt"]) + "    return False\n")
    assert [(h.task_id, h.via) for h in _both(index, record)] == [("HumanEval/0", "text")]
    assert _both(index, _solution()) == []


def test_an_index_without_text_ngrams_still_checks_code() -> None:
    (piece,) = _task().pieces
    task = BenchmarkTask("humaneval", "HumanEval/0", ("too short to index",), (piece,))
    index = DecontamIndex([task], DecontamConfig())
    assert index._text.keys.dtype == np.uint64 and index._text.keys.size == 0
    documented = function(f'def f(items):\n    """{SENTENCE}."""\n    return items\n')
    assert _both(index, documented) == []
    assert _code_hits(index, _solution()) == [("HumanEval/0", 1.0)]


def test_a_short_task_text_keeps_the_keys_64_bit() -> None:
    short = BenchmarkTask("tiny", "tiny/0", ("too short",), ())
    index = DecontamIndex([short, _task()], DecontamConfig())
    assert index._text.keys.dtype == np.uint64 and index._code.keys.dtype == np.uint64


def test_the_table_tells_keys_one_apart() -> None:
    table = _Table([np.array([KEY], np.uint64)])
    assert table.keys.dtype == np.uint64
    assert table.hits(np.array([KEY + 1], np.uint64)).tolist() == [0]
    assert table.hits(np.array([KEY, KEY + 1], np.uint64)).tolist() == [1]


def _unmix(value: int) -> int:
    """The token hash whose 1-gram hash is `value` (fmix64 inverted)."""
    mask = 2**64 - 1
    value ^= value >> 33
    value = value * pow(0xC4CEB9FE1A85EC53, -1, 2**64) & mask
    value ^= value >> 33
    value = value * pow(0xFF51AFD7ED558CCD, -1, 2**64) & mask
    return value ^ (value >> 33)


def test_known_counts_tells_ngrams_one_apart() -> None:
    joined = np.array([_unmix(KEY), _unmix(KEY + 1)], np.uint64)
    assert ngram_hashes(joined, 1).tolist() == [KEY, KEY + 1]
    keys = np.array([KEY, KEY + 1], np.uint64)
    assert _known_counts(joined, np.array([2], np.int64), 1, keys).tolist() == [2]

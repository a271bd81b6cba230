"""`DecontamIndex.check_many` (one n-gram lookup per package) equals `check` unit by unit,
and the token vocabulary it uses hashes exactly as `check` does.

Over every HumanEval problem planted as a corpus function (verbatim, and without its
docstring), over real functions of installed packages, and over odd token lists (empty,
shorter than an n-gram, layout and comment tokens), with the default settings and with
small n-grams that make partial overlaps common.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from pytorrent.decontam import HUMANEVAL, DecontamConfig, DecontamIndex
from pytorrent.decontam.benchmarks import read_rows
from pytorrent.decontam.index import _known_counts
from pytorrent.decontam.normalize import anonymize, string_literals
from pytorrent.decontam.vocabulary import TokenVocabulary
from pytorrent.dedup.hashing import TokenHasher, ngram_hashes
from pytorrent.dedup.tokens import normalize_code_tokens
from pytorrent.sources.decode import UndecodableFile, decode_python_source
from tests.dedup.records import extract, synthetic
from tests.installed_code import package_files


def _planted_records() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for row in read_rows(HUMANEVAL):
        code = str(row["prompt"]) + str(row["canonical_solution"])
        undocumented = re.sub(r'\n    """.*?"""\n', "\n", code, flags=re.S)
        for source in (code, undocumented):
            records.extend(r for r in extract(source) if r["kind"] == "function")
    return records


def _real_records(limit: int = 1500) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for path in package_files("click"):
        try:
            text = decode_python_source(path.read_bytes())
        except UndecodableFile:
            continue
        records.extend(extract(text, path=path.name))
    return records[:limit]


def _odd_records() -> list[dict[str, Any]]:
    return [
        synthetic("empty", []),
        synthetic("short", ["return", "x", "+", "1"]),
        synthetic("layout", ["\n", "  ", "# note", "def", "f", "(", ")", ":", "pass", ""]),
        {"id": "no-tokens", "docstring": "Return the sum of all even numbers in the list."},
        {"id": "nothing"},
    ]


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return _planted_records() + _real_records() + _odd_records()


@pytest.mark.parametrize(
    "config",
    [DecontamConfig(), DecontamConfig(text_ngram=3, code_ngram=4, min_code_coverage=0.1)],
    ids=["default", "small-ngrams"],
)
def test_check_many_equals_check(records: list[dict[str, Any]], config: DecontamConfig) -> None:
    index = DecontamIndex.from_config(config)
    expected = [index.check(record) for record in records]
    assert sum(1 for hits in expected if hits) >= 300, "too few contaminated units to compare"
    assert any(not hits for hits in expected)
    assert index.check_many(records) == expected


def test_known_counts_matches_per_sequence_ngrams() -> None:
    rng = np.random.default_rng(0)
    sizes = (0, 1, 3, 4, 5, 9, 40, 200)
    sequences = [rng.integers(0, 5, size).astype(np.uint64) for size in sizes]
    for n in (1, 4, 5):
        grams = [ngram_hashes(s, n) for s in sequences]
        keys = np.unique(np.concatenate([g[::3] for g in grams if g.size][::2]))
        expected = [int(np.isin(np.unique(g), keys).sum()) for g in grams]
        joined = np.concatenate(sequences)
        lengths = np.array([s.size for s in sequences], dtype=np.int64)
        assert _known_counts(joined, lengths, n, keys).tolist() == expected


@pytest.mark.parametrize("max_tokens", [4, 1 << 20], ids=["clears-often", "default"])
def test_vocabulary_hashes_equal_the_hasher_per_unit(
    records: list[dict[str, Any]], max_tokens: int
) -> None:
    hasher = TokenHasher()
    vocabulary = TokenVocabulary(hasher, max_tokens=max_tokens)
    units = [list(r.get("code_tokens") or ()) for r in records[:400]] + [["a", ".", "b", "c"]]
    for start in range(0, len(units), 50):  # packages of 50 units, one vocabulary
        batch = units[start : start + 50]
        joined, lengths, literals = vocabulary.code_hashes(batch)
        assert lengths.tolist() == [len(normalize_code_tokens(u)) for u in batch]
        expected = [hasher(anonymize(normalize_code_tokens(u))) for u in batch]
        assert joined.tolist() == np.concatenate(expected).tolist()
        assert literals == [string_literals(u) for u in batch]

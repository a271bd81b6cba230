"""The text n-gram size at its boundary: a run of words copied from a HumanEval prompt is
flagged from exactly `text_ngram` words on (10 by default), and one word fewer is not."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import pytest

from pytorrent.decontam import DecontamConfig, DecontamIndex
from pytorrent.decontam.benchmarks import BenchmarkTask
from pytorrent.errors import ConfigError
from pytorrent.filters import FilterConfig, UnitFilters
from tests.dedup.records import function

# The first sentence of HumanEval/0's docstring, 18 words (none a number or one letter).
TEXT = (
    "Check if in given list of numbers, are any two numbers closer to each other than "
    "given threshold."
)
SENTENCE = TEXT.split(" ")


@lru_cache(maxsize=4)
def _index(text_ngram: int) -> DecontamIndex:
    return DecontamIndex.from_config(DecontamConfig(text_ngram=text_ngram))


def _copied(words: int) -> dict[str, object]:
    """A function whose docstring is the first `words` words of the sentence."""
    docstring = " ".join(SENTENCE[:words])
    return function(f'def describe(items):\n    """{docstring}"""\n    return len(items)\n')


def _text_hits(index: DecontamIndex, record: dict[str, object]) -> list[str]:
    return [hit.task_id for hit in index.check(record) if hit.via == "text"]


def test_the_default_text_ngram_is_ten_words() -> None:
    assert DecontamConfig().text_ngram == 10


@pytest.mark.parametrize(("words", "flagged"), [(9, False), (10, True), (11, True), (18, True)])
def test_default_index_flags_from_ten_copied_words(words: int, flagged: bool) -> None:
    assert _text_hits(_index(DecontamConfig().text_ngram), _copied(words)) == (
        ["HumanEval/0"] if flagged else []
    )


@pytest.mark.parametrize("size", [5, 13])
@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_a_configured_size_flags_from_exactly_that_many_words(size: int, offset: int) -> None:
    flagged = offset >= 0
    assert _text_hits(_index(size), _copied(size + offset)) == (["HumanEval/0"] if flagged else [])


@pytest.mark.parametrize(("words", "kept"), [(9, True), (10, False), (11, False)])
def test_the_default_filters_drop_a_ten_word_copy(words: int, kept: bool) -> None:
    record = _copied(words)
    result = UnitFilters(replace(FilterConfig.none(), decontaminate=True))([record])
    assert (result.kept == [record]) is kept
    assert result.drops.by_stage() == ({} if kept else {"decontam": {"humaneval": 1}})


@pytest.mark.parametrize(("task_words", "indexed"), [(9, False), (10, True), (11, True)])
def test_a_task_text_of_exactly_one_ngram_is_indexed(task_words: int, indexed: bool) -> None:
    text = " ".join(SENTENCE[:task_words])
    task = BenchmarkTask("tiny", "tiny/0", (text,), ())
    index = DecontamIndex([task], DecontamConfig(text_ngram=10))
    record = _copied(len(SENTENCE))  # the whole sentence: covers any prefix of it
    assert _text_hits(index, record) == (["tiny/0"] if indexed else [])


@pytest.mark.parametrize(
    ("settings", "error"),
    [
        ({"text_ngram": 0}, "n-gram sizes must be >= 1"),
        ({"code_ngram": 0}, "n-gram sizes must be >= 1"),
        ({"text_ngram": 1, "code_ngram": 1}, None),
        ({"min_code_coverage": 0.0}, r"min_code_coverage must be in \(0, 1\]"),
        ({"min_code_coverage": 1e-9}, None),
        ({"min_code_coverage": 1.0}, None),
        ({"min_code_coverage": 1.01}, r"min_code_coverage must be in \(0, 1\]"),
    ],
    ids=repr,
)
def test_config_bounds(settings: dict[str, float], error: str | None) -> None:
    if error is None:
        assert DecontamConfig(**settings)  # type: ignore[arg-type]
        return
    with pytest.raises(ConfigError, match=f"^decontamination {error}$"):
        DecontamConfig(**settings)  # type: ignore[arg-type]


def test_problem_text_after_leading_imports_is_indexed() -> None:
    """HumanEval/115's prompt opens with `import math`, so its text is not a docstring."""
    index = _index(DecontamConfig().text_ngram)
    copied = (
        "You are given a rectangular grid of wells. Each row represents a single well, and "
        "each 1 in a row represents a single unit of water."
    )
    record = function(f'def fill(grid):\n    """{copied}"""\n    return grid\n')
    assert _text_hits(index, record) == ["HumanEval/115"]

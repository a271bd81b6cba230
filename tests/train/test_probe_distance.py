"""The dependency measure with hand-made deterministic models, so every number is known."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from pytorrent.train.probe_distance import (
    BUCKETS,
    Bucket,
    Dependency,
    bucket_label,
    joined,
    measure_dependency,
)

CHARS = "\x00\n ()[]'\"xy"
INDEX = {c: i for i, c in enumerate(CHARS)}

#: Closers at distances 2 (`)`), 2 (`]`), 60 (`)`), 3 (`'`) and 700 (`]`).
DOCUMENTS = ["(x)[y]", "(" + "x" * 59 + ")", "'xy'", "[" + "y" * 699 + "]"]


def always(char: str) -> Callable[[str], np.ndarray]:
    """A model sure that every next character is `char`."""

    def rows(text: str) -> np.ndarray:
        out = np.zeros((len(text), len(CHARS)))
        out[:, INDEX[char]] = 1.0
        return out

    return rows


def oracle(text: str) -> np.ndarray:
    """Probability 1 on the character that really comes next."""
    out = np.zeros((len(text), len(CHARS)))
    out[np.arange(len(text)), [INDEX[c] for c in text]] = 1.0
    return out


def uniform_blocks(text: str) -> list[tuple[int, np.ndarray]]:
    """A uniform model answering in blocks of 7 rows, last block first."""
    rows = np.full((len(text), len(CHARS)), 1 / len(CHARS))
    return [(start, rows[start : start + 7]) for start in range(0, len(text), 7)][::-1]


def by_label(result: Dependency) -> dict[str, Bucket]:
    return {bucket.label: bucket for bucket in result.buckets}


def test_joined_shifts_pairs_and_never_pairs_across_documents() -> None:
    text, pairs = joined(["(x)", "x)", "'y'"])
    assert text == "(x)\nx)\n'y'\n"
    assert [(p.opener, p.closer, p.delimiter) for p in pairs] == [(0, 2, ")"), (7, 9, "'")]


def test_buckets_are_labelled_half_open() -> None:
    assert [bucket_label(*b) for b in BUCKETS] == ["1-9", "10-49", "50-99", "100-499", "500+"]


def test_a_model_sure_of_one_closer_scores_exactly_that_closer() -> None:
    text, pairs = joined(DOCUMENTS)
    result = measure_dependency(text, pairs, always(")"), INDEX)
    buckets = by_label(result)
    short = buckets["1-9"]
    assert (short.count, short.mean_probability, short.top1) == (3, 1 / 3, 1 / 3)
    assert (short.brackets, short.bracket_probability) == (2, 0.5)
    assert (short.quotes, short.quote_probability) == (1, 0.0)
    assert buckets["50-99"].mean_probability == 1.0
    assert buckets["500+"].mean_probability == 0.0
    empty = buckets["10-49"]
    assert empty.count == 0 and empty.mean_probability is None
    assert result.closers == 5 and result.chars == len(text)
    assert math.isinf(result.bits_per_char)  # it gives probability 0 to most characters


def test_the_oracle_gets_every_closer_and_zero_bits() -> None:
    text, pairs = joined(DOCUMENTS)
    result = measure_dependency(text, pairs, oracle, INDEX)
    assert all(b.mean_probability in (1.0, None) for b in result.buckets)
    assert all(b.top1 in (1.0, None) for b in result.buckets)
    assert result.bits_per_char == 0.0


def test_blocks_in_any_order_give_the_uniform_numbers() -> None:
    text, pairs = joined(DOCUMENTS)
    result = measure_dependency(text, pairs, uniform_blocks, INDEX)
    assert result.bits_per_char == pytest.approx(math.log2(len(CHARS)))
    assert by_label(result)["100-499"].count == 0
    assert by_label(result)["500+"].mean_probability == pytest.approx(1 / len(CHARS))


def test_missing_or_overlapping_rows_are_errors() -> None:
    text, pairs = joined(["(x)"])
    with pytest.raises(ValueError, match="no row"):
        measure_dependency(text, pairs, lambda t: [(0, oracle(t)[:2])], INDEX)
    with pytest.raises(ValueError, match="overlap"):
        measure_dependency(text, pairs, lambda t: [(0, oracle(t)), (1, oracle(t)[1:2])], INDEX)

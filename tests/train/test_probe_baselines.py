"""Baselines in bits per character against values worked out by hand."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from pytorrent.train.probe_baselines import (
    baselines,
    char_counts,
    entropy_bits,
    fold,
    fold_counts,
    gzip_bits,
    unigram_bits,
    xz_bits,
)
from tests.tokenizer.conftest import module_source


def test_unigram_is_add_one_cross_entropy_of_train_frequencies() -> None:
    # Train "aab" over vocabulary "abc": smoothed counts a=3, b=2, c=1 of 6.
    # Valid "ab": (-log2(3/6) - log2(2/6)) / 2 = (1 + log2 3) / 2.
    got = unigram_bits(Counter("aab"), Counter("ab"), "abc")
    assert got == pytest.approx((1 + math.log2(3)) / 2)
    # A character never seen in train still costs a finite -log2(1/6).
    assert unigram_bits(Counter("aab"), Counter("c"), "abc") == pytest.approx(math.log2(6))


def test_own_entropy() -> None:
    assert entropy_bits(Counter("aabb")) == pytest.approx(1.0)
    assert entropy_bits(Counter("aaaa")) == 0.0
    assert entropy_bits(Counter("abcd")) == pytest.approx(2.0)


def test_gzip_bits_by_hand() -> None:
    # gzip: 10 header bytes + 8 trailer bytes (CRC32, size). Deflate picks one fixed-Huffman
    # block: 3 header bits + 8 bits per literal + 7 bits end-of-block, padded to bytes.
    # "a": 18 bits -> 3 bytes -> 21 bytes -> 168 bits/char; "ab": 26 bits -> 4 -> 22 -> 88.
    assert gzip_bits("a") == 8 * 21
    assert gzip_bits("ab") == 8 * 22 / 2


def test_xz_bits_by_hand() -> None:
    # xz: stream header 12 + block header 12 + LZMA2 data + block padding to 4 + CRC64 8
    # + index 8 + stream footer 12. A few bytes are stored as one uncompressed LZMA2 chunk:
    # 1 control + 2 size bytes + the data, then 1 end byte.
    # "ab": 3 + 2 + 1 = 6 -> padded 8 -> 60 bytes; "abcde": 9 -> 12 -> 64 bytes.
    assert xz_bits("ab") == 8 * 60 / 2
    assert xz_bits("abcde") == 8 * 64 / 5


def test_fold_maps_unknown_characters_to_one_character() -> None:
    assert fold("déf 🐍", "def ", "?") == "d?f ?"
    assert fold_counts(Counter("déf 🐍"), "def ", "?") == Counter("d?f ?")


def test_char_counts_stops_at_the_limit() -> None:
    assert char_counts(["abc", "de", "f"], limit=4) == Counter("abcd")
    assert char_counts(["abc", "de"]) == Counter("abcde")


def test_baselines_of_real_code_are_ordered_as_expected() -> None:
    code = module_source("argparse").decode("utf-8")
    vocabulary = "".join(sorted(set(code)))
    result = baselines(Counter(code), code, vocabulary)
    assert result.chars == len(code)
    # Cross-entropy is never below the entropy; compressors use context, unigram cannot.
    assert result.xz_bits < result.gzip_bits < result.unigram_own_bits <= result.unigram_bits


def test_empty_text_is_an_error() -> None:
    with pytest.raises(ValueError):
        gzip_bits("")
    with pytest.raises(ValueError):
        unigram_bits(Counter("a"), Counter(), "a")

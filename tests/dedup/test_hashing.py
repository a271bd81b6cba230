"""Hashes are stable, order-sensitive where they must be, and blind to layout and comments."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from pytorrent.dedup.hashing import TokenHasher, ngram_hashes, sequence_key
from pytorrent.dedup.tokens import normalize_code_tokens


def test_normalize_drops_layout_and_comment_tokens() -> None:
    tokens = ["def", "f", "(", ")", ":", "\n", "    ", "", "# note", "return", "1"]
    clean = ["def", "f", "(", ")", ":", "return", "1"]
    assert normalize_code_tokens(tokens) == clean
    hasher = TokenHasher()
    assert np.array_equal(hasher.code(tokens), hasher(clean))


def test_sequence_key_separates_token_boundaries() -> None:
    hasher = TokenHasher()
    assert sequence_key(hasher(["ab", "c"])) != sequence_key(hasher(["a", "bc"]))
    assert sequence_key(hasher(["return", "x"])) == sequence_key(hasher(["return", "x"]))


def test_ngrams_are_order_sensitive_and_short_input_is_one_gram() -> None:
    hasher = TokenHasher()
    forward = ngram_hashes(hasher(["a", "b", "c", "d"]), 3)
    backward = ngram_hashes(hasher(["d", "c", "b", "a"]), 3)
    assert forward.size == 2
    assert not set(forward.tolist()) & set(backward.tolist())
    assert ngram_hashes(hasher(["a", "b"]), 5).size == 1
    assert ngram_hashes(hasher([]), 5).size == 0


def test_hashes_do_not_depend_on_the_process() -> None:
    # Python's hash() is salted per process; our hashes must not be.
    code = (
        "from pytorrent.dedup.hashing import TokenHasher, ngram_hashes;"
        "print(ngram_hashes(TokenHasher()(['def', 'f', '(', ')', ':', 'pass']), 5).tolist())"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PYTHONPATH": "."},
        ).stdout
        for seed in ("1", "2")
    }
    here = ngram_hashes(TokenHasher()(["def", "f", "(", ")", ":", "pass"]), 5).tolist()
    assert runs == {f"{here}\n"}


def test_hasher_cache_is_bounded() -> None:
    hasher = TokenHasher(max_cache=4)
    first = hasher([f"t{i}" for i in range(10)])
    again = hasher([f"t{i}" for i in range(10)])
    assert np.array_equal(first, again)
    assert len(hasher._cache) <= 10

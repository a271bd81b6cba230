"""Golden values of the metrics, computed by hand from the published definitions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytorrent.evaluate.bleu import corpus_bleu, text_to_code_bleu
from pytorrent.evaluate.rouge import lcs_length, mean_rouge_l, rouge_l
from pytorrent.evaluate.score import exact_match, syntax_ok
from pytorrent.evaluate.smoothed_bleu import code_to_text_bleu, sentence_bleu, tokenize


def test_corpus_bleu_one_substitution() -> None:
    # matches 3/4, 2/3, 1/2, 0/1 smoothed to 4/5, 3/4, 2/3, 1/2; product 1/5; c == r: BP 1.
    assert text_to_code_bleu(["a b c d"], ["a b c e"]) == pytest.approx(100 * 0.2**0.25)


def test_corpus_bleu_brevity_penalty() -> None:
    # every order (m + 1) / (p + 1) == 1; c = 2 < r = 4: BP = exp(1 - 4/2).
    assert text_to_code_bleu(["a b c d"], ["a b"]) == pytest.approx(100 * math.exp(-1))


def test_corpus_bleu_sums_counts_over_the_corpus() -> None:
    # matches [5, 3, 1, 0] of [6, 4, 2, 1] → 6/7 * 4/5 * 2/3 * 1/2 = 8/35; c = 6, r = 8.
    got = text_to_code_bleu(["a b c d", "a b c d"], ["a b c e", "a b"])
    assert got == pytest.approx(100 * (8 / 35) ** 0.25 * math.exp(1 - 8 / 6))


def test_corpus_bleu_clips_repeated_tokens() -> None:
    # unigrams clipped to 1 of 4, then 0/3, 0/2, 0/1 → 2/5 * 1/4 * 1/3 * 1/2 = 1/60; c > r.
    assert text_to_code_bleu(["a b"], ["a a a a"]) == pytest.approx(100 * (1 / 60) ** 0.25)


def test_corpus_bleu_identical_no_overlap_and_empty() -> None:
    assert text_to_code_bleu(["x = f(a)\n  return x"], ["x = f(a) return   x"]) == 100.0
    # Smoothing every order keeps disjoint text above 0: 1/3 * 1/2 * 1 * 1 (CodeXGLUE's rule).
    assert text_to_code_bleu(["a b"], ["c d"]) == pytest.approx(100 * (1 / 6) ** 0.25)
    assert text_to_code_bleu(["a b"], [""]) == 0.0
    assert corpus_bleu([[["a"]]], [[]]) == 0.0


def test_corpus_bleu_shortest_of_several_references() -> None:
    # r = 2 (shortest), c = 2: BP 1; unigram 2/2, bigram "a b" matches → all orders 1.
    assert corpus_bleu([[["a", "b", "c", "d"], ["a", "b"]]], [["a", "b"]]) == 1.0


def test_smoothed_bleu_tokenizer_splits_marks_and_underscores() -> None:
    assert tokenize("  Get_Value(x, 1.5)  ") == [
        "get", "_", "value", "(", "x", ",", "1", ".", "5", ")",
    ]  # fmt: skip


def test_smoothed_bleu_sentence() -> None:
    # unigrams 2/3 unsmoothed; bigrams (1+1)/(2+1); trigrams (0+1)/(1+1); 4-grams 1/1; BP 0.
    assert code_to_text_bleu(["Returns the sum"], ["returns the total"]) == pytest.approx(
        100 * (2 / 9) ** 0.25
    )


def test_smoothed_bleu_brevity_in_log_space() -> None:
    # ref [get, _, value], pred [get, value]: 2/2, (0+1)/(1+1), 1, 1; BP 1 - (3+1)/(2+1).
    assert code_to_text_bleu(["get_value"], ["get value"]) == pytest.approx(
        100 * 0.5**0.25 * math.exp(-1 / 3)
    )


def test_smoothed_bleu_identical_disjoint_empty_and_mean() -> None:
    assert code_to_text_bleu(["Add two numbers."], ["add two  numbers ."]) == pytest.approx(100)
    assert code_to_text_bleu(["a b"], ["c d"]) < 1e-60  # unigram log(0 + tiny)
    # An empty prediction scores exp(-r) in the published script (all logs cancel).
    assert sentence_bleu([["a", "b", "c"]], []) == pytest.approx(math.exp(-3))
    assert code_to_text_bleu(["a b", "a b c"], ["a b", ""]) == pytest.approx(
        (100 + 100 * math.exp(-3)) / 2
    )


def test_rouge_l_keeps_code_punctuation() -> None:
    assert lcs_length(["a", "b", "c", "d"], ["b", "d"]) == 2
    # LCS of [return a + b] and [return b + a] is 2 of 4 each way.
    assert rouge_l("return a + b", "return b + a") == pytest.approx(0.5)
    # Punctuation counts: P = 3/3, R = 3/6 (rouge-score's default tokenizer would give 1.0).
    assert rouge_l("f(a, b)", "f a b") == pytest.approx(2 / 3)
    assert rouge_l("x", "y") == 0.0
    assert rouge_l("x", "") == 0.0
    assert mean_rouge_l(["A.b", "x"], ["a.B", "y"]) == pytest.approx(0.5)


def test_exact_match_ignores_whitespace_layout() -> None:
    assert exact_match(["a  b\n c", "a"], ["a b c", "b"]) == 50.0


def test_syntax_ok_alone_or_after_the_prompt() -> None:
    assert syntax_ok(["def f():\n    return 1\n", "def f(:"]) == 0.5
    body = "    return 1\n"
    assert syntax_ok([body]) == 0.0
    assert syntax_ok([body], ["def f():\n"]) == 1.0


def _lcs_by_recursion(first: tuple[str, ...], second: tuple[str, ...]) -> int:
    if not first or not second:
        return 0
    if first[0] == second[0]:
        return 1 + _lcs_by_recursion(first[1:], second[1:])
    return max(_lcs_by_recursion(first[1:], second), _lcs_by_recursion(first, second[1:]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from("abc"), max_size=7), st.lists(st.sampled_from("abc"), max_size=7))
def test_lcs_matches_the_recursive_definition(first: list[str], second: list[str]) -> None:
    expected = _lcs_by_recursion(tuple(first), tuple(second))
    assert lcs_length(first, second) == expected == lcs_length(second, first)

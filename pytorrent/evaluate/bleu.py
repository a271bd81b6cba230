"""Corpus BLEU-4 as CodeXGLUE's text-to-code evaluator computes it (their `bleu.py`, smooth=True).

Why our own copy: `sacrebleu` smooths differently, and published text-to-code numbers use
this exact definition: whitespace tokens, n-gram counts clipped by the reference, summed over
the corpus, every order smoothed as (matches + 1) / (possible + 1), geometric mean, brevity
penalty exp(1 - r/c) when c <= r with r the shortest reference length, times 100.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

MAX_ORDER = 4


def ngram_counts(tokens: Sequence[str], max_order: int = MAX_ORDER) -> Counter[tuple[str, ...]]:
    """Every n-gram of orders 1..max_order with its count."""
    counts: Counter[tuple[str, ...]] = Counter()
    for order in range(1, max_order + 1):
        for start in range(len(tokens) - order + 1):
            counts[tuple(tokens[start : start + order])] += 1
    return counts


def corpus_bleu(
    references: Sequence[Sequence[Sequence[str]]],
    predictions: Sequence[Sequence[str]],
    max_order: int = MAX_ORDER,
) -> float:
    """Smoothed corpus BLEU in [0, 1] of token lists against lists of reference token lists.

    CodeXGLUE divides by zero when every prediction (or every reference) is empty; we return 0
    for an empty prediction side (its brevity penalty tends to 0) and 0 for empty references.
    """
    matches = [0] * max_order
    possible = [0] * max_order
    reference_length = 0
    prediction_length = 0
    for refs, prediction in zip(references, predictions, strict=True):
        reference_length += min(len(ref) for ref in refs)
        prediction_length += len(prediction)
        merged: Counter[tuple[str, ...]] = Counter()
        for ref in refs:
            merged |= ngram_counts(ref, max_order)
        overlap = ngram_counts(prediction, max_order) & merged
        for ngram, count in overlap.items():
            matches[len(ngram) - 1] += count
        for order in range(1, max_order + 1):
            possible[order - 1] += max(len(prediction) - order + 1, 0)
    if prediction_length == 0 or reference_length == 0:
        return 0.0
    precisions = [(matches[i] + 1.0) / (possible[i] + 1.0) for i in range(max_order)]
    geometric_mean = math.exp(sum(math.log(p) for p in precisions) / max_order)
    ratio = prediction_length / reference_length
    brevity = 1.0 if ratio > 1.0 else math.exp(1.0 - 1.0 / ratio)
    return geometric_mean * brevity


def text_to_code_bleu(references: Sequence[str], predictions: Sequence[str]) -> float:
    """BLEU ×100 of one reference per prediction, tokens split on whitespace after strip()."""
    refs = [[reference.strip().split()] for reference in references]
    preds = [prediction.strip().split() for prediction in predictions]
    return 100.0 * corpus_bleu(refs, preds)

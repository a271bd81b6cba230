"""Sentence-level smoothed BLEU-4, averaged, as CodeXGLUE's code-to-text evaluator computes it.

That evaluator (an adaptation of Moses' NIST-style `bleu.py`) lowercases, splits with
`[\\w]+|[^\\s\\w]`, then NIST-normalises, which also splits every `_` off as its own token.
Each sentence's log-precisions add +1 to matches and to guesses for orders 2-4 only (not
unigrams), with `sys.float_info.min` inside every log; the brevity penalty is
min(0, 1 - (r + 1) / (c + 1)) in log space, r the shortest reference length. Quirk kept on
purpose: an empty prediction scores exp(-r), not 0, exactly as the published script does.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Sequence

from pytorrent.evaluate.bleu import MAX_ORDER, ngram_counts

_WORD_OR_MARK = re.compile(r"[\w]+|[^\s\w]")
_TINY = sys.float_info.min


def tokenize(text: str) -> list[str]:
    """Lowercase, words and single marks, with underscores split off (NIST normalisation)."""
    tokens: list[str] = []
    for piece in _WORD_OR_MARK.findall(text.strip().lower()):
        if "_" in piece and len(piece) > 1:
            tokens.extend(part for part in re.split(r"(_)", piece) if part)
        else:
            tokens.append(piece)
    return tokens


def sentence_bleu(references: Sequence[Sequence[str]], prediction: Sequence[str]) -> float:
    """Smoothed BLEU in [0, 1] of one tokenised prediction against its tokenised references."""
    best: dict[tuple[str, ...], int] = {}
    for ref in references:
        for ngram, count in ngram_counts(ref).items():
            best[ngram] = max(best.get(ngram, 0), count)
    correct = [0] * MAX_ORDER
    for ngram, count in ngram_counts(prediction).items():
        correct[len(ngram) - 1] += min(best.get(ngram, 0), count)
    log_bleu = 0.0
    for order in range(MAX_ORDER):
        guess = max(len(prediction) - order, 0)
        add = 1 if order > 0 else 0
        log_bleu += math.log(correct[order] + add + _TINY) - math.log(guess + add + _TINY)
    log_bleu /= MAX_ORDER
    shortest = min(len(ref) for ref in references)
    brevity = min(0.0, 1.0 - (shortest + 1) / (len(prediction) + 1))
    return math.exp(log_bleu + brevity)


def code_to_text_bleu(references: Sequence[str], predictions: Sequence[str]) -> float:
    """Mean sentence BLEU ×100 of one reference per prediction (0 for no examples)."""
    if not predictions:
        return 0.0
    total = sum(
        sentence_bleu([tokenize(reference)], tokenize(prediction))
        for reference, prediction in zip(references, predictions, strict=True)
    )
    return 100.0 * total / len(predictions)

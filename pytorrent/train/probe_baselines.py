"""Non-neural bits per character on the probe's validation text, so a model's bpc means something.

All figures are on the same text the model is measured on: the validation text after the
model's vocabulary mapping (every character outside the vocabulary becomes its one unknown
character), in bits per character of that text.

- unigram: cross-entropy of the validation text under the character frequencies of the
  train text (add-one smoothed over the vocabulary, so no character has probability 0);
- unigram (own): the entropy of the validation text under its own frequencies, the best any
  context-free model could do on it;
- gzip (level 9) and xz (preset 9 extreme): compressed size in bits, container headers
  included, over the characters (one byte each after the mapping of the char vocabulary).
"""

from __future__ import annotations

import gzip
import lzma
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Baselines:
    chars: int
    unigram_bits: float
    unigram_own_bits: float
    gzip_bits: float
    xz_bits: float


def fold(text: str, vocabulary: str, unknown: str) -> str:
    """`text` with every character outside `vocabulary` replaced by `unknown`."""
    allowed = frozenset(vocabulary)
    return "".join(char if char in allowed else unknown for char in text)


def char_counts(texts: Iterable[str], limit: int | None = None) -> Counter[str]:
    """Character counts of the texts, reading at most `limit` characters."""
    counts: Counter[str] = Counter()
    seen = 0
    for text in texts:
        if limit is not None and seen + len(text) > limit:
            text = text[: limit - seen]
        counts.update(text)
        seen += len(text)
        if limit is not None and seen >= limit:
            break
    return counts


def fold_counts(counts: Mapping[str, int], vocabulary: str, unknown: str) -> Counter[str]:
    allowed = frozenset(vocabulary)
    folded: Counter[str] = Counter()
    for char, count in counts.items():
        folded[char if char in allowed else unknown] += count
    return folded


def unigram_bits(train: Mapping[str, int], valid: Mapping[str, int], vocabulary: str) -> float:
    """Bits/char of `valid` under add-one smoothed frequencies of `train` (both folded)."""
    total_valid = sum(valid.values())
    if not total_valid:
        raise ValueError("unigram_bits: empty validation text")
    denominator = sum(train.values()) + len(vocabulary)
    bits = 0.0
    for char, count in valid.items():
        bits -= count * math.log2((train.get(char, 0) + 1) / denominator)
    return bits / total_valid


def entropy_bits(counts: Mapping[str, int]) -> float:
    """Entropy of the empirical distribution `counts`, in bits per symbol."""
    total = sum(counts.values())
    if not total:
        raise ValueError("entropy_bits: no symbols")
    return -sum(n / total * math.log2(n / total) for n in counts.values() if n)


def gzip_bits(text: str) -> float:
    if not text:
        raise ValueError("gzip_bits: empty text")
    return 8 * len(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)) / len(text)


def xz_bits(text: str) -> float:
    if not text:
        raise ValueError("xz_bits: empty text")
    packed = lzma.compress(text.encode("utf-8"), preset=9 | lzma.PRESET_EXTREME)
    return 8 * len(packed) / len(text)


def baselines(train: Mapping[str, int], valid_text: str, vocabulary: str) -> Baselines:
    """Every baseline of `valid_text` (already folded to `vocabulary`)."""
    valid = Counter(valid_text)
    return Baselines(
        chars=len(valid_text),
        unigram_bits=unigram_bits(train, valid, vocabulary),
        unigram_own_bits=entropy_bits(valid),
        gzip_bits=gzip_bits(valid_text),
        xz_bits=xz_bits(valid_text),
    )

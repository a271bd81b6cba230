"""The long-range dependency probe: how sure a model is of each closer, by distance to its opener.

A model is any function from a text to its next-character distributions: row `i` is the
distribution of the character at position `i` given the characters before it (row 0: given
nothing but the model's start). It returns one `(len(text), vocabulary)` array, or an iterable
of `(start, rows)` blocks in any order that together cover every position once (so a model can
run the text as parallel streams without holding all rows at once).

For each closer (`)`, `]`, `}`, a closing quote: the first character of `'''`/`\"\"\"`) found by
the matcher, the probability the model gives the right closing character there, bucketed by
the distance to its opener. Documents are matched one at a time, so no pair spans two.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pytorrent.train.probe_match import Pair, match

Rows = npt.NDArray[np.floating]
Distributions = Callable[[str], "Rows | Iterable[tuple[int, Rows]]"]

#: Distance buckets [low, high): 1-9, 10-49, 50-99, 100-499 and 500 or more characters.
BUCKETS: tuple[tuple[int, int | None], ...] = (
    (1, 10),
    (10, 50),
    (50, 100),
    (100, 500),
    (500, None),
)


def bucket_label(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}-{high - 1}"


@dataclass(frozen=True)
class Bucket:
    label: str
    low: int
    high: int | None
    count: int
    mean_probability: float | None
    top1: float | None  # share of closers the model ranks first
    brackets: int
    bracket_probability: float | None
    quotes: int
    quote_probability: float | None


@dataclass(frozen=True)
class Dependency:
    chars: int
    closers: int
    bits_per_char: float  # the model's bpc on the same text, from the same rows
    buckets: tuple[Bucket, ...]


def joined(documents: Iterable[str], separator: str = "\n") -> tuple[str, list[Pair]]:
    """The documents joined as training joins them (each followed by `separator`), and the
    pairs of every document shifted to their place in the joined text."""
    parts: list[str] = []
    pairs: list[Pair] = []
    offset = 0
    for document in documents:
        for pair in match(document).pairs:
            pairs.append(Pair(pair.opener + offset, pair.closer + offset, pair.delimiter))
        parts.append(document + separator)
        offset += len(document) + len(separator)
    return "".join(parts), pairs


def _blocks(result: Rows | Iterable[tuple[int, Rows]]) -> Iterable[tuple[int, Rows]]:
    return [(0, result)] if isinstance(result, np.ndarray) else result


def _mean(values: npt.NDArray[np.float64]) -> float | None:
    return float(values.mean()) if values.size else None


def measure_dependency(
    text: str,
    pairs: Sequence[Pair],
    distributions: Distributions,
    index: Mapping[str, int],
    unknown_id: int = 0,
) -> Dependency:
    """Closer probabilities by distance bucket, and the bits per char of the whole text."""
    if not text:
        raise ValueError("measure_dependency: empty text")
    targets = np.fromiter((index.get(c, unknown_id) for c in text), dtype=np.int64, count=len(text))
    closers = np.array([p.closer for p in pairs], dtype=np.int64)
    closer_probability = np.zeros(len(pairs))
    closer_first = np.zeros(len(pairs), dtype=bool)
    covered = np.zeros(len(text), dtype=bool)
    bits = 0.0
    for start, rows in _blocks(distributions(text)):
        end = start + len(rows)
        if start < 0 or end > len(text) or covered[start:end].any():
            raise ValueError(f"distributions: rows {start}:{end} overlap or leave the text")
        covered[start:end] = True
        truth = rows[np.arange(len(rows)), targets[start:end]].astype(np.float64)
        with np.errstate(divide="ignore"):
            bits -= float(np.log2(truth).sum())
        inside = np.flatnonzero((closers >= start) & (closers < end))
        local = closers[inside] - start
        closer_probability[inside] = truth[local]
        closer_first[inside] = rows[local].argmax(axis=1) == targets[closers[inside]]
    if not covered.all():
        raise ValueError(f"distributions: {int((~covered).sum())} positions have no row")
    distances = np.array([p.distance for p in pairs], dtype=np.int64)
    quote = np.array([p.is_quote for p in pairs], dtype=bool)
    buckets = []
    for low, high in BUCKETS:
        chosen = (distances >= low) & (distances < (high if high is not None else math.inf))
        brackets, quotes = chosen & ~quote, chosen & quote
        buckets.append(
            Bucket(
                label=bucket_label(low, high),
                low=low,
                high=high,
                count=int(chosen.sum()),
                mean_probability=_mean(closer_probability[chosen]),
                top1=_mean(closer_first[chosen].astype(np.float64)),
                brackets=int(brackets.sum()),
                bracket_probability=_mean(closer_probability[brackets]),
                quotes=int(quotes.sum()),
                quote_probability=_mean(closer_probability[quotes]),
            )
        )
    return Dependency(len(text), len(pairs), bits / len(text), tuple(buckets))

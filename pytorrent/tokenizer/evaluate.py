"""How a trained tokenizer cuts the corpus: characters per token, tokens per line and per unit.

PyTorrent truncates at 70 tokens per line of code; `lines_within["70"]` is the share of
non-blank lines (each encoded alone, indentation included) that fit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tokenizers import Tokenizer

from pytorrent.stats.histogram import IntHistogram

LINE_LIMITS = (32, 50, 70, 100)
UNIT_LIMITS = (128, 256, 512, 1024, 2048)


def token_counts(tokenizer: Tokenizer, texts: Sequence[str]) -> list[int]:
    """Tokens of each text, without special tokens (offsets are not computed when the
    installed `tokenizers` can skip them)."""
    if not texts:
        return []
    encode = getattr(tokenizer, "encode_batch_fast", tokenizer.encode_batch)
    return [len(encoding.ids) for encoding in encode(list(texts), add_special_tokens=False)]


@dataclass
class Measured:
    units: IntHistogram = field(default_factory=IntHistogram)
    lines: IntHistogram = field(default_factory=IntHistogram)
    characters: int = 0
    bytes: int = 0

    @property
    def tokens(self) -> int:
        return self.units.total

    def chars_per_token(self) -> float | None:
        return None if self.tokens == 0 else round(self.characters / self.tokens, 4)

    def bytes_per_token(self) -> float | None:
        return None if self.tokens == 0 else round(self.bytes / self.tokens, 4)

    def lines_within(self) -> dict[str, float]:
        return _within(self.lines, LINE_LIMITS)

    def units_within(self) -> dict[str, float]:
        return _within(self.units, UNIT_LIMITS)


def _within(histogram: IntHistogram, limits: Sequence[int]) -> dict[str, float]:
    if histogram.count == 0:
        return {}
    return {str(n): round(histogram.count_at_most(n) / histogram.count, 6) for n in limits}


def measure(tokenizer: Tokenizer, batches: Iterable[list[str]]) -> Measured:
    """Token counts of every text of `batches` and of each of their non-blank lines."""
    measured = Measured()
    for texts in batches:
        measured.units.add(token_counts(tokenizer, texts))
        measured.characters += sum(len(t) for t in texts)
        measured.bytes += sum(len(t.encode("utf-8")) for t in texts)
        lines = [line for text in texts for line in text.split("\n") if line.strip()]
        measured.lines.add(token_counts(tokenizer, lines))
    return measured

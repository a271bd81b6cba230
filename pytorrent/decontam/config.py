"""Decontamination settings."""

from __future__ import annotations

from pydantic import Field
from pydantic.dataclasses import dataclass

from pytorrent.decontam.benchmarks import HUMANEVAL, BenchmarkSpec
from pytorrent.errors import ConfigError


@dataclass(frozen=True)
class DecontamConfig:
    """Which benchmarks, and how much overlap makes a unit contaminated (docs/dedup.md).

    - text: a unit is contaminated when its docstring, comments or string literals share
      any `text_ngram`-word n-gram with a benchmark text (prompt docstring, problem text).
    - code: when its identifier-normalised code tokens cover at least `min_code_coverage`
      of the distinct `code_ngram`-grams of a benchmark function that has at least
      `min_code_ngrams` of them (shorter solutions are too generic to tell apart).
    """

    benchmarks: tuple[BenchmarkSpec, ...] = Field(
        default=(HUMANEVAL,), description="benchmarks whose texts and solutions must not leak in"
    )
    text_ngram: int = Field(default=10, description="words per n-gram shared with a benchmark text")
    code_ngram: int = Field(default=10, description="normalised code tokens per n-gram")
    min_code_coverage: float = Field(
        default=0.6, description="share of a benchmark function's code n-grams that contaminates"
    )
    min_code_ngrams: int = Field(
        default=20, description="benchmark functions with fewer distinct code n-grams are skipped"
    )

    def __post_init__(self) -> None:
        if self.text_ngram < 1 or self.code_ngram < 1:
            raise ConfigError("decontamination n-gram sizes must be >= 1")
        if not 0.0 < self.min_code_coverage <= 1.0:
            raise ConfigError("decontamination min_code_coverage must be in (0, 1]")

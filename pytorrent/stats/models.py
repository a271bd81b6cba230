"""Shapes of `stats/stats.json` and `stats/tokenizer.json` (pydantic, deterministic content).

Shares are fractions in [0, 1] rounded to 6 places and means to 4, so equal corpora give
byte-identical files; nothing here depends on time or on the machine.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from pytorrent.stats.histogram import Summary

STATS_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TokenLengths(_Model):
    """Table 5: lengths of the natural language (X) and code (Y) sides, in tokens."""

    nl: Summary = Field(
        description="`docstring_tokens` per row (pairs: functions with a docstring)"
    )
    pl: Summary = Field(description="`code_tokens` per row (pairs: every function unit)")


class LineLengths(_Model):
    """Figure 2: lengths in characters of the non-blank lines of function units' `code`."""

    lines: int
    summary: Summary
    coverage: dict[str, float] = Field(description="limit (characters) -> share of lines within")


class Complexity(_Model):
    """radon cyclomatic complexity of function units (units radon could not score left out)."""

    summary: Summary
    ranks: dict[str, int] = Field(description="radon rank (A 1-5 ... F 41+) -> functions")
    histogram: dict[str, int] = Field(description="complexity -> functions")


class Docstrings(_Model):
    functions: int
    with_docstring: int
    lines: Summary = Field(description="lines per docstring (functions with a docstring)")
    words: Summary = Field(description="whitespace-separated words per docstring")
    styles: dict[str, int] = Field(description="docstring style -> functions")
    with_doctest: int = Field(description="function units whose docstring has `>>>` examples")


class Functions(_Model):
    total: int
    with_decorators: int
    share_with_decorators: float | None
    with_comments: int
    is_async: int


class ReleaseCounts(_Model):
    """Table 2: packages with at least N releases, over packages whose count is known."""

    known: int
    at_least: dict[str, int]


class PackageStats(_Model):
    total: int
    with_units: int
    python_files: int
    python_bytes: int
    units: Summary = Field(description="units per package")
    release_counts: ReleaseCounts | None = Field(
        description="null when no package's metadata has a release count"
    )
    trivial: dict[str, int] = Field(description="trivial / not_trivial / unknown -> packages")
    licenses: dict[str, int] = Field(description="declared license -> packages")


class CorpusStats(_Model):
    """`stats/stats.json`: everything `stats/report.md` and the card's statistics show."""

    stats_version: int = STATS_VERSION
    units: int
    kinds: dict[str, int] = Field(description="unit kind -> units")
    configs: dict[str, dict[str, int]] = Field(description="config -> split -> rows")
    categories: dict[str, dict[str, int]] = Field(
        description="Table 4: category -> unit kind -> units, plus 'total'"
    )
    category_splits: dict[str, dict[str, int]] = Field(description="category -> split -> units")
    token_lengths: dict[str, TokenLengths] = Field(description="config -> NL/PL token lengths")
    line_lengths: LineLengths
    complexity: Complexity
    docstrings: Docstrings
    functions: Functions
    packages: PackageStats
    record_licenses: dict[str, int] = Field(description="record `license` -> units")
    drops: dict[str, dict[str, int]] = Field(description="stage -> reason -> count (build.json)")
    plots: list[str] = Field(description="PNG files, relative to the output folder")


class TextSample(_Model):
    """A deterministic sample of unit texts of one split (see docs/tokenizer.md)."""

    split: str
    units: int
    characters: int
    bytes: int
    cap_bytes: int | None = Field(description="the sample's size cap; null when uncapped")


class TokenizerStats(_Model):
    """`stats/tokenizer.json`: how the trained byte-level BPE tokenizes the corpus."""

    stats_version: int = STATS_VERSION
    vocab_size: int
    requested_vocab_size: int
    special_tokens: dict[str, str] = Field(description="role (bos, eos, ...) -> token")
    training: TextSample
    evaluation: TextSample
    chars_per_token: float | None
    bytes_per_token: float | None
    unit_tokens: Summary = Field(description="tokens per unit text")
    line_tokens: Summary = Field(description="tokens per non-blank line, each line encoded alone")
    lines_within: dict[str, float] = Field(description="limit (tokens) -> share of lines within")
    units_within: dict[str, float] = Field(description="limit (tokens) -> share of units within")

"""Filter configuration: every filter can be switched off and tuned; `none()` is --no-filter."""

from __future__ import annotations

from dataclasses import asdict, fields, replace

from pydantic import Field
from pydantic.dataclasses import dataclass

from pytorrent.decontam.config import DecontamConfig
from pytorrent.errors import ConfigError
from pytorrent.filters.size import MAX_UNIT_LINES, MAX_UNIT_TOKENS

#: The on/off switches, in the order the runner applies them (first match counts).
SWITCHES = (
    "generated",
    "data_file",
    "commented_out_code",
    "tool_output",
    "empty_body",
    "short_docstring",
    "short_comment",
    "short_code",
    "data_literal",
    "too_long",
    "long_lines",
    "low_alphanumeric",
    "decontaminate",
)


@dataclass(frozen=True)
class FilterConfig:
    """Which unit filters run and their thresholds (rationale in each filter's module).

    Everything is on by default: each filter removes what a user of an NL-code corpus
    would not want (docs/dedup.md lists what each removed on real packages).
    """

    generated: bool = Field(default=True, description="drop files that say they are generated")
    generated_head_lines: int = Field(
        default=30, description="lines searched for a generated marker"
    )
    data_file: bool = Field(default=True, description="drop files that are mostly data literals")
    data_file_min_lines: int = Field(default=200, description="shortest file judged as a data file")
    max_file_literal_share: float = Field(default=0.9, description="literal share of a data file")
    commented_out_code: bool = Field(default=True, description="drop comments that are only code")
    tool_output: bool = Field(default=True, description="drop docstrings pasted from tool output")
    empty_body: bool = Field(default=True, description="drop functions without a real body")
    short_docstring: bool = Field(default=True, description="drop too short docstrings")
    min_docstring_tokens: int = Field(default=3, description="shortest docstring kept, in tokens")
    require_docstring: bool = Field(default=False, description="drop functions without a docstring")
    short_comment: bool = Field(default=True, description="drop too short comments")
    min_comment_tokens: int = Field(default=3, description="shortest comment kept, in tokens")
    short_code: bool = Field(default=True, description="drop units with too little code")
    min_code_lines: int = Field(default=3, description="fewest code lines of a function unit")
    min_comment_code_lines: int = Field(
        default=1, description="fewest code lines of a comment unit"
    )
    data_literal: bool = Field(default=True, description="drop units that are mostly literals")
    max_literal_share: float = Field(default=0.8, description="literal token share of a unit")
    literal_min_tokens: int = Field(default=50, description="shortest unit judged by literal share")
    too_long: bool = Field(default=True, description="drop units over the size caps")
    max_unit_lines: int = Field(default=MAX_UNIT_LINES, description="longest unit kept, in lines")
    max_unit_tokens: int = Field(
        default=MAX_UNIT_TOKENS, description="longest unit kept, in tokens"
    )
    long_lines: bool = Field(default=True, description="drop units with overlong lines")
    max_line_length: int = Field(default=1000, description="longest line kept, in characters")
    max_mean_line_length: float = Field(default=100.0, description="longest mean line kept")
    mean_line_min_lines: int = Field(
        default=5, description="fewest lines judged by the mean length"
    )
    low_alphanumeric: bool = Field(default=True, description="drop units of mostly symbols")
    min_alphanumeric_fraction: float = Field(default=0.25, description="least alphanumeric share")
    decontaminate: bool = Field(default=True, description="drop units that overlap a benchmark")
    decontam: DecontamConfig = Field(default_factory=DecontamConfig)
    #: Not a switch: the user's choice, so `--no-filter` leaves it in force.
    licenses: tuple[str, ...] = Field(
        default=(), description="--license: accepted SPDX ids (empty: every license)"
    )

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
                raise ConfigError(f"filter setting {item.name} must be >= 0, got {value}")
        for name in ("min_alphanumeric_fraction", "max_literal_share", "max_file_literal_share"):
            if getattr(self, name) > 1:
                raise ConfigError(f"filter setting {name} must be <= 1")

    @classmethod
    def none(cls) -> FilterConfig:
        """Every filter off (`--no-filter`)."""
        return cls(**dict.fromkeys(SWITCHES, False))  # type: ignore[arg-type]

    def enabled(self) -> list[str]:
        """Names of the filters that run, in order."""
        return [name for name in SWITCHES if getattr(self, name)]

    def without(self, *names: str) -> FilterConfig:
        """A copy with the named filters switched off."""
        unknown = set(names) - set(SWITCHES)
        if unknown:
            raise ConfigError(f"unknown filters {sorted(unknown)}; known: {', '.join(SWITCHES)}")
        return replace(self, **dict.fromkeys(names, False))  # type: ignore[arg-type]

    def with_licenses(self, licenses: tuple[str, ...]) -> FilterConfig:
        """A copy that keeps only units under the accepted SPDX ids (empty: all)."""
        return replace(self, licenses=tuple(licenses))

    def to_dict(self) -> dict[str, object]:
        """Plain mapping for build.json."""
        return asdict(self)

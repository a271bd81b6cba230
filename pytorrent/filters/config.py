"""Filter configuration: every filter can be switched off and tuned; `none()` is --no-filter."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

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

    generated: bool = True
    generated_head_lines: int = 30
    data_file: bool = True
    data_file_min_lines: int = 200
    max_file_literal_share: float = 0.9
    commented_out_code: bool = True
    tool_output: bool = True
    empty_body: bool = True
    short_docstring: bool = True
    min_docstring_tokens: int = 3
    require_docstring: bool = False
    short_comment: bool = True
    min_comment_tokens: int = 3
    short_code: bool = True
    min_code_lines: int = 3
    min_comment_code_lines: int = 1
    data_literal: bool = True
    max_literal_share: float = 0.8
    literal_min_tokens: int = 50
    too_long: bool = True
    max_unit_lines: int = MAX_UNIT_LINES
    max_unit_tokens: int = MAX_UNIT_TOKENS
    long_lines: bool = True
    max_line_length: int = 1000
    max_mean_line_length: float = 100.0
    mean_line_min_lines: int = 5
    low_alphanumeric: bool = True
    min_alphanumeric_fraction: float = 0.25
    decontaminate: bool = True
    decontam: DecontamConfig = field(default_factory=DecontamConfig)
    #: `--license`: accepted SPDX ids; empty keeps every license (not a switch: it is a
    #: choice of the user, so `--no-filter` leaves it in force).
    licenses: tuple[str, ...] = ()

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

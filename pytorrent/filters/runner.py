"""Run the configured filters over one package's units: kept units plus counted drops.

Per unit the filters run in `SWITCHES` order (after `--license`, when given) and the first
that fires is the reason, so
every dropped unit is counted exactly once (stage "filter", reason = filter name; stage
"decontam", reason = benchmark name). Decontamination runs last, on units the quality
filters kept, and each hit is also listed with its benchmark task.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from pytorrent.decontam.index import Contamination, DecontamIndex
from pytorrent.drops import Drops, Stage
from pytorrent.filters.base import FileFilter, Record, UnitFilter
from pytorrent.filters.code_shape import LongLines, LowAlphanumeric, ShortCode
from pytorrent.filters.commented_out import CommentedOutCode
from pytorrent.filters.config import FilterConfig
from pytorrent.filters.empty_body import EmptyBody
from pytorrent.filters.generated import Generated
from pytorrent.filters.license import LicenseFilter
from pytorrent.filters.literals import DataFile, DataLiteral
from pytorrent.filters.natural_language import ShortComment, ShortDocstring
from pytorrent.filters.size import TooLong
from pytorrent.filters.tool_output import ToolOutput

FILTER_STAGE = Stage.FILTER
DECONTAM_STAGE = Stage.DECONTAM


@dataclass
class FilterResult:
    """Kept records (input order), drops by reason, and every benchmark overlap found."""

    kept: list[Record]
    drops: Drops = field(default_factory=Drops)
    contaminated: list[Contamination] = field(default_factory=list)


def _unit_filters(config: FilterConfig) -> list[UnitFilter]:
    steps: list[UnitFilter] = []
    if config.licenses:
        steps.append(LicenseFilter(config.licenses))
    if config.commented_out_code:
        steps.append(CommentedOutCode())
    if config.tool_output:
        steps.append(ToolOutput())
    if config.empty_body:
        steps.append(EmptyBody())
    if config.short_docstring:
        steps.append(ShortDocstring(config.min_docstring_tokens, config.require_docstring))
    if config.short_comment:
        steps.append(ShortComment(config.min_comment_tokens))
    if config.short_code:
        steps.append(ShortCode(config.min_code_lines, config.min_comment_code_lines))
    if config.data_literal:
        steps.append(DataLiteral(config.max_literal_share, config.literal_min_tokens))
    if config.too_long:
        steps.append(TooLong(config.max_unit_lines, config.max_unit_tokens))
    if config.long_lines:
        steps.append(
            LongLines(
                config.max_line_length, config.max_mean_line_length, config.mean_line_min_lines
            )
        )
    if config.low_alphanumeric:
        steps.append(LowAlphanumeric(config.min_alphanumeric_fraction))
    return steps


class UnitFilters:
    """The configured filters, built once (per worker) and applied package by package.

    Building loads the benchmark index when decontamination is on; pass `decontam` to
    share one index, e.g. built in the driver and pickled to workers.
    """

    def __init__(self, config: FilterConfig, decontam: DecontamIndex | None = None) -> None:
        self.config = config
        self.file_filters: list[FileFilter] = [Generated()] if config.generated else []
        if config.data_file:
            self.file_filters.append(
                DataFile(config.data_file_min_lines, config.max_file_literal_share)
            )
        self.unit_filters = _unit_filters(config)
        if config.decontaminate and decontam is None:
            decontam = DecontamIndex.from_config(config.decontam)
        self.decontam = decontam if config.decontaminate else None

    def file_marker(
        self, path: str, head: str | None, source: str | None = None
    ) -> tuple[str, str] | None:
        """(filter name, marker) when a whole file is dropped; call before extracting it,
        with its text `source` so the file filters that read all of it can run."""
        for step in self.file_filters:
            marker = step.marker(path, head, source)
            if marker is not None:
                return step.name, marker
        return None

    def __call__(
        self, records: Sequence[Record], file_heads: Mapping[str, str] | None = None
    ) -> FilterResult:
        """Filter one package's records; `file_heads` maps path -> the file's first lines."""
        result = FilterResult(kept=[])
        heads = file_heads or {}
        file_verdicts: dict[str, tuple[str, str] | None] = {}
        reasons: list[str | None] = []
        for record in records:
            path = str(record.get("path", ""))
            if path not in file_verdicts:
                file_verdicts[path] = self.file_marker(path, heads.get(path))
            reason = file_verdicts[path]
            reasons.append(reason[0] if reason else self._unit_reason(record))
        # decontamination of the units the quality filters kept, all in one lookup
        candidates = [record for record, name in zip(records, reasons, strict=True) if name is None]
        overlaps = iter(self.decontam.check_many(candidates) if self.decontam else [])
        for record, name in zip(records, reasons, strict=True):
            if name is not None:
                result.drops.add(FILTER_STAGE, name, _ref(record))
                continue
            hits = next(overlaps, [])
            if hits:
                result.contaminated.extend(hits)
                for benchmark in sorted({hit.benchmark for hit in hits}):
                    tasks = ",".join(sorted({h.task_id for h in hits if h.benchmark == benchmark}))
                    result.drops.add(DECONTAM_STAGE, benchmark, f"{_ref(record)} ({tasks})")
                continue
            result.kept.append(record)
        return result

    def _unit_reason(self, record: Record) -> str | None:
        kind = record.get("kind")
        for step in self.unit_filters:
            if kind in step.kinds and step.drops(record):
                return step.name
        return None


def _ref(record: Record) -> str:
    return f"{record.get('repo')}:{record.get('path')}:{record.get('start_line')}"


@lru_cache(maxsize=4)
def cached_filters(config: FilterConfig) -> UnitFilters:
    """The filters of `config`, built once per process: decontamination loads a benchmark
    index, so every package a worker runs reuses it."""
    return UnitFilters(config)


def filter_records(
    records: Sequence[Record],
    config: FilterConfig,
    file_heads: Mapping[str, str] | None = None,
) -> FilterResult:
    """Filter records with filters built once per process for `config`."""
    return cached_filters(config)(records, file_heads)

"""`BuildConfig`: every setting of a build, shared by the CLI flags and the Python API."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pytorrent.dedup import DedupConfig
from pytorrent.extract.categories import ALL_CATEGORIES
from pytorrent.filters.license import parse_license_filter
from pytorrent.records import ALL_SCENARIOS
from pytorrent.sources.base import ReadLimits
from pytorrent.split import DEFAULT_RATIOS, validate_ratios


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


#: Settings that say where and how a build runs, not what it produces (kept out of build.json).
RUN_ONLY_FIELDS = (
    "out", "workers", "executor", "scheduler", "work", "keep_work", "sources", "overwrite",
    "package_timeout", "worker_memory",
)  # fmt: skip


class BuildConfig(BaseModel):
    """Settings of `pytorrent build`. Fields that cannot change the output (where it goes,
    how many workers) stay out of `build.json`, so equal inputs give byte-identical files."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: tuple[str, ...] = ("installed",)
    out: Path = Path("pytorrent-corpus")
    scenarios: tuple[int, ...] = ALL_SCENARIOS
    categories: tuple[str, ...] = ("core",)
    workers: int = Field(default_factory=default_workers, ge=1)
    executor: str = Field("local", description="local, inline or dask")
    scheduler: str | None = Field(None, description="Dask scheduler address (executor dask)")
    work: Path | None = Field(
        None, description="work folder: task cache + staging (default: .OUT.work beside OUT)"
    )
    keep_work: bool = Field(False, description="keep the default work folder after success")
    overwrite: bool = Field(False, description="replace an --out pytorrent did not write")
    package_timeout: float = Field(
        900.0, ge=0, description="wall seconds one package may take in a worker (0: no limit)"
    )
    worker_memory: int | None = Field(
        None, ge=0, description="address-space bytes of a worker (None: auto, 0: no limit)"
    )
    seed: int = 0
    limit: int | None = Field(None, ge=1)
    filter: bool = True
    licenses: tuple[str, ...] = Field(
        (), description="--license: keep units under these SPDX ids only (empty: all)"
    )
    dedup: bool = True
    ratios: tuple[float, float, float] = DEFAULT_RATIOS
    shard_records: int = Field(50_000, ge=1)
    dedup_threshold: float = Field(0.85, gt=0, le=1, description="MinHash Jaccard threshold")
    dedup_seed: int = Field(
        1, description="MinHash seed, apart from the split --seed: re-splitting keeps signatures"
    )
    dedup_anonymize: bool = Field(
        False, description="shingle identifier-anonymised tokens (catches renamed copies)"
    )
    tokenizer: bool = Field(False, description="train a byte-level BPE tokenizer (tokenizer/)")
    vocab_size: int = Field(56_000, ge=260, description="tokenizer vocabulary size")
    jsonl: bool = Field(False, description="also write CodeSearchNet jsonl.gz views to csn/")
    max_members: int = Field(ReadLimits.max_members, ge=1)
    max_file_bytes: int = Field(ReadLimits.max_file_bytes, ge=1)
    max_total_bytes: int = Field(ReadLimits.max_total_bytes, ge=1)

    @field_validator("scenarios")
    @classmethod
    def _known_scenarios(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(v not in ALL_SCENARIOS for v in value):
            raise ValueError(f"scenarios must be among {ALL_SCENARIOS}")
        return tuple(sorted(set(value)))

    @field_validator("categories")
    @classmethod
    def _known_categories(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or any(v not in ALL_CATEGORIES for v in value):
            raise ValueError(f"categories must be among {ALL_CATEGORIES}")
        return tuple(c for c in ALL_CATEGORIES if c in value)

    @field_validator("licenses")
    @classmethod
    def _canonical_licenses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return parse_license_filter(",".join(value)) if value else ()

    @field_validator("ratios")
    @classmethod
    def _valid_ratios(cls, value: tuple[float, float, float]) -> tuple[float, float, float]:
        return validate_ratios(value)

    def dedup_config(self) -> DedupConfig:
        return DedupConfig(
            seed=self.dedup_seed, threshold=self.dedup_threshold, anonymize=self.dedup_anonymize
        )

    @property
    def limits(self) -> ReadLimits:
        return ReadLimits(self.max_members, self.max_file_bytes, self.max_total_bytes)

    def manifest_config(self) -> dict[str, object]:
        """The settings that determine the output, as recorded in build.json."""
        data = self.model_dump(mode="json", exclude=set(RUN_ONLY_FIELDS))
        return dict(sorted(data.items()))

"""`BuildConfig`: every setting of a build, shared by the CLI flags, `--config FILE` and the
Python API. Each setting has one default and one description, in its Field (or in the library
config it configures); `pytorrent/config_flags.py` makes the flags of `build` from them."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo

from pytorrent.dedup import DedupConfig
from pytorrent.errors import ConfigError
from pytorrent.extract.categories import ALL_CATEGORIES
from pytorrent.filters.license import parse_license_filter
from pytorrent.records import ALL_SCENARIOS
from pytorrent.sources.base import ReadLimits
from pytorrent.sources.resolve import FORMS
from pytorrent.split import DEFAULT_RATIOS, validate_ratios
from pytorrent.tokenizer.config import TokenizerConfig
from pytorrent_crawlers.hosts import ENV_ALLOW_HOSTS, parse_allow_hosts

if TYPE_CHECKING:
    from pytorrent.sources.remote import RemoteConfig


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def library_field(config: type, name: str, description: str | None = None, **rules: Any) -> Any:
    """A Field with the default (and description) of `config`'s field `name`, so a build
    setting that configures a library config does not repeat its default."""
    pydantic_fields: dict[str, FieldInfo] | None = getattr(config, "__pydantic_fields__", None)
    if pydantic_fields is not None:
        info = pydantic_fields[name]
        return Field(info.default, description=description or info.description, **rules)
    default = next(f.default for f in dataclasses.fields(config) if f.name == name)
    return Field(default, description=description, **rules)


class MinHashSettings(BaseModel):
    """The near-duplicate settings a build exposes (the rest of DedupConfig keeps its default)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float = library_field(DedupConfig, "threshold")
    seed: int = library_field(
        DedupConfig,
        "seed",
        "MinHash seed, apart from the split --seed: a new split reuses the cache",
    )
    anonymize: bool = library_field(
        DedupConfig,
        "anonymize",
        "shingle tokens with local names anonymised: renamed copies become duplicates "
        "(measured F1 0.97 at threshold 0.8, see docs/dedup.md)",
    )

    @field_validator("threshold")
    @classmethod
    def _threshold_in_range(cls, value: float) -> float:
        try:
            DedupConfig(threshold=value)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        return value

    def dedup_config(self) -> DedupConfig:
        return DedupConfig(seed=self.seed, threshold=self.threshold, anonymize=self.anonymize)


class BpeSettings(BaseModel):
    """The tokenizer settings a build exposes (`build --tokenizer`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    vocab_size: int = library_field(TokenizerConfig, "vocab_size")

    @field_validator("vocab_size")
    @classmethod
    def _trainable(cls, value: int) -> int:
        try:
            TokenizerConfig(vocab_size=value)
        except ValidationError as exc:
            raise ValueError(exc.errors()[0]["msg"].removeprefix("Value error, ")) from None
        return value


class ReadLimitSettings(BaseModel):
    """Caps on what one package archive may hold (sources/base.py, `ReadLimits`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_members: int = library_field(ReadLimits, "max_members", "files one archive may list", ge=1)
    max_file_bytes: int = library_field(
        ReadLimits, "max_file_bytes", "bytes of the largest file read from a package", ge=1
    )
    max_total_bytes: int = library_field(
        ReadLimits, "max_total_bytes", "bytes read from one package in all", ge=1
    )

    def read_limits(self) -> ReadLimits:
        return ReadLimits(self.max_members, self.max_file_bytes, self.max_total_bytes)


#: Nested settings by the flat name they had before nesting, which stays their flag, their
#: Python keyword and their build.json key: `BuildConfig(dedup_threshold=0.8)` still works.
FLAT_NAMES: dict[str, tuple[str, str]] = {
    "dedup_threshold": ("minhash", "threshold"),
    "dedup_seed": ("minhash", "seed"),
    "dedup_anonymize": ("minhash", "anonymize"),
    "vocab_size": ("bpe", "vocab_size"),
    "max_members": ("read_limits", "max_members"),
    "max_file_bytes": ("read_limits", "max_file_bytes"),
    "max_total_bytes": ("read_limits", "max_total_bytes"),
}

#: Settings that say where and how a build runs, not what it produces (kept out of build.json;
#: index URLs may hold credentials, and each record's purl already names its index).
RUN_ONLY_FIELDS = (
    "out", "workers", "executor", "scheduler", "work", "keep_work", "sources", "overwrite",
    "package_timeout", "worker_memory", "index_url", "json_api_url", "allow_hosts",
)  # fmt: skip


def nest_flat_names(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of `data` with flat names (`dedup_threshold`) moved into their table."""
    nested = dict(data)
    for flat, (table, key) in FLAT_NAMES.items():
        if flat not in nested:
            continue
        value = nested.pop(flat)
        section = nested.get(table, {})
        section = section.model_dump() if isinstance(section, BaseModel) else dict(section)
        if key in section:
            raise ValueError(f"give {flat} or {table}.{key}, not both")
        nested[table] = {**section, key: value}
    return nested


class BuildConfig(BaseModel):
    """Settings of `pytorrent build`. Fields that cannot change the output (where it goes,
    how many workers) stay out of `build.json`, so equal inputs give byte-identical files."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: tuple[str, ...] = Field(
        ("installed",), description=f"where packages come from: {FORMS}"
    )
    out: Path = Field(Path("pytorrent-corpus"), description="output folder")
    overwrite: bool = Field(
        False,
        description="replace an existing --out even when pytorrent did not write it (never "
        "the current or home folder, a source, or a folder above one)",
    )
    scenarios: tuple[int, ...] = Field(
        ALL_SCENARIOS, description="Augmented-Code Scenarios to write, e.g. 0,4 or all"
    )
    categories: tuple[str, ...] = Field(
        ("core",), description="script categories to keep: core,test,init,other or all"
    )
    workers: int = Field(
        default_factory=default_workers, ge=1, description="worker processes (default: cores)"
    )
    executor: str = Field(
        "local",
        description="local: a process pool; inline: in this process, for debugging; "
        "dask: Dask distributed (extra: pytorrent[dask])",
    )
    scheduler: str | None = Field(
        None,
        description="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default with --executor dask: "
        "a LocalCluster of --workers processes); workers must see --work at the same path",
    )
    work: Path | None = Field(
        None,
        description="work folder holding the per-package cache (default: .OUT.work beside "
        "OUT, removed after success); an interrupted build re-run with it resumes",
    )
    keep_work: bool = Field(
        False, description="keep the default work folder after success, so the next build reuses it"
    )
    seed: int = Field(0, description="seed of the split")
    limit: int | None = Field(
        None, ge=1, description="keep only the first N packages in name order, for a quick look"
    )
    ratios: tuple[float, float, float] = Field(
        DEFAULT_RATIOS, description="split ratios by package, e.g. 80,10,10"
    )
    filter: bool = Field(True, description="run the quality filters (--no-filter: none)")
    licenses: tuple[str, ...] = Field(
        (),
        description="keep only packages whose SPDX license is among these ids, e.g. "
        "MIT,Apache-2.0 or permissive (list in docs/dedup.md); unresolved licenses are "
        "dropped (default: every license)",
    )
    dedup: bool = Field(True, description="drop exact and near duplicates (--no-dedup: keep)")
    shard_records: int = Field(50_000, ge=1, description="records per output shard")
    jsonl: bool = Field(
        False, description="also write CodeSearchNet-style jsonl.gz views to OUT/csn/"
    )
    tokenizer: bool = Field(False, description="also train a byte-level BPE tokenizer")
    package_timeout: float = Field(
        900.0,
        ge=0,
        description="wall seconds one package may take before it is counted as "
        "failed_timeout (0: no limit)",
    )
    worker_memory: int | None = Field(
        None,
        ge=0,
        description="address space of each worker, e.g. 4G; a package that needs more is "
        "counted as failed_MemoryError (default: auto = 80% of RAM / workers, 2-8G; 0: no "
        "limit)",
    )
    index_url: str | None = Field(
        None,
        description="package index of pypi: sources (default: PYTORRENT_INDEX_URL, "
        "PIP_INDEX_URL or pip's configuration)",
    )
    json_api_url: str | None = Field(
        None, description="JSON API base of pypi: sources (default: derived from the index URL)"
    )
    allow_hosts: tuple[str, ...] = Field(
        (),
        description="pypi:/conda: sources may also fetch from this host (repeatable; adds to "
        "PYTORRENT_ALLOW_HOSTS); otherwise only the hosts of the index URLs are fetched",
    )
    minhash: MinHashSettings = Field(default_factory=MinHashSettings)
    bpe: BpeSettings = Field(default_factory=BpeSettings)
    read_limits: ReadLimitSettings = Field(default_factory=ReadLimitSettings)

    @model_validator(mode="before")
    @classmethod
    def _accept_flat_names(cls, data: Any) -> Any:
        return nest_flat_names(data) if isinstance(data, dict) else data

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

    @field_validator("allow_hosts")
    @classmethod
    def _valid_hosts(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        try:
            parse_allow_hosts(value)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        return value

    # The flat names of nested settings, read by the pipeline and Python callers.
    @property
    def dedup_threshold(self) -> float:
        return self.minhash.threshold

    @property
    def dedup_seed(self) -> int:
        return self.minhash.seed

    @property
    def dedup_anonymize(self) -> bool:
        return self.minhash.anonymize

    @property
    def vocab_size(self) -> int:
        return self.bpe.vocab_size

    @property
    def limits(self) -> ReadLimits:
        return self.read_limits.read_limits()

    def dedup_config(self) -> DedupConfig:
        return self.minhash.dedup_config()

    def remote_config(self) -> RemoteConfig:
        """Where pypi:/conda: sources crawl from: the environment, then these settings."""
        from pytorrent.sources.remote import RemoteConfig

        base = RemoteConfig.from_env()
        settings = dict(base.settings)
        if self.allow_hosts:
            hosts = [os.environ.get(ENV_ALLOW_HOSTS, ""), *self.allow_hosts]
            settings[ENV_ALLOW_HOSTS] = [str(rule) for rule in parse_allow_hosts(hosts)]
        return dataclasses.replace(
            base, index_url=self.index_url, json_api_url=self.json_api_url, settings=settings
        )

    def manifest_config(self) -> dict[str, object]:
        """The settings that determine the output, as recorded in build.json (flat names)."""
        data = self.model_dump(mode="json", exclude=set(RUN_ONLY_FIELDS))
        for flat, (table, key) in FLAT_NAMES.items():
            data[flat] = data[table][key]
        for table in {table for table, _ in FLAT_NAMES.values()}:
            del data[table]
        return dict(sorted(data.items()))

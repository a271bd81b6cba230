"""The summary of one crawl run: what the CLI prints and `build` merges into its drops."""

from __future__ import annotations

import time
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field

DROPPED = "pytorrent/dropped/"
EXAMPLES = "pytorrent/drop_examples/"
REFUSED = "pytorrent/refused_url/"
REFUSED_EXAMPLES = "pytorrent/refused_examples/"


def counted(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    """reason -> count of the stats under `prefix`, sorted."""
    return dict(
        sorted((k[len(prefix) :], int(v)) for k, v in stats.items() if k.startswith(prefix))
    )


def examples_of(stats: dict[str, Any], prefix: str) -> dict[str, list[str]]:
    return dict(
        sorted((k[len(prefix) :], list(v)) for k, v in stats.items() if k.startswith(prefix))
    )


def drops_of(stats: dict[str, Any]) -> tuple[dict[str, int], dict[str, list[str]]]:
    """(reason -> count, reason -> examples) from a stats dump."""
    return counted(stats, DROPPED), examples_of(stats, EXAMPLES)


class CrawlSummary(BaseModel):
    """Counts of one run (from Scrapy stats); written to `STORE/runs/<run>.json`."""

    model_config = ConfigDict(extra="forbid")

    run_id: str
    spider: str
    finish_reason: str = Field(description="'finished', or why it stopped ('shutdown', ...)")
    elapsed_s: float
    packages: int = Field(description="records written (archive stored or none to take)")
    packages_per_s: float
    archives_stored: int
    archives_reused: int = Field(description="already in the store, not downloaded again")
    archive_bytes: int
    bytes_downloaded: int = Field(description="all response bytes, metadata included")
    requests: int
    cache_hits: int
    retries: int
    errors: int = Field(description="errors logged (failed requests after retries, ...)")
    dropped: dict[str, int] = Field(default_factory=dict, description="reason -> packages")
    drop_examples: dict[str, list[str]] = Field(default_factory=dict)
    refused: dict[str, int] = Field(
        default_factory=dict, description="refusal reason -> URLs not fetched (or cut off)"
    )
    refused_examples: dict[str, list[str]] = Field(default_factory=dict)
    stats: dict[str, Any] = Field(default_factory=dict, description="all Scrapy stats")

    @classmethod
    def from_stats(
        cls, stats: dict[str, Any], *, run_id: str, spider: str, reason: str, elapsed: float
    ) -> CrawlSummary:
        def get(key: str) -> int:
            return int(stats.get(key, 0) or 0)

        dropped, examples = drops_of(stats)
        packages = get("item_scraped_count")
        return cls(
            run_id=run_id,
            spider=spider,
            finish_reason=reason,
            elapsed_s=round(elapsed, 3),
            packages=packages,
            packages_per_s=round(packages / elapsed, 2) if elapsed > 0 else 0.0,
            archives_stored=get("pytorrent/archives_stored"),
            archives_reused=get("pytorrent/archives_reused"),
            archive_bytes=get("pytorrent/archive_bytes"),
            bytes_downloaded=get("downloader/response_bytes"),
            requests=get("downloader/request_count"),
            cache_hits=get("httpcache/hit"),
            retries=get("retry/count"),
            errors=get("log_count/ERROR"),
            dropped=dropped,
            drop_examples=examples,
            refused=counted(stats, REFUSED),
            refused_examples=examples_of(stats, REFUSED_EXAMPLES),
            stats=orjson.loads(orjson.dumps(stats, default=str)),
        )

    @property
    def dropped_total(self) -> int:
        return sum(self.dropped.values())

    @property
    def refused_total(self) -> int:
        return sum(self.refused.values())

    def line(self) -> str:
        """One human line: the final summary the CLI prints."""
        return (
            f"{self.spider}: {self.finish_reason} in {self.elapsed_s:.1f} s - "
            f"{self.packages} packages ({self.packages_per_s:.1f}/s), "
            f"{self.archives_stored} archives stored ({_mb(self.archive_bytes)}), "
            f"{self.archives_reused} reused, {_mb(self.bytes_downloaded)} downloaded, "
            f"{self.retries} retries, {self.dropped_total} dropped, "
            f"{self.refused_total} URLs refused, {self.errors} errors"
        )


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def run_id_now() -> str:
    """A sortable, unique-enough run id: UTC time plus a counter from the monotonic clock."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    return f"{stamp}-{time.monotonic_ns() % 1_000_000:06d}"

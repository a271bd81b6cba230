"""What both spiders share: archive requests, stored-archive reuse, counted failures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, Literal

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from pytorrent_crawlers.config import Endpoint
from pytorrent_crawlers.items import FileChoice, PackageItem
from pytorrent_crawlers.refuse import CAP_META, RefusedURL, count_size_cut, is_size_cut
from pytorrent_crawlers.stats import count_drop
from pytorrent_crawlers.store import Store

#: Archives go before new metadata, so downloads keep pace with discovery.
ARCHIVE_PRIORITY = 10


class PackageSpider(Spider):
    """Base of the index spiders; subclasses set `name`/`kind` and their `start()`."""

    kind: ClassVar[Literal["pypi", "conda"]]
    credentials: Endpoint | None = None

    @property
    def store(self) -> Store:
        return Store(self.settings["PYTORRENT_STORE"])

    @property
    def given_urls(self) -> list[str]:
        """The URLs the user gave; their hosts are the ones this crawl may fetch from."""
        return []

    @property
    def max_archive_bytes(self) -> int:
        return self.settings.getint("PYTORRENT_MAX_ARCHIVE_BYTES", 512 * 1024 * 1024)

    def drop(self, reason: str, example: str) -> None:
        count_drop(self.crawler.stats, reason, example)

    def package(
        self, record: dict[str, Any], file: FileChoice | None, label: str
    ) -> Iterator[PackageItem | Request]:
        """The item for `record`, after downloading `file` unless the store has it."""
        if file is None:
            yield PackageItem(kind=self.kind, record=record)
            return
        if file.size is not None and file.size > self.max_archive_bytes:
            # Known in advance: a record without an archive, as for binary-only releases.
            record["archive_status"] = "too_large"
            self.crawler.stats.inc_value("pytorrent/no_archive/too_large")
            yield PackageItem(kind=self.kind, record=record)
            return
        stored = self.store.find_blob(file.sha256) if file.sha256 else None
        if stored is not None:
            relative = self.store.relative(stored)
            yield PackageItem(kind=self.kind, record=record, file=file, stored=relative)
            return
        yield Request(
            file.url,
            callback=self.parse_archive,
            errback=self.archive_failed,
            priority=ARCHIVE_PRIORITY,
            meta={
                "dont_cache": True,
                "download_maxsize": self.max_archive_bytes,
                CAP_META: "PYTORRENT_MAX_ARCHIVE_BYTES",
                "pytorrent_record": record,
                "pytorrent_file": file,
                "pytorrent_label": label,
            },
        )

    def parse_archive(self, response: Response) -> Iterator[PackageItem]:
        meta = response.meta
        yield PackageItem(
            kind=self.kind,
            record=meta["pytorrent_record"],
            file=meta["pytorrent_file"],
            body=response.body,
        )

    def archive_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        file: FileChoice = request.meta["pytorrent_file"]
        label = f"{request.meta['pytorrent_label']}:{file.filename}"
        self.drop("archive_" + self.reason_of(failure), label)

    def fetch_failed(self, failure: Failure) -> None:
        """Errback of metadata requests: count the package as lost, with the cause."""
        request = failure.request  # type: ignore[attr-defined]
        label = str(request.meta.get("pytorrent_label", request.url))
        self.drop(self.reason_of(failure), label)

    def reason_of(self, failure: Failure) -> str:
        """`failure_reason`, counting a body cut off by its size cap as a refused URL too."""
        count_size_cut(self.crawler, failure)
        return failure_reason(failure)


def fetched_at(response: Response) -> str:
    """A record's `crawled_at`: when the index served `response` (its HTTP `Date`, so a
    re-crawl answered from the HTTP cache keeps the time), else now; ISO 8601 UTC."""
    header = (response.headers.get("Date") or b"").decode("latin-1")
    try:
        moment = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        moment = datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def failure_reason(failure: Failure) -> str:
    """A short, stable drop reason for a failed request."""
    value = failure.value
    if is_size_cut(failure):
        return "too_large"  # PYTORRENT_MAX_{METADATA,ARCHIVE,REPODATA}_BYTES cut it off
    if isinstance(value, RefusedURL):
        return f"refused_url/{value.reason}"
    if isinstance(value, HttpError):
        status = value.response.status
        return "not_found" if status == 404 else f"http_{status}"
    if isinstance(value, IgnoreRequest):
        return "robots_forbidden" if "robots" in str(value).lower() else "ignored"
    return "network_" + type(value).__name__

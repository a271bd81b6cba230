"""Downloader and spider middlewares: backoff retries, index credentials, counted errors.

Retries with exponential backoff that honour `Retry-After`:

Scrapy's own RetryMiddleware re-sends at once, which hammers a server that is shedding load.
This one waits before handing the retry back: `Retry-After` (seconds or an HTTP date) when
the server sends one with 429/503, otherwise base * 2**(attempt-1) with jitter, both capped.
The wait does not block the reactor; other requests proceed meanwhile.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message
from w3lib.http import basic_auth_header

from pytorrent_crawlers.stats import count_drop


def parse_retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header value; None when absent or unreadable."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware that sleeps (asynchronously) before each retry."""

    def _settings(self) -> tuple[float, float]:
        settings = self.crawler.settings
        return (
            settings.getfloat("PYTORRENT_BACKOFF_BASE", 1.0),
            settings.getfloat("PYTORRENT_BACKOFF_MAX", 300.0),
        )

    def delay_for(self, attempt: int, response: Response | None) -> float:
        """The wait before retry number `attempt` (1-based)."""
        base, cap = self._settings()
        backoff = base * 2 ** max(0, attempt - 1) * random.uniform(0.5, 1.0)
        retry_after = None
        if response is not None and response.status in (429, 503):
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return float(min(cap, max(backoff, retry_after or 0.0)))

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._new_request(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._wait(retry, response)
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if request.meta.get("dont_retry", False) or not isinstance(
            exception, self.exceptions_to_retry
        ):
            return None
        retry = self._new_request(request, exception)
        if retry is None:
            return None
        await self._wait(retry, None)
        return retry

    def _new_request(self, request: Request, reason: str | Exception) -> Request | None:
        assert self.crawler.spider is not None
        return get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level),
        )

    async def _wait(self, retry: Request, response: Response | None) -> None:
        delay = self.delay_for(int(retry.meta.get("retry_times", 1)), response)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("pytorrent/backoff_ms", round(delay * 1000))
            if response is not None and response.headers.get("Retry-After"):
                self.crawler.stats.inc_value("pytorrent/retry_after_honoured")
        if delay > 0:
            await asyncio.sleep(delay)


class CountSpiderErrors:
    """Spider middleware: a callback that raises loses its package; count it, never hide it."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CountSpiderErrors:
        return cls(crawler)

    def process_spider_exception(
        self, response: Response, exception: Exception
    ) -> Iterable[Any] | None:
        label = response.meta.get("pytorrent_label", response.url)
        count_drop(self.crawler.stats, f"spider_error_{type(exception).__name__}", str(label))
        return None  # Scrapy still logs the traceback


class IndexAuthMiddleware:
    """HTTP basic auth for the index (or channel) host only, from the spider's credentials.

    The header is added after the HTTP cache looked the request up and removed as soon as
    the answer (or failure) comes back, so credentials never reach the cache's stored
    request headers, the job dir's queue, a retry copy or a redirect to another host.
    Settings (HTTPAUTH_*) are not used because Scrapy logs overridden settings.
    """

    HEADER = b"Authorization"

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IndexAuthMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        credentials = getattr(self.crawler.spider, "credentials", None)
        if credentials is None or credentials.user is None or self.HEADER in request.headers:
            return
        if urlparse_cached(request).hostname == credentials.host:
            request.headers[self.HEADER] = basic_auth_header(
                credentials.user, credentials.password or ""
            )
            request.meta["pytorrent_auth"] = True

    def process_response(self, request: Request, response: Response) -> Response:
        self._strip(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._strip(request)

    def _strip(self, request: Request) -> None:
        if request.meta.pop("pytorrent_auth", False):
            del request.headers[self.HEADER]

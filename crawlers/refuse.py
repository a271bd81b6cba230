"""Refusing what a hostile index names: other schemes, other hosts, redirect games, big bodies.

`AllowedHostsMiddleware` runs first in `process_request`, which every request passes,
redirected ones included (they re-enter the chain), so a link or redirect to a host that is
not allowed is never sent. `GuardedRedirectMiddleware` replaces Scrapy's redirect
middleware: redirect loops, too many redirects and redirects to other schemes become
refusals instead of silent losses (a looping request would otherwise be dropped quietly by
the duplicate filter). Every refused URL is counted under `pytorrent/refused_url/<reason>`
(the run summary's `refused`), logged once with the way out, and fails its request with
`RefusedURL`, so the package that needed it is a counted drop; the crawl goes on.
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin, urlsplit

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Request, Response
from scrapy.statscollectors import StatsCollector
from twisted.internet.defer import CancelledError
from twisted.python.failure import Failure

from pytorrent.errors import ConfigError
from pytorrent_crawlers.hosts import (
    SCHEMES,
    AllowList,
    HostRule,
    parse_allow_hosts,
    without_credentials,
)
from pytorrent_crawlers.summary import REFUSED, REFUSED_EXAMPLES

logger = logging.getLogger("pytorrent.crawl")

MAX_EXAMPLES = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

#: Request meta key naming the setting that caps the request's body (for the message).
CAP_META = "pytorrent_cap"
METADATA_CAP = "PYTORRENT_MAX_METADATA_BYTES"

#: The way out, named in the log line of each kind of refusal.
HINTS = {
    "scheme": "only http(s) URLs are fetched",
    "malformed": "the URL has no usable host or port",
    "host": "allow the host with --allow-host HOST[:PORT] or PYTORRENT_ALLOW_HOSTS",
    "redirect": "redirect target not allowed; --allow-host HOST[:PORT] allows its host",
    "redirect_loop": "the server redirects in a circle",
    "too_many_redirects": "more redirects than REDIRECT_MAX_TIMES",
    "too_large": "body over its size cap",
}

#: The command-line flag (and variable) that raises each size cap.
CAP_FLAGS = {
    "PYTORRENT_MAX_METADATA_BYTES": "--max-metadata-bytes",
    "PYTORRENT_MAX_ARCHIVE_BYTES": "--max-archive-bytes",
    "PYTORRENT_MAX_REPODATA_BYTES": "--max-repodata-bytes",
}


class RefusedURL(IgnoreRequest):
    """A request pytorrent will not make (or finish); `reason` is its refusal sub-reason."""

    def __init__(self, reason: str, url: str) -> None:
        super().__init__(f"refused ({reason}): {without_credentials(url)}")
        self.reason = reason
        self.url = url


def count_refused(stats: StatsCollector | None, reason: str, url: str) -> None:
    """Count one refused URL under `reason`, keeping a few examples (credentials removed)."""
    if stats is None:
        return
    stats.inc_value(REFUSED + reason)
    example = without_credentials(url)
    kept: list[str] = list(stats.get_value(REFUSED_EXAMPLES + reason) or [])
    if example not in kept:
        stats.set_value(REFUSED_EXAMPLES + reason, sorted([*kept, example])[:MAX_EXAMPLES])


def refuse(crawler: Crawler, reason: str, url: str, detail: str = "") -> RefusedURL:
    """Count and log a refusal; the caller raises the returned exception."""
    count_refused(crawler.stats, reason, url)
    hint = detail or HINTS.get(reason, "")
    logger.warning("refused URL (%s) %s: %s", reason, without_credentials(url), hint)
    return RefusedURL(reason, url)


def cap_message(request: Request, limit: int) -> str:
    """Which cap cut a body off and the flag that raises it."""
    setting = str(request.meta.get(CAP_META, METADATA_CAP))
    flag = CAP_FLAGS.get(setting, "--set " + setting)
    return f"body over the {limit} byte cap; raise it with {flag} N (or {setting})"


def is_size_cut(failure: Failure) -> bool:
    """Whether a request failed because its body (or its decompressed body) was over a cap."""
    value = failure.value
    text = str(value)
    if isinstance(value, IgnoreRequest) and "DOWNLOAD_MAXSIZE" in text:
        return True  # a compressed body that inflates past the cap (a gzip bomb)
    # Cut off by the cap: announced too large ("... max size ..."), or, for a body without
    # Content-Length, cancelled once past the cap (timeouts fail as TimeoutError instead).
    return isinstance(value, (DownloadCancelledError, CancelledError)) and (
        "max size" in text or not text
    )


def count_size_cut(crawler: Crawler, failure: Failure) -> bool:
    """Count a size cut as a refused URL, with the flag that raises its cap; True if it was."""
    if not is_size_cut(failure):
        return False
    request: Request = failure.request  # type: ignore[attr-defined]
    default = crawler.settings.getint("DOWNLOAD_MAXSIZE")
    limit = int(request.meta.get("download_maxsize") or default)
    refuse(crawler, "too_large", request.url, cap_message(request, limit))
    return True


class AllowedHostsMiddleware:
    """Downloader middleware: refuse every request whose URL is not http(s) on an allowed host.

    The allowed set is the hosts of the spider's `given_urls` plus the `PYTORRENT_ALLOW_HOSTS`
    setting (a list or comma-separated `HOST[:PORT]` items, from the flag or environment).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._allow: AllowList | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AllowedHostsMiddleware:
        return cls(crawler)

    @property
    def allow(self) -> AllowList:
        if self._allow is None:
            given = getattr(self.crawler.spider, "given_urls", [])
            self._allow = AllowList.of(given, self._extra_rules())
            logger.info("fetching from hosts: %s", self._allow.describe())
        return self._allow

    def _extra_rules(self) -> list[HostRule]:
        values = self.crawler.settings.getlist("PYTORRENT_ALLOW_HOSTS")
        try:
            return parse_allow_hosts(values)
        except ConfigError as exc:
            # The CLI checks these first; from other callers a bad entry allows nothing.
            logger.error("ignoring PYTORRENT_ALLOW_HOSTS: %s", exc)
            return []

    def process_request(self, request: Request) -> None:
        reason = self.allow.refusal(request.url)
        if reason is None:
            return
        if request.meta.get("redirect_urls"):
            origin = without_credentials(request.meta["redirect_urls"][0])
            detail = f"{HINTS['redirect']} ({reason}, redirected from {origin})"
            raise refuse(self.crawler, "redirect", request.url, detail)
        raise refuse(self.crawler, reason, request.url)


class GuardedRedirectMiddleware(RedirectMiddleware):
    """Scrapy's redirects, with loops, redirect floods and scheme changes refused and counted.

    A followed redirect is exempt from the duplicate filter (its history bounds it), so two
    names that redirect to one page both get their answer instead of one vanishing.
    """

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        try:
            result = super().process_response(request, response)
        except IgnoreRequest as exc:
            if "max redirections" in str(exc):
                raise refuse(self.crawler, "too_many_redirects", request.url) from None
            raise
        if isinstance(result, Request):
            if result.url in result.meta.get("redirect_urls", []):
                detail = f"{HINTS['redirect_loop']} (back to {without_credentials(result.url)})"
                raise refuse(self.crawler, "redirect_loop", request.url, detail)
            result.dont_filter = True
            return result
        target = self._unfollowed_target(request, result)
        if target is not None:
            origin = without_credentials(request.url)
            detail = f"{HINTS['scheme']} (redirected from {origin})"
            raise refuse(self.crawler, "redirect", target, detail)
        return result

    def _unfollowed_target(self, request: Request, response: Response) -> str | None:
        """The Location of a redirect Scrapy did not follow because of its scheme."""
        location = response.headers.get("Location")
        if (
            response.status not in REDIRECT_STATUSES
            or not location
            or request.meta.get("dont_redirect", False)
            or response.status in request.meta.get("handle_httpstatus_list", ())
            or request.meta.get("handle_httpstatus_all", False)
        ):
            return None
        target = urljoin(request.url, location.decode("latin-1"))
        return None if urlsplit(target).scheme in SCHEMES else target

"""Backoff honours Retry-After; the HTTP cache keeps complete metadata only."""

from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

from scrapy.http import Request, Response
from scrapy.settings import Settings

from pytorrent_crawlers.cache import MetadataCachePolicy
from pytorrent_crawlers.middlewares import BackoffRetryMiddleware, parse_retry_after

NOW = datetime(2024, 1, 1, 12, 0, 0, tzinfo=timezone.utc)


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert parse_retry_after(b"7") == 7.0
    assert parse_retry_after("Mon, 01 Jan 2024 12:00:30 GMT", now=NOW) == 30.0
    assert parse_retry_after("Mon, 01 Jan 2024 11:00:00 GMT", now=NOW) == 0.0
    assert parse_retry_after(b"soon") is None
    assert parse_retry_after(None) is None


def middleware(**settings: object) -> BackoffRetryMiddleware:
    full = Settings({"RETRY_TIMES": 3, **settings})
    mw = BackoffRetryMiddleware(full)
    mw.crawler = SimpleNamespace(settings=full)  # type: ignore[assignment]
    return mw


def test_backoff_grows_and_is_capped() -> None:
    mw = middleware(PYTORRENT_BACKOFF_BASE=1.0, PYTORRENT_BACKOFF_MAX=5.0)
    delays = [mw.delay_for(attempt, None) for attempt in (1, 2, 3, 4, 5)]
    assert 0.5 <= delays[0] <= 1.0 and 1.0 <= delays[1] <= 2.0 and 2.0 <= delays[2] <= 4.0
    assert delays[4] == 5.0


def test_retry_after_is_a_floor_for_429_and_503() -> None:
    mw = middleware(PYTORRENT_BACKOFF_BASE=0.01, PYTORRENT_BACKOFF_MAX=60.0)
    limited = Response("http://i.test/", status=429, headers={"Retry-After": "12"})
    assert mw.delay_for(1, limited) == 12.0
    other = Response("http://i.test/", status=500, headers={"Retry-After": "12"})
    assert mw.delay_for(1, other) < 1.0


def test_cache_stores_complete_metadata_only() -> None:
    policy = MetadataCachePolicy(Settings())
    doc = Request("http://i.test/pypi/a/json", meta={"pytorrent_json": True})
    assert policy.should_cache_response(Response(doc.url, body=b' {"info": {}}\n'), doc)
    assert not policy.should_cache_response(Response(doc.url, body=b'{"info": {'), doc)
    assert policy.should_cache_response(Response(doc.url, status=404), doc)
    assert not policy.should_cache_response(Response(doc.url, status=503, body=b"{}"), doc)
    archive = Request("http://i.test/files/a.tar.gz", meta={"dont_cache": True})
    assert not policy.should_cache_request(archive)


def test_a_failing_callback_is_counted_as_a_drop() -> None:
    from scrapy.utils.test import get_crawler

    from pytorrent_crawlers.middlewares import CountSpiderErrors

    crawler = get_crawler()
    assert crawler.stats is not None
    mw = CountSpiderErrors.from_crawler(crawler)
    response = Response("http://i.test/pypi/x/json", request=Request("http://i.test/pypi/x/json"))
    response.request.meta["pytorrent_label"] = "x"  # type: ignore[union-attr]
    assert mw.process_spider_exception(response, KeyError("info")) is None
    assert crawler.stats.get_value("pytorrent/dropped/spider_error_KeyError") == 1
    assert crawler.stats.get_value("pytorrent/drop_examples/spider_error_KeyError") == ["x"]

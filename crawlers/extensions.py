"""Progress lines while crawling and the run summary at the end.

Every `PYTORRENT_PROGRESS_INTERVAL` seconds: packages written and their rate, bytes
downloaded, retries, drops, refused URLs and errors. At close: `CrawlSummary` to `PYTORRENT_SUMMARY_FILE`.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from twisted.internet.task import LoopingCall

from pytorrent_crawlers.summary import DROPPED, REFUSED, CrawlSummary

logger = logging.getLogger("pytorrent.crawl")


class CrawlReport:
    """Scrapy extension: periodic progress log and the final summary file."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.interval = crawler.settings.getfloat("PYTORRENT_PROGRESS_INTERVAL", 10.0)
        self.summary_file = crawler.settings.get("PYTORRENT_SUMMARY_FILE")
        self.run_id = str(crawler.settings.get("PYTORRENT_RUN_ID", ""))
        self.started = time.monotonic()
        self.task: LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlReport:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        if self.interval > 0:
            self.task = LoopingCall(self.log_progress)
            self.task.start(self.interval, now=False)

    def log_progress(self) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        elapsed = max(time.monotonic() - self.started, 1e-9)
        packages = int(stats.get("item_scraped_count", 0))
        dropped = sum(int(v) for k, v in stats.items() if k.startswith(DROPPED))
        refused = sum(int(v) for k, v in stats.items() if k.startswith(REFUSED))
        logger.info(
            "progress: %d packages (%.1f/s), %.1f MB downloaded, %d retries, %d dropped, "
            "%d URLs refused, %d errors",
            packages,
            packages / elapsed,
            int(stats.get("downloader/response_bytes", 0)) / 1e6,
            int(stats.get("retry/count", 0)),
            dropped,
            refused,
            int(stats.get("log_count/ERROR", 0)),
        )

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        stats = dict(self.crawler.stats.get_stats()) if self.crawler.stats else {}
        summary = CrawlSummary.from_stats(
            stats,
            run_id=self.run_id,
            spider=spider.name,
            reason=reason,
            elapsed=time.monotonic() - self.started,
        )
        logger.info("%s", summary.line())
        if self.summary_file:
            path = Path(self.summary_file)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(summary.model_dump_json(indent=2), encoding="utf-8")
            tmp.replace(path)

"""Scrapy crawlers that fill a pytorrent store from PyPI-style indexes and conda channels.

Run them from code with `crawlers.run.run_crawl` (a child process per crawl: Twisted's reactor
cannot restart), or from the command line with `python -m pytorrent crawl pypi|conda ...`.
See docs/crawling.md for the store layout, settings and politeness.
"""

from crawlers.run import CrawlJob, run_crawl, start_crawl
from crawlers.store import Store
from crawlers.summary import CrawlSummary

__all__ = ["CrawlJob", "CrawlSummary", "Store", "run_crawl", "start_crawl"]

"""Scrapy crawlers that fill a pytorrent store from PyPI-style indexes and conda channels.

Run them from code with `pytorrent_crawlers.run.run_crawl` (a child process per crawl:
Twisted's reactor cannot restart), or from the command line with `python -m pytorrent crawl
pypi|conda ...`. The folder is `crawlers/`, the import name `pytorrent_crawlers` (no top-level
`crawlers` is installed to clash with another distribution's; docs/architecture.md).
See docs/crawling.md for the store layout, settings and politeness.
"""

from pytorrent_crawlers.run import CrawlJob, run_crawl, start_crawl
from pytorrent_crawlers.store import Store
from pytorrent_crawlers.summary import CrawlSummary

__all__ = ["CrawlJob", "CrawlSummary", "Store", "run_crawl", "start_crawl"]

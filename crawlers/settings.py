"""Scrapy settings of the pytorrent crawlers; each tunable reads a `PYTORRENT_*` variable.

Loaded with `Settings().setmodule("pytorrent_crawlers.settings")` by `pytorrent_crawlers.run`
(no scrapy.cfg, no current-directory magic). Per-run values (store, job dir, run id) are set
there too; explicit overrides (`crawl --set KEY=VALUE`, tests) win over this module and the
environment. Defaults are polite: a few connections per host, AutoThrottle, backoff that honours
`Retry-After`, robots.txt obeyed, and a User-Agent that says who is crawling.
"""

from __future__ import annotations

import os


def _env(name: str, default: str) -> str:
    return os.environ.get(f"PYTORRENT_{name}", default)


def _int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


def _float(name: str, default: float) -> float:
    return float(_env(name, str(default)))


def _bool(name: str, default: bool) -> bool:
    return _env(name, "1" if default else "0").strip().lower() in ("1", "true", "yes", "on")


def user_agent() -> str:
    """`pytorrent-crawler/<version> (+<docs URL>[; <contact>])` - identifies us to index admins."""
    try:
        from importlib.metadata import version

        ours = version("pytorrent")
    except Exception:  # not installed (running from a checkout)
        ours = "dev"
    contact = _env("CRAWL_CONTACT", "")
    suffix = f"; {contact}" if contact else ""
    return f"pytorrent-crawler/{ours} (+https://github.com/pytorrent/pytorrent{suffix})"


BOT_NAME = "pytorrent"
SPIDER_MODULES = ["pytorrent_crawlers.spiders"]
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
USER_AGENT = _env("USER_AGENT", "") or user_agent()
ROBOTSTXT_OBEY = _bool("ROBOTSTXT_OBEY", True)
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # no listening ports
COOKIES_ENABLED = False
LOG_LEVEL = _env("LOG_LEVEL", "INFO")
LOG_INSTALL_ROOT_HANDLER = True

# Politeness and throughput.
CONCURRENT_REQUESTS = _int("CONCURRENT_REQUESTS", 16)
CONCURRENT_REQUESTS_PER_DOMAIN = _int("CONCURRENT_REQUESTS_PER_DOMAIN", 4)
DOWNLOAD_DELAY = _float("DOWNLOAD_DELAY", 0.1)
AUTOTHROTTLE_ENABLED = _bool("AUTOTHROTTLE_ENABLED", True)
AUTOTHROTTLE_START_DELAY = _float("AUTOTHROTTLE_START_DELAY", 1.0)
AUTOTHROTTLE_MAX_DELAY = _float("AUTOTHROTTLE_MAX_DELAY", 60.0)
AUTOTHROTTLE_TARGET_CONCURRENCY = _float("AUTOTHROTTLE_TARGET_CONCURRENCY", 2.0)
DOWNLOAD_TIMEOUT = _int("DOWNLOAD_TIMEOUT", 180)
# Only http(s) is ever fetched: file://, ftp://, s3:// and data: links are not downloaded
# (pytorrent_crawlers.refuse refuses them first; without a handler they could not be fetched
# anyway).
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None}
# Hosts fetched besides those of the index/channel URLs given (HOST[:PORT], comma-separated).
PYTORRENT_ALLOW_HOSTS = [h.strip() for h in _env("ALLOW_HOSTS", "").split(",") if h.strip()]
# Size caps, streamed and after decompression (Scrapy's own default is 1 GiB for everything):
# JSON API documents, simple pages and robots.txt; archives; conda repodata.json, which
# runs to hundreds of MB on big channels.
PYTORRENT_MAX_METADATA_BYTES = _int("MAX_METADATA_BYTES", 32 * 1024 * 1024)
PYTORRENT_MAX_ARCHIVE_BYTES = _int("MAX_ARCHIVE_BYTES", 512 * 1024 * 1024)
PYTORRENT_MAX_REPODATA_BYTES = _int("MAX_REPODATA_BYTES", 1024 * 1024 * 1024)
DOWNLOAD_MAXSIZE = PYTORRENT_MAX_METADATA_BYTES  # requests without their own cap
DOWNLOAD_WARNSIZE = 0  # every cap is enforced; a warning before it adds nothing
REDIRECT_MAX_TIMES = _int("REDIRECT_MAX_TIMES", 10)
METAREFRESH_ENABLED = False  # index pages have no business redirecting through HTML

# Retries: 5xx, 429 and timeouts/connection resets, with exponential backoff.
RETRY_ENABLED = True
RETRY_TIMES = _int("RETRY_TIMES", 5)
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 408, 522, 524]
PYTORRENT_BACKOFF_BASE = _float("BACKOFF_BASE", 1.0)
PYTORRENT_BACKOFF_MAX = _float("BACKOFF_MAX", 300.0)
DOWNLOADER_MIDDLEWARES = {
    # First of all (before robots.txt): a refused URL is never sent, not even for robots.
    "pytorrent_crawlers.refuse.AllowedHostsMiddleware": 50,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "pytorrent_crawlers.refuse.GuardedRedirectMiddleware": 600,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "pytorrent_crawlers.middlewares.BackoffRetryMiddleware": 550,
    # After the HTTP cache (900): credentials are added last and never stored.
    "pytorrent_crawlers.middlewares.IndexAuthMiddleware": 950,
}

# Metadata is cached (archives are stored content-addressed instead).
HTTPCACHE_ENABLED = _bool("HTTPCACHE_ENABLED", True)
HTTPCACHE_EXPIRATION_SECS = _int("HTTPCACHE_EXPIRATION_SECS", 24 * 3600)
HTTPCACHE_POLICY = "pytorrent_crawlers.cache.MetadataCachePolicy"
HTTPCACHE_GZIP = True

# First in, first out: packages are taken in the order given, archives before new projects.
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

SPIDER_MIDDLEWARES = {"pytorrent_crawlers.middlewares.CountSpiderErrors": 50}
ITEM_PIPELINES = {
    "pytorrent_crawlers.pipelines.ValidatePipeline": 100,
    "pytorrent_crawlers.pipelines.VerifyDigestPipeline": 200,
    "pytorrent_crawlers.pipelines.StoreArchivePipeline": 300,
    "pytorrent_crawlers.pipelines.CoreMetadataPipeline": 400,
    "pytorrent_crawlers.pipelines.CondaAboutPipeline": 450,
    "pytorrent_crawlers.pipelines.WriteRecordPipeline": 500,
}
EXTENSIONS = {
    "scrapy.extensions.logstats.LogStats": None,
    "pytorrent_crawlers.extensions.CrawlReport": 500,
}
PYTORRENT_PROGRESS_INTERVAL = _float("PROGRESS_INTERVAL", 10.0)

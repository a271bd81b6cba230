"""`pytorrent crawl pypi|conda ...`: fill a local store with metadata and verified archives.

The crawl runs in a child process and can be stopped (Ctrl-C or SIGTERM, once) and resumed
by running the same command again. `build` reads the store through `pypi:`/`conda:` sources.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from pytorrent.errors import ConfigError
from pytorrent_crawlers.config import (
    current_conda_subdir,
    default_store,
    normalize_base_url,
    resolve_index_url,
    resolve_json_api_base,
)
from pytorrent_crawlers.hosts import ENV_ALLOW_HOSTS, parse_allow_hosts
from pytorrent_crawlers.names import parse_requirements, read_names_file
from pytorrent_crawlers.refuse import HINTS
from pytorrent_crawlers.run import CrawlJob, run_crawl
from pytorrent_crawlers.summary import CrawlSummary

#: The way out of a size refusal, printed with the summary.
_CAP_HINT = (
    "raise a cap with --max-metadata-bytes, --max-archive-bytes or --max-repodata-bytes "
    "(the run log names the one that applied)"
)

HELP = "crawl a PyPI-style index or a conda channel into a local store (metadata + archives)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    targets = parser.add_subparsers(dest="target", metavar="pypi|conda", required=True)
    pypi = targets.add_parser(
        "pypi",
        help="a PyPI-style index: JSON API documents or simple pages, plus one archive each",
        description="Crawl packages of a PyPI-style index (PEP 503/691, JSON API if served).",
    )
    pypi.add_argument("names", nargs="*", metavar="NAME[==VERSION]", help="packages to crawl")
    pypi.add_argument("--names-file", type=Path, help="file of NAME or NAME==VERSION lines")
    pypi.add_argument(
        "--all", dest="all_names", action="store_true", help="every project of the simple index"
    )
    pypi.add_argument("--limit", type=int, help="crawl at most N projects")
    pypi.add_argument(
        "--index-url",
        help="simple index URL (default: PYTORRENT_INDEX_URL, PIP_INDEX_URL, pip's config)",
    )
    pypi.add_argument(
        "--json-api-url",
        help="JSON API base, fetched as <base><name>/json (default: /pypi/ beside the index's "
        "/simple/); 'none' reads the simple pages and each archive's PKG-INFO instead",
    )
    conda = targets.add_parser(
        "conda",
        help="a conda channel: repodata.json, the latest build of each package",
        description="Crawl the latest build of each package of a conda channel.",
    )
    conda.add_argument("channel_url", metavar="CHANNEL_URL", help="the channel's base URL")
    conda.add_argument(
        "--subdir",
        dest="subdirs",
        action="append",
        help=f"subdir to read, repeatable (default: noarch and {current_conda_subdir()})",
    )
    conda.add_argument(
        "--name", dest="conda_names", action="append", help="only this package (repeatable)"
    )
    conda.add_argument(
        "--all-archives",
        action="store_true",
        help="download every package, not only those that ship Python",
    )
    conda.add_argument(
        "--max-repodata-bytes",
        type=_byte_count,
        metavar="N",
        help="cap on each repodata.json (default 1 GiB; PYTORRENT_MAX_REPODATA_BYTES)",
    )
    for sub in (pypi, conda):
        _add_common(sub)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store", type=Path, help="store folder (default: PYTORRENT_STORE or the user cache)"
    )
    parser.add_argument("--job-dir", type=Path, help="job dir for pausing and resuming")
    parser.add_argument("--fresh", action="store_true", help="discard a paused job, start over")
    parser.add_argument("--no-cache", action="store_true", help="bypass the HTTP cache")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a Scrapy setting, e.g. --set CONCURRENT_REQUESTS_PER_DOMAIN=2 (repeatable)",
    )
    parser.add_argument(
        "--allow-host",
        dest="allow_hosts",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="also fetch from this host (repeatable; adds to PYTORRENT_ALLOW_HOSTS); only the "
        "hosts of the URLs given are fetched otherwise",
    )
    parser.add_argument(
        "--max-metadata-bytes",
        type=_byte_count,
        metavar="N",
        help="cap on each JSON document or simple page (default 32 MiB; "
        "PYTORRENT_MAX_METADATA_BYTES)",
    )
    parser.add_argument(
        "--max-archive-bytes",
        type=_byte_count,
        metavar="N",
        help="cap on each archive (default 512 MiB; PYTORRENT_MAX_ARCHIVE_BYTES)",
    )
    parser.add_argument("--log-level", help="DEBUG, INFO (default), WARNING, ERROR")
    parser.add_argument("--timeout", type=float, help="stop gracefully after this many seconds")


def job_from_args(args: argparse.Namespace) -> CrawlJob:
    """The crawl the command line describes; ConfigError for bad input."""
    settings: dict[str, Any] = {}
    for item in args.overrides:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--set expects KEY=VALUE, got {item!r}")
        settings[key.strip()] = value
    if args.no_cache:
        settings["HTTPCACHE_ENABLED"] = False
    if args.log_level:
        settings["LOG_LEVEL"] = args.log_level.upper()
    allowed = parse_allow_hosts([os.environ.get(ENV_ALLOW_HOSTS, ""), *args.allow_hosts])
    if allowed:
        settings["PYTORRENT_ALLOW_HOSTS"] = [str(rule) for rule in allowed]
    caps = {
        "PYTORRENT_MAX_METADATA_BYTES": args.max_metadata_bytes,
        "PYTORRENT_MAX_ARCHIVE_BYTES": args.max_archive_bytes,
        "PYTORRENT_MAX_REPODATA_BYTES": getattr(args, "max_repodata_bytes", None),
    }
    settings.update({key: value for key, value in caps.items() if value is not None})
    store = args.store or default_store()
    if args.target == "pypi":
        spider, arguments = "pypi", _pypi_arguments(args)
    else:
        spider, arguments = "conda", _conda_arguments(args)
    return CrawlJob(
        spider=spider,  # type: ignore[arg-type]
        store=store,
        arguments=arguments,
        settings=settings,
        job_dir=args.job_dir,
        fresh=args.fresh,
    )


def _byte_count(text: str) -> int:
    """A positive byte count for the --max-*-bytes flags."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of bytes, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of bytes, got {value}")
    return value


def _pypi_arguments(args: argparse.Namespace) -> dict[str, Any]:
    lines = list(args.names)
    if args.names_file:
        if not args.names_file.is_file():
            raise ConfigError(f"--names-file {args.names_file}: no such file")
        lines.extend(read_names_file(args.names_file))
    try:
        requested = parse_requirements(lines)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if not requested and not args.all_names:
        raise ConfigError("name packages to crawl, give --names-file FILE, or use --all")
    index = resolve_index_url(args.index_url)
    return {
        "index_url": index.url_with_credentials,
        "json_api_url": resolve_json_api_base(index, args.json_api_url),
        "requirements": [f"{n}=={p}" if p else n for n, pins in requested.items() for p in pins],
        "all_names": args.all_names,
        "limit": args.limit,
    }


def _conda_arguments(args: argparse.Namespace) -> dict[str, Any]:
    normalize_base_url(args.channel_url, "the channel URL")
    arguments: dict[str, Any] = {
        "channel_url": args.channel_url,
        "subdirs": args.subdirs or ["noarch", current_conda_subdir()],
        "all_archives": args.all_archives,
    }
    if args.conda_names:
        arguments["names"] = list(args.conda_names)
    return arguments


def run(args: argparse.Namespace) -> int:
    job = job_from_args(args)
    summary = run_crawl(job, timeout=args.timeout)
    print_summary(summary, job)
    if summary.finish_reason != "finished":
        print(
            f"crawl stopped ({summary.finish_reason}); run the same command again to resume",
            file=sys.stderr,
        )
        return 1
    return 0


def print_summary(summary: CrawlSummary, job: CrawlJob) -> None:
    print(summary.line())
    for reason, count in summary.dropped.items():
        examples = ", ".join(summary.drop_examples.get(reason, [])[:3])
        print(f"  dropped {count:>6} {reason}" + (f"  (e.g. {examples})" if examples else ""))
    for reason, count in summary.refused.items():
        urls = ", ".join(summary.refused_examples.get(reason, [])[:3])
        hint = _CAP_HINT if reason == "too_large" else HINTS.get(reason, "")
        print(f"  refused {count:>6} {reason}  (e.g. {urls})" + (f"; {hint}" if hint else ""))
    print(f"store: {job.store}  (summary: {job.summary_path.name})")

"""conda channel spider: `<channel>/<subdir>/repodata.json` -> the latest build per name.

`packages` (.tar.bz2) and `packages.conda` (.conda) entries of every chosen subdir (noarch and
the platform ones) compete; the latest is chosen by conda's version order, then build number,
timestamp, and `.conda` over `.tar.bz2`. Archives are downloaded for packages that ship
Python (`noarch: python` or a `python` dependency) unless `all_archives` is set; the others
get a metadata record only. Progress over subdirs lives in `self.state`, which Scrapy keeps
in the job dir, so a resumed crawl does not lose subdirs it had already read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, ClassVar, Literal
from urllib.parse import urljoin

import orjson
from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from pytorrent_crawlers.config import normalize_base_url
from pytorrent_crawlers.items import FileChoice, PackageItem
from pytorrent_crawlers.refuse import CAP_META
from pytorrent_crawlers.select import conda_rank, is_python_package
from pytorrent_crawlers.spiders.base import PackageSpider, fetched_at

#: Where each repodata section's files come from (both formats hold the same builds).
SECTIONS = ("packages", "packages.conda")


class CondaSpider(PackageSpider):
    """Spider arguments: channel_url, subdirs, names (None: every name), all_archives."""

    name = "conda"
    kind: ClassVar[Literal["pypi", "conda"]] = "conda"

    def __init__(
        self,
        channel_url: str,
        subdirs: Iterable[str] = ("noarch",),
        names: Iterable[str] | None = None,
        all_archives: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        channel = normalize_base_url(channel_url, "the channel URL")
        self.channel_url = channel.url
        self.subdirs = list(dict.fromkeys(subdirs))
        self.names = None if names is None else set(names)
        self.all_archives = all_archives
        self.credentials = channel  # IndexAuthMiddleware sends them to the channel host only

    @property
    def given_urls(self) -> list[str]:
        return [self.channel_url]

    @property
    def progress(self) -> dict[str, Any]:
        """Read subdirs and best candidates so far; in the job dir's spider state if any."""
        state: dict[str, Any] | None = getattr(self, "state", None)
        if state is None:
            state = {}
            self.state = state
        progress: dict[str, Any] = state.setdefault(
            "conda", {"done": [], "best": {}, "versions": {}, "emitted": False}
        )
        return progress

    async def start(self) -> AsyncIterator[Any]:
        progress = self.progress
        pending = [s for s in self.subdirs if s not in progress["done"]]
        for subdir in pending:
            yield Request(
                urljoin(self.channel_url, f"{subdir}/repodata.json"),
                callback=self.parse_repodata,
                errback=self.repodata_failed,
                meta={
                    "pytorrent_subdir": subdir,
                    "pytorrent_json": True,
                    "pytorrent_label": f"{subdir}/repodata.json",
                    "download_maxsize": self.settings.getint("PYTORRENT_MAX_REPODATA_BYTES"),
                    CAP_META: "PYTORRENT_MAX_REPODATA_BYTES",
                },
                dont_filter=True,
            )
        if not pending and not progress["emitted"]:
            for item in self.emit():
                yield item

    def parse_repodata(self, response: Response) -> Iterator[PackageItem | Request]:
        subdir = response.meta["pytorrent_subdir"]
        try:
            repodata = orjson.loads(response.body)
        except orjson.JSONDecodeError:
            repodata = None
        if not isinstance(repodata, dict):
            self.drop("malformed_repodata", f"{subdir}/repodata.json")
        else:
            self.collect(subdir, repodata, response.url, fetched_at(response))
        yield from self.subdir_done(subdir)

    def repodata_failed(self, failure: Failure) -> Iterator[PackageItem | Request]:
        subdir = failure.request.meta["pytorrent_subdir"]  # type: ignore[attr-defined]
        self.drop("repodata_" + self.reason_of(failure), f"{subdir}/repodata.json")
        yield from self.subdir_done(subdir)

    def collect(self, subdir: str, repodata: dict[str, Any], url: str, fetched: str) -> None:
        """Keep the best build per name (and every version seen) from one subdir."""
        progress = self.progress
        raw_info = repodata.get("info")
        info: dict[str, Any] = raw_info if isinstance(raw_info, dict) else {}
        base_url = info.get("base_url") if isinstance(info.get("base_url"), str) else None
        base = urljoin(url, base_url) if base_url else urljoin(url, ".")
        best: dict[str, dict[str, Any]] = progress["best"]
        versions: dict[str, list[str]] = progress["versions"]
        for section in SECTIONS:
            entries = repodata.get(section)
            if not isinstance(entries, dict):
                continue
            for filename, record in entries.items():
                if not isinstance(record, dict) or not isinstance(record.get("name"), str):
                    self.drop("invalid_repodata_entry", f"{subdir}/{filename}")
                    continue
                name = record["name"]
                if self.names is not None and name not in self.names:
                    continue
                try:
                    rank = conda_rank(filename, record)
                except ValueError:
                    self.drop("invalid_conda_version", f"{subdir}/{filename}")
                    continue
                seen = versions.setdefault(name, [])
                if str(record.get("version")) not in seen:
                    seen.append(str(record.get("version")))
                current = best.get(name)
                if current is None or conda_rank(current["filename"], current["record"]) < rank:
                    best[name] = {
                        "subdir": subdir,
                        "filename": filename,
                        "url": urljoin(base if base.endswith("/") else base + "/", filename),
                        "record": record,
                        "crawled_at": fetched,
                    }

    def subdir_done(self, subdir: str) -> Iterator[PackageItem | Request]:
        progress = self.progress
        if subdir not in progress["done"]:
            progress["done"].append(subdir)
        if set(self.subdirs) <= set(progress["done"]) and not progress["emitted"]:
            yield from self.emit()

    def emit(self) -> Iterator[PackageItem | Request]:
        """One record (and archive request) per name, in name order."""
        progress = self.progress
        progress["emitted"] = True
        best: dict[str, dict[str, Any]] = progress["best"]
        if self.names is not None:
            for missing in sorted(self.names - set(best)):
                self.drop("not_found", missing)
        for name in sorted(best):
            candidate = best[name]
            record = candidate["record"]
            entry: dict[str, Any] = {
                "kind": "conda",
                "channel": self.channel_url,
                "subdir": candidate["subdir"],
                "filename": candidate["filename"],
                "url": candidate["url"],
                "record": record,
                "release_count": len(progress["versions"].get(name, [])),
                "crawled_at": candidate.get("crawled_at"),
                "archive_status": "pending",
            }
            file = None
            if self.all_archives or is_python_package(record):
                sha256, md5, size = record.get("sha256"), record.get("md5"), record.get("size")
                file = FileChoice(
                    url=candidate["url"],
                    filename=candidate["filename"],
                    sha256=sha256.lower() if isinstance(sha256, str) else None,
                    md5=md5.lower() if isinstance(md5, str) else None,
                    size=size if isinstance(size, int) else None,
                    packagetype="conda",
                )
            else:
                entry["archive_status"] = "not_python"
                self.crawler.stats.inc_value("pytorrent/no_archive/not_python")
            yield from self.package(entry, file, name)
        # The chosen builds now live in the scheduler's queue; drop the bulky candidates.
        progress["best"] = {}

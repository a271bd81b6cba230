"""PyPI-style index spider: JSON API project documents, simple pages, and one archive each.

For each name: `<json-api-base><name>/json` (404, or the JSON API turned off -> the simple
project page, PEP 691 JSON or PEP 503 HTML), then the chosen release's sdist, else a pure
wheel. Names come from a list, a file, or every project of the simple index.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, ClassVar, Literal
from urllib.parse import urljoin

import orjson
from scrapy import Request
from scrapy.http import Response

from pytorrent_crawlers import simple
from pytorrent_crawlers.config import normalize_base_url
from pytorrent_crawlers.items import FileChoice, PackageItem
from pytorrent_crawlers.names import parse_requirements, read_names_file
from pytorrent_crawlers.select import file_digests, select_release
from pytorrent_crawlers.spiders.base import PackageSpider, fetched_at


class PypiSpider(PackageSpider):
    """Spider arguments: index_url, json_api_url (None: simple pages only), requirements,
    names_file, all_names, limit."""

    name = "pypi"
    kind: ClassVar[Literal["pypi", "conda"]] = "pypi"

    def __init__(
        self,
        index_url: str,
        json_api_url: str | None = None,
        requirements: Iterable[str] = (),
        names_file: str | None = None,
        all_names: bool = False,
        limit: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        index = normalize_base_url(index_url, "the index URL")
        self.index_url = index.url
        self.json_api_url = (
            None if json_api_url is None else normalize_base_url(json_api_url, "the JSON API").url
        )
        self.requirements = list(requirements)
        self.names_file = names_file
        self.all_names = all_names
        self.limit = limit
        self.credentials = index  # IndexAuthMiddleware sends them to the index host only

    @property
    def given_urls(self) -> list[str]:
        return [self.index_url] + ([self.json_api_url] if self.json_api_url else [])

    async def start(self) -> AsyncIterator[Any]:
        if self.all_names:
            yield Request(
                self.index_url,
                headers={"Accept": simple.ACCEPT},
                callback=self.parse_index,
                errback=self.fetch_failed,
                meta={"pytorrent_label": "<index>"},
            )
        for count, (name, pins) in enumerate(self.requested.items()):
            if self.limit is not None and count >= self.limit:
                break
            yield self.project_request(name, pins)

    @functools.cached_property
    def requested(self) -> dict[str, list[str | None]]:
        """Names asked for explicitly, with their pins."""
        lines: list[str] = list(self.requirements)
        if self.names_file:
            lines.extend(read_names_file(self.names_file))
        return parse_requirements(lines)

    def project_request(self, name: str, pins: list[str | None]) -> Request:
        """One request per project: its document serves every pin asked for."""
        if self.json_api_url is None:
            return self.simple_request(name, pins)
        return Request(
            f"{self.json_api_url}{name}/json",
            callback=self.parse_json_api,
            errback=self.fetch_failed,
            meta={
                "pytorrent_name": name,
                "pytorrent_pins": pins,
                "pytorrent_label": name,
                "handle_httpstatus_list": [404],
                "pytorrent_json": True,
            },
        )

    def simple_request(self, name: str, pins: list[str | None]) -> Request:
        return Request(
            urljoin(self.index_url, f"{name}/"),
            headers={"Accept": simple.ACCEPT},
            callback=self.parse_simple_project,
            errback=self.fetch_failed,
            meta={"pytorrent_name": name, "pytorrent_pins": pins, "pytorrent_label": name},
        )

    def parse_index(self, response: Response) -> Iterator[Request]:
        content_type = _content_type(response)
        try:
            names = simple.parse_index(response.body, content_type)
        except simple.SimplePageError:
            self.drop("malformed_index", response.url)
            return
        if self.limit is not None:
            names = names[: self.limit]
        self.crawler.stats.set_value("pytorrent/index_projects", len(names))
        for name in names:
            if name not in self.requested:  # already asked for, with its pins
                yield self.project_request(name, [None])

    def parse_json_api(self, response: Response) -> Iterator[PackageItem | Request]:
        name, pins = response.meta["pytorrent_name"], response.meta["pytorrent_pins"]
        if response.status == 404:
            # No JSON API here (a plain mirror) or no such project: ask the simple page.
            self.crawler.stats.inc_value("pytorrent/json_api_missing")
            yield self.simple_request(name, pins)
            return
        try:
            document = orjson.loads(response.body)
        except orjson.JSONDecodeError:
            self.drop("malformed_json", name)
            return
        if not isinstance(document, dict):
            self.drop("malformed_json", name)
            return
        fetched = fetched_at(response)
        for pin in pins:
            yield from self.describe(name, pin, document, fetched, api="json")

    def parse_simple_project(self, response: Response) -> Iterator[PackageItem | Request]:
        name, pins = response.meta["pytorrent_name"], response.meta["pytorrent_pins"]
        content_type = _content_type(response)
        try:
            page = simple.parse_project(response.body, content_type, response.url)
        except simple.SimplePageError:
            self.drop("malformed_simple_page", name)
            return
        document = simple.to_document(name, page)
        fetched = fetched_at(response)
        for pin in pins:
            yield from self.describe(name, pin, document, fetched, api="simple", page=page)

    def describe(
        self,
        name: str,
        pin: str | None,
        document: dict[str, Any],
        fetched: str,
        api: Literal["json", "simple"],
        page: dict[str, Any] | None = None,
    ) -> Iterator[PackageItem | Request]:
        selection = select_release(document, pin)
        if selection.status == "version_not_found":
            self.drop("version_not_found", f"{name}=={pin}")
            return
        record: dict[str, Any] = {
            "kind": "pypi",
            "name": name,
            "version": selection.version or "",
            "requested_version": pin,
            "index_url": self.index_url,
            "json_api_url": self.json_api_url,
            "api": api,
            "document": document,
            "archive_status": "pending" if selection.file else selection.status,
            "crawled_at": fetched,
        }
        if page is not None:
            record["simple"] = page
        file = None
        if selection.file is not None:
            entry = selection.file
            digests = file_digests(entry)
            size = entry.get("size")
            file = FileChoice(
                url=str(entry["url"]),
                filename=str(entry["filename"]),
                sha256=digests.get("sha256"),
                md5=digests.get("md5"),
                size=size if isinstance(size, int) else None,
                packagetype=entry.get("packagetype"),
            )
        else:
            self.crawler.stats.inc_value(f"pytorrent/no_archive/{selection.status}")
        yield from self.package(record, file, name)


def _content_type(response: Response) -> str:
    return (response.headers.get("Content-Type") or b"").decode("latin-1")

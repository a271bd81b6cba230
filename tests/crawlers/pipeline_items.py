"""Items for the pipeline tests, as the spiders yield them: real conda archives and wheels
with their real digests, run through the real pipeline steps on a Scrapy crawler of the test."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from pytorrent_crawlers.items import CondaPackage, FileChoice, PackageItem, PypiProject
from pytorrent_crawlers.pipelines import (
    CondaAboutPipeline,
    CoreMetadataPipeline,
    StoreArchivePipeline,
    ValidatePipeline,
    VerifyDigestPipeline,
)
from tests.crawlers.archives import make_conda_tar_bz2, make_conda_v2, make_wheel

CHANNEL = "http://127.0.0.1:1/chan"
ABOUT = {"home": "https://example.org/pygood", "summary": "Good things", "license": "MIT"}


def stats_of(crawler: Crawler) -> dict[str, Any]:
    assert crawler.stats is not None
    return {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("pytorrent/")}


def conda_index(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "version": "1.0",
        "build": "py_0",
        "build_number": 0,
        "depends": ["python >=3.8"],
        "license": "BSD-3-Clause",
        "subdir": "noarch",
        "noarch": "python",
        "timestamp": 1_700_000_000_000,
    }


def conda_item(
    name: str = "pygood",
    *,
    fmt: str = ".tar.bz2",
    about: dict[str, Any] | None = ABOUT,
    digests: str = "sha256",
    body: bytes | None = None,
) -> tuple[PackageItem, bytes]:
    """A conda item as the spider yields it after downloading the archive."""
    index = conda_index(name)
    data = (
        make_conda_v2(name, "1.0", "py_0", index, about)
        if fmt == ".conda"
        else make_conda_tar_bz2(name, "1.0", index, about)
    )
    filename = f"{name}-1.0-py_0{fmt}"
    sha256 = hashlib.sha256(data).hexdigest() if digests == "sha256" else None
    md5 = hashlib.md5(data).hexdigest() if digests in ("sha256", "md5") else None
    record = {
        "kind": "conda",
        "channel": CHANNEL,
        "subdir": "noarch",
        "filename": filename,
        "url": f"{CHANNEL}/noarch/{filename}",
        "record": {**index, "sha256": sha256, "md5": md5, "size": len(data)},
        "release_count": 1,
        "crawled_at": "2024-01-01T00:00:00Z",
        "archive_status": "pending",
    }
    file = FileChoice(f"{CHANNEL}/noarch/{filename}", filename, sha256, md5, len(data), "conda")
    item = PackageItem(kind="conda", record=record, file=file, body=data if body is None else body)
    return item, data


def conda_model(item: PackageItem) -> CondaPackage:
    assert isinstance(item.model, CondaPackage)
    return item.model


def pypi_model(item: PackageItem) -> PypiProject:
    assert isinstance(item.model, PypiProject)
    return item.model


def through(crawler: Crawler, item: PackageItem) -> PackageItem:
    """Every pipeline step in the order of the crawl settings (not closing the writer)."""
    for step in (
        ValidatePipeline,
        VerifyDigestPipeline,
        StoreArchivePipeline,
        CoreMetadataPipeline,
        CondaAboutPipeline,
    ):
        pipeline: Any = step.from_crawler(crawler)
        item = pipeline.process_item(item)
    return item


def make_crawler(tmp_path: Path) -> Crawler:
    """A crawler with a store under `tmp_path` and the run id `run-1`; its stats are live."""
    settings = {"PYTORRENT_STORE": str(tmp_path / "store"), "PYTORRENT_RUN_ID": "run-1"}
    return get_crawler(settings_dict=settings)


def simple_item(name: str = "pyone", data: bytes | None = None) -> PackageItem:
    wheel = make_wheel(name, "1.0") if data is None else data
    filename = f"{name}-1.0-py3-none-any.whl"
    url = f"http://127.0.0.1:1/files/{filename}"
    sha256 = hashlib.sha256(wheel).hexdigest()
    record = {
        "kind": "pypi",
        "name": name,
        "display_name": name.capitalize(),
        "version": "1.0",
        "index_url": "http://127.0.0.1:1/simple/",
        "api": "simple",
        "document": {"info": {"name": name, "version": "1.0"}, "releases": {}, "urls": []},
        "archive_status": "pending",
    }
    file = FileChoice(url, filename, sha256, None, len(wheel), "bdist_wheel")
    return PackageItem(kind="pypi", record=record, file=file, body=wheel)

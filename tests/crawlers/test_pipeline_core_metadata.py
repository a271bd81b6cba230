"""Core metadata of records from a simple index: the wheel's METADATA fills `info`, the index
keeps its version, and a wheel without metadata is counted (in this process, as
`test_pipeline_steps.py`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.crawler import Crawler

from pytorrent_crawlers.pipelines import (
    record_dump,
)
from tests.crawlers.archives import make_wheel
from tests.crawlers.pipeline_items import (
    make_crawler,
    pypi_model,
    simple_item,
    stats_of,
    through,
)


@pytest.fixture
def crawler(tmp_path: Path) -> Crawler:
    return make_crawler(tmp_path)


def test_a_simple_index_record_takes_info_from_the_wheel_metadata(crawler: Crawler) -> None:
    item = through(crawler, simple_item())
    assert item.model is not None and item.model.kind == "pypi"
    assert item.model.core_metadata is True
    info = item.model.document.info
    assert (info.name, info.version, info.license) == ("pyone", "1.0", "MIT")
    assert item.model.archive is not None and item.model.archive.packagetype == "bdist_wheel"
    assert stats_of(crawler)["pytorrent/archives_stored"] == 1


def test_core_metadata_is_read_back_from_the_store_when_reused(crawler: Crawler) -> None:
    first = through(crawler, simple_item())
    assert first.model is not None and first.model.archive is not None
    again = simple_item()
    again.body, again.stored = None, first.model.archive.path
    again = through(crawler, again)
    assert again.model is not None and pypi_model(again).core_metadata is True
    assert record_dump(again.model) == record_dump(first.model)


def test_a_wheel_without_metadata_is_counted_and_keeps_the_index_info(crawler: Crawler) -> None:
    item = through(crawler, simple_item(data=b"PK\x05\x06" + b"\0" * 18))  # an empty zip
    assert item.model is not None and pypi_model(item).core_metadata is False
    assert pypi_model(item).document.info.name == "pyone"
    assert stats_of(crawler)["pytorrent/core_metadata_missing"] == 1


def test_the_index_version_wins_over_the_archive_metadata(crawler: Crawler) -> None:
    item = simple_item(data=make_wheel("pyone", "2.0"))
    item.record["document"]["info"]["version"] = "0.9"
    item = through(crawler, item)
    assert item.model is not None and pypi_model(item).document.info.version == "0.9"
    item = simple_item(data=make_wheel("pyone", "2.0"))
    item.record["document"]["info"]["version"] = ""
    item = through(crawler, item)
    assert item.model is not None and pypi_model(item).document.info.version == "1.0"


def test_json_api_records_keep_their_info(crawler: Crawler) -> None:
    item = simple_item()
    item.record["api"] = "json"
    item.record["json_api_url"] = "http://127.0.0.1:1/pypi"
    item = through(crawler, item)
    assert item.model is not None and pypi_model(item).core_metadata is False
    assert pypi_model(item).document.info.license is None


def test_core_metadata_adds_only_what_the_archive_says(crawler: Crawler) -> None:
    item = through(crawler, simple_item())
    assert record_dump(pypi_model(item))["document"] == {
        "info": {
            "name": "pyone",
            "version": "1.0",
            "summary": "The pyone package",
            "license": "MIT",
            "classifiers": [
                "License :: OSI Approved :: MIT License",
                "Programming Language :: Python :: 3",
            ],
            "requires_python": ">=3.8",
            "metadata_version": "2.1",
        },
        "releases": {},
        "urls": [],
    }


def test_the_archive_spelling_of_the_name_wins(crawler: Crawler) -> None:
    item = through(crawler, simple_item(data=make_wheel("PyOne", "1.0")))
    assert pypi_model(item).document.info.name == "PyOne"
    assert pypi_model(item).name == "pyone"

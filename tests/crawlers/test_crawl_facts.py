"""Crawl facts kept for package documents: `crawled_at` from the index's HTTP Date, and a
stored conda archive's own info/about.json (both formats; absent or broken -> None)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from scrapy.http import Response

from pytorrent_crawlers.conda_about import read_about
from pytorrent_crawlers.spiders.base import fetched_at
from tests.crawlers.archives import make_conda_tar_bz2, make_conda_v2

INDEX = {"name": "pkg", "version": "1.0", "build": "py_0", "subdir": "noarch"}
ABOUT = {"summary": "S", "home": "https://example.invalid/pkg", "extra": {"kept": [1, 2]}}


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("Tue, 02 Jan 2024 12:00:00 GMT", "2024-01-02T12:00:00+00:00"),
        ("Tue, 02 Jan 2024 14:00:00 +0200", "2024-01-02T12:00:00+00:00"),  # always UTC
        ("Tue, 02 Jan 2024 12:00:00 -0000", "2024-01-02T12:00:00+00:00"),  # naive: UTC
    ],
)
def test_crawled_at_is_the_index_date_in_utc(date: str, expected: str) -> None:
    response = Response("http://127.0.0.1/pypi/x/json", headers={"Date": date})
    assert fetched_at(response) == expected


@pytest.mark.parametrize("headers", [{}, {"Date": "yesterday"}])
def test_crawled_at_without_a_usable_date_is_the_crawl_clock(headers: dict[str, str]) -> None:
    before = datetime.now(timezone.utc).replace(microsecond=0)
    stamp = datetime.fromisoformat(fetched_at(Response("http://127.0.0.1/", headers=headers)))
    assert before <= stamp <= datetime.now(timezone.utc)


@pytest.mark.parametrize("fmt", [".conda", ".tar.bz2"])
def test_about_json_is_read_whole_from_either_format(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"pkg-1.0-py_0{fmt}"
    if fmt == ".conda":
        path.write_bytes(make_conda_v2("pkg", "1.0", "py_0", INDEX, ABOUT))
    else:
        path.write_bytes(make_conda_tar_bz2("pkg", "1.0", INDEX, ABOUT))
    assert read_about(path) == ABOUT


def test_no_or_broken_about_json_is_none(tmp_path: Path) -> None:
    missing = tmp_path / "pkg-1.0-py_0.conda"
    missing.write_bytes(make_conda_v2("pkg", "1.0", "py_0", INDEX))
    assert read_about(missing) is None
    corrupt = tmp_path / "pkg-1.0-py_0.tar.bz2"
    corrupt.write_bytes(b"not an archive at all" * 40)
    assert read_about(corrupt) is None

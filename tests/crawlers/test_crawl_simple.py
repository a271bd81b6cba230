"""PEP 503 HTML and PEP 691 JSON simple pages, and their JSON-API-shaped documents."""

from __future__ import annotations

import json

import pytest

from pytorrent_crawlers.simple import (
    SimplePageError,
    parse_index,
    parse_project,
    release_of,
    to_document,
)

HTML = b"""<!DOCTYPE html><html><body>
<a href="../../files/demo-1.0.tar.gz#sha256=AAAA" data-requires-python="&gt;=3.8">demo-1.0.tar.gz</a>
<a href="https://cdn.test/demo-2.0-py3-none-any.whl#sha256=bbbb" data-yanked="">demo-2.0-py3-none-any.whl</a>
<a href="../../files/demo-2.0.tar.gz#sha256=cccc" data-yanked="bad build">demo-2.0.tar.gz</a>
<a href="../../files/demo-0.1-py2.7.egg">demo-0.1-py2.7.egg</a>
<a href="../../files/README.txt">README.txt</a>
</body></html>"""


def test_html_project_page() -> None:
    page = parse_project(HTML, "text/html", "http://idx.test/simple/demo/")
    first, wheel, yanked = page["files"][:3]
    assert first == {
        "filename": "demo-1.0.tar.gz",
        "url": "http://idx.test/files/demo-1.0.tar.gz",
        "hashes": {"sha256": "aaaa"},
        "requires-python": ">=3.8",
    }
    assert wheel["yanked"] is True and wheel["url"] == "https://cdn.test/demo-2.0-py3-none-any.whl"
    assert yanked["yanked"] == "bad build"


def test_html_page_becomes_a_json_api_document() -> None:
    page = parse_project(HTML, "text/html", "http://idx.test/simple/demo/")
    document = to_document("demo", page)
    assert sorted(document["releases"]) == ["0.1", "1.0", "2.0"]
    assert document["info"] == {"name": "demo", "version": "1.0"}  # 2.0 is all yanked
    entry = document["releases"]["1.0"][0]
    assert entry["digests"] == {"sha256": "aaaa"} and entry["packagetype"] == "sdist"
    assert document["releases"]["0.1"][0]["packagetype"] == "bdist_egg"
    assert document["urls"] == document["releases"]["1.0"]


def test_json_project_page_keeps_every_field() -> None:
    body = json.dumps(
        {
            "meta": {"api-version": "1.1", "_last-serial": 42},
            "name": "demo",
            "files": [
                {
                    "filename": "demo-1.0.tar.gz",
                    "url": "../../files/demo-1.0.tar.gz",
                    "hashes": {"sha256": "ab" * 32},
                    "upload-time": "2024-02-03T04:05:06.000007Z",
                    "size": 10,
                    "core-metadata": {"sha256": "cd" * 32},
                }
            ],
        }
    ).encode()
    page = parse_project(
        body, "application/vnd.pypi.simple.v1+json", "http://idx.test/simple/demo/"
    )
    assert page["files"][0]["core-metadata"] == {"sha256": "cd" * 32}
    document = to_document("demo", page)
    assert document["last_serial"] == 42
    entry = document["releases"]["1.0"][0]
    assert entry["url"] == "http://idx.test/files/demo-1.0.tar.gz"
    assert entry["upload_time_iso_8601"] == "2024-02-03T04:05:06.000007Z"


def test_index_pages_list_normalised_names() -> None:
    html = b'<a href="Foo_Bar/">Foo_Bar</a><a href="baz/">baz</a><a href="x/"> </a>'
    assert parse_index(html, "text/html") == ["baz", "foo-bar"]
    body = json.dumps({"projects": [{"name": "Z.z"}, {"bad": 1}, "nope"]}).encode()
    assert parse_index(body, "application/vnd.pypi.simple.v1+json") == ["z-z"]


def test_malformed_json_pages_raise() -> None:
    with pytest.raises(SimplePageError):
        parse_project(b"{not json", "application/vnd.pypi.simple.v1+json", "http://i.test/")
    with pytest.raises(SimplePageError):
        parse_project(b'{"files": 3}', "application/json", "http://i.test/")


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("demo-1.0.tar.gz", ("1.0", "sdist", "source")),
        ("demo_pkg-2.0rc1.zip", ("2.0rc1", "sdist", "source")),
        ("demo-1.0-py2.py3-none-any.whl", ("1.0", "bdist_wheel", "py2.py3")),
        ("demo-0.3.tar.bz2", ("0.3", "sdist", "source")),
        ("demo-0.1-py2.7.egg", ("0.1", "bdist_egg", "2.7")),
        ("demo.exe", None),
        ("demo-1.0-bad.whl", None),
    ],
)
def test_release_of_filename(filename: str, expected: tuple[str, str, str] | None) -> None:
    assert release_of(filename) == expected

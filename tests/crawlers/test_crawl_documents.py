"""A real crawl of a loopback PyPI index (JSON API) and conda channel, a build from it, and
the build's `packages/documents.jsonl.gz` read back: each crawled document kept as the index
served it (PyTorrent's PyPI shape: info, releases, urls, last_serial, plus the crawl's
timestamp; Anaconda's shape from repodata and the archive's about.json, null where neither
says), valid against schemas/package-document.json, joined to the records by `repo`, and the
same bytes when a second build reuses every cached package (issue 16 item 7)."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pyarrow.parquet as pq
import pytest
from packaging.utils import canonicalize_name

from pytorrent import layout
from pytorrent.config import BuildConfig
from pytorrent.drops import Drops
from pytorrent.pipeline import build
from pytorrent.sources.base import ReadLimits
from pytorrent.sources.resolve import parse_source_spec
from tests.crawlers.crawlfix import (
    CondaBuild,
    json_api_document,
    publish_conda,
    publish_pypi,
    standard_projects,
)
from tests.crawlers.indexserver import IndexServer, Route

pytestmark = pytest.mark.slow  # four crawls (child processes) and two builds, ~15 s

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "package-document.json"
ABOUT = {
    "summary": "Foo for conda",
    "description": "Longer text about foo.",
    "home": "https://example.invalid/pyfoo",
    "dev_url": "https://example.invalid/pyfoo/src",
    "doc_url": "https://example.invalid/pyfoo/docs",
    "license_url": "https://example.invalid/pyfoo/LICENSE",
    "keywords": ["foo"],
}
SERVED_AT = "2024-01-02T12:00:00+00:00"  # IndexServer's fixed HTTP Date
FAST = {"AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0", "BACKOFF_BASE": "0.01",
        "PROGRESS_INTERVAL": "0", "LOG_LEVEL": "WARNING"}  # fmt: skip


@dataclass
class Crawled:
    server: IndexServer
    out: Path
    documents: list[dict[str, Any]]
    served: dict[str, dict[str, Any]]  # name -> the JSON API document the index served
    repodata: dict[str, dict[str, Any]]  # filename -> the repodata entry the channel served
    first_bytes: bytes


def read_jsonl_gz(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def publish(server: IndexServer) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    projects = standard_projects()
    publish_pypi(server, projects)
    served: dict[str, dict[str, Any]] = {}
    for serial, project in enumerate(projects, start=1):
        document = json_api_document(server, project, serial)
        if project.name == "alpha":  # what real PyPI documents carry beyond the fixture's
            document["info"].update(
                keywords="arithmetic helpers,math",
                description="# alpha\n\nAdds.",
                description_content_type="text/markdown",
                project_urls={"Tracker": "https://example.invalid/alpha/issues"},
                platform=None,
            )
            server.add("/pypi/alpha/json", Route(json.dumps(document).encode(), "application/json"))
        served[str(canonicalize_name(project.name))] = document
    builds = [
        CondaBuild("noarch", "pyfoo", "1.1", "py_0", ".conda", ["python"], "python", about=ABOUT),
        CondaBuild("noarch", "pybar", "0.5", "py_0", ".tar.bz2", ["python"], "python"),
    ]
    blobs = publish_conda(server, "chan", builds)
    repodata = {}
    for item in builds:
        entry = item.index()
        entry.update(
            md5=hashlib.md5(blobs[item.filename]).hexdigest(), size=len(blobs[item.filename])
        )
        entry["sha256"] = hashlib.sha256(blobs[item.filename]).hexdigest()
        repodata[item.filename] = entry
    return served, repodata


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    root = tmp_path_factory.mktemp("crawl-documents")
    server = IndexServer()
    try:
        served, repodata = publish(server)
        names = root / "names.txt"
        names.write_text("alpha\nbeta-pkg\ndelta\n", encoding="utf-8")
        with pytest.MonkeyPatch.context() as env:
            for name in ("PIP_INDEX_URL", "PYTORRENT_JSON_API_URL"):
                env.delenv(name, raising=False)
            env.setenv("PIP_CONFIG_FILE", "/dev/null")
            env.setenv("PYTORRENT_STORE", str(root / "store"))
            env.setenv("PYTORRENT_INDEX_URL", server.url("/simple/"))
            for key, value in FAST.items():
                env.setenv(f"PYTORRENT_{key}", value)
            config = BuildConfig(
                sources=(f"pypi:@{names}", f"conda:{server.url('/chan')}"),
                out=root / "out",
                work=root / "work",
                executor="inline",
                dedup=False,
                filter=False,  # the fixture's one-line functions would all be filtered out
                categories=("core", "init"),  # its packages keep their code in __init__.py
            )
            build(config)
            first = (root / "out" / layout.PACKAGE_DOCUMENTS).read_bytes()
            build(config.model_copy(update={"overwrite": True}))  # every package from the cache
        out = root / "out"
        documents = read_jsonl_gz(out / layout.PACKAGE_DOCUMENTS)
        yield Crawled(server, out, documents, served, repodata, first)
    finally:
        server.close()


def by_name(crawled: Crawled) -> dict[str, dict[str, Any]]:
    return {d["name"]: d for d in crawled.documents}


def test_pypi_documents_keep_what_the_json_api_served(crawled: Crawled) -> None:
    documents = by_name(crawled)
    assert sorted(documents) == ["alpha", "beta-pkg", "delta", "pybar", "pyfoo"]
    for name in ("alpha", "beta-pkg", "delta"):
        document, served = documents[name], crawled.served[name]
        assert (document["source"], document["format"]) == ("pypi", "pypi")
        assert document["timestamp"] == SERVED_AT
        for key in ("info", "releases", "urls", "last_serial"):
            assert document[key] == served[key], (name, key)
    alpha = documents["alpha"]
    assert alpha["version"] == "2.0" and sorted(alpha["releases"]) == ["1.0", "1.1", "2.0"]
    assert alpha["info"]["keywords"] == "arithmetic helpers,math"  # PyPI's string, kept
    sdist = alpha["releases"]["2.0"][0]
    assert (
        sdist["digests"]["sha256"]
        == hashlib.sha256((crawled.server.routes["/files/alpha-2.0.tar.gz"]).body).hexdigest()
    )
    assert documents["delta"]["version"] == "0.9"  # the build's release; 1.0 is yanked
    assert documents["delta"]["releases"]["1.0"][0]["yanked"] is True


def test_conda_documents_hold_repodata_and_about_json_and_null_the_rest(crawled: Crawled) -> None:
    documents = by_name(crawled)
    foo, bar = documents["pyfoo"], documents["pybar"]
    assert (foo["source"], foo["format"], foo["version"]) == ("conda", "anaconda", "1.1")
    assert foo["timestamp"] == SERVED_AT
    assert foo["repodata"] == crawled.repodata["pyfoo-1.1-py_0.conda"]
    assert bar["repodata"] == crawled.repodata["pybar-0.5-py_0.tar.bz2"]
    assert foo["title"] == "pyfoo" and foo["summary"] == "Foo for conda"
    assert foo["updated"] == "2023-11-14T22:13:20+00:00"  # the build's repodata timestamp
    meta = foo["detail"]["meta"]
    assert meta["home"] == meta["home_url"] == ABOUT["home"]
    assert meta["development"] == ABOUT["dev_url"] and meta["documentation"] == ABOUT["doc_url"]
    assert meta["license"] == "BSD-3-Clause" and meta["license_url"] == ABOUT["license_url"]
    assert foo["detail"]["description"] == ABOUT["description"]
    assert foo["detail"]["platform_versions"] == [["noarch", "1.1"]]
    [file] = foo["detail"]["files"]
    assert file["file"] == {"name": "pyfoo-1.1-py_0.conda",
                            "href": crawled.server.url("/chan/noarch/pyfoo-1.1-py_0.conda")}  # fmt: skip
    assert file["size"] == crawled.repodata["pyfoo-1.1-py_0.conda"]["size"]
    # A channel serves no access level, download counts, uploaders, labels or badges.
    assert foo["access"] is None and meta["download_count"] is None
    assert file["downloads"] is None and file["uploader"] is None and file["labels"] is None
    assert all(foo["detail"][key] is None for key in ("installers", "note", "labels", "badges"))
    # No about.json in the archive: its fields are null, not borrowed from elsewhere.
    assert bar["summary"] is None and bar["detail"]["meta"]["home"] is None
    assert bar["detail"]["meta"]["license"] == "BSD-3-Clause"


def test_documents_validate_join_records_and_repeat_byte_for_byte(crawled: Crawled) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    for document in crawled.documents:
        validator.validate(document)
    packages = read_jsonl_gz(crawled.out / layout.PACKAGES)
    assert [d["name"] for d in crawled.documents] == [p["name"] for p in packages]
    repos: set[str] = set()
    for split in ("train", "validation", "test"):
        for shard in layout.shards(crawled.out, layout.PAIRS, split):
            repos.update(pq.read_table(shard, columns=["repo"]).column("repo").to_pylist())
    assert (
        repos
        == {p["name"] for p in packages if p["units"]}
        == {d["name"] for d in crawled.documents}
    )  # every package has units, and each joins its document
    # The second build took every package from the work folder's cache, documents included.
    assert (crawled.out / layout.PACKAGE_DOCUMENTS).read_bytes() == crawled.first_bytes
    listed = layout.read_manifest(crawled.out).files[layout.PACKAGE_DOCUMENTS]
    assert listed.sha256 == hashlib.sha256(crawled.first_bytes).hexdigest()


def test_simple_index_documents_take_info_from_the_archive(
    server: IndexServer, clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No JSON API: releases come from the simple page, info from the sdist's PKG-INFO."""
    publish_pypi(server, standard_projects(), json_api=False)
    monkeypatch.setenv("PYTORRENT_INDEX_URL", server.url("/simple/"))
    monkeypatch.setenv("PYTORRENT_JSON_API_URL", "none")
    for key, value in FAST.items():
        monkeypatch.setenv(f"PYTORRENT_{key}", value)
    [handle] = parse_source_spec("pypi:alpha").packages(Drops())
    document = handle.read(ReadLimits(), Drops()).metadata.document
    assert document is not None
    assert document["info"]["summary"] == "The alpha package"  # from PKG-INFO
    assert sorted(document["releases"]) == ["1.0", "1.1", "2.0"]
    assert document["last_serial"] is None and document["timestamp"] == SERVED_AT
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text("utf-8"))).validate(document)

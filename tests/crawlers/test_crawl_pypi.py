"""PyPI spider end to end against a real HTTP index on 127.0.0.1."""

from __future__ import annotations

import base64
import gzip
import hashlib
from pathlib import Path
from typing import Any

from pytorrent_crawlers.run import CrawlJob, run_crawl
from pytorrent_crawlers.store import Store
from pytorrent_crawlers.summary import CrawlSummary
from tests.crawlers.crawlfix import FAST_SETTINGS, publish_pypi, standard_projects, store_tree
from tests.crawlers.indexserver import SIMPLE_JSON, IndexServer


def crawl(
    server: IndexServer, store: Path, settings: dict[str, Any] | None = None, **arguments: Any
) -> CrawlSummary:
    arguments = {
        "index_url": server.url("/simple/"),
        "json_api_url": server.url("/pypi/"),
        **arguments,
    }
    job = CrawlJob("pypi", store, arguments, settings={**FAST_SETTINGS, **(settings or {})})
    return run_crawl(job, timeout=90)


def by_name(store: Path) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in Store(store).records("pypi") if r["key"].endswith("|latest")}


def index_digests() -> dict[str, str]:
    return {
        d.filename: d.sha256 for p in standard_projects() for ds in p.releases.values() for d in ds
    }


def test_clean_crawl_gets_every_package_and_verifies_every_digest(
    server: IndexServer, tmp_path: Path
) -> None:
    publish_pypi(server, standard_projects())
    store = tmp_path / "store"
    summary = crawl(server, store, all_names=True)
    assert summary.finish_reason == "finished"
    assert summary.dropped == {} and summary.errors == 0
    assert summary.packages == 4 and summary.archives_stored == 3
    assert summary.stats["pytorrent/archives_verified"] == 3

    records = by_name(store)
    assert sorted(records) == ["alpha", "beta-pkg", "delta", "gamma"]
    chosen = {n: (r.get("archive") or {}).get("filename") for n, r in records.items()}
    assert chosen == {
        "alpha": "alpha-2.0.tar.gz",  # latest release's sdist
        "beta-pkg": "beta_pkg-0.2-py2.py3-none-any.whl",  # no sdist: the pure wheel
        "delta": "delta-0.9.tar.gz",  # 1.0 is yanked
        "gamma": None,  # only a platform wheel
    }
    assert records["gamma"]["archive_status"] == "no_python_archive"
    digests = index_digests()
    for record in records.values():
        archive = record.get("archive")
        if archive:
            data = (store / archive["path"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == archive["sha256"]
            assert archive["sha256"] == digests[archive["filename"]]
    alpha = records["alpha"]
    assert (alpha["release_count"], alpha["latest_version"], alpha["version"]) == (3, "2.0", "2.0")
    assert alpha["first_upload_time"] == "2024-01-01T10:00:00+00:00"
    assert alpha["license_expression"] == "MIT" and alpha["api"] == "json"
    assert alpha["document"]["ownership"] == {"roles": []}  # unknown fields are kept
    assert records["beta-pkg"]["display_name"] == "Beta_Pkg"

    # Crawling again re-reads metadata from the HTTP cache and reuses every stored archive.
    before = store_tree(store)
    files_fetched = sum(1 for _, p, _, _ in server.log if p.startswith("/files/"))
    again = crawl(server, store, all_names=True)
    assert again.archives_stored == 0 and again.archives_reused == 3
    assert again.cache_hits >= 5
    assert sum(1 for _, p, _, _ in server.log if p.startswith("/files/")) == files_fetched
    assert store_tree(store) == before


def test_pins_and_unknown_names(server: IndexServer, tmp_path: Path) -> None:
    publish_pypi(server, standard_projects())
    store = tmp_path / "store"
    summary = crawl(
        server,
        store,
        settings={"PYTORRENT_MAX_ARCHIVE_BYTES": 600},  # sdists fit, wheels do not
        requirements=["alpha==1.0", "alpha", "delta==1.0", "alpha==9", "nope", "beta-pkg"],
    )
    assert summary.dropped == {"not_found": 1, "version_not_found": 1}
    assert summary.drop_examples["version_not_found"] == ["alpha==9"]
    keys = {r["key"].rsplit("|", 2)[-2] + "|" + r["key"].rsplit("|", 1)[-1]: r for r in
            Store(store).records("pypi")}  # fmt: skip
    assert sorted(keys) == ["alpha|==1.0", "alpha|latest", "beta-pkg|latest", "delta|==1.0"]
    # The index gave the size: a record without the archive, no download, no drop.
    assert keys["beta-pkg|latest"]["archive_status"] == "too_large"
    assert not server.requests_for("/files/beta_pkg-0.2-py2.py3-none-any.whl")
    assert keys["alpha|==1.0"]["archive"]["filename"] == "alpha-1.0.tar.gz"
    assert keys["delta|==1.0"]["archive"]["filename"] == "delta-1.0.tar.gz"  # pinned: yanked ok
    # One request per project document, whatever the number of pins.
    assert len(server.requests_for("/pypi/alpha/json")) == 1


def test_mirror_without_json_api_uses_simple_pages_and_pkg_info(
    server: IndexServer, tmp_path: Path
) -> None:
    publish_pypi(server, standard_projects(), json_api=False)
    store = tmp_path / "store"
    summary = crawl(server, store, requirements=["alpha", "beta-pkg", "gamma", "delta"])
    assert summary.dropped == {}
    assert summary.stats["pytorrent/json_api_missing"] == 4
    records = by_name(store)
    alpha = records["alpha"]
    assert alpha["api"] == "simple" and alpha["core_metadata"] is True
    assert alpha["archive"]["filename"] == "alpha-2.0.tar.gz"
    assert alpha["document"]["info"]["summary"] == "The alpha package"  # from PKG-INFO
    assert alpha["document"]["info"]["version"] == "2.0"
    assert alpha["release_count"] == 3 and alpha["license_expression"] == "MIT"
    assert records["beta-pkg"]["document"]["info"]["requires_python"] == ">=3.8"  # wheel METADATA
    assert records["delta"]["archive"]["filename"] == "delta-0.9.tar.gz"
    assert records["gamma"]["archive_status"] == "no_python_archive"
    # PEP 691 JSON was asked for and served.
    assert all(SIMPLE_JSON in accept for _, p, _, accept in server.log if p == "/simple/alpha/")


def test_html_only_index_with_json_api_turned_off(server: IndexServer, tmp_path: Path) -> None:
    publish_pypi(server, standard_projects(), json_api=False)
    for route in server.routes.values():
        route.json_body = None  # a PEP 503-only mirror
    store = tmp_path / "store"
    settings = {"PYTORRENT_MAX_ARCHIVE_BYTES": 600}  # HTML gives no size: cut off when fetched
    summary = crawl(server, store, settings, json_api_url=None, all_names=True)
    assert summary.dropped == {"archive_too_large": 1} and summary.packages == 3
    assert summary.drop_examples["archive_too_large"] == [
        "beta-pkg:beta_pkg-0.2-py2.py3-none-any.whl"
    ]
    assert not any(p.startswith("/pypi/") for _, p, _, _ in server.log)
    records = by_name(store)
    assert records["alpha"]["simple"]["meta"]["format"] == "html"
    assert records["delta"]["archive"]["filename"] == "delta-0.9.tar.gz"  # data-yanked honoured


def test_index_credentials_are_sent_but_never_stored(server: IndexServer, tmp_path: Path) -> None:
    publish_pypi(server, standard_projects())
    store = tmp_path / "store"
    secret_index = server.url("/simple/").replace("http://", "http://reader:s3cret@")
    summary = crawl(server, store, index_url=secret_index, requirements=["alpha"])
    assert summary.packages == 1
    token = base64.b64encode(b"reader:s3cret")
    assert server.authorization and set(server.authorization) == {f"Basic {token.decode()}"}
    # Nowhere on disk: records, HTTP cache (request headers too), job state, logs.
    assert (store / "state" / "httpcache").is_dir()
    for path in store.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            data = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
            assert b"s3cret" not in data and token not in data, path
    assert by_name(store)["alpha"]["index_url"] == server.url("/simple/")

"""A faulty server loses no good package, and every bad one is counted with its reason."""

from __future__ import annotations

from pathlib import Path

from pytorrent_crawlers.run import CrawlJob, run_crawl
from pytorrent_crawlers.store import Store
from tests.crawlers.crawlfix import (
    FAST_SETTINGS,
    Project,
    many_projects,
    publish_pypi,
    sdist,
    standard_projects,
)
from tests.crawlers.indexserver import Fault, IndexServer

BAD = ("corrupt", "malformed", "gone", "secret", "invalid")


def test_faulty_server(server: IndexServer, tmp_path: Path) -> None:
    good = [*standard_projects(), *many_projects(4)]
    bad = [Project(n, {"1.0": [sdist(n, "1.0", 1)]}, "1.0") for n in BAD]
    publish_pypi(server, good + bad, robots="User-agent: *\nDisallow: /pypi/secret/\n")

    # Transient trouble, each within the retry budget (RETRY_TIMES=2): must not lose anything.
    server.fault("/pypi/alpha/json", Fault("status", 500), Fault("status", 502))
    wheel = "/files/beta_pkg-0.2-py2.py3-none-any.whl"
    server.fault(wheel, Fault("status", 429, headers={"Retry-After": "1"}))
    server.fault("/files/delta-0.9.tar.gz", Fault("drop"))
    server.fault("/pypi/pkg00/json", Fault("drop"), Fault("status", 503))
    server.fault("/files/pkg01-1.1.tar.gz", Fault("status", 504))
    # Permanent trouble: counted, never stored.
    server.sticky["/pypi/gone/json"] = Fault("status", 500)
    server.sticky["/files/corrupt-1.0.tar.gz"] = Fault("body", body=b"not the archive")
    server.routes["/pypi/malformed/json"].body = b'{"info": {"name": "malformed", "version'
    server.routes["/pypi/invalid/json"].body = b'{"info": {"name": "invalid"}, "releases": []}'

    names = [p.name for p in good + bad]
    store = tmp_path / "store"
    job = CrawlJob(
        "pypi",
        store,
        {"index_url": server.url("/simple/"), "json_api_url": server.url("/pypi/"),
         "requirements": names},
        settings=FAST_SETTINGS,
    )  # fmt: skip
    summary = run_crawl(job, timeout=90)

    assert summary.finish_reason == "finished"
    assert summary.dropped == {
        "http_500": 1,
        "invalid_record": 1,
        "malformed_json": 1,
        "robots_forbidden": 1,
        "sha256_mismatch": 1,
    }
    assert summary.drop_examples["sha256_mismatch"] == ["corrupt:corrupt-1.0.tar.gz"]
    assert summary.drop_examples["http_500"] == ["gone"]
    records = {r["name"]: r for r in Store(store).records("pypi")}
    assert sorted(records) == sorted(
        ["alpha", "beta-pkg", "gamma", "delta", "pkg00", "pkg01", "pkg02", "pkg03"]
    )
    stored = {n for n, r in records.items() if r["archive_status"] == "stored"}
    assert stored == set(records) - {"gamma"}
    assert summary.retries >= 7
    assert not any(p.name.startswith("corrupt") for p in (store / "archives").rglob("*"))

    # Retry-After was honoured: the retry came at least a second after the 429.
    (first, status), (second, _) = server.requests_for(wheel)
    assert status == 429 and second - first >= 1.0
    assert summary.stats["pytorrent/retry_after_honoured"] == 1
    # robots.txt was asked for and obeyed: the forbidden document was never requested.
    assert server.requests_for("/robots.txt") and not server.requests_for("/pypi/secret/json")

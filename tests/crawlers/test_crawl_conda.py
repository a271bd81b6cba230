"""conda spider end to end: repodata of several subdirs, latest build per name, verified files."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pytorrent_crawlers.run import CrawlJob, run_crawl
from pytorrent_crawlers.store import Store
from pytorrent_crawlers.summary import CrawlSummary
from tests.crawlers.crawlfix import FAST_SETTINGS, CondaBuild, publish_conda
from tests.crawlers.indexserver import Fault, IndexServer, Route

PY = ["python >=3.8"]
BUILDS = [
    CondaBuild("noarch", "pyfoo", "1.0", "py_0", ".tar.bz2", PY, "python"),
    CondaBuild("noarch", "pyfoo", "1.1", "py_0", ".tar.bz2", PY, "python"),
    CondaBuild("noarch", "pyfoo", "1.1", "py_0", ".conda", PY, "python"),  # same build, v2
    CondaBuild("linux-64", "pybaz", "2.0", "py311_0", ".conda", ["python >=3.11,<3.12"]),
    CondaBuild("noarch", "pybaz", "2.1", "py_0", ".conda", PY, "python"),  # newer, other subdir
    CondaBuild("linux-64", "pymd5", "0.5", "py311_1", ".tar.bz2", ["python"], build_number=1,
               with_sha256=False),  # old repodata: md5 only
    CondaBuild("linux-64", "libbar", "3.0", "h1_0", ".conda", ["libgcc-ng >=12"]),  # no Python
    CondaBuild("noarch", "pybad", "1.0", "py_0", ".conda", PY, "python"),
]  # fmt: skip


def crawl(server: IndexServer, store: Path, **arguments: Any) -> CrawlSummary:
    arguments = {"channel_url": server.url("/chan"), "subdirs": ["noarch", "linux-64"], **arguments}
    return run_crawl(CrawlJob("conda", store, arguments, settings=FAST_SETTINGS), timeout=90)


def test_channel_crawl(server: IndexServer, tmp_path: Path) -> None:
    blobs = publish_conda(server, "chan", BUILDS)
    server.sticky["/chan/noarch/pybad-1.0-py_0.conda"] = Fault("body", body=b"corrupted")
    server.fault("/chan/linux-64/repodata.json", Fault("status", 503))
    server.add("/chan/osx-64/repodata.json", Route(b'{"packages": {', "application/json"))
    store = tmp_path / "store"

    summary = crawl(server, store, subdirs=["noarch", "linux-64", "osx-64"])
    assert summary.finish_reason == "finished"
    assert summary.dropped == {"malformed_repodata": 1, "sha256_mismatch": 1}
    records = {r["name"]: r for r in Store(store).records("conda")}
    assert sorted(records) == ["libbar", "pybaz", "pyfoo", "pymd5"]
    assert records["pyfoo"]["filename"] == "pyfoo-1.1-py_0.conda"  # .conda over .tar.bz2
    assert records["pybaz"]["filename"] == "pybaz-2.1-py_0.conda"  # newer noarch over linux-64
    assert (records["pyfoo"]["release_count"], records["pybaz"]["release_count"]) == (2, 2)
    assert (
        records["libbar"]["archive_status"] == "not_python" and "archive" not in records["libbar"]
    )
    assert records["pymd5"]["archive_status"] == "stored"  # verified by md5
    assert records["pyfoo"]["record"]["license_family"] == "BSD"  # the raw entry is kept
    for name in ("pyfoo", "pybaz", "pymd5"):
        archive = records[name]["archive"]
        data = (store / archive["path"]).read_bytes()
        assert data == blobs[records[name]["filename"]]
        assert archive["sha256"] == hashlib.sha256(data).hexdigest()

    # One name, every archive: the stored one is reused, the other names are untouched.
    again = crawl(server, store, names=["pyfoo", "libbar", "nothere"], all_archives=True)
    assert again.dropped == {"not_found": 1}
    assert again.archives_reused == 1 and again.archives_stored == 1  # libbar now downloaded
    records = {r["name"]: r for r in Store(store).records("conda")}
    assert records["libbar"]["archive_status"] == "stored" and len(records) == 4

"""Digest checks of downloaded archives: an index that declares only an md5 is held to it,
and an archive with no digest at all is never stored (a real channel on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pytorrent_crawlers.run import CrawlJob, run_crawl
from pytorrent_crawlers.store import Store
from tests.crawlers.crawlfix import FAST_SETTINGS, CondaBuild, IndexServer, publish_conda

PY = ["python >=3.8"]
REPODATA = "/chan/noarch/repodata.json"


def _build(name: str) -> CondaBuild:
    return CondaBuild("noarch", name, "1.0", "py_0", ".tar.bz2", PY, "python", with_sha256=False)


def test_md5_only_archives_are_verified_and_undigested_ones_refused(
    server: IndexServer, tmp_path: Path
) -> None:
    blobs = publish_conda(server, "chan", [_build("pygood"), _build("pywrong"), _build("pybare")])
    route = server.routes[REPODATA]
    repodata = json.loads(route.body)
    entries = repodata["packages"]
    assert all("sha256" not in entry for entry in entries.values())
    # The index's md5 of pywrong is another file's; pybare's entry has no digest at all.
    entries["pywrong-1.0-py_0.tar.bz2"]["md5"] = hashlib.md5(b"another file").hexdigest()
    del entries["pybare-1.0-py_0.tar.bz2"]["md5"]
    route.body = json.dumps(repodata).encode()
    store = tmp_path / "store"

    job = CrawlJob(
        "conda", store, {"channel_url": server.url("/chan"), "subdirs": ["noarch"]},
        settings=FAST_SETTINGS,
    )  # fmt: skip
    summary = run_crawl(job, timeout=90)

    assert summary.finish_reason == "finished"
    assert summary.dropped == {"md5_mismatch": 1, "no_digest": 1}
    assert summary.drop_examples["md5_mismatch"] == ["pywrong:pywrong-1.0-py_0.tar.bz2"]
    assert summary.drop_examples["no_digest"] == ["pybare:pybare-1.0-py_0.tar.bz2"]
    # Both files were downloaded (the check is on the bytes), neither was stored or written.
    for name in ("pywrong", "pybare"):
        assert server.requests_for(f"/chan/noarch/{name}-1.0-py_0.tar.bz2")
    records = {r["name"]: r for r in Store(store).records("conda")}
    assert sorted(records) == ["pygood"]
    archive = records["pygood"]["archive"]
    assert (store / archive["path"]).read_bytes() == blobs["pygood-1.0-py_0.tar.bz2"]
    stored = sorted(p.name for p in (store / "archives").rglob("*.tar.bz2"))
    assert stored == ["pygood-1.0-py_0.tar.bz2"]

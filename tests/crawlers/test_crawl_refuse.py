"""A hostile index names other schemes, other hosts, redirect games and huge pages: all refused.

Two real loopback servers: the index on 127.0.0.1 and "another host" on 127.0.0.2. Every
refusal is counted with its reason, the healthy packages are still crawled, the crawl exits
0, and nothing is ever requested from the other host until `--allow-host` names it.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

import pytorrent_crawlers.settings
from pytorrent.cli import main
from pytorrent.drops import Drops
from pytorrent.sources.resolve import parse_source_spec
from pytorrent_crawlers.run import CrawlJob, run_crawl
from pytorrent_crawlers.store import Store
from pytorrent_crawlers.summary import CrawlSummary
from tests.crawlers.archives import make_sdist
from tests.crawlers.crawlfix import (
    FAST_SETTINGS,
    CondaBuild,
    publish_conda,
    publish_pypi,
    standard_projects,
)
from tests.crawlers.indexserver import IndexServer, Route

FAST = ["--set", "AUTOTHROTTLE_ENABLED=0", "--set", "DOWNLOAD_DELAY=0", "--set", "RETRY_TIMES=1",
        "--set", "PYTORRENT_BACKOFF_BASE=0.01", "--log-level", "warning"]  # fmt: skip
HEALTHY = ["alpha", "beta-pkg", "gamma", "delta"]
METADATA_CAP = 256 * 1024
PASSWD = Path("/etc/passwd").read_bytes()


@pytest.fixture
def other() -> Iterator[IndexServer]:
    """A second server on another loopback address: another host as far as URLs go."""
    srv = IndexServer("127.0.0.2")
    srv.add("/robots.txt", Route(b"User-agent: *\nAllow: /\n", "text/plain"))
    yield srv
    srv.close()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def link_page(server: IndexServer, name: str, href: str, text: str | None = None) -> None:
    """A PEP 503 project page whose only file is `href`."""
    html = f'<html><body><a href="{href}">{text or name + "-1.0.tar.gz"}</a></body></html>'
    server.add(f"/simple/{name}/", Route(html.encode(), "text/html"))


def redirect(server: IndexServer, path: str, location: str) -> None:
    server.add(path, Route(b"", "text/plain", status=302, headers={"Location": location}))


def publish_hostile(server: IndexServer, other: IndexServer) -> list[str]:
    """The healthy index plus one project per trick; returns every name to crawl."""
    publish_pypi(server, standard_projects(), json_api=False)
    for route in server.routes.values():
        route.json_body = None  # PEP 503 HTML pages only, like the hostile ones
    sdists = {n: make_sdist(n, "1.0") for n in ("elsewhere", "bounce")}
    link_page(server, "fileurl", f"file:///etc/passwd#sha256={sha(PASSWD)}")
    link_page(server, "ftpurl", f"ftp://127.0.0.1:{server.port}/files/ftpurl-1.0.tar.gz")
    link_page(
        server, "dataurl", "data:application/octet-stream;base64,UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="
    )
    elsewhere = f"/files/elsewhere-1.0.tar.gz#sha256={sha(sdists['elsewhere'])}"
    link_page(server, "elsewhere", other.url(elsewhere))
    other.add("/files/elsewhere-1.0.tar.gz", Route(sdists["elsewhere"]))
    # Links to the index host that redirect elsewhere, to a file, or round in a circle.
    link_page(server, "bounce", f"../../files/bounce-1.0.tar.gz#sha256={sha(sdists['bounce'])}")
    redirect(server, "/files/bounce-1.0.tar.gz", other.url("/files/bounce-1.0.tar.gz"))
    other.add("/files/bounce-1.0.tar.gz", Route(sdists["bounce"]))
    link_page(server, "tofile", "../../files/tofile-1.0.tar.gz")
    redirect(server, "/files/tofile-1.0.tar.gz", "file:///etc/passwd")
    link_page(server, "loop", "../../files/loop-1.0.tar.gz")
    redirect(server, "/files/loop-1.0.tar.gz", "/files/loop-b.tar.gz")
    redirect(server, "/files/loop-b.tar.gz", "/files/loop-1.0.tar.gz")
    link_page(server, "chain", "../../files/chain-1.0.tar.gz")  # more than REDIRECT_MAX_TIMES
    redirect(server, "/files/chain-1.0.tar.gz", "/files/chain-1")
    for hop in range(1, 12):
        redirect(server, f"/files/chain-{hop}", f"/files/chain-{hop + 1}")
    # Metadata over the cap: streamed without a length, and a gzip bomb (small on the wire).
    padding = b"<!-- " + b"x" * (METADATA_CAP * 2) + b" -->"
    server.add("/simple/huge/", Route(b"<html><body>" + padding, "text/html", chunked=True))
    bomb = gzip.compress(b"<html>" + b" " * (METADATA_CAP * 8), mtime=0)
    server.add("/simple/bomb/", Route(bomb, "text/html", headers={"Content-Encoding": "gzip"}))
    hostile = ["fileurl", "ftpurl", "dataurl", "elsewhere", "bounce", "tofile", "loop", "chain"]
    return [*HEALTHY, *hostile, "huge", "bomb"]


def crawl_cli(server: IndexServer, store: Path, names: list[str], *extra: str) -> int:
    return main(
        ["crawl", "pypi", *names, "--index-url", server.url("/simple/"), "--json-api-url",
         "none", "--store", str(store), "--max-metadata-bytes", str(METADATA_CAP), *FAST, *extra]
    )  # fmt: skip


def last_summary(store: Path, spider: str = "pypi") -> CrawlSummary:
    latest = sorted((store / "runs").glob(f"*-{spider}.json"))[-1]
    return CrawlSummary.model_validate_json(latest.read_bytes())


def test_hostile_links_are_refused_and_counted_until_a_host_is_allowed(
    server: IndexServer,
    other: IndexServer,
    clean_env: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    names = publish_hostile(server, other)
    store = tmp_path / "store"

    assert crawl_cli(server, store, names) == 0
    out = capsys.readouterr().out
    summary = last_summary(store)
    assert summary.finish_reason == "finished"
    assert summary.refused == {"host": 1, "redirect": 2, "redirect_loop": 1, "scheme": 3,
                               "too_large": 2, "too_many_redirects": 1}  # fmt: skip
    assert summary.dropped == {
        "archive_refused_url/host": 1,
        "archive_refused_url/redirect": 2,
        "archive_refused_url/redirect_loop": 1,
        "archive_refused_url/scheme": 3,
        "archive_refused_url/too_many_redirects": 1,
        "too_large": 2,
    }
    assert summary.drop_examples["too_large"] == ["bomb", "huge"]
    assert summary.refused_examples["host"] == [other.url("/files/elsewhere-1.0.tar.gz")]
    assert summary.refused_examples["redirect"] == [
        "file:///etc/passwd",
        other.url("/files/bounce-1.0.tar.gz"),
    ]
    records = {r["name"]: r for r in Store(store).records("pypi")}
    assert sorted(records) == sorted(HEALTHY)
    assert not other.log  # never a request to the other host, not even for robots.txt
    assert "10 URLs refused" in out
    assert "refused      1 host" in out and "--allow-host" in out
    assert "--max-metadata-bytes" in out
    for path in store.rglob("*"):
        if path.is_file() and path.stat().st_size:
            assert PASSWD not in path.read_bytes(), path

    # Allowing the other host lets its archive and the redirect to it through.
    assert crawl_cli(server, store, names, "--allow-host", f"127.0.0.2:{other.port}") == 0
    summary = last_summary(store)
    assert summary.refused == {"redirect": 1, "redirect_loop": 1, "scheme": 3, "too_large": 2,
                               "too_many_redirects": 1}  # fmt: skip
    records = {r["name"]: r for r in Store(store).records("pypi")}
    assert sorted(records) == sorted([*HEALTHY, "bounce", "elsewhere"])
    assert records["elsewhere"]["archive_status"] == "stored"
    assert other.requests_for("/files/bounce-1.0.tar.gz")
    assert len(server.requests_for("/files/chain-10")) == 2 and not server.requests_for(
        "/files/chain-11"
    )  # REDIRECT_MAX_TIMES (10) redirects followed, no more


def test_conda_files_on_another_host_and_a_huge_repodata(
    server: IndexServer, other: IndexServer, clean_env: Path, tmp_path: Path
) -> None:
    builds = [CondaBuild("noarch", "pyfoo", "1.1", "py_0", ".conda", ["python"], "python")]
    blobs = publish_conda(server, "chan", builds)
    repodata = orjson.loads(server.routes["/chan/noarch/repodata.json"].body)
    repodata["info"]["base_url"] = other.url("/files/")  # CEP 15: files live elsewhere
    server.routes["/chan/noarch/repodata.json"].body = orjson.dumps(repodata)
    other.add("/files/pyfoo-1.1-py_0.conda", Route(blobs["pyfoo-1.1-py_0.conda"]))
    huge = b'{"packages": {}, "pad": "' + b"x" * 100_000 + b'"}'
    server.add("/chan/linux-64/repodata.json", Route(huge, "application/json"))
    store = tmp_path / "store"
    argv = ["crawl", "conda", server.url("/chan"), "--subdir", "noarch", "--subdir", "linux-64",
            "--store", str(store), "--max-repodata-bytes", "65536", *FAST]  # fmt: skip

    assert main(argv) == 0
    summary = last_summary(store, "conda")
    assert summary.refused == {"host": 1, "too_large": 1}
    assert summary.dropped == {"archive_refused_url/host": 1, "repodata_too_large": 1}
    log = (store / "runs" / f"{summary.run_id}-conda.log").read_text()
    assert "raise it with --max-repodata-bytes N" in log and not other.log

    assert main([*argv, "--allow-host", f"127.0.0.2:{other.port}"]) == 0
    records = list(Store(store).records("conda"))
    assert [r["archive_status"] for r in records] == ["stored"]


def test_the_same_host_on_another_port_is_another_host(
    server: IndexServer, clean_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    neighbour = IndexServer()  # 127.0.0.1 too, another port
    try:
        publish_pypi(server, [], json_api=False)
        link_page(server, "next", neighbour.url("/files/next-1.0.tar.gz"))
        assert crawl_cli(server, tmp_path / "store", ["next"]) == 0
        assert last_summary(tmp_path / "store").refused == {"host": 1}
        assert not neighbour.log
    finally:
        neighbour.close()


def test_without_the_guard_the_disabled_handlers_still_refuse(
    server: IndexServer, tmp_path: Path
) -> None:
    """The file/data/ftp/s3 handlers are off: with the allow-list removed, nothing is read."""
    publish_pypi(server, [], json_api=False)
    data = b"PK\x05\x06" + bytes(18)
    link_page(server, "fileurl", f"file:///etc/passwd#sha256={sha(PASSWD)}")
    encoded = "".join(f"%{b:02X}" for b in data)
    link_page(server, "dataurl", f"data:application/octet-stream,{encoded}#sha256={sha(data)}",
              "dataurl-1.0.zip")  # fmt: skip
    link_page(server, "ftpurl", f"ftp://127.0.0.1:{server.port}/files/ftpurl-1.0.tar.gz")
    link_page(server, "s3url", "s3://bucket/s3url-1.0.tar.gz")
    middlewares = dict(pytorrent_crawlers.settings.DOWNLOADER_MIDDLEWARES)
    middlewares["pytorrent_crawlers.refuse.AllowedHostsMiddleware"] = None
    store = tmp_path / "store"
    job = CrawlJob(
        "pypi",
        store,
        {"index_url": server.url("/simple/"), "json_api_url": None,
         "requirements": ["fileurl", "dataurl", "ftpurl", "s3url"]},
        settings={**FAST_SETTINGS, "DOWNLOADER_MIDDLEWARES": middlewares},
    )  # fmt: skip
    summary = run_crawl(job, timeout=60)
    assert summary.finish_reason == "finished" and summary.refused == {}
    assert summary.dropped == {"archive_network_NotSupported": 4}  # no handler for the scheme
    assert not (store / "archives").exists() or not any((store / "archives").rglob("*.*"))
    stats = orjson.loads(orjson.dumps(summary.stats))
    assert "downloader/response_count" in stats  # the pages themselves were fetched


def _index_linking_to_another_host(
    server: IndexServer, other: IndexServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`pypi:elsewhere` on `server`, whose sdist lives on `other` (a second loopback host)."""
    for name, value in {"AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0",
                        "BACKOFF_BASE": "0.01", "PROGRESS_INTERVAL": "0"}.items():  # fmt: skip
        monkeypatch.setenv(f"PYTORRENT_{name}", value)
    monkeypatch.setenv("PYTORRENT_INDEX_URL", server.url("/simple/"))
    monkeypatch.setenv("PYTORRENT_JSON_API_URL", "none")
    publish_pypi(server, [], json_api=False)
    data = make_sdist("elsewhere", "1.0")
    other.add("/files/elsewhere-1.0.tar.gz", Route(data))
    link_page(server, "elsewhere", other.url(f"/files/elsewhere-1.0.tar.gz#sha256={sha(data)}"))


def test_build_sources_take_allowed_hosts_from_the_environment(
    server: IndexServer, other: IndexServer, clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`build pypi:NAME` also takes its allowed hosts from PYTORRENT_ALLOW_HOSTS."""
    _index_linking_to_another_host(server, other, monkeypatch)

    drops = Drops()
    assert list(parse_source_spec("pypi:elsewhere").packages(drops)) == []
    assert drops.by_stage() == {"crawl": {"archive_refused_url/host": 1}}
    assert not other.log

    monkeypatch.setenv("PYTORRENT_ALLOW_HOSTS", f"127.0.0.2:{other.port}")
    handles = list(parse_source_spec("pypi:elsewhere").packages(Drops()))
    assert [h.key for h in handles] == ["elsewhere==1.0"]


def test_build_allow_host_flag_lets_another_host_through(
    server: IndexServer, other: IndexServer, clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`build --allow-host HOST:PORT` adds to PYTORRENT_ALLOW_HOSTS for that run."""
    from pytorrent.cli import main

    _index_linking_to_another_host(server, other, monkeypatch)
    monkeypatch.setenv("PYTORRENT_ALLOW_HOSTS", "")  # restored after the run sets it
    out = clean_env / "out"

    code = main(["build", "pypi:elsewhere", "--out", str(out), "--quiet", "--no-filter",
                 "--allow-host", f"127.0.0.2:{other.port}"])  # fmt: skip

    assert code == 0
    assert other.log  # the archive came from the allowed second host
    assert orjson.loads((out / "build.json").read_bytes())["counts"]["packages"] == 1

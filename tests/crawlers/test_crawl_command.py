"""`python -m pytorrent crawl pypi|conda ...`."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from pytorrent.cli import main
from pytorrent.commands import crawl
from pytorrent.errors import ConfigError
from pytorrent_crawlers.store import Store
from tests.crawlers.crawlfix import publish_pypi, standard_projects
from tests.crawlers.indexserver import IndexServer

FAST = ["--set", "AUTOTHROTTLE_ENABLED=0", "--set", "DOWNLOAD_DELAY=0", "--log-level", "warning"]


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    crawl.add_arguments(parser)
    return parser.parse_args(argv)


def test_crawl_pypi_from_the_command_line(
    server: IndexServer, clean_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish_pypi(server, standard_projects())
    names = tmp_path / "names.txt"
    names.write_text("delta\nnope\n")
    store = tmp_path / "cli-store"
    status = main(
        ["crawl", "pypi", "alpha", "--names-file", str(names), "--index-url",
         server.url("/simple/"), "--store", str(store), *FAST]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0
    assert "pypi: finished" in out and "2 packages" in out
    assert "dropped      1 not_found  (e.g. nope)" in out
    assert {r["name"] for r in Store(store).records("pypi")} == {"alpha", "delta"}


def test_crawl_job_from_arguments(clean_env: Path, tmp_path: Path) -> None:
    args = parse("conda", "https://u:p@channel.test/main", "--subdir", "noarch", "--name", "x",
                 "--store", str(tmp_path), "--set", "RETRY_TIMES=9", "--no-cache", "--fresh")  # fmt: skip
    job = crawl.job_from_args(args)
    assert job.spider == "conda" and job.fresh
    assert job.arguments == {"channel_url": "https://u:p@channel.test/main",
                             "subdirs": ["noarch"], "all_archives": False, "names": ["x"]}  # fmt: skip
    assert job.settings == {"RETRY_TIMES": "9", "HTTPCACHE_ENABLED": False}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["pypi", "--index-url", "http://i.test/simple/"], "--all"),
        (["pypi", "a>2", "--index-url", "http://i.test/simple/"], "NAME==VERSION"),
        (["pypi", "a"], "no package index configured"),
        (["pypi", "a", "--index-url", "http://i.test/", "--set", "X"], "KEY=VALUE"),
        (["conda", "channel-name"], "http"),
    ],
)
def test_bad_input_is_a_config_error(clean_env: Path, argv: list[str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        crawl.job_from_args(parse(*argv))

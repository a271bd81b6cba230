"""The host allow-list: which `host:port` a URL needs, and how users add hosts."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from pytorrent.cli import main
from pytorrent.commands import crawl
from pytorrent.errors import ConfigError
from pytorrent_crawlers.hosts import (
    AllowList,
    HostRule,
    parse_allow_host,
    parse_allow_hosts,
    without_credentials,
)


def test_given_urls_allow_their_host_and_port() -> None:
    allow = AllowList.of(["http://127.0.0.1:8080/simple/", "https://Index.Test/simple/", None])
    assert allow.refusal("http://127.0.0.1:8080/files/a.tar.gz") is None
    assert allow.refusal("http://127.0.0.1:8081/files/a.tar.gz") == "host"
    assert allow.refusal("http://127.0.0.2:8080/files/a.tar.gz") == "host"
    # A given URL on its default port allows either scheme's default port (http -> https).
    assert allow.refusal("http://index.test./files/a.tar.gz") is None
    assert allow.refusal("https://INDEX.test:443/files/a.tar.gz") is None
    assert allow.refusal("https://index.test:8443/files/a.tar.gz") == "host"
    assert allow.refusal("https://files.index.test/a.tar.gz") == "host"


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://index.test/a.tar.gz", "data:,x", "s3://b/k", "//index.test/a"],
)
def test_only_http_and_https_are_fetched(url: str) -> None:
    assert AllowList.of(["https://index.test/"]).refusal(url) == "scheme"


def test_malformed_urls_are_refused() -> None:
    allow = AllowList.of(["https://index.test/"])
    assert allow.refusal("https://index.test:99999/a") == "malformed"
    assert allow.refusal("https:///a") == "malformed"


def test_allow_host_entries() -> None:
    assert parse_allow_host("Files.Test") == HostRule("files.test", None)
    assert parse_allow_host(" files.test:8443 ") == HostRule("files.test", 8443)
    assert parse_allow_host("[::1]:9000") == HostRule("::1", 9000)
    assert str(HostRule("::1", 9000)) == "[::1]:9000"
    rules = parse_allow_hosts(["a.test,b.test:81", "", "a.test"])
    assert rules == [HostRule("a.test"), HostRule("b.test", 81)]
    allow = AllowList.of(["https://index.test/"], rules)
    assert allow.refusal("https://a.test/x") is None and allow.refusal("http://a.test/x") is None
    assert allow.refusal("http://b.test:81/x") is None and allow.refusal("http://b.test/x")


@pytest.mark.parametrize(
    "bad", ["", "http://a.test", "a.test/path", "user@a.test", "*.a.test", "a.test:x", "a:0"]
)
def test_bad_allow_host_entries_are_config_errors(bad: str) -> None:
    with pytest.raises(ConfigError, match="--allow-host"):
        parse_allow_host(bad)


def test_credentials_never_reach_examples() -> None:
    assert without_credentials("https://u:p@h.test:8/a?b#c") == "https://h.test:8/a?b#c"
    assert without_credentials("file:///etc/passwd") == "file:///etc/passwd"


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    crawl.add_arguments(parser)
    return parser.parse_args(argv)


def test_flags_and_environment_reach_the_crawl_settings(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTORRENT_ALLOW_HOSTS", "cdn.test, mirror.test:8080")
    args = parse("pypi", "a", "--index-url", "http://i.test/simple/", "--allow-host",
                 "files.test", "--max-metadata-bytes", "1000", "--max-archive-bytes", "2000")  # fmt: skip
    settings = crawl.job_from_args(args).settings
    assert settings["PYTORRENT_ALLOW_HOSTS"] == ["cdn.test", "files.test", "mirror.test:8080"]
    assert settings["PYTORRENT_MAX_METADATA_BYTES"] == 1000
    assert settings["PYTORRENT_MAX_ARCHIVE_BYTES"] == 2000
    args = parse("conda", "http://c.test/chan", "--max-repodata-bytes", "3000")
    assert crawl.job_from_args(args).settings["PYTORRENT_MAX_REPODATA_BYTES"] == 3000


def test_a_bad_allow_host_is_one_line_and_exit_2(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["crawl", "pypi", "a", "--index-url", "http://i.test/simple/"]
    assert main([*argv, "--allow-host", "http://evil.test/"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--allow-host / PYTORRENT_ALLOW_HOSTS expects HOST or HOST:PORT" in err
    assert len(err.splitlines()) == 1
    monkeypatch.setenv("PYTORRENT_ALLOW_HOSTS", "ok.test,bad/host")
    assert main(argv) == 2
    assert "'bad/host'" in capsys.readouterr().err

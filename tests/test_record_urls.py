"""Record URLs: forge blob URLs from git remotes, the purl scheme elsewhere (issue 16 item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytorrent.drops import Drops
from pytorrent.records import unit_url
from pytorrent.sources.forge import blob_url_template, checkout_blob_url, forge_repository
from pytorrent.sources.git import GitSource
from tests.sources.test_git import Repo

SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    "remote",
    [
        "https://github.com/aio-libs/aiohttp.git",
        "https://github.com/aio-libs/aiohttp/",
        "git@github.com:aio-libs/aiohttp.git",
        "ssh://git@github.com/aio-libs/aiohttp",
        "https://user:token@GitHub.com/aio-libs/aiohttp.git",
    ],
)
def test_remote_forms_give_one_blob_url_without_credentials(remote: str) -> None:
    template = blob_url_template(remote, SHA)
    assert template is not None
    url = template.format(path="aiohttp/web.py", start=3, end=9)
    assert url == f"https://github.com/aio-libs/aiohttp/blob/{SHA}/aiohttp/web.py#L3-L9"


def test_each_forge_gets_its_own_line_anchor() -> None:
    gitlab = blob_url_template("git@gitlab.com:group/sub/proj.git", SHA, "src/")
    assert gitlab is not None
    assert gitlab.format(path="m.py", start=1, end=2) == (
        f"https://gitlab.com/group/sub/proj/-/blob/{SHA}/src/m.py#L1-2"
    )
    bitbucket = blob_url_template("https://bitbucket.org/team/repo", SHA)
    assert bitbucket is not None and bitbucket.endswith("{path}#lines-{start}:{end}")


@pytest.mark.parametrize(
    "remote",
    [
        "https://example.org/team/repo.git",  # not a forge we know the URL layout of
        "/srv/git/repo.git",
        "file:///srv/git/repo.git",
        "https://github.com/only-owner",
        "https://github.com/a/b/c",
        "https://github.com/a/{path}",
    ],
)
def test_other_remotes_give_no_template(remote: str) -> None:
    assert blob_url_template(remote, SHA) is None


def test_forge_repository_drops_user_and_suffix() -> None:
    assert forge_repository("https://u:p@github.com/o/r.git") == ("github.com", ["o", "r"])


def test_purl_scheme_carries_the_encoded_path_and_span() -> None:
    url = unit_url("pkg:pypi/aiohttp@3.9.5", "aiohttp/a b#c.py", 10, 24)
    assert url == "pkg:pypi/aiohttp@3.9.5#aiohttp/a%20b%23c.py:L10-L24"
    template = blob_url_template("https://github.com/o/r", SHA)
    assert unit_url("pkg:generic/r@1", "a b.py", 1, 1, template) == (
        f"https://github.com/o/r/blob/{SHA}/a%20b.py#L1-L1"
    )


def test_a_subfolder_checkout_gets_the_folder_prefix(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "mono")
    repo.git("remote", "add", "upstream", "git@github.com:team/mono.git")
    sha = repo.commit(
        {"libs/one/pyproject.toml": "", "libs/one/m.py": "X = 1\n"}, "m", "2024-01-01T00:00:00Z"
    )
    template = checkout_blob_url(str(repo.path / "libs" / "one"), sha)
    assert (
        template == f"https://github.com/team/mono/blob/{sha}/libs/one/{{path}}#L{{start}}-L{{end}}"
    )
    (handle,) = GitSource(str(repo.path / "libs" / "one"), "git:mono").packages(Drops())
    assert handle.revision == f"{sha} {template}"  # a changed remote misses the cache


def test_no_remote_means_the_purl_scheme(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "plain")
    sha = repo.commit({"m.py": "X = 1\n"}, "m", "2024-01-01T00:00:00Z")
    assert checkout_blob_url(str(repo.path), sha) is None

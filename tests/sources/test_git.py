"""`git:PATH`: files of HEAD and, per line, the commit that last touched it (git blame)."""

from __future__ import annotations

import os
import pickle
import subprocess
from pathlib import Path

import pytest

from pytorrent.drops import Drops
from pytorrent.errors import ConfigError
from pytorrent.sources import parse_source_spec
from pytorrent.sources.base import CommitInfo, ReadLimits
from pytorrent.sources.git import GitPackage, GitSource, parse_blame

pytestmark = pytest.mark.skipif(
    subprocess.run(["git", "--version"], capture_output=True, check=False).returncode != 0,
    reason="git is not installed",
)


class Repo:
    """A real repository driven through the git CLI, with fixed identities and dates."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir()
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, date: str = "2020-01-01T00:00:00Z") -> str:
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "A",
            "GIT_AUTHOR_EMAIL": "a@example.invalid",
            "GIT_COMMITTER_NAME": "C",
            "GIT_COMMITTER_EMAIL": "c@example.invalid",
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        done = subprocess.run(
            ["git", "-C", str(self.path), *args], env=env, capture_output=True, check=True
        )
        return done.stdout.decode().strip()

    def commit(self, files: dict[str, str], message: str, date: str) -> str:
        for name, text in files.items():
            (self.path / name).parent.mkdir(parents=True, exist_ok=True)
            (self.path / name).write_text(text)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, date=date)
        return self.git("rev-parse", "HEAD")


V1 = "def first():\n    return 1\n"
V2 = V1 + "\n\ndef second():\n    return 2\n"
V3 = V2.replace("return 1", "return 10")


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Repo, list[str]]:
    repo = Repo(tmp_path / "my_repo")
    shas = [
        repo.commit(
            {"pkg/mod.py": V1, "pyproject.toml": '[project]\nname = "My_Repo"\nversion = "0.2"\n'},
            "Add first\n\nWhy: a body line.",
            "2021-03-04T05:06:07+02:00",
        ),
        repo.commit({"pkg/mod.py": V2, "README.md": "hi"}, "Add second", "2022-01-01T00:00:00Z"),
        repo.commit(
            {"pkg/mod.py": V3, "pkg/other.py": "X = 1\n"}, "Fix first", "2023-06-01T12:00:00Z"
        ),
    ]
    return repo, shas


def test_files_metadata_and_blame(repo: tuple[Repo, list[str]]) -> None:
    git_repo, (first, second, third) = repo
    drops = Drops()
    (handle,) = GitSource(path=str(git_repo.path), spec="git:x").packages(drops)
    assert isinstance(handle, GitPackage) and handle.key == "my-repo==0.2"
    handle = pickle.loads(pickle.dumps(handle))
    content = handle.read(ReadLimits(), drops)
    files = {raw.path: raw.data for raw in content.files}
    assert files == {"pkg/mod.py": V3.encode(), "pkg/other.py": b"X = 1\n"}
    meta = content.metadata
    assert (meta.source, meta.purl, meta.source_file) == (
        "git",
        "pkg:generic/my-repo@0.2",
        "my_repo",
    )
    assert meta.upload_time == "2023-06-01T12:00:00Z"
    assert content.blame is not None
    blame = content.blame("pkg/mod.py")
    assert blame is not None and len(blame) == V3.count("\n")
    fix = CommitInfo(sha=third, date="2023-06-01T12:00:00Z", message="Fix first")
    add = CommitInfo(
        sha=first, date="2021-03-04T03:06:07Z", message="Add first\n\nWhy: a body line."
    )
    add2 = CommitInfo(sha=second, date="2022-01-01T00:00:00Z", message="Add second")
    assert list(blame) == [add, fix, add2, add2, add2, add2]
    assert drops.by_stage() == {}


def test_uncommitted_changes_and_untracked_files_are_not_read(repo: tuple[Repo, list[str]]) -> None:
    git_repo, _ = repo
    (git_repo.path / "pkg" / "mod.py").write_text("edited = True\n")
    (git_repo.path / "untracked.py").write_text("u = 1\n")
    (handle,) = parse_source_spec(f"git:{git_repo.path}").packages(Drops())
    files = {raw.path: raw.data for raw in handle.read(ReadLimits(), Drops()).files}
    assert files["pkg/mod.py"] == V3.encode() and "untracked.py" not in files


def test_symlinks_and_submodules_in_the_tree_are_counted_not_followed(tmp_path: Path) -> None:
    git_repo = Repo(tmp_path / "links")
    outside = tmp_path / "secret.py"
    outside.write_text("SECRET = 1\n")
    (git_repo.path / "link.py").symlink_to(outside)
    sha = git_repo.commit({"a.py": "a = 1\n"}, "one", "2020-01-01T00:00:00Z")
    git_repo.git("update-index", "--add", "--cacheinfo", f"160000,{sha},vendored")
    git_repo.git("commit", "-q", "-m", "add a submodule link")
    drops = Drops()
    (handle,) = GitSource(path=str(git_repo.path), spec="git:links").packages(drops)
    content = handle.read(ReadLimits(), drops)
    assert {raw.path for raw in content.files} == {"a.py"}
    assert drops.by_stage() == {"source": {"no_metadata": 1, "submodule": 1, "symlink": 1}}
    assert content.metadata.version == f"0+g{git_repo.git('rev-parse', 'HEAD')[:12]}"
    assert content.metadata.purl.startswith("pkg:generic/links@0%2Bg")


def test_a_folder_inside_the_repository_is_the_package_root(repo: tuple[Repo, list[str]]) -> None:
    git_repo, _ = repo
    (handle,) = GitSource(path=str(git_repo.path / "pkg"), spec="git:pkg").packages(Drops())
    content = handle.read(ReadLimits(), Drops())
    assert sorted(raw.path for raw in content.files) == ["mod.py", "other.py"]
    assert content.blame is not None
    blame = content.blame("other.py")
    assert blame is not None and [c.message for c in blame if c] == ["Fix first"]


def test_file_limits_apply_to_git_trees(repo: tuple[Repo, list[str]]) -> None:
    git_repo, _ = repo
    (handle,) = GitSource(path=str(git_repo.path), spec="git:x").packages(Drops())
    drops = Drops()
    limits = ReadLimits(max_file_bytes=50)  # pyproject.toml fits, pkg/mod.py does not
    assert [raw.path for raw in handle.read(limits, drops).files] == ["pkg/other.py"]
    assert drops.by_stage() == {"source": {"file_too_large": 1}}


def test_not_a_repository_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a git working copy"):
        list(GitSource(path=str(tmp_path), spec="git:x").packages(Drops()))
    empty = Repo(tmp_path / "empty")
    with pytest.raises(ConfigError, match="not a git working copy"):
        list(GitSource(path=str(empty.path), spec="git:empty").packages(Drops()))
    with pytest.raises(ConfigError, match="no such folder"):
        list(GitSource(path=str(tmp_path / "missing"), spec="git:m").packages(Drops()))


def test_blame_of_a_missing_file_is_none(repo: tuple[Repo, list[str]]) -> None:
    git_repo, _ = repo
    (handle,) = GitSource(path=str(git_repo.path), spec="git:x").packages(Drops())
    content = handle.read(ReadLimits(), Drops())
    assert content.blame is not None and content.blame("nope.py") is None


def test_parse_blame_porcelain() -> None:
    a, b = "a" * 40, "b" * 40
    porcelain = (
        f"{a} 1 1 2\nauthor x\nsummary s\nfilename f\n\tline one\n"
        f"{a} 2 2\n\t{b} 9 9 looks like a header but is content\n"
        f"{b} 1 3 1\nprevious {a} f\nfilename f\n\t\n"
    ).encode()
    assert parse_blame(porcelain) == [a, a, b]

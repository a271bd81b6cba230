"""Every command that takes an output folder accepts it as any user would spell it:
relative, absolute, `./x`, `../x` or through a symlink (issue 15, item 2)."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pytorrent.cli import main
from pytorrent.commands.publish import run as run_publish
from pytorrent.publish.verify import verify_folder
from tests.publish.fake_hub import FakeHfApi
from tests.stats.known import build_known

#: How OUT is spelled: (folder to run in, relative to the root; the OUT argument). The corpus
#: is root/corpus, and root/link is a symlink to it.
SPELLINGS: dict[str, tuple[str, Callable[[Path], str]]] = {
    "relative": (".", lambda root: "corpus"),
    "absolute": ("sub", lambda root: str(root / "corpus")),
    "dot-slash": (".", lambda root: "./corpus"),
    "dot-dot": ("sub", lambda root: "../corpus"),
    "symlink": (".", lambda root: "link"),
}


@pytest.fixture(scope="module")
def known_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_known(tmp_path_factory.mktemp("known"))


@pytest.fixture(params=sorted(SPELLINGS))
def spelled(
    request: pytest.FixtureRequest,
    known_corpus: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[str, Path]:
    """(OUT as typed, the real folder), with the current folder set as the spelling needs."""
    cwd, argument = SPELLINGS[request.param]
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    real = Path(shutil.copytree(known_corpus, root / "corpus"))
    (root / "link").symlink_to(real, target_is_directory=True)
    monkeypatch.chdir(root / cwd)
    return argument(root), real


def _complete(real: Path) -> None:
    """build.json lists exactly the files on disk: `publish` accepts the folder."""
    verify_folder(real)


def test_stats(spelled: tuple[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out, real = spelled
    assert main(["stats", out]) == 0, capsys.readouterr().err
    assert (real / "stats" / "report.md").is_file()
    assert (real / "stats" / "categories.png").is_file()
    _complete(real)


def test_tokenizer(spelled: tuple[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out, real = spelled
    args = ["tokenizer", out, "--vocab-size", "300", "--sample-mb", "0", "--eval-mb", "0"]
    assert main(args) == 0, capsys.readouterr().err
    assert (real / "tokenizer" / "tokenizer.json").is_file()
    _complete(real)


def test_dedup(spelled: tuple[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out, real = spelled
    assert main(["dedup", out, "--threshold", "0.9"]) == 0, capsys.readouterr().err
    assert real.is_dir() and not real.is_symlink()
    _complete(real)


def test_publish_dry_run(spelled: tuple[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = spelled
    args = argparse.Namespace(
        out=Path(out),
        repo_id="pytorrent-tests/corpus",
        private=False,
        revision=None,
        create_pr=False,
        message=None,
        dry_run=True,
        max_files_per_commit=100,
        max_bytes_per_commit=5 * 2**30,
    )
    assert run_publish(args, api=FakeHfApi()) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "dry run: nothing was uploaded"

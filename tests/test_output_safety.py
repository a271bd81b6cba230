"""What `--out` and `--work` may replace: user folders survive, earlier outputs are replaced."""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path

import pytest

from pytorrent.cli import main
from pytorrent.write.public import md_cell
from tests.envs import folder_bytes, install_package, make_site


def build(site: Path, out: Path | str, *extra: str) -> int:
    args = ["build", f"installed:{site}", "--out", str(out), "--executor", "inline", "--quiet"]
    return main([*args, *extra])


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "env", packages=2)


def _one_line(capsys: pytest.CaptureFixture[str], text: str) -> None:
    err = capsys.readouterr().err.strip()
    assert text in err and len(err.splitlines()) == 1, err


def test_a_user_folder_survives(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine"
    (out / "sub").mkdir(parents=True)
    (out / "thesis.txt").write_text("years of work")
    (out / "sub" / "data.csv").write_text("a,b\n")
    assert build(site, out) == 2
    _one_line(capsys, "--overwrite")
    assert (out / "thesis.txt").read_text() == "years of work"
    assert (out / "sub" / "data.csv").is_file()


def test_cwd_source_and_ancestors_are_refused_even_with_overwrite(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for out in (".", str(site), str(site.parent), "/"):
        assert build(site, out, "--overwrite") == 2
        _one_line(capsys, "refused")
    assert (site / "pkg00" / "core.py").is_file()


def test_empty_folder_and_earlier_output_are_replaced_byte_identically(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert build(site, out) == 0
    first = folder_bytes(out)
    assert build(site, out) == 0
    assert folder_bytes(out) == first
    (out / "notes.txt").write_text("mine")
    assert build(site, out) == 2
    _one_line(capsys, "--overwrite")
    assert (out / "notes.txt").is_file()


def test_work_folder_rules(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    user = tmp_path / "userwork"
    (user / "staging").mkdir(parents=True)
    (user / "lock").write_text("precious")
    assert build(site, tmp_path / "out", "--work", str(user)) == 2
    _one_line(capsys, "--work")
    assert (user / "lock").read_text() == "precious" and (user / "staging").is_dir()
    same = tmp_path / "same"
    assert build(site, same, "--work", str(same)) == 2
    _one_line(capsys, "overlap")
    assert build(site, same, "--work", str(same / "w")) == 2
    assert not same.exists()


def test_a_failed_swap_keeps_the_old_output(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert build(site, out) == 0
    before = folder_bytes(out)
    real = Path.replace

    def failing(self: Path, target: str | os.PathLike[str]) -> Path:
        if Path(target) == out and not self.name.startswith(".out.old-"):
            raise OSError(errno.EIO, "injected I/O error")
        return real(self, target)

    monkeypatch.setattr(Path, "replace", failing)
    assert build(site, out, "--no-dedup") == 1
    assert folder_bytes(out) == before
    monkeypatch.setattr(Path, "replace", real)
    leftover = tmp_path / ".out.staging-x"
    leftover.mkdir()
    (leftover / ".pytorrent-owned").write_text("999999999\n")
    assert build(site, out) == 0
    assert not leftover.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_read_only_parent_is_refused_before_work(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        assert build(site, parent / "out") == 2
        _one_line(capsys, "cannot write")
    finally:
        parent.chmod(0o700)


def test_card_escapes_pipes_and_build_json_has_no_absolute_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site-packages"
    install_package(
        site, "piped", "1.0", {"piped/core.py": "def f(x):\n    '''Doc.'''\n    return x\n"},
        license="MIT | Apache-2.0",
    )  # fmt: skip
    monkeypatch.chdir(tmp_path)
    assert build(site, tmp_path / "out", "--no-filter") == 0
    card = (tmp_path / "out" / "README.md").read_text()
    # Licenses are SPDX ids in the card now (this text resolves to none: "unknown"); every
    # table row keeps its cells, and a pipe in any cell is escaped.
    table = card.split("| license | packages |")[1].split("\n\n")[0].splitlines()[2:]
    assert table == ["| unknown | 1 |"]
    assert all(len(re.findall(r"(?<!\\)\|", row)) == 3 for row in table)
    assert md_cell("MIT | Apache-2.0") == "MIT \\| Apache-2.0"
    text = (tmp_path / "out" / "build.json").read_text()
    assert json.loads(text)["inputs"] == ["installed:site-packages"]
    assert str(tmp_path) not in text and str(tmp_path) not in card

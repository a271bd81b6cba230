"""A hostile repository's own config never makes a `git:` build run a program it names."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from pytorrent.cli import main
from tests.sources.test_git import V1, Repo

pytestmark = pytest.mark.skipif(
    subprocess.run(["git", "--version"], capture_output=True, check=False).returncode != 0,
    reason="git is not installed",
)


def _evil_program(tmp_path: Path) -> tuple[Path, Path]:
    """A script that leaves a marker file whenever anything runs it."""
    marker = tmp_path / "evil-ran"
    evil = tmp_path / "evil.sh"
    evil.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    evil.chmod(0o755)
    return evil, marker


def _signed_head(repo: Repo) -> None:
    """Rewrite HEAD as a commit object carrying a `gpgsig` header (signature checks start gpg)."""
    body = repo.git("cat-file", "commit", "HEAD")
    header, _, message = body.partition("\n\n")
    signature = "gpgsig -----BEGIN PGP SIGNATURE-----\n \n AAAA\n -----END PGP SIGNATURE-----"
    signed = f"{header}\n{signature}\n\n{message}\n"
    done = subprocess.run(
        ["git", "-C", str(repo.path), "hash-object", "-t", "commit", "-w", "--stdin"],
        input=signed.encode(),
        capture_output=True,
        check=True,
    )
    repo.git("update-ref", "HEAD", done.stdout.decode().strip())


def test_signature_program_configured_by_the_repo_never_runs(tmp_path: Path) -> None:
    evil, marker = _evil_program(tmp_path)
    repo = Repo(tmp_path / "repo")
    repo.commit({"pkg/mod.py": V1}, "first", "2020-01-01T00:00:00Z")
    _signed_head(repo)
    repo.git("config", "log.showSignature", "true")
    repo.git("config", "gpg.program", str(evil))
    # The repository is really hostile: a plain `git log` runs the program it names.
    subprocess.run(
        ["git", "-C", str(repo.path), "log", "-1"],
        capture_output=True,
        check=False,
        env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"},
    )
    assert marker.exists()
    marker.unlink()

    assert (
        main(["build", f"git:{repo.path}", "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    )
    assert not marker.exists()
    assert (tmp_path / "out" / "build.json").is_file()


def test_pager_fsmonitor_and_hooks_configured_by_the_repo_never_run(tmp_path: Path) -> None:
    evil, marker = _evil_program(tmp_path)
    repo = Repo(tmp_path / "repo")
    repo.commit({"pkg/mod.py": V1}, "first", "2020-01-01T00:00:00Z")
    for key in ("core.pager", "core.fsmonitor", "diff.external", "core.sshCommand"):
        repo.git("config", key, str(evil))
    hooks = repo.path / ".git" / "hooks"
    for hook in ("post-checkout", "post-index-change", "reference-transaction"):
        (hooks / hook).write_text(evil.read_text())
        (hooks / hook).chmod(0o755)

    assert (
        main(["build", f"git:{repo.path}", "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    )
    assert not marker.exists()

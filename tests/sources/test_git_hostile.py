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


def _build(repo: Repo, out: Path) -> dict[str, dict[str, int]]:
    """Build the hostile repository next to a healthy one: the build must succeed."""
    import json

    healthy = Repo(out.parent / "healthy")
    healthy.commit({"good/core.py": V1}, "first", "2020-01-01T00:00:00Z")
    code = main(["build", f"git:{repo.path}", f"git:{healthy.path}", "--out", str(out),
                 "--workers", "1", "--quiet", "--no-filter", "--no-dedup"])  # fmt: skip
    assert code == 0
    return dict(json.loads((out / "build.json").read_text())["drops"])


def test_a_partial_clone_is_refused_before_its_uploadpack_could_run(tmp_path: Path) -> None:
    evil, marker = _evil_program(tmp_path)
    repo = Repo(tmp_path / "repo")
    repo.commit({"pkg/mod.py": V1}, "first", "2020-01-01T00:00:00Z")
    repo.git("config", "remote.origin.url", str(tmp_path / "nowhere"))
    repo.git("config", "remote.origin.promisor", "true")
    repo.git("config", "remote.origin.uploadpack", str(evil))
    repo.git("config", "extensions.partialClone", "origin")
    blob = repo.git("rev-parse", "HEAD:pkg/mod.py")
    (repo.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()  # a lazily fetched blob

    drops = _build(repo, tmp_path / "out")

    assert drops["source"]["git_partial_clone"] == 1
    assert not marker.exists()


def test_a_fifo_as_blame_ignore_revs_file_does_not_hang_the_build(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit({"pkg/mod.py": V1}, "first", "2020-01-01T00:00:00Z")
    os.mkfifo(repo.path / "revs")
    repo.git("config", "blame.ignoreRevsFile", str(repo.path / "revs"))

    drops = _build(repo, tmp_path / "out")  # before the override, git blocked on the FIFO

    assert "blame_unavailable" not in drops.get("source", {})


def test_a_corrupt_blob_is_a_counted_skip_and_the_other_files_are_read(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    other = V1.replace("def ", "def other_", 1)
    repo.commit({"pkg/mod.py": V1, "pkg/other.py": other}, "first", "2020-01-01T00:00:00Z")
    blob = repo.git("rev-parse", "HEAD:pkg/mod.py")
    loose = repo.path / ".git" / "objects" / blob[:2] / blob[2:]
    loose.chmod(0o644)
    loose.write_bytes(b"\x78\x9cnot zlib at all")

    drops = _build(repo, tmp_path / "out")

    assert drops["source"]["unreadable_member"] == 1
    assert (tmp_path / "out" / "pairs").is_dir()  # pkg/other.py still gave its units


def test_a_repository_whose_history_is_broken_is_counted_and_the_build_goes_on(
    tmp_path: Path,
) -> None:
    repo = Repo(tmp_path / "repo")
    first = repo.commit({"pkg/mod.py": V1}, "first", "2020-01-01T00:00:00Z")
    repo.commit({"pkg/mod.py": V1 + "\nX = 1\n"}, "second", "2020-02-01T00:00:00Z")
    del first
    parent = repo.git("rev-parse", "HEAD~1")
    loose = repo.path / ".git" / "objects" / parent[:2] / parent[2:]
    loose.chmod(0o644)
    loose.write_bytes(b"\x78\x9cbroken")  # the log of commit dates walks into it

    drops = _build(repo, tmp_path / "out")

    assert drops["source"]["git_error"] == 1

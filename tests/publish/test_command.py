"""`python -m pytorrent publish` as users run it: arguments, dry run, one-line errors."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

import pytorrent.publish as publish_package
from pytorrent.commands.publish import byte_size
from tests.publish.conftest import REPO


def run_publish(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_OIDC_RESOURCE", "HF_TOKEN_PATH"}
    }
    env |= {"HF_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pytorrent", "publish", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_dry_run_needs_no_token_and_prints_the_plan(out: Path, tmp_path: Path) -> None:
    result = run_publish(
        str(out), "--repo-id", REPO, "--dry-run", "--max-files-per-commit", "10", home=tmp_path
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"verified {out}") and lines[-1] == "dry run: nothing was uploaded"
    assert f"could not read dataset {REPO}" in result.stdout  # offline: planned as empty
    assert "commit 1/" in result.stdout and "  README.md  " in result.stdout
    assert "(dataset card and manifest, last)" in result.stdout


def test_without_a_token_publish_fails_with_one_line_that_says_what_to_do(
    out: Path, tmp_path: Path
) -> None:
    result = run_publish(str(out), "--repo-id", REPO, home=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "pytorrent publish: no Hugging Face token found: log in with `hf auth login` "
        "or set HF_TOKEN to a token with write access"
    ]


def test_incomplete_folder_fails_with_one_line(out: Path, tmp_path: Path) -> None:
    (out / "build.json").unlink()
    result = run_publish(str(out), "--repo-id", REPO, "--dry-run", home=tmp_path)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "build.json is missing" in result.stderr


@pytest.mark.parametrize(
    ("text", "size"),
    [("123", 123), ("500M", 500 * 10**6), ("5G", 5 * 10**9), ("1.5GB", 1_500_000_000),
     ("2GiB", 2 * 1024**3), ("64kib", 64 * 1024)],
)  # fmt: skip
def test_byte_sizes(text: str, size: int) -> None:
    assert byte_size(text) == size


@pytest.mark.parametrize("text", ["", "lots", "5X", "0", "-1G"])
def test_bad_byte_sizes(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        byte_size(text)


def test_public_names_of_the_publish_package() -> None:
    assert sorted(publish_package.__all__) == sorted(
        [
            "DEFAULT_MAX_BYTES_PER_COMMIT",
            "DEFAULT_MAX_FILES_PER_COMMIT",
            "CommitPlan",
            "HubError",
            "LocalFile",
            "PublishPlan",
            "RemoteFile",
            "VerifiedFolder",
            "already_there",
            "git_blob_sha1",
            "plan_commits",
            "publish",
            "remote_files",
            "render_plan",
            "verify_folder",
        ]
    )
    assert all(hasattr(publish_package, name) for name in publish_package.__all__)


def test_an_unreachable_hub_is_said_once_without_retries(out: Path, tmp_path: Path) -> None:
    """Before: five retries with backoff (~25 s) and 12 lines of noise before the plan."""
    import socket

    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in {"HF_TOKEN", "HF_HUB_OFFLINE"}}
    env |= {"HF_HOME": str(tmp_path), "HF_ENDPOINT": f"http://127.0.0.1:{port}"}
    result = subprocess.run(
        [sys.executable, "-m", "pytorrent", "publish", str(out), "--repo-id", REPO, "--dry-run"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Retrying" not in result.stdout + result.stderr
    said = [line for line in result.stdout.splitlines() if line.startswith("the Hub")]
    assert said == [
        f"the Hub is unreachable (127.0.0.1:{port}: Connection refused): the plan assumes an "
        "empty repository"
    ]

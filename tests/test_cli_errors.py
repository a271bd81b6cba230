"""Bad input to `build` is one line on stderr, exit 2, naming the option to change (before:
"Input should be greater than or equal to 1" without saying which input, "no such file or
folder" for an unknown prefix, exit 1 for a folder that is not a git repository, and a blank
line before some errors)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def build(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytorrent", "build", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "starts"),
    [
        (["--workers", "0"], "--workers: "),
        (["--limit", "0"], "--limit: "),
        (["--shard-records", "0"], "--shard-records: "),
        (["--dedup-threshold", "1.5"], "--dedup-threshold: "),
        (["--vocab-size", "10"], "--vocab-size: "),
        (["--package-timeout", "-1"], "--package-timeout: "),
        (["--worker-memory", "lots"], "--worker-memory: "),
        (["foo:bar"], "source 'foo:bar': unknown source prefix 'foo:' (known: installed, dir,"),
        (["git:notrepo"], "source 'git:notrepo': not a git working copy"),
    ],
)
def test_bad_input_is_one_line_that_names_the_option(
    args: list[str], starts: str, tmp_path: Path
) -> None:
    (tmp_path / "notrepo").mkdir()
    result = build(*args, "--out", "out", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"pytorrent build: {starts}"), lines[0]
    assert not (tmp_path / "out").exists()


def test_a_path_with_a_colon_that_exists_is_still_a_path(tmp_path: Path) -> None:
    folder = tmp_path / "odd:name"
    (folder / "pkg").mkdir(parents=True)
    (folder / "pkg" / "core.py").write_text('def f():\n    """Do it well."""\n    return 1\n')
    result = build("odd:name", "--out", "out", "--quiet", "--no-filter", cwd=tmp_path)
    assert result.returncode == 0, result.stderr

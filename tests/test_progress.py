"""Every build stage is visible from its start (before, nothing was printed until the first,
heaviest package finished, and discovery, dedup, stats and card were silent). Off a terminal
each stage is one line on stderr; `--quiet` prints none."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.envs import make_site


def build(tmp_path: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    site = make_site(tmp_path, packages=3)
    return subprocess.run(
        [sys.executable, "-m", "pytorrent", "build", f"installed:{site}", "--out", "out", *flags],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_each_stage_gets_a_line_in_order(tmp_path: Path) -> None:
    result = build(tmp_path, "--tokenizer", "--vocab-size", "300")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    stages = ["finding packages", "extracting packages 3 packages", "deduplicating",
              "writing shards", "training the tokenizer", "statistics", "dataset card"]  # fmt: skip
    assert [next(i for i, line in enumerate(lines) if line.startswith(s)) for s in stages] == (
        sorted(range(len(stages)))
    ), result.stderr
    assert "MB" in lines[1] and "units" in lines[1]
    assert result.stdout.splitlines()[0].strip() == "pytorrent build"  # a title that never wraps


def test_quiet_prints_no_stage_lines(tmp_path: Path) -> None:
    result = build(tmp_path, "--quiet", "--no-dedup")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""

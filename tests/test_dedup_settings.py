"""`dedup OUT --threshold T` records what it did: build.json's config and report carry T and the
MinHash seed, and the build's own report (with its exact groups) is kept beside the new one
(before: the config still said 0.85 and the first report was overwritten with exact_groups 0).
The MinHash seed is its own setting, apart from the split seed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.envs import ALPHA_CORE, install_package


def pytorrent(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytorrent", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_rededup_records_its_settings_and_keeps_the_build_report(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    for name in ("dup-a", "dup-b", "other"):
        core = ALPHA_CORE if name != "other" else ALPHA_CORE.replace("a + b", "a * b * 7 - 1")
        install_package(site, name, "1.0", {f"{name.replace('-', '_')}/core.py": core})
    out = tmp_path / "out"
    built = pytorrent("build", "--quiet", f"installed:{site}", "--out", str(out), "--no-filter")
    assert built.returncode == 0, built.stderr
    before = json.loads((out / "build.json").read_text())
    assert before["config"]["dedup_seed"] == 1 and before["config"]["seed"] == 0
    assert before["dedup"]["exact_groups"] > 0

    result = pytorrent("dedup", str(out), "--threshold", "0.8")

    assert result.returncode == 0, result.stderr
    after = json.loads((out / "build.json").read_text())
    assert after["config"]["dedup_threshold"] == 0.8
    assert after["config"]["dedup_seed"] == 1  # the build's, read back from build.json
    assert after["dedup"]["num_perm"] == 256
    assert after["dedup"]["previous"]["exact_groups"] == before["dedup"]["exact_groups"]
    assert after["dedup"]["exact_groups"] == 0  # the copies were already gone
    assert "dedup_threshold=0.8," in (out / "README.md").read_text()  # the card says so too


def test_the_split_seed_does_not_change_the_signatures(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    install_package(site, "solo", "1.0", {"solo/core.py": ALPHA_CORE})
    work = tmp_path / "work"
    args = ["build", "--quiet", f"installed:{site}", "--work", str(work), "--no-filter"]
    first = pytorrent(*args, "--out", str(tmp_path / "a"), "--seed", "0")
    second = pytorrent(*args, "--out", str(tmp_path / "b"), "--seed", "7", "--keep-work")
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    assert "1 of 1 packages reused" in second.stdout  # same signatures: the cache holds

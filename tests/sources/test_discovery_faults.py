"""A `dir:` source with links that loop or dangle, FIFOs and names that are not UTF-8: each is a
counted skip, the healthy files are still extracted, and the build exits 0 (before, a symlink
loop ended discovery with `OSError: [Errno 40]` and exit 1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

GOOD = 'def double(value):\n    """Return twice the value given to it."""\n    return 2 * value\n'
OTHER = 'def triple(value):\n    """Return three times the value given to it."""\n    return 3 * value\n'


def build(source: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytorrent",
            "build",
            "--quiet",
            f"dir:{source}",
            "--out",
            str(out),
            "--no-filter",
            "--no-dedup",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def function_names(out: Path) -> set[str]:
    names: set[str] = set()
    for shard in (out / "pairs").glob("*.parquet"):
        names.update(pq.read_table(shard, columns=["func_name"]).column(0).to_pylist())
    return names


def test_loops_dangling_links_fifos_and_undecodable_names_are_counted_skips(
    tmp_path: Path,
) -> None:
    project = tmp_path / "scripts"
    package = project / "pkg"
    package.mkdir(parents=True)
    (package / "good.py").write_text(GOOD)
    (package / "loop_a.py").symlink_to("loop_b.py")
    (package / "loop_b.py").symlink_to("loop_a.py")
    (package / "dangling.py").symlink_to("nowhere.py")
    os.mkfifo(package / "pipe.py")
    (package / "self").symlink_to(".")
    undecodable = os.open(os.fsencode(package) + b"/caf\xff.py", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(undecodable, OTHER.encode())
    os.close(undecodable)

    result = build(project, tmp_path / "out")

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "double" in function_names(tmp_path / "out")
    drops = json.loads((tmp_path / "out" / "build.json").read_text())["drops"]["source"]
    assert drops["broken_symlink"] >= 3  # the two halves of the loop and the dangling link
    assert drops["symlink"] >= 1  # the link to a folder is never followed
    assert drops["bad_path"] == 1  # the file whose name is not UTF-8


def test_a_loop_at_the_top_of_a_folder_of_projects_is_counted(tmp_path: Path) -> None:
    root = tmp_path / "projects"
    project = root / "alpha"
    (project / "alpha").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "alpha"\nversion = "1.0"\n')
    (project / "alpha" / "core.py").write_text(GOOD)
    (root / "x.tar.gz").symlink_to("y.tar.gz")
    (root / "y.tar.gz").symlink_to("x.tar.gz")

    result = build(root, tmp_path / "out")

    assert result.returncode == 0, result.stderr
    assert "double" in function_names(tmp_path / "out")
    drops = json.loads((tmp_path / "out" / "build.json").read_text())["drops"]["source"]
    assert drops["broken_symlink"] == 2

"""The commit of a unit (ACS 3) is the newest among exactly its own lines: line numbers are
1-based and both ends count, so a one-line unit gets its line's commit and a neighbour's
newer commit never leaks in."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pytorrent.config import BuildConfig
from pytorrent.pipeline import build
from pytorrent.records import last_commit
from pytorrent.sources.base import CommitInfo
from tests.sources.test_git import Repo

# One commit per line, each newer than the one before.
LINES = [CommitInfo(f"{n:040x}", f"202{n}-01-01T00:00:00+00:00", f"line {n}") for n in range(1, 7)]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (1, 1, 1),  # one-line unit at the first line
        (4, 4, 4),  # one-line unit inside
        (6, 6, 6),  # one-line unit at the last line
        (2, 3, 3),
        (1, 6, 6),
        (3, 5, 5),
    ],
)
def test_the_newest_commit_of_exactly_the_units_lines(start: int, end: int, expected: int) -> None:
    assert last_commit(LINES, start, end) == LINES[expected - 1]
    # Oldest last: the newest is then the first line of the window, not the last.
    reversed_lines = LINES[::-1]
    assert last_commit(reversed_lines, start, end) == reversed_lines[start - 1]


def test_lines_without_a_commit_are_skipped() -> None:
    blame = [None, LINES[0], None]
    assert last_commit(blame, 1, 1) is None
    assert last_commit(blame, 2, 2) == LINES[0]
    assert last_commit(blame, 3, 3) is None


# The file at HEAD, and the commit that last touched each line.
HEAD = (
    "def one(): return 1\n"  # c1
    "def two(x=0):\n"  # c6: changed last
    "    return x\n"  # c3
    "def three(y):\n"  # c4
    "    return y\n"  # c5
)


@pytest.mark.skipif(
    subprocess.run(["git", "--version"], capture_output=True, check=False).returncode != 0,
    reason="git is not installed",
)
def test_a_git_build_gives_each_function_the_commit_of_its_own_lines(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "blamed")
    lines = HEAD.replace("def two(x=0):", "def two(x):").splitlines(keepends=True)
    project = '[project]\nname = "blamed"\nversion = "1.0"\n'
    shas = []
    for n in range(1, 6):  # commit n adds line n
        files = {"blamed/mod.py": "".join(lines[:n]), "pyproject.toml": project}
        shas.append(repo.commit(files, f"Add line {n}", f"202{n}-01-01T00:00:00Z"))
    shas.append(repo.commit({"blamed/mod.py": HEAD}, "Default for two", "2026-01-01T00:00:00Z"))

    config = BuildConfig(
        sources=(f"git:{repo.path}",), out=tmp_path / "out", executor="inline", filter=False
    )
    build(config)
    rows = [
        row for path in sorted((tmp_path / "out" / "pairs").glob("*.parquet"))
        for row in pq.read_table(path).to_pylist()
    ]  # fmt: skip
    got = {r["func_name"]: (r["start_line"], r["end_line"], r["commit_sha"]) for r in rows}
    assert got == {
        "one": (1, 1, shas[0]),
        "two": (2, 3, shas[5]),
        "three": (4, 5, shas[4]),
    }
    messages = {r["func_name"]: r["commit_message"] for r in rows}
    assert messages == {"one": "Add line 1", "two": "Default for two", "three": "Add line 5"}

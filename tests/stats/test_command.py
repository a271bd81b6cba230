"""`python -m pytorrent stats OUT`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pytorrent.atomic import sha256_file
from pytorrent.cli import main
from pytorrent.models import BuildManifest


def test_stats_command_writes_stats_updates_card_and_manifest(
    known_stats: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = Path(shutil.copytree(known_stats, tmp_path / "corpus"))
    shutil.rmtree(out / "stats")
    assert main(["stats", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "100 units in 4 packages" in printed
    assert "acs0: NL p50/p95 9/19 tokens" in printed
    card = (out / "README.md").read_text()
    assert "## Statistics" in card and "](stats/token_lengths.png)" in card
    manifest = BuildManifest.model_validate_json((out / "build.json").read_bytes())
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(manifest.files) == on_disk - {"build.json"}
    assert {"stats/stats.json", "stats/report.md", "stats/line_lengths.png"} <= set(manifest.files)
    for rel, digest in manifest.files.items():
        assert sha256_file(out / rel) == digest.sha256, rel
    # Running it again changes nothing.
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert main(["stats", str(out)]) == 0
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    ("make", "status", "message"),
    [
        (lambda tmp: tmp / "missing", 2, "no such output folder"),
        (lambda tmp: tmp, 1, "no build.json"),
    ],
)
def test_bad_folders_give_one_line_errors(
    make: object, status: int, message: str, tmp_path: Path
) -> None:
    target = make(tmp_path)  # type: ignore[operator]
    result = subprocess.run(
        [sys.executable, "-m", "pytorrent", "stats", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == status
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1

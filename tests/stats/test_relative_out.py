"""`stats OUT` works for every spelling of OUT: relative, ./x, ../x, absolute and a symlink."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pytorrent.cli import main
from pytorrent.models import BuildManifest


@pytest.mark.parametrize("spelling", ["corpus", "./corpus", "../here/corpus", "absolute", "link"])
def test_stats_registers_its_files_for_any_out_spelling(
    spelling: str, known_stats: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    out = Path(shutil.copytree(known_stats, here / "corpus"))
    shutil.rmtree(out / "stats")
    (here / "link").symlink_to(out)
    monkeypatch.chdir(here)
    argument = {"absolute": str(out)}.get(spelling, spelling)
    assert main(["stats", argument]) == 0
    manifest = BuildManifest.model_validate_json((out / "build.json").read_bytes())
    assert {"stats/stats.json", "stats/report.md", "stats/line_lengths.png"} <= set(manifest.files)
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(manifest.files) == on_disk - {"build.json"}

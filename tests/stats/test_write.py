"""`write_stats` files (JSON, report, PNG plots) and `register_files`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import matplotlib.image
import pytest
from PIL import Image

from pytorrent.atomic import sha256_file
from pytorrent.errors import OutputError
from pytorrent.models import BuildManifest
from pytorrent.stats import CorpusStats, load_stats, register_files, write_stats
from tests.stats.conftest import DROPS

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PLOTS = {"categories", "splits", "token_lengths", "line_lengths", "complexity", "docstring_styles"}


def test_writes_stats_json_report_and_plots(known_stats: Path) -> None:
    folder = known_stats / "stats"
    assert {p.name for p in folder.iterdir()} == {"stats.json", "report.md"} | {
        f"{name}.png" for name in PLOTS
    }
    stats = CorpusStats.model_validate_json((folder / "stats.json").read_bytes())
    assert stats == load_stats(known_stats)
    assert set(stats.plots) == {f"stats/{name}.png" for name in PLOTS}
    assert stats.drops == DROPS


def test_plots_are_valid_pngs(known_stats: Path) -> None:
    for rel in load_stats(known_stats).plots:  # type: ignore[union-attr]
        path = known_stats / rel
        assert path.read_bytes()[:8] == PNG_MAGIC, rel
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            assert image.format == "PNG"
            width, height = image.size
            assert width >= 500 and height >= 300, rel
        pixels = matplotlib.image.imread(path)
        assert pixels.shape[:2] == (height, width)
        assert pixels.std() > 0.01, f"{rel} is blank"


def test_report_has_every_section_and_links_existing_plots(known_stats: Path) -> None:
    report = (known_stats / "stats" / "report.md").read_text()
    for heading in (
        "## Units per configuration and split",
        "## Units per script category (Table 4)",
        "## Lengths in tokens (Table 5)",
        "## Line lengths (Figure 2)",
        "## Cyclomatic complexity",
        "## Docstrings and functions",
        "## Packages",
        "### Licenses",
        "## Removals by stage and reason",
    ):
        assert f"\n{heading}\n" in report, heading
    assert "| dedup | near_duplicate | 5 |" in report
    assert "No `filter` removals were recorded." in report
    # 92 summaries of 1..20 words and 3, 3, 4 per package: mean 220 / 23.
    assert "| acs0 | NL | 92 | 9.57 | 9 | 14 | 16 | 18 | 19 | 20 |" in report
    assert "| share | 78.2% | 81.8% | 87.3% | 90.9% | 96.4% | 100.0% | 100.0% |" in report
    links = [line.split("](")[1].rstrip(")") for line in report.splitlines() if "![" in line]
    assert {f"{name}.png" for name in PLOTS} == set(links)


def test_equal_corpora_give_byte_identical_stats(known_stats: Path, tmp_path: Path) -> None:
    again = Path(shutil.copytree(known_stats, tmp_path / "again"))
    shutil.rmtree(again / "stats")
    write_stats(again)
    first = {p.name: p.read_bytes() for p in (known_stats / "stats").iterdir()}
    assert {p.name: p.read_bytes() for p in (again / "stats").iterdir()} == first


def test_plots_of_an_earlier_run_are_removed(known_stats: Path, tmp_path: Path) -> None:
    out = Path(shutil.copytree(known_stats, tmp_path / "corpus"))
    result = write_stats(out, plots=False)
    assert result.stats.plots == []
    assert not list((out / "stats").glob("*.png"))
    assert "![" not in (out / "stats" / "report.md").read_text()
    assert not [p for p in (out / "stats").iterdir() if p.name.startswith(".")]


def test_register_files_records_digests_and_prunes_missing_files(
    known_stats: Path, tmp_path: Path
) -> None:
    out = Path(shutil.copytree(known_stats, tmp_path / "corpus"))
    manifest = register_files(out, sorted((out / "stats").iterdir()))
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(manifest.files) == on_disk - {"build.json"}
    for rel, digest in manifest.files.items():
        assert digest.sha256 == sha256_file(out / rel)
        assert digest.bytes == (out / rel).stat().st_size
    assert manifest.files["pairs/train-00000-of-00001.parquet"].records is not None
    assert BuildManifest.model_validate_json((out / "build.json").read_bytes()) == manifest
    (out / "stats" / "splits.png").unlink()
    pruned = register_files(out, [])
    assert "stats/splits.png" not in pruned.files
    assert json.loads((out / "build.json").read_text())["files"] == {
        rel: d.model_dump() for rel, d in pruned.files.items()
    }


def test_register_files_refuses_paths_outside_the_folder(known: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("x")
    with pytest.raises(OutputError, match="not inside"):
        register_files(known, [outside])
    with pytest.raises(OutputError, match="no such file"):
        register_files(known, [known / "stats" / "missing.png"])
    (known / "build.json").unlink()
    with pytest.raises(OutputError, match=r"no build\.json"):
        register_files(known, [])

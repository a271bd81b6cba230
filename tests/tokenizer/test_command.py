"""`python -m pytorrent tokenizer OUT`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pytorrent.atomic import sha256_file
from pytorrent.cli import main
from pytorrent.models import BuildManifest


def test_tokenizer_command_trains_and_registers_files(
    real_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = Path(shutil.copytree(real_corpus, tmp_path / "corpus"))
    assert main(["stats", str(out), "--no-plots"]) == 0
    assert main(["tokenizer", str(out), "--vocab-size", "300", "--sample-mb", "0"]) == 0
    printed = capsys.readouterr().out
    assert "vocabulary 300 (requested 300)" in printed and "MB/s" in printed
    assert "characters per token" in printed and "within 70 tokens" in printed
    manifest = BuildManifest.model_validate_json((out / "build.json").read_bytes())
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(manifest.files) == on_disk - {"build.json"}
    assert {"tokenizer/tokenizer.json", "stats/tokenizer.json"} <= set(manifest.files)
    for rel, digest in manifest.files.items():
        assert sha256_file(out / rel) == digest.sha256, rel
    # The report and the card now describe the tokenizer.
    assert "## Tokenizer" in (out / "stats" / "report.md").read_text()
    card = (out / "README.md").read_text()
    assert "## Tokenizer" in card and "Byte-level BPE, 300 tokens" in card


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["--vocab-size", "100"], 2, "vocab size must be at least 261"),
        (["--sample-mb", "-1"], 2, "sample_mb"),
    ],
)
def test_bad_arguments_give_one_line_errors(
    real_corpus: Path, args: list[str], status: int, message: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytorrent", "tokenizer", str(real_corpus), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == status
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1

"""`pytorrent train` and `pytorrent generate` through the CLI: runs, resumes and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pytorrent.cli import main
from pytorrent.train import INSTALL
from tests.tokenizer.conftest import Trained

TINY = ["--max-steps", "4", "--eval-every", "2"]


def test_train_resume_and_generate_lstm(
    real_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    assert main(["train", "lstm", str(real_corpus), "--out", str(run), *TINY, "--seed", "5"]) == 0
    out, err = capsys.readouterr()
    assert "4 steps" in out and "val_bpc" in out and "chars/s" in err and "ETA" in err
    config = json.loads((run / "config.json").read_text())
    assert config["settings"]["seed"] == 5 and config["settings"]["max_steps"] == 4
    assert main(["train", "lstm", str(real_corpus), "--out", str(run), "--resume"]) == 0
    lines = (run / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(line)["step"] for line in lines] == [0, 2, 4]
    capsys.readouterr()
    argv = ["generate", str(run), "--prompt", "def f(", "--chars", "50", "--seed", "1"]
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert main(argv) == 0
    assert capsys.readouterr().out == first and first.startswith("def f(")


def test_epochs_alone_train_whole_epochs(real_corpus: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    argv = ["train", "lstm", str(real_corpus), "--out", str(run), "--epochs", "1"]
    assert main([*argv, "--batch-size", "64", "--eval-every", "100"]) == 0
    config = json.loads((run / "config.json").read_text())
    assert config["settings"]["max_steps"] is None and config["settings"]["epochs"] == 1
    metrics = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert metrics[-1]["epoch"] == 0 and metrics[-1]["step"] > 0


def test_missing_tokenizer_is_one_line_exit_2(
    real_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for model in ("gpt2", "mlm"):
        code = main(["train", model, str(real_corpus), "--out", str(tmp_path / model)])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1
        assert f"python -m pytorrent tokenizer {real_corpus}" in err
        assert not (tmp_path / model).exists()


def test_bad_out_and_generate_on_mlm_are_one_line(
    trained: Trained, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["train", "gpt2", str(trained.out), "--out", str(trained.out)]) == 2
    assert "--out" in capsys.readouterr().err
    run = tmp_path / "mlm"
    assert main(["train", "mlm", str(trained.out), "--out", str(run), *TINY]) == 0
    capsys.readouterr()
    assert main(["generate", str(run)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "mlm run" in err
    assert main(["train", "gpt2", str(trained.out), "--out", str(run), "--resume"]) == 2
    assert "trains mlm, not gpt2" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["train", "generate"])
def test_missing_extra_is_one_line_exit_2(command: str, tmp_path: Path) -> None:
    argv = ["train", "lstm", str(tmp_path), "--out", str(tmp_path / "run")]
    if command == "generate":
        argv = ["generate", str(tmp_path)]
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "from pytorrent.cli import main\n"
        f"sys.exit(main({argv!r}))\n"
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.strip().endswith(INSTALL)

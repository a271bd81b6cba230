"""HumanEval through the sandbox: canonical solutions pass, wrong ones fail, the CLI is guarded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytorrent.cli import main
from pytorrent.evaluate.generation import HUMANEVAL_STOPS, truncate
from pytorrent.evaluate.humaneval import execute, read_problems, summarise
from pytorrent.evaluate.sandbox import Limits

LIMITS = Limits(timeout_s=10.0)


def test_canonical_solutions_score_pass_at_1_of_100_percent() -> None:
    problems = read_problems(limit=6)
    completions = {task: [problem["canonical_solution"]] for task, problem in problems.items()}
    results = execute(problems, completions, LIMITS, workers=2)
    assert [r.passed for r in results] == [1] * 6, [r.outcomes[0].output for r in results]
    assert summarise(results, [1, 10]) == {"pass@1": 100.0}


def test_wrong_and_early_exit_completions_fail() -> None:
    problems = read_problems(limit=2)
    task = next(iter(problems))
    completions = {
        task: [
            "    return None\n",
            "    import sys\n    sys.exit(0)\n",
            problems[task]["canonical_solution"],
        ],
        **{other: ["    pass\n"] * 3 for other in list(problems)[1:]},
    }
    results = execute(problems, completions, LIMITS, workers=2)
    assert results[0].passed_flags == [False, False, True]
    assert results[1].passed == 0
    assert summarise(results, [1, 3]) == {
        "pass@1": pytest.approx(100 * (1 / 3) / 2),
        "pass@3": pytest.approx(50.0),
    }


def test_stop_sequences_cut_the_completion() -> None:
    text = "    return x\n\n\ndef other():\n    pass\nprint(1)"
    assert truncate(text, HUMANEVAL_STOPS) == "    return x\n\n"
    assert truncate("    return 1 # done\n#x", HUMANEVAL_STOPS) == "    return 1 # done"


def test_refuses_without_allow_code_execution(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", "humaneval", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--allow-code-execution" in err and err.count("\n") == 1


@pytest.mark.parametrize("model", ["gpt2", "org/some-model", "missing/folder"])
def test_models_must_be_local_folders(model: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "humaneval", model, "--allow-code-execution", "--limit", "1"]) == 2
    assert "models must be local folders" in capsys.readouterr().err


@pytest.mark.slow
def test_tiny_gpt2_end_to_end(
    tiny_gpt2: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results"
    argv = ["eval", "humaneval", str(tiny_gpt2), "--allow-code-execution", "--limit", "2"]
    argv += ["--n", "2", "--k", "1,2,10", "--max-new-tokens", "16", "--out", str(out)]
    assert main([*argv, "--timeout", "5"]) == 0
    printed = capsys.readouterr().out
    assert "| this model |" in printed and "codeparrot-small" in printed
    summary = json.loads((out / "humaneval.json").read_text())
    assert set(summary["scores"]) == {"pass@1", "pass@2"} and summary["skipped_k"] == [10]
    assert summary["generation"]["temperature"] == 0.2 and summary["generation"]["stop"]
    assert summary["model"]["path"] == str(tiny_gpt2.resolve())
    lines = (out / "humaneval_problems.jsonl").read_text().splitlines()
    assert [json.loads(line)["n"] for line in lines] == [2, 2]
    sample = json.loads(lines[0])["samples"][0]
    assert not any(stop in sample["completion"] for stop in HUMANEVAL_STOPS)


def test_without_the_train_extra_exit_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import pytorrent.train

    monkeypatch.setattr(pytorrent.train, "_NEEDED", ("pytorrent_no_such_library",))
    (tmp_path / "config.json").write_text('{"model_type": "gpt2"}')
    argv = ["eval", "humaneval", str(tmp_path), "--allow-code-execution", "--limit", "1"]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    assert "pip install 'pytorrent[train]'" in capsys.readouterr().err

"""`pytorrent eval score` reads lines or jsonl, prints one JSON object, refuses bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytorrent.cli import main
from pytorrent.evaluate import code_bleu


def _score(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main(["eval", "score", *argv]) == 0
    result = json.loads(capsys.readouterr().out)
    assert isinstance(result, dict)
    return result


def test_lines_give_every_metric(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p.txt").write_text("a b c e\nreturn x\n\n")
    (tmp_path / "r.txt").write_text("a b c d\nreturn  x\nx = 1\n")
    result = _score(
        capsys, "--predictions", str(tmp_path / "p.txt"), "--references", str(tmp_path / "r.txt")
    )
    assert result["examples"] == 3
    assert result["exact_match"] == pytest.approx(100 / 3)
    assert result["syntax_ok"] == pytest.approx(2 / 3)  # "a b c e" does not parse, "" does
    for name in ("bleu", "smoothed_bleu", "rougeL"):
        assert isinstance(result[name], float)
    assert result["syntax_assembly"] == "prediction"


def test_jsonl_fields_and_prompt_assembly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {
            "prompt": "def f(a):\n",
            "prediction": "    return a + 1\n",
            "reference": "    return a + 1\n",
        },
        {"prompt": "def g():\n", "prediction": "    return (\n", "reference": "    return 2\n"},
    ]
    path = tmp_path / "predictions.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    args = ("--predictions", str(path), "--references", str(path))
    result = _score(capsys, *args, "--prompt-field", "prompt")
    assert result["syntax_ok"] == 0.5
    assert result["syntax_assembly"] == "prompt+prediction"
    assert result["exact_match"] == 50.0
    assert _score(capsys, *args)["syntax_ok"] == 0.0  # indented bodies alone do not parse


def test_mismatched_counts_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p.txt").write_text("a\nb\n")
    (tmp_path / "r.txt").write_text("a\n")
    code = main(
        [
            "eval",
            "score",
            "--predictions",
            str(tmp_path / "p.txt"),
            "--references",
            str(tmp_path / "r.txt"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "2 predictions but 1 references" in err


def test_jsonl_without_the_field_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"code": "x"}\n')
    assert main(["eval", "score", "--predictions", str(path), "--references", str(path)]) == 2
    assert "no string field 'prediction'" in capsys.readouterr().err


def test_codebleu_absent_leaves_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(code_bleu, "problem", lambda: code_bleu.ABSENT)
    (tmp_path / "p.txt").write_text("x = 1\n")
    result = _score(
        capsys, "--predictions", str(tmp_path / "p.txt"), "--references", str(tmp_path / "p.txt")
    )
    assert "codebleu" not in result
    notes = result["notes"]
    assert isinstance(notes, list) and any("codebleu not installed" in n for n in notes)


def test_codebleu_when_installed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("codebleu")
    pytest.importorskip("tree_sitter_python")
    code_bleu.problem.cache_clear()
    if code_bleu.problem() is not None:
        pytest.skip(str(code_bleu.problem()))
    (tmp_path / "p.txt").write_text("def f(a):    return a + 1\n")
    result = _score(
        capsys, "--predictions", str(tmp_path / "p.txt"), "--references", str(tmp_path / "p.txt")
    )
    assert result["codebleu"] == pytest.approx(100.0)
    assert result["codebleu_parts"] == dict.fromkeys(code_bleu.PARTS, 100.0)


@pytest.mark.slow
def test_bertscore_with_a_tiny_local_bert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("bert_score")
    transformers = pytest.importorskip("transformers")
    model = tmp_path / "tiny-bert"
    model.mkdir()
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *"abcdefxyz()=:+.,_01", "def", "return"]
    (model / "vocab.txt").write_text("\n".join(vocab) + "\n")
    transformers.BertTokenizerFast(
        vocab_file=str(model / "vocab.txt"), model_max_length=64
    ).save_pretrained(model)
    config = transformers.BertConfig(
        vocab_size=len(vocab), hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=64,
    )  # fmt: skip
    transformers.BertModel(config).save_pretrained(model)
    (tmp_path / "p.txt").write_text("def f(a): return a\nx = 1\n")
    (tmp_path / "r.txt").write_text("def f(a): return a\ndef f(a): return a\n")
    files = ("--predictions", str(tmp_path / "p.txt"), "--references", str(tmp_path / "r.txt"))
    result = _score(capsys, *files, "--bertscore-model", str(model), "--bertscore-layer", "2")
    assert result["bertscore_layer"] == 2
    assert result["bertscore_model"] == str(model.resolve())
    score = result["bertscore"]
    assert isinstance(score, float) and 0.0 < score < 1.0  # one identical pair (1.0), one not
    assert (
        main(["eval", "score", *files, "--bertscore-model", str(model), "--bertscore-layer", "9"])
        == 2
    )
    assert (
        main(["eval", "score", *files, "--bertscore-model", "org/name", "--bertscore-layer", "1"])
        == 2
    )
    assert "models must be local folders" in capsys.readouterr().err


def test_codexglue_answers_json_with_the_code_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "answers.json").write_text('{"code": "a b c d", "nl": "x"}\n')
    (tmp_path / "predictions.txt").write_text("a b c e\n")
    files = (
        "--predictions",
        str(tmp_path / "predictions.txt"),
        "--references",
        str(tmp_path / "answers.json"),
    )
    result = _score(capsys, *files, "--reference-field", "code")
    assert result["bleu"] == pytest.approx(100 * 0.2**0.25)

"""`eval gen` on a real corpus with tiny random models, and the two prompt formats."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pytest

from pytorrent.cli import main
from pytorrent.evaluate.examples import make_example, split_function
from tests.tokenizer.conftest import Trained

FUNCTION = "@cache\ndef f(a,\n      b: int = 1,\n) -> int:  # note\n    # add\n    return a + b\n"


def test_signature_and_body_split() -> None:
    assert split_function(FUNCTION) == (
        "@cache\ndef f(a,\n      b: int = 1,\n) -> int:  # note\n",
        "    # add\n    return a + b\n",
    )
    assert split_function("def f(): return 1\n") is None
    assert split_function("def f(:\n") is None


def test_prompts_of_both_formats() -> None:
    whole = make_example("i", FUNCTION, ' Add "two". ', "docstring")
    assert whole is not None
    assert (whole.prompt, whole.reference) == ('"""Add "two"."""\n', FUNCTION)
    body = make_example("i", FUNCTION, "Add.", "signature+docstring")
    assert body is not None
    assert body.prompt.endswith(') -> int:  # note\n    """Add."""\n')
    assert body.reference == "    # add\n    return a + b\n"


def _gen(model: Path, corpus: Path, out: Path, *extra: str) -> dict[str, object]:
    argv = ["eval", "gen", str(model), "--corpus", str(corpus), "--split", "valid"]
    argv += ["--limit", "3", "--max-new-tokens", "8", "--out", str(out), *extra]
    assert main(argv) == 0
    results = json.loads((out / "results.json").read_text())
    assert isinstance(results, dict)
    return results


@pytest.mark.slow
@pytest.mark.parametrize("form", ["docstring", "signature+docstring"])
def test_gen_end_to_end_with_a_run_folder(
    form: str, tiny_gpt2: Path, trained: Trained, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    shutil.copytree(tiny_gpt2, run / "model")
    results = _gen(run, trained.out, tmp_path / "out", "--input", form)
    assert "| bleu |" in capsys.readouterr().out
    lines = (tmp_path / "out" / "predictions.jsonl").read_text().splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == 3 and set(rows[0]) == {"id", "prompt", "prediction", "reference"}
    metrics = results["metrics"]
    assert isinstance(metrics, dict) and metrics["examples"] == 3
    assert metrics["syntax_assembly"] == (
        "prediction" if form == "docstring" else "prompt+prediction"
    )
    generation = results["generation"]
    assert isinstance(generation, dict)
    assert generation["greedy"] is True and generation["max_new_tokens"] == 8
    corpus = results["corpus"]
    assert isinstance(corpus, dict) and corpus["split"] == "valid" and corpus["build_json_sha256"]
    model = results["model"]
    assert isinstance(model, dict) and model["model_type"] == "gpt2"
    assert results["input"] == form


@pytest.mark.slow
def test_gen_with_a_tiny_seq2seq_model(trained: Trained, tmp_path: Path) -> None:
    transformers = pytest.importorskip("transformers")
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(trained.out / "tokenizer"))
    config = transformers.T5Config(
        vocab_size=len(tokenizer), d_model=16, d_ff=32, d_kv=8, num_layers=1, num_heads=2,
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
    )  # fmt: skip
    folder = tmp_path / "seq2seq"
    transformers.T5ForConditionalGeneration(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    results = _gen(folder, trained.out, tmp_path / "out", "--input", "signature+docstring")
    model = results["model"]
    assert isinstance(model, dict) and model["model_type"] == "t5"


def test_gen_refuses_a_hub_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["eval", "gen", "org/model", "--corpus", str(tmp_path), "--split", "valid"]
    assert main(argv) == 2
    assert "models must be local folders" in capsys.readouterr().err


@pytest.mark.slow
def test_gen_with_a_lora_adapter_run_folder(
    tiny_gpt2: Path, trained: Trained, tmp_path: Path
) -> None:
    transformers = pytest.importorskip("transformers")
    peft = pytest.importorskip("peft")
    base = transformers.GPT2LMHeadModel.from_pretrained(str(tiny_gpt2))
    base_parameters = sum(p.numel() for p in base.parameters())
    config = peft.LoraConfig(r=2, lora_alpha=4, target_modules=["c_attn"], fan_in_fan_out=True)
    run = tmp_path / "run"
    with warnings.catch_warnings():  # peft's own call of a deprecated transformers property
        warnings.filterwarnings("ignore", "`is_gradient_checkpointing`", FutureWarning)
        adapted = peft.get_peft_model(base, config)
    adapted.save_pretrained(str(run / "adapter"))
    results = _gen(run, trained.out, tmp_path / "out")
    model = results["model"]
    assert isinstance(model, dict)
    assert model["adapter"] == str((run / "adapter").resolve())
    assert model["path"] == str(tiny_gpt2.resolve())
    assert model["parameters"] > base_parameters  # the LoRA matrices are attached


def test_adapter_with_a_hub_base_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "adapter").mkdir()
    (tmp_path / "adapter" / "adapter_config.json").write_text('{"base_model_name_or_path": "gpt2"}')
    argv = ["eval", "gen", str(tmp_path), "--corpus", str(tmp_path), "--split", "valid"]
    assert main(argv) == 2
    assert "the base model 'gpt2' of the adapter" in capsys.readouterr().err

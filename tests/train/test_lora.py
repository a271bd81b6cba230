"""`train lora`: tiny random GPT-2 and T5 saved by the tests, fine-tuned on a real corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch

from pytorrent.cli import main
from pytorrent.evaluate.examples import read_examples
from pytorrent.train.data import load_tokenizer
from pytorrent.train.lora import train_lora
from pytorrent.train.lora_data import IGNORE, batches, encode_examples
from pytorrent.train.lora_settings import LoraSettings, training_settings
from pytorrent.train.run_folder import read_metrics
from tests.tokenizer.conftest import Trained

pytest.importorskip("peft")
#: peft 0.21 asks transformers 5 a deprecated question when it attaches an adapter.
pytestmark = pytest.mark.filterwarnings("ignore:`is_gradient_checkpointing`:FutureWarning")


def save_tiny_gpt2(folder: Path, tokenizer: Any) -> Path:
    from transformers import AutoConfig, AutoModelForCausalLM

    config = AutoConfig.for_model(
        "gpt2",
        vocab_size=len(tokenizer),
        n_positions=64,  # below --context 96: the run caps it
        n_embd=32,
        n_layer=1,
        n_head=2,
        initializer_range=0.2,  # weights large enough for a few LoRA steps to show
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    AutoModelForCausalLM.from_config(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def save_tiny_t5(folder: Path, tokenizer: Any) -> Path:
    from transformers import AutoConfig, AutoModelForSeq2SeqLM

    config = AutoConfig.for_model(
        "t5",
        vocab_size=len(tokenizer),
        d_model=32,
        d_kv=16,
        d_ff=64,
        num_layers=1,
        num_decoder_layers=1,
        num_heads=2,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
    )
    AutoModelForSeq2SeqLM.from_config(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def quick(form: str = "docstring", **overrides: Any) -> Any:
    chosen = {"max_steps": 8, "eval_every": 4, "batch_size": 4, "lr": 3e-2, "eval_batches": 1}
    return training_settings(0, {"context": 96, "device": "cpu", **chosen, **overrides})


def first_train_batch(run: Path, trained: Trained, form: str, seq2seq: bool) -> Any:
    """The run's first training batch, rebuilt from the corpus as the task builds it."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(run / "adapter")
    examples, _ = read_examples(trained.out, acs=0, split="train", form=form)
    features, _ = encode_examples(examples, tokenizer, 96 if seq2seq else 64, seq2seq)
    return next(batches(features, 4, tokenizer.pad_token_id, seq2seq, "0:0"))


def loss_of(model: Any, batch: dict[str, torch.Tensor]) -> float:
    model.eval()
    with torch.no_grad():
        return float(model(**batch).loss)


@pytest.fixture(scope="module")
def tokenizer(trained: Trained) -> Any:
    return load_tokenizer(trained.out)


def test_causal_lora_learns_and_merged_equals_adapter(
    trained: Trained, tokenizer: Any, tmp_path: Path
) -> None:
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    base = save_tiny_gpt2(tmp_path / "gpt2", tokenizer)
    run = tmp_path / "run"
    lora = LoraSettings(base_model=str(base), merge=True)
    result = train_lora(quick(), lora, trained.out, run, read_examples, eval_every_epoch=False)
    assert [entry["step"] for entry in result.metrics] == [0, 4, 8]
    config = json.loads((run / "config.json").read_text())
    assert config["target_modules"] == ["c_attn"] and config["lora"]["r"] == 16
    assert config["data"]["context"] == 64 and config["settings"]["context"] == 96
    adapter_config = json.loads((run / "adapter" / "adapter_config.json").read_text())
    assert adapter_config["fan_in_fan_out"] and adapter_config["lora_alpha"] == 64
    assert adapter_config["base_model_name_or_path"] == str(base.resolve())
    assert not (run / "model" / "adapter_config.json").exists()

    batch = first_train_batch(run, trained, "docstring", seq2seq=False)
    untouched = AutoModelForCausalLM.from_pretrained(base, local_files_only=True)
    before = loss_of(untouched, batch)
    adapted = PeftModel.from_pretrained(untouched, run / "adapter")
    after = loss_of(adapted, batch)
    assert after < before - 0.05
    merged = AutoModelForCausalLM.from_pretrained(run / "model", local_files_only=True).eval()
    with torch.no_grad():
        inputs = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]}
        assert torch.allclose(merged(**inputs).logits, adapted(**inputs).logits, atol=1e-5)
        prompt = batch["input_ids"][:1, :8]
        out = adapted.generate(input_ids=prompt, max_new_tokens=5, do_sample=False)
    assert out.shape[1] > prompt.shape[1]
    card = (run / "README.md").read_text()
    assert "truncated prompts" in card and "adapter/" in card


def test_seq2seq_lora_learns_and_reloads(trained: Trained, tokenizer: Any, tmp_path: Path) -> None:
    from peft import PeftModel
    from transformers import AutoModelForSeq2SeqLM

    base = save_tiny_t5(tmp_path / "t5", tokenizer)
    run = tmp_path / "run"
    form = "signature+docstring"
    lora = LoraSettings(base_model=str(base), input=form)
    train_lora(quick(), lora, trained.out, run, read_examples, eval_every_epoch=False)
    config = json.loads((run / "config.json").read_text())
    assert config["target_modules"] == ["q", "v"] and config["base_model"]["encoder_decoder"]
    assert not (run / "model").exists()  # no --merge: the adapter only

    batch = first_train_batch(run, trained, form, seq2seq=True)
    untouched = AutoModelForSeq2SeqLM.from_pretrained(base, local_files_only=True)
    before = loss_of(untouched, batch)
    adapted = PeftModel.from_pretrained(untouched, run / "adapter")
    assert loss_of(adapted, batch) < before - 0.05
    with torch.no_grad():
        out = adapted.generate(
            input_ids=batch["input_ids"][:1],
            attention_mask=batch["attention_mask"][:1],
            max_new_tokens=5,
            do_sample=False,
        )
    assert out.shape[1] > 1


def test_prompt_and_padding_are_masked_out_of_causal_labels(
    trained: Trained, tokenizer: Any
) -> None:
    examples, _ = read_examples(trained.out, acs=0, split="train", form="signature+docstring")
    features, cut = encode_examples(examples[:6], tokenizer, 10_000, encoder_decoder=False)
    assert cut["truncated_prompts"] == cut["truncated_targets"] == 0
    for example, item in zip(examples[:6], features, strict=True):
        prompt = tokenizer(example.prompt)["input_ids"]
        assert item.input_ids[: len(prompt)] == prompt
        assert item.labels[: len(prompt)] == [IGNORE] * len(prompt)
        assert item.labels[len(prompt) :] == item.input_ids[len(prompt) :]
        assert item.labels[-1] == tokenizer.eos_token_id
    batch = next(batches(features, 6, tokenizer.pad_token_id, False, None))
    assert bool((batch["labels"][batch["attention_mask"] == 0] == IGNORE).all())
    assert int((batch["attention_mask"] == 0).sum()) > 0  # the examples differ in length


def test_long_examples_are_cut_by_the_rule_and_counted(trained: Trained, tokenizer: Any) -> None:
    examples, _ = read_examples(trained.out, acs=0, split="train", form="docstring")
    context = 16
    features, cut = encode_examples(examples, tokenizer, context, encoder_decoder=False)
    assert all(len(item.input_ids) <= context for item in features)
    assert cut["truncated_targets"] > 0
    for example, item in zip(examples, features, strict=True):
        prompt = tokenizer(example.prompt)["input_ids"]
        kept = sum(1 for label in item.labels if label == IGNORE)
        assert item.input_ids[:kept] == prompt[len(prompt) - kept :]  # the prompt's end
        assert kept == len(prompt) or kept >= context // 2
    seq2seq, counts = encode_examples(examples, tokenizer, context, encoder_decoder=True)
    assert all(len(f.input_ids) <= context and len(f.labels) <= context for f in seq2seq)
    assert counts["truncated_targets"] > 0


@pytest.mark.parametrize("model", ["org/some-model", "missing-folder"])
def test_hub_id_or_missing_path_is_one_line_exit_2(
    model: str, trained: Trained, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    code = main(["train", "lora", str(trained.out), "--model", model, "--out", str(out)])
    error = capsys.readouterr().err
    assert code == 2
    assert error.count("\n") == 1 and "models must be local folders" in error
    assert not out.exists()


def test_cli_defaults_evaluate_every_epoch_and_eval_gen_reads_the_run(
    trained: Trained, tokenizer: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pytorrent.evaluate.gen import run_generation
    from pytorrent.evaluate.generation import GenerationSettings

    base = save_tiny_gpt2(tmp_path / "gpt2", tokenizer)
    run = tmp_path / "run"
    args = ["train", "lora", str(trained.out), "--model", str(base), "--out", str(run)]
    assert main([*args, "--device", "cpu", "--input", "signature+docstring"]) == 0
    assert "lora: " in capsys.readouterr().out
    config = json.loads((run / "config.json").read_text())
    settings = config["settings"]
    assert (settings["epochs"], settings["lr"], settings["batch_size"]) == (3, 2e-5, 16)
    assert settings["weight_decay"] == 0.01 and settings["max_steps"] is None
    lora = config["lora"]
    assert (lora["r"], lora["alpha"], lora["dropout"], lora["merge"]) == (16, 64, 0.01, False)
    examples = config["data"]["train"]["examples"]
    per_epoch = -(-examples // 16)  # the last partial batch trains too
    steps = [entry["step"] for entry in read_metrics(run)]
    assert steps == [0, per_epoch, 2 * per_epoch, 3 * per_epoch]
    assert settings["keep_checkpoints"] == 3  # the paper's Trainer kept the 3 newest
    kept = sorted(folder.name for folder in (run / "checkpoints").glob("step-*"))
    assert kept == [f"step-{step:08d}" for step in steps[1:]]
    results = run_generation(
        run,
        trained.out,
        tmp_path / "gen",
        acs=0,
        split="valid",  # the fixture corpus has no test split
        form="signature+docstring",
        settings=GenerationSettings(max_new_tokens=4),
        limit=2,
    )
    assert results["examples"] == 2 and results["model"]["adapter"] == str(run / "adapter")


def test_resumed_run_reaches_the_uninterrupted_losses(
    trained: Trained, tokenizer: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pytorrent.train import checkpoint

    base = save_tiny_gpt2(tmp_path / "gpt2", tokenizer)
    lora = LoraSettings(base_model=str(base))
    whole = train_lora(quick(), lora, trained.out, tmp_path / "whole", read_examples,
                       eval_every_epoch=False)  # fmt: skip
    real_save = checkpoint.save

    def save(
        folder: Path, model: Any, optimizer: Any, scheduler: Any, progress: Any, *rest: Any
    ) -> None:
        if progress.step == 8:
            raise KeyboardInterrupt
        real_save(folder, model, optimizer, scheduler, progress, *rest)

    monkeypatch.setattr(checkpoint, "save", save)
    cut = tmp_path / "cut"
    with pytest.raises(KeyboardInterrupt):
        train_lora(quick(), lora, trained.out, cut, read_examples, eval_every_epoch=False)
    monkeypatch.setattr(checkpoint, "save", real_save)
    resumed = train_lora(quick(), lora, trained.out, cut, read_examples, resume=True)
    fields = ("step", "train_loss", "val_loss")
    assert [{k: e[k] for k in fields} for e in resumed.metrics] == [
        {k: e[k] for k in fields} for e in whole.metrics
    ]


@pytest.mark.parametrize(
    ("model_type", "given", "expected"),
    [
        ("llama", None, ["q_proj", "v_proj"]),
        ("llama", ("k_proj", "o_proj"), ["k_proj", "o_proj"]),
        ("gpt_neox", None, ["query_key_value"]),  # peft's own mapping
    ],
)
def test_target_modules_follow_the_architecture(
    model_type: str, given: tuple[str, ...] | None, expected: list[str], tokenizer: Any
) -> None:
    from transformers import AutoConfig, AutoModelForCausalLM

    from pytorrent.train.lora_model import BaseModel, target_modules, wrap

    config = AutoConfig.for_model(
        model_type,
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=2,
    )
    model = AutoModelForCausalLM.from_config(config)
    base = BaseModel(model, tokenizer, Path(), model_type, encoder_decoder=False)
    wrapped = wrap(base, LoraSettings(base_model=".", target_modules=given))
    assert target_modules(wrapped) == expected
    assert not wrapped.peft_config["default"].fan_in_fan_out
    trainable = {name for name, p in wrapped.named_parameters() if p.requires_grad}
    assert trainable and all("lora_" in name for name in trainable)

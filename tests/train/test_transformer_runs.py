"""GPT-2 and the masked LM from scratch: learning, exact resume, plain-transformers reload."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytorrent.train.generate import generate
from pytorrent.train.presets import make_settings
from pytorrent.train.session import train_run
from tests.tokenizer.conftest import VOCAB, Trained
from tests.train.runs import interrupted_then_resumed, losses, tiny


@pytest.mark.slow
@pytest.mark.parametrize("model", ["gpt2", "mlm"])
def test_learns_and_resumes_exactly(
    model: str, trained: Trained, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = tiny(model, grad_accum=2, eval_every=2)
    whole = train_run(settings, trained.out, tmp_path / "whole")
    assert [entry["step"] for entry in whole.metrics] == [0, 2, 4, 6, 8]
    assert whole.last["val_loss"] < whole.metrics[0]["val_loss"]
    assert all("val_perplexity" in entry for entry in whole.metrics)
    resumed = interrupted_then_resumed(settings, trained.out, tmp_path / "cut", monkeypatch, 6)
    assert losses(resumed) == losses(whole)


def test_gpt2_reloads_with_plain_transformers_and_generates(
    trained: Trained, tmp_path: Path
) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    run = tmp_path / "run"
    train_run(tiny("gpt2"), trained.out, run)
    model = AutoModelForCausalLM.from_pretrained(run / "model")
    tokenizer = AutoTokenizer.from_pretrained(run / "model")
    config = model.config
    assert config.vocab_size == len(tokenizer) == VOCAB
    assert config.scale_attn_by_inverse_layer_idx and config.reorder_and_upcast_attn
    assert tokenizer.eos_token == "<|endoftext|>"
    prompt = "def add(a, b):"
    first = generate(run, prompt, max_new_tokens=16, temperature=0.8, seed=3)
    assert first.startswith(prompt) and len(first) > len(prompt)
    assert generate(run, prompt, max_new_tokens=16, temperature=0.8, seed=3) == first
    greedy = generate(run, prompt, max_new_tokens=16, temperature=0.0, seed=1)
    assert greedy == generate(run, prompt, max_new_tokens=16, temperature=0.0, seed=2)


def test_gpt2_weight_decay_spares_biases_and_layer_norms(trained: Trained) -> None:
    from pytorrent.train.data import load_tokenizer
    from pytorrent.train.transformer_models import decay_groups, gpt2_model

    model = gpt2_model(make_settings("gpt2", "tiny", {}), load_tokenizer(trained.out))
    decayed, plain = decay_groups(model, 0.1)
    names = {id(p): name for name, p in model.named_parameters()}
    plain_names = {names[id(p)] for p in plain["params"]}
    assert decayed["weight_decay"] == 0.1 and plain["weight_decay"] == 0.0
    assert "transformer.ln_f.weight" in plain_names and "transformer.h.0.ln_1.weight" in plain_names
    assert all(
        name.endswith(("bias", "ln_1.weight", "ln_2.weight", "ln_f.weight")) for name in plain_names
    )
    assert "transformer.h.0.attn.c_attn.weight" in {names[id(p)] for p in decayed["params"]}


def test_small_preset_is_codeparrot_small() -> None:
    small = make_settings("gpt2", "small", {})
    assert (small.layers, small.width, small.heads, small.context) == (12, 768, 12, 1024)
    assert small.scale_attn_by_inverse_layer_idx and small.reorder_and_upcast_attn
    assert small.weight_decay == 0.1 and small.clip == 1.0 and small.warmup_steps > 0


def test_mlm_reloads_as_masked_lm_and_masks_80_10_10(trained: Trained, tmp_path: Path) -> None:
    import torch
    from transformers import AutoModelForMaskedLM, AutoTokenizer

    from pytorrent.train.data import load_tokenizer
    from pytorrent.train.transformer_models import masked_collator

    run = tmp_path / "run"
    train_run(tiny("mlm", max_steps=4), trained.out, run)
    model = AutoModelForMaskedLM.from_pretrained(run / "model")
    tokenizer = AutoTokenizer.from_pretrained(run / "model")
    ids = tokenizer("return a + b", return_tensors="pt")["input_ids"]
    ids[0, 1] = tokenizer.mask_token_id
    with torch.no_grad():
        logits = model(input_ids=ids).logits
    assert logits.shape == (1, ids.shape[1], len(tokenizer))
    assert json.loads((run / "config.json").read_text())["tokenizer"]["mask"] == "<|mask|>"

    collator = masked_collator(load_tokenizer(trained.out), make_settings("mlm", "tiny", {}))
    torch.manual_seed(0)
    original = torch.randint(10, VOCAB, (64, 64))
    batch = collator([{"input_ids": row.tolist()} for row in original])
    chosen = batch["labels"] != -100
    share = chosen.float().mean().item()
    as_mask = (batch["input_ids"][chosen] == tokenizer.mask_token_id).float().mean().item()
    kept = (batch["input_ids"][chosen] == original[chosen]).float().mean().item()
    assert 0.12 < share < 0.18 and 0.75 < as_mask < 0.85 and 0.06 < kept < 0.14


def test_gradient_checkpointing_trains_the_same_model(trained: Trained, tmp_path: Path) -> None:
    """Recomputing activations (dropout RNG preserved) changes memory, not the losses."""
    plain = train_run(tiny("gpt2", max_steps=4, eval_every=2), trained.out, tmp_path / "plain")
    settings = tiny("gpt2", max_steps=4, eval_every=2, gradient_checkpointing=True)
    recomputed = train_run(settings, trained.out, tmp_path / "recomputed")
    assert json.loads((tmp_path / "recomputed" / "config.json").read_text())["settings"][
        "gradient_checkpointing"
    ]
    for ours, theirs in zip(losses(recomputed), losses(plain), strict=True):
        assert ours["val_loss"] == pytest.approx(theirs["val_loss"], rel=1e-5)

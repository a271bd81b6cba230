"""The LSTM baseline end to end: run folder, learning, exact resume, reload and generation."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pytest

from pytorrent.errors import ConfigError
from pytorrent.train.generate import generate
from pytorrent.train.lstm import CharLSTM, generate_chars, load_char_model
from pytorrent.train.presets import make_settings
from pytorrent.train.session import train_run
from tests.train.runs import interrupted_then_resumed, losses, tiny


def test_run_folder_learns_and_records_everything(real_corpus: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    result = train_run(tiny("lstm"), real_corpus, run)
    steps = [entry["step"] for entry in result.metrics]
    assert steps == [0, 4, 8]
    assert result.last["val_loss"] < result.metrics[0]["val_loss"]
    for entry in result.metrics:
        assert entry["val_bpc"] == pytest.approx(entry["val_loss"] / math.log(2))
    config = json.loads((run / "config.json").read_text())
    assert config["settings"]["hidden"] == 48 and config["seed"] == 0
    digest = hashlib.sha256((real_corpus / "build.json").read_bytes()).hexdigest()
    assert config["corpus"]["build_json_sha256"] == digest
    assert config["precision"] == "no" and config["device"] == "cpu"
    assert {"torch", "transformers", "python"} <= set(config["versions"])
    assert (run / "loss.png").read_bytes()[:4] == b"\x89PNG"
    card = (run / "README.md").read_text()
    assert "val bpc" in card and "load_char_model" in card
    assert (run / "checkpoints" / "step-00000008" / "state.pt").is_file()


def test_resume_after_interruption_matches_uninterrupted(
    real_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = tiny("lstm", grad_accum=2, eval_every=2)
    whole = train_run(settings, real_corpus, tmp_path / "whole")
    resumed = interrupted_then_resumed(settings, real_corpus, tmp_path / "cut", monkeypatch, 6)
    assert losses(resumed) == losses(whole)
    weights = [
        (tmp_path / name / "model" / "model.safetensors").read_bytes() for name in ("whole", "cut")
    ]
    assert weights[0] == weights[1]


def test_best_model_reloads_and_generates_reproducibly(real_corpus: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    result = train_run(tiny("lstm"), real_corpus, run)
    model, vocab, device = load_char_model(run)
    assert isinstance(model, CharLSTM) and not model.training and device.type == "cpu"
    first = generate(run, "def ", chars=120, temperature=0.5, seed=7)
    assert first.startswith("def ") and len(first) == 4 + 120
    assert generate(run, "def ", chars=120, temperature=0.5, seed=7) == first
    assert generate(run, "def ", chars=120, temperature=0.5, seed=8) != first
    greedy = generate_chars(model, vocab, device, "def ", 40, 0.0, seed=1)
    assert greedy == generate_chars(model, vocab, device, "def ", 40, 0.0, seed=2)
    best = min(result.metrics, key=lambda entry: entry["val_loss"])
    assert json.loads((run / "config.json").read_text())["settings"]["keep_best"]
    assert f"at step {best['step']} (the saved model)" in (run / "README.md").read_text()


def test_stateful_generation_equals_feeding_the_whole_text(
    real_corpus: Path, tmp_path: Path
) -> None:
    """Carrying the state one character at a time gives the logits of one full pass."""
    import torch

    run = tmp_path / "run"
    train_run(tiny("lstm", max_steps=4), real_corpus, run)
    model, vocab, _ = load_char_model(run)
    ids = torch.tensor([vocab.encode("def f(x):\n    return x")])
    with torch.no_grad():
        whole, _ = model(ids)
        state = None
        steps = []
        for index in range(ids.shape[1]):
            logits, state = model(ids[:, index : index + 1], state)
            steps.append(logits)
    assert torch.allclose(torch.cat(steps, dim=1), whole, atol=1e-5)


def test_out_and_resume_refusals(real_corpus: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match=r"^--out: .* not empty and not a run folder"):
        train_run(tiny("lstm"), real_corpus, foreign)
    with pytest.raises(ConfigError, match=r"^--resume: "):
        train_run(tiny("lstm"), real_corpus, tmp_path / "fresh", resume=True)
    run = tmp_path / "run"
    train_run(tiny("lstm", max_steps=2, eval_every=2), real_corpus, run)
    with pytest.raises(ConfigError, match="pass --resume"):
        train_run(tiny("lstm"), real_corpus, run)
    with pytest.raises(ConfigError, match=r"^--preset: lstm has presets tiny, paper"):
        make_settings("lstm", "small", {})
    assert (foreign / "notes.txt").read_text() == "mine"


def test_paper_preset_is_the_published_recipe() -> None:
    settings = make_settings("lstm", "paper", {})
    assert (settings.embedding, settings.hidden, settings.dropout, settings.l2) == (
        64,
        256,
        0.1,
        1e-4,
    )
    assert (settings.lr, settings.clip, settings.context, settings.batch_size) == (
        1.8e-4,
        1.0,
        256,
        512,
    )
    assert settings.epochs == 300 and settings.max_steps is None and settings.keep_best
    model = CharLSTM(98, settings.embedding, settings.hidden, settings.dropout)
    assert [type(layer).__name__ for layer in model.children()] == [
        "Embedding",
        "LSTM",
        "Dropout",
        "LSTM",
        "Dropout",
        "Linear",
    ]


def test_l2_penalty_is_on_the_output_weights_only() -> None:
    import torch

    model = CharLSTM(98, 8, 16, 0.1)
    penalty = model.penalty(1e-4)
    expected = 1e-4 * float(model.head.weight.detach().pow(2).sum())
    assert float(penalty.detach()) == pytest.approx(expected)
    penalty.backward()
    touched = {name for name, p in model.named_parameters() if p.grad is not None and p.grad.any()}
    assert touched == {"head.weight"}
    assert torch.equal(model.head.weight.grad, 2e-4 * model.head.weight.detach())

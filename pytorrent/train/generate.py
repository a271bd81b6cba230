"""Sample from a trained run: the stateful LSTM by characters, GPT-2 by tokens."""

from __future__ import annotations

from pathlib import Path

from pytorrent.errors import ConfigError
from pytorrent.train.loop import pick_device
from pytorrent.train.lstm import generate_chars, load_char_model
from pytorrent.train.run_folder import MODEL, read_config


def run_kind(run: Path) -> str:
    config = read_config(run)
    if config is None:
        raise ConfigError(f"RUN: {run} is not a run folder of `pytorrent train`")
    if not (run / MODEL).is_dir():
        raise ConfigError(f"RUN: {run} has no trained model yet; finish it with `--resume`")
    return str(config["settings"]["model"])


def generate(
    run: Path,
    prompt: str,
    *,
    chars: int = 1000,
    max_new_tokens: int = 64,
    temperature: float = 0.5,
    seed: int = 0,
    device: str = "auto",
) -> str:
    """LSTM runs return `chars` new characters; GPT-2 runs the prompt and its continuation."""
    if temperature < 0:
        raise ConfigError(f"--temperature: must be 0 or more, not {temperature}")
    kind = run_kind(run)
    if kind == "lstm":
        model, vocab, where = load_char_model(run, device)
        return prompt + generate_chars(model, vocab, where, prompt, chars, temperature, seed)
    if kind == "gpt2":
        from pytorrent.train.transformer_models import generate_tokens

        return generate_tokens(
            run / MODEL, prompt, max_new_tokens, temperature, seed, pick_device(device)
        )
    raise ConfigError(f"RUN: {run} is a {kind} run; generate samples from lstm and gpt2 runs")

"""Training settings and the presets of each model (torch-free, so `--help` stays fast).

A preset is a full set of defaults; command-line flags override single fields. `tiny` trains in
seconds on a CPU (tests, smoke runs); `paper` is the published recipe of the model; for GPT-2
`small` is CodeParrot-small and `paper` an alias of it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from pytorrent.errors import ConfigError
from pytorrent.train.data import CONFIGS, TEXTS

MODELS = ("lstm", "gpt2", "mlm")
DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class Settings:
    """Every setting of one training run; written to `RUN/config.json`."""

    model: str
    preset: str
    config: str = "pairs"
    text: str = "code"
    seed: int = 0
    device: str = "auto"
    max_steps: int | None = None
    epochs: int = 1
    batch_size: int = 16
    grad_accum: int = 1
    lr: float = 1e-3
    eval_every: int = 10
    eval_batches: int | None = None
    context: int = 64
    clip: float = 1.0
    weight_decay: float = 0.0
    warmup_steps: int = 0
    gradient_checkpointing: bool = False
    keep_best: bool = False
    keep_checkpoints: int = 1
    # LSTM shape and regularisation
    embedding: int = 16
    hidden: int = 32
    dropout: float = 0.1
    l2: float = 1e-4
    # transformer shape
    layers: int = 2
    heads: int = 2
    width: int = 64
    scale_attn_by_inverse_layer_idx: bool = False
    reorder_and_upcast_attn: bool = False
    mlm_probability: float = 0.15

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


_LSTM_PAPER: dict[str, Any] = {
    "embedding": 64,
    "hidden": 256,
    "dropout": 0.1,
    "l2": 1e-4,
    "lr": 1.8e-4,
    "clip": 1.0,
    "context": 256,
    "batch_size": 512,
    "epochs": 300,
    "eval_every": 500,
    "keep_best": True,
}
_GPT2_SMALL: dict[str, Any] = {
    "layers": 12,
    "width": 768,
    "heads": 12,
    "context": 1024,
    "scale_attn_by_inverse_layer_idx": True,
    "reorder_and_upcast_attn": True,
    "lr": 5e-4,
    "weight_decay": 0.1,
    "warmup_steps": 2000,
    "batch_size": 12,
    "grad_accum": 16,
    "max_steps": 150_000,
    "eval_every": 5000,
    "eval_batches": 200,
}

PRESETS: dict[str, dict[str, dict[str, Any]]] = {
    "lstm": {
        "tiny": {
            "embedding": 16,
            "hidden": 48,
            "context": 64,
            "batch_size": 16,
            "lr": 1e-2,
            "max_steps": 30,
            "eval_every": 10,
            "eval_batches": 8,
            "keep_best": True,
        },
        "paper": _LSTM_PAPER,
    },
    "gpt2": {
        "tiny": {
            "layers": 2,
            "width": 64,
            "heads": 2,
            "context": 64,
            "scale_attn_by_inverse_layer_idx": True,
            "reorder_and_upcast_attn": True,
            "lr": 3e-3,
            "weight_decay": 0.1,
            "warmup_steps": 5,
            "batch_size": 8,
            "max_steps": 30,
            "eval_every": 10,
            "eval_batches": 8,
        },
        "small": _GPT2_SMALL,
        "paper": _GPT2_SMALL,
    },
    "mlm": {
        "tiny": {
            "layers": 2,
            "width": 64,
            "heads": 2,
            "context": 64,
            "lr": 3e-3,
            "weight_decay": 0.01,
            "warmup_steps": 5,
            "batch_size": 16,
            "max_steps": 30,
            "eval_every": 10,
            "eval_batches": 8,
        },
        "paper": {
            "layers": 12,
            "width": 768,
            "heads": 12,
            "context": 70,
            "lr": 5e-4,
            "weight_decay": 0.01,
            "warmup_steps": 1000,
            "batch_size": 64,
            "grad_accum": 4,
            "epochs": 10,
            "eval_every": 2000,
            "eval_batches": 200,
        },
    },
}


def make_settings(model: str, preset: str, overrides: dict[str, Any]) -> Settings:
    """The preset's settings with the flags that were given (None = not given) on top."""
    if model not in MODELS:
        raise ConfigError(f"model: unknown model {model!r}; choose from {', '.join(MODELS)}")
    presets = PRESETS[model]
    if preset not in presets:
        raise ConfigError(f"--preset: {model} has presets {', '.join(presets)}, not {preset!r}")
    fields = {field.name for field in dataclasses.fields(Settings)}
    given = {key: value for key, value in overrides.items() if value is not None}
    unknown = sorted(set(given) - fields)
    if unknown:
        raise ConfigError(f"unknown settings: {', '.join(unknown)}")
    chosen = dict(presets[preset])
    if "epochs" in given and "max_steps" not in given:
        chosen.pop("max_steps", None)  # --epochs alone trains whole epochs
    settings = Settings(model=model, preset=preset, **{**chosen, **given})
    check(settings)
    return settings


def _positive(name: str, value: float | None) -> None:
    if value is not None and value <= 0:
        raise ConfigError(f"--{name.replace('_', '-')}: must be positive, not {value}")


def check(settings: Settings) -> None:
    """One line naming the flag for a setting that cannot train."""
    if settings.config not in CONFIGS:
        raise ConfigError(f"--config: choose from {', '.join(CONFIGS)}, not {settings.config!r}")
    if settings.text not in TEXTS:
        raise ConfigError(f"--text: choose from {', '.join(TEXTS)}, not {settings.text!r}")
    if settings.device not in DEVICES:
        raise ConfigError(f"--device: choose from {', '.join(DEVICES)}, not {settings.device!r}")
    names = ("max_steps", "epochs", "batch_size", "grad_accum", "lr", "eval_every")
    for name in (*names, "keep_checkpoints"):
        _positive(name, getattr(settings, name))
    _positive("eval_batches", settings.eval_batches)
    _positive("context", settings.context)
    if settings.context < 2:
        raise ConfigError("--context: must be at least 2")
    if settings.model != "lstm" and settings.width % settings.heads:
        raise ConfigError(
            f"--width: {settings.width} is not a multiple of --heads {settings.heads}"
        )

"""Settings of `train lora` (torch-free, so `--help` stays fast): the LoRA adapter, the data
and the paper's training defaults on top of the loop's common `Settings`.

The reference ("Python Code Generation using Pre-trained Models") trains LoRA r 16, alpha 64,
dropout 0.01 for 3 epochs at lr 2e-5, batch 16, weight decay 0.01, evaluating every epoch and
keeping the 3 newest checkpoints.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from pytorrent.errors import ConfigError
from pytorrent.train.presets import Settings, check

INPUTS = ("docstring", "signature+docstring")
ACS_LEVELS = tuple(range(6))

#: The loop's settings a LoRA run starts from; flags override single fields.
PAPER_TRAINING: dict[str, Any] = {
    "epochs": 3,
    "lr": 2e-5,
    "batch_size": 16,
    "weight_decay": 0.01,
    "context": 512,
    "clip": 1.0,
    "warmup_steps": 0,
    "keep_checkpoints": 3,
}


@dataclass(frozen=True)
class LoraSettings:
    """What `train lora` adds to the loop's settings; written to `RUN/config.json`."""

    base_model: str
    input: str = "docstring"
    acs: int = 0
    include_comments: bool = False
    r: int = 16
    alpha: int = 64
    dropout: float = 0.01
    target_modules: tuple[str, ...] | None = None
    merge: bool = False

    def as_dict(self) -> dict[str, Any]:
        found = dataclasses.asdict(self)
        found["target_modules"] = list(self.target_modules) if self.target_modules else None
        return found

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoraSettings:
        modules = data.get("target_modules")
        return cls(**{**data, "target_modules": tuple(modules) if modules else None})


def parse_modules(text: str | None) -> tuple[str, ...] | None:
    """`--target-modules q_proj,v_proj` -> ("q_proj", "v_proj"); None or empty -> None."""
    if text is None:
        return None
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    if not names:
        raise ConfigError("--target-modules: give module names separated by commas")
    return names


def check_lora(lora: LoraSettings) -> None:
    if lora.input not in INPUTS:
        raise ConfigError(f"--input: choose from {', '.join(INPUTS)}, not {lora.input!r}")
    if lora.acs not in ACS_LEVELS:
        raise ConfigError(f"--acs: choose from 0 to 5, not {lora.acs}")
    if lora.r <= 0 or lora.alpha <= 0:
        raise ConfigError("--lora-r and --lora-alpha: must be positive")
    if not 0.0 <= lora.dropout < 1.0:
        raise ConfigError(f"--lora-dropout: must be in [0, 1), not {lora.dropout}")


def training_settings(acs: int, overrides: dict[str, Any]) -> Settings:
    """The loop's settings of a LoRA run: the paper's defaults, then the flags given."""
    given = {key: value for key, value in overrides.items() if value is not None}
    chosen = {**PAPER_TRAINING, **given}
    settings = Settings(model="lora", preset="paper", config=f"acs{acs}", **chosen)
    check(settings)
    return settings

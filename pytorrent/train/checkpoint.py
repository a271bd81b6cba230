"""Resumable training state: model, optimizer, scheduler, every RNG and the data position.

With the RNG states and the position in the micro-batch stream restored, a resumed run on the
CPU draws the same dropout masks, the same MLM masks and the same batches as an uninterrupted
one, so it reaches the same losses. The state file is replaced atomically: an interruption while
saving leaves the previous checkpoint intact.

Frozen parameters (a LoRA run's base weights) are left out: they never change and the resumed
run loads them from the base model again, so a checkpoint of a 7B base holds megabytes, not
the whole model. Their names are recorded, and loading checks that exactly those are missing.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch

from pytorrent.errors import ConfigError
from pytorrent.train.checkpoints import STATE_FILE


@dataclass
class Progress:
    """Where training stands: optimizer steps done and the next micro-batch to read."""

    step: int = 0
    epoch: int = 0
    position: int = 0
    best_val_loss: float | None = None
    best_step: int | None = None
    seconds: float = 0.0


def rng_states() -> dict[str, Any]:
    states: dict[str, Any] = {"python": random.getstate(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        states["cuda"] = torch.cuda.get_rng_state_all()
    return states


def restore_rng(states: dict[str, Any]) -> None:
    random.setstate(states["python"])
    torch.set_rng_state(states["torch"])
    if "cuda" in states and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states["cuda"])


def trained_state(model: torch.nn.Module) -> tuple[dict[str, Any], list[str]]:
    """The model's state without its frozen parameters, and the names left out (tied
    weights share storage, so a frozen tensor is left out under every name it has)."""
    frozen = {p.data_ptr() for p in model.parameters() if not p.requires_grad}
    state, left_out = {}, []
    for name, tensor in model.state_dict().items():
        if tensor.data_ptr() in frozen:
            left_out.append(name)
        else:
            state[name] = tensor
    return state, left_out


def save(
    folder: Path,
    model: torch.nn.Module,
    optimizer: Any,
    scheduler: Any,
    progress: Progress,
    scaler: Any = None,
) -> None:
    """Write the state; `scaler` is the fp16 gradient scaler on CUDA (None elsewhere)."""
    folder.mkdir(parents=True, exist_ok=True)
    weights, frozen = trained_state(model)
    state = {
        "model": weights,
        "frozen": frozen,
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "rng": rng_states(),
        "progress": asdict(progress),
        "scaler": scaler.state_dict() if scaler is not None else None,
    }
    temporary = folder / f".{STATE_FILE}.tmp"
    torch.save(state, temporary)
    temporary.replace(folder / STATE_FILE)


def load(
    folder: Path, model: torch.nn.Module, optimizer: Any, scheduler: Any, scaler: Any = None
) -> Progress:
    """Restore everything `save` wrote into the given objects; the progress to continue from."""
    state = torch.load(folder / STATE_FILE, map_location="cpu", weights_only=False)
    missing, unexpected = model.load_state_dict(state["model"], strict=False)
    if unexpected or set(missing) != set(state.get("frozen", [])):
        raise ConfigError(
            f"--resume: {folder} does not match the model ({len(missing)} weights missing, "
            f"{len(unexpected)} unexpected); was the base model changed?"
        )
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    if scaler is not None and state.get("scaler") is not None:
        scaler.load_state_dict(state["scaler"])
    restore_rng(state["rng"])
    return Progress(**state["progress"])

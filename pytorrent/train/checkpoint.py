"""Resumable training state: model, optimizer, scheduler, every RNG and the data position.

With the RNG states and the position in the micro-batch stream restored, a resumed run on the
CPU draws the same dropout masks, the same MLM masks and the same batches as an uninterrupted
one, so it reaches the same losses. The state file is replaced atomically: an interruption while
saving leaves the previous checkpoint intact.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch

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
    state = {
        "model": model.state_dict(),
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
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    if scaler is not None and state.get("scaler") is not None:
        scaler.load_state_dict(state["scaler"])
    restore_rng(state["rng"])
    return Progress(**state["progress"])

"""Helpers of the training tests: tiny settings, runs and an interruption at a checkpoint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pytorrent.train import checkpoint
from pytorrent.train.presets import Settings, make_settings
from pytorrent.train.session import RunResult, train_run

LOSS_FIELDS = ("step", "epoch", "train_loss", "val_loss", "val_bpc", "val_perplexity", "lr")


def tiny(model: str, **overrides: Any) -> Settings:
    chosen = {"max_steps": 8, "eval_every": 4, "eval_batches": 4, **overrides}
    return make_settings(model, "tiny", chosen)


def losses(result: RunResult) -> list[dict[str, Any]]:
    return [{k: v for k, v in entry.items() if k in LOSS_FIELDS} for entry in result.metrics]


def interrupted_then_resumed(
    settings: Settings, corpus: Path, out: Path, monkeypatch: pytest.MonkeyPatch, stop_at: int
) -> RunResult:
    """Kill the run (KeyboardInterrupt) as it is about to checkpoint `stop_at`, then resume."""
    real_save = checkpoint.save

    def save(
        folder: Path, model: Any, optimizer: Any, scheduler: Any, progress: Any, scaler: Any
    ) -> None:
        if progress.step == stop_at:
            raise KeyboardInterrupt
        real_save(folder, model, optimizer, scheduler, progress, scaler)

    monkeypatch.setattr(checkpoint, "save", save)
    with pytest.raises(KeyboardInterrupt):
        train_run(settings, corpus, out)
    monkeypatch.setattr(checkpoint, "save", real_save)
    return train_run(settings, corpus, out, resume=True)

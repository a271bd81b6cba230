"""One training run from a corpus into a run folder: the library call behind `pytorrent train`."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from pytorrent.errors import ConfigError
from pytorrent.train import loop, run_folder
from pytorrent.train.presets import Settings, check
from pytorrent.train.report import TITLES, plot_losses, write_card
from pytorrent.train.tasks import TASKS


@dataclass(frozen=True)
class RunResult:
    run: Path
    steps: int
    seconds: float
    metrics: list[dict[str, Any]]

    @property
    def last(self) -> dict[str, Any]:
        return self.metrics[-1]


def _resumed_settings(earlier: dict[str, Any], model: str, corpus: Path) -> Settings:
    settings = Settings(**earlier["settings"])
    if settings.model != model:
        raise ConfigError(f"--resume: the run trains {settings.model}, not {model}")
    if earlier["corpus"]["build_json_sha256"] != run_folder.build_sha256(corpus):
        raise ConfigError(
            f"--resume: {corpus} is not the corpus the run started on (build.json differs)"
        )
    return settings


def train_run(settings: Settings, corpus: Path, out: Path, resume: bool = False) -> RunResult:
    """Train a fresh run (or continue `out` from its checkpoint, with its saved settings)."""
    run_folder.build_sha256(corpus)
    earlier = run_folder.prepare(out, resume)
    if earlier is not None:
        settings = _resumed_settings(earlier, settings.model, corpus)
    check(settings)
    random.seed(settings.seed)
    torch.manual_seed(settings.seed)
    task = TASKS[settings.model](settings, corpus)
    device = loop.pick_device(settings.device)
    facts = {
        "model": settings.model,
        "device": str(device),
        "precision": loop.precision_for(device),
        "parameters": sum(p.numel() for p in task.model.parameters()),
        **task.extra,
    }
    config = (
        earlier if earlier is not None else run_folder.write_config(out, settings, corpus, facts)
    )
    progress = loop.train(out, settings, task, resume=earlier is not None)
    metrics = run_folder.read_metrics(out)
    plot_losses(out, metrics, TITLES[settings.model])
    summary = {"steps": progress.step, "seconds": progress.seconds}
    write_card(
        out, {**config, "device": str(device), "precision": facts["precision"]}, metrics, summary
    )
    return RunResult(out, progress.step, progress.seconds, metrics)

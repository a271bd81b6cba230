"""The run folder of one training: settings, metrics, checkpoint, model, plot and model card.

    RUN/config.json      every setting, the corpus path and its build.json sha256, versions
    RUN/metrics.jsonl    one JSON object per evaluation, the first at step 0
    RUN/checkpoints/     the newest checkpoints (`--keep-checkpoints`); `--resume` continues
                         from the newest (see `checkpoints`)
    RUN/model/           the trained model (tokenizer included for the transformer models)
    RUN/loss.png, RUN/README.md

A folder is a run folder when its `config.json` carries `FORMAT`; any other non-empty `--out`
is refused, so training never writes into a folder it did not make.
"""

from __future__ import annotations

import hashlib
import json
import platform
from pathlib import Path
from typing import Any

from pytorrent import layout
from pytorrent.errors import ConfigError
from pytorrent.train import checkpoints
from pytorrent.train.presets import Settings
from pytorrent.version import installed_versions

FORMAT = "pytorrent-run/1"
CONFIG = "config.json"
METRICS = "metrics.jsonl"
MODEL = "model"
_LIBRARIES = ("pytorrent", "torch", "transformers", "accelerate", "safetensors", "tokenizers")


def build_sha256(corpus: Path) -> str:
    """The sha256 of the corpus's build.json: it names every file of the corpus by digest."""
    path = corpus / layout.MANIFEST
    if not path.is_file():
        raise ConfigError(
            f"CORPUS: {corpus} has no build.json; build a corpus with `python -m pytorrent build`"
        )
    return hashlib.sha256(path.read_bytes()).hexdigest()


def versions() -> dict[str, str]:
    """Python and library versions ("not installed" for absent ones)."""
    return {"python": platform.python_version(), **installed_versions(_LIBRARIES)}


def read_config(run: Path) -> dict[str, Any] | None:
    """The run's config.json, or None when `run` is not a run folder."""
    try:
        config = json.loads((run / CONFIG).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return config if isinstance(config, dict) and config.get("format") == FORMAT else None


def prepare(run: Path, resume: bool) -> dict[str, Any] | None:
    """Check `--out`/`--resume`; the earlier config when resuming, else None (a fresh run)."""
    if run.exists() and not run.is_dir():
        raise ConfigError(f"--out: {run} is a file, not a folder")
    empty = not run.exists() or not any(run.iterdir())
    earlier = None if empty else read_config(run)
    if resume:
        if earlier is None or checkpoints.latest(run) is None:
            raise ConfigError(f"--resume: {run} is not a run folder with a checkpoint")
        return earlier
    if not empty:
        if earlier is not None:
            raise ConfigError(
                f"--out: {run} holds an earlier run; pass --resume to continue it "
                "or choose an empty --out"
            )
        raise ConfigError(f"--out: {run} is not empty and not a run folder; choose another --out")
    return None


def write_config(
    run: Path, settings: Settings, corpus: Path, extra: dict[str, Any]
) -> dict[str, Any]:
    config = {
        "format": FORMAT,
        "settings": settings.as_dict(),
        "corpus": {"path": str(corpus.resolve()), "build_json_sha256": build_sha256(corpus)},
        "versions": versions(),
        "seed": settings.seed,
        **extra,
    }
    run.mkdir(parents=True, exist_ok=True)
    write_atomic(run / CONFIG, json.dumps(config, indent=2) + "\n")
    return config


def write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def read_metrics(run: Path) -> list[dict[str, Any]]:
    path = run / METRICS
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def append_metrics(run: Path, entry: dict[str, Any]) -> None:
    with (run / METRICS).open("a", encoding="utf-8") as file:
        file.write(json.dumps(entry) + "\n")


def keep_metrics_until(run: Path, step: int) -> None:
    """Drop evaluations after `step` (made after the checkpoint a resume starts from)."""
    kept = [entry for entry in read_metrics(run) if entry["step"] <= step]
    write_atomic(run / METRICS, "".join(json.dumps(entry) + "\n" for entry in kept))

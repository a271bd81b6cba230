"""The checkpoints of a run folder: one folder per evaluation, the newest `keep` kept.

    RUN/checkpoints/step-00000040/checkpoint.json   {"format": "pytorrent-checkpoint/1", "step": 40}
    RUN/checkpoints/step-00000040/state.pt          what `checkpoint.save` writes
    RUN/checkpoints/manifest.json                   the folders this run wrote, oldest first

Pruning removes only folders that the manifest lists and whose marker names the same step, and
in them only the files a checkpoint is made of, so nothing pytorrent did not write is ever
deleted: a listed folder that holds anything else is left whole (one note) and leaves the
manifest. `--resume` continues from the newest listed folder that has a state; a run folder
of the earlier layout (a single `RUN/checkpoint/`) still resumes from it.

Torch-free at import: `prepare` checks for a checkpoint before torch is loaded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pytorrent.errors import ConfigError

CHECKPOINTS = "checkpoints"
LEGACY = "checkpoint"  # one folder, replaced at every evaluation (runs before `checkpoints/`)
MANIFEST = "manifest.json"
MARKER = "checkpoint.json"
STATE_FILE = "state.pt"
FORMAT = "pytorrent-checkpoint/1"
_OWN_FILES = (MARKER, STATE_FILE, f".{STATE_FILE}.tmp")


def folder_name(step: int) -> str:
    return f"step-{step:08d}"


def _write_json(path: Path, data: dict[str, Any]) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)


def written(run: Path) -> list[str]:
    """The checkpoint folders the manifest lists, oldest first (none without a manifest)."""
    try:
        data = json.loads((run / CHECKPOINTS / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    names = data.get("written") if isinstance(data, dict) and data.get("format") == FORMAT else []
    return [name for name in names or [] if isinstance(name, str)]


def _record(run: Path, names: list[str]) -> None:
    _write_json(run / CHECKPOINTS / MANIFEST, {"format": FORMAT, "written": names})


def is_ours(folder: Path) -> bool:
    """Whether `folder`'s marker says pytorrent wrote it as the checkpoint its name gives."""
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(marker, dict)
        and marker.get("format") == FORMAT
        and isinstance(marker.get("step"), int)
        and folder.name == folder_name(marker["step"])
    )


def latest(run: Path) -> Path | None:
    """The folder `--resume` continues from: the newest written checkpoint with a state."""
    for name in reversed(written(run)):
        folder = run / CHECKPOINTS / name
        if is_ours(folder) and (folder / STATE_FILE).is_file():
            return folder
    legacy = run / LEGACY
    return legacy if (legacy / STATE_FILE).is_file() else None


def prune(run: Path, keep: int) -> list[str]:
    """Remove the checkpoints older than the newest `keep`; a note for each one left alone."""
    names = written(run)
    notes: list[str] = []
    kept = names[-keep:]
    for name in names[:-keep]:
        folder = run / CHECKPOINTS / name
        if not folder.exists():
            continue
        others = sorted(p.name for p in folder.iterdir() if p.name not in _OWN_FILES)
        if not is_ours(folder) or others:
            reason = f"it holds {', '.join(others)}" if others else "its marker is not ours"
            notes.append(f"kept {folder}: {reason}, which pytorrent did not write")
            continue
        for own in _OWN_FILES:
            (folder / own).unlink(missing_ok=True)
        folder.rmdir()
    _record(run, kept)
    return notes


def save(
    run: Path,
    keep: int,
    model: Any,
    optimizer: Any,
    scheduler: Any,
    progress: Any,
    scaler: Any = None,
) -> list[str]:
    """Write the checkpoint of `progress.step`, list it, prune to `keep`; notes to print."""
    from pytorrent.train import checkpoint

    folder = run / CHECKPOINTS / folder_name(progress.step)
    if folder.exists() and any(folder.iterdir()) and not is_ours(folder):
        raise ConfigError(
            f"--out: {folder} exists and pytorrent did not write it; move it out of the run"
        )
    folder.mkdir(parents=True, exist_ok=True)
    _write_json(folder / MARKER, {"format": FORMAT, "step": progress.step})
    checkpoint.save(folder, model, optimizer, scheduler, progress, scaler)
    names = [name for name in written(run) if name != folder.name]
    _record(run, [*names, folder.name])
    return prune(run, keep)

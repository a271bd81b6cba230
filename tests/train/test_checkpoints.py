"""Checkpoint retention: the newest N kept, only folders pytorrent wrote pruned, `--resume`
from the newest (and from the single `checkpoint/` of earlier run folders)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from pytorrent.cli import main
from pytorrent.evaluate.examples import read_examples
from pytorrent.train import checkpoint, checkpoints
from pytorrent.train.lora import train_lora
from pytorrent.train.lora_settings import LoraSettings
from pytorrent.train.session import train_run
from tests.tokenizer.conftest import Trained
from tests.train.runs import losses, tiny
from tests.train.test_lora import quick, save_tiny_gpt2

pytestmark = pytest.mark.filterwarnings("ignore:`is_gradient_checkpointing`:FutureWarning")


def steps_on_disk(run: Path) -> list[int]:
    found = sorted((run / "checkpoints").glob("step-*"))
    return [int(folder.name.removeprefix("step-")) for folder in found]


def listed(run: Path) -> list[str]:
    return checkpoints.written(run)


def test_lora_keeps_three_and_never_prunes_what_it_did_not_write(
    trained: Trained, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from pytorrent.train.data import load_tokenizer

    base = save_tiny_gpt2(tmp_path / "gpt2", load_tokenizer(trained.out))
    run = tmp_path / "run"
    real_save = checkpoint.save

    def save(folder: Path, *rest: Any) -> None:
        real_save(folder, *rest)
        if folder.name == checkpoints.folder_name(2):  # a person's files, mid-run
            (run / "checkpoints" / "notes.txt").write_text("mine\n")
            (run / "checkpoints" / "step-00000001" / "eval.txt").write_text("mine\n")

    monkeypatch.setattr(checkpoint, "save", save)
    settings = quick(max_steps=5, eval_every=1)
    assert settings.keep_checkpoints == 3  # the paper's default for LoRA
    train_lora(settings, LoraSettings(base_model=str(base)), trained.out, run, read_examples,
               eval_every_epoch=False)  # fmt: skip
    assert listed(run) == [checkpoints.folder_name(step) for step in (3, 4, 5)]
    assert steps_on_disk(run) == [1, 3, 4, 5]  # 0 and 2 pruned; 1 holds a person's file
    kept = run / "checkpoints" / "step-00000001"
    assert (kept / "eval.txt").is_file() and (kept / "state.pt").is_file()
    assert (run / "checkpoints" / "notes.txt").read_text() == "mine\n"
    err = capsys.readouterr().err
    assert err.count(f"kept {kept}: it holds eval.txt, which pytorrent did not write") == 1
    config = json.loads((run / "config.json").read_text())
    assert config["settings"]["keep_checkpoints"] == 3
    import torch

    state = torch.load(run / "checkpoints" / "step-00000005" / "state.pt", weights_only=False)
    assert state["model"] and all("lora_" in name for name in state["model"])
    assert any(name.endswith("wte.weight") for name in state["frozen"])  # the base: left out


def test_resume_continues_from_the_newest_checkpoint(
    trained: Trained, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pytorrent.train.data import load_tokenizer

    base = save_tiny_gpt2(tmp_path / "gpt2", load_tokenizer(trained.out))
    lora = LoraSettings(base_model=str(base))
    settings = quick(max_steps=6, eval_every=1)
    whole = train_lora(settings, lora, trained.out, tmp_path / "whole", read_examples,
                       eval_every_epoch=False)  # fmt: skip
    real_save = checkpoint.save

    def save(folder: Path, model: Any, optimizer: Any, scheduler: Any, progress: Any,
             *rest: Any) -> None:  # fmt: skip
        if progress.step == 4:
            raise KeyboardInterrupt
        real_save(folder, model, optimizer, scheduler, progress, *rest)

    cut = tmp_path / "cut"
    monkeypatch.setattr(checkpoint, "save", save)
    with pytest.raises(KeyboardInterrupt):
        train_lora(settings, lora, trained.out, cut, read_examples, eval_every_epoch=False)
    monkeypatch.setattr(checkpoint, "save", real_save)
    assert listed(cut) == [checkpoints.folder_name(step) for step in (1, 2, 3)]
    newest = checkpoints.latest(cut)
    assert newest is not None and newest.name == "step-00000003"
    resumed = train_lora(settings, lora, trained.out, cut, read_examples, resume=True)
    fields = ("step", "train_loss", "val_loss")
    assert [{k: e[k] for k in fields} for e in resumed.metrics] == [
        {k: e[k] for k in fields} for e in whole.metrics
    ]
    assert listed(cut) == [checkpoints.folder_name(step) for step in (4, 5, 6)]
    assert steps_on_disk(cut) == [4, 5, 6]


def test_run_folder_of_the_single_checkpoint_layout_still_resumes(
    real_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = tiny("lstm", eval_every=2)
    whole = train_run(settings, real_corpus, tmp_path / "whole")
    cut = tmp_path / "cut"
    real_save = checkpoint.save

    def convert_and_stop(folder: Path, model: Any, optimizer: Any, scheduler: Any,
                         progress: Any, *rest: Any) -> None:  # fmt: skip
        if progress.step == 6:  # leave the layout earlier versions wrote: RUN/checkpoint/
            legacy = cut / "checkpoint"
            legacy.mkdir()
            shutil.move(cut / "checkpoints" / "step-00000004" / "state.pt", legacy)
            shutil.rmtree(cut / "checkpoints")
            raise KeyboardInterrupt
        real_save(folder, model, optimizer, scheduler, progress, *rest)

    monkeypatch.setattr(checkpoint, "save", convert_and_stop)
    with pytest.raises(KeyboardInterrupt):
        train_run(settings, real_corpus, cut)
    monkeypatch.setattr(checkpoint, "save", real_save)
    assert checkpoints.latest(cut) == cut / "checkpoint"
    resumed = train_run(settings, real_corpus, cut, resume=True)
    assert losses(resumed) == losses(whole)
    assert (cut / "checkpoint" / "state.pt").is_file()  # never pruned: not in the manifest
    assert listed(cut) == ["step-00000008"]  # the other models keep 1 by default


def test_a_listed_folder_without_our_marker_is_left_whole(
    real_corpus: Path, tmp_path: Path, capsys: Any
) -> None:
    run = tmp_path / "run"
    train_run(tiny("lstm", max_steps=3, eval_every=1, keep_checkpoints=10), real_corpus, run)
    assert steps_on_disk(run) == [0, 1, 2, 3]
    replaced = run / "checkpoints" / "step-00000001"
    (replaced / "checkpoint.json").write_text('{"format": "pytorrent-checkpoint/1", "step": 7}')
    assert checkpoints.prune(run, 1) == [
        f"kept {replaced}: its marker is not ours, which pytorrent did not write"
    ]
    assert steps_on_disk(run) == [1, 3] and listed(run) == ["step-00000003"]
    assert (replaced / "state.pt").is_file()


def test_keep_checkpoints_below_one_is_one_line_exit_2(
    real_corpus: Path, tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "run"
    argv = ["train", "lstm", str(real_corpus), "--out", str(out), "--keep-checkpoints", "0"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--keep-checkpoints: must be positive" in err
    assert not out.exists()

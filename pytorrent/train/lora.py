"""`train lora`: LoRA fine-tuning of a local model for docstring -> code, on the common loop.

The run folder is the loop's (`config.json`, `metrics.jsonl`, `checkpoints/`, `loss.png`,
`README.md`) plus `adapter/` and, with `merge`, a merged `model/`. Examples come from a reader
with the signature of `pytorrent.evaluate.examples.read_examples`, passed in by the caller so
training and `eval gen` build the same prompts without `train` importing `evaluate`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import torch
from torch import nn

from pytorrent.errors import ConfigError
from pytorrent.train import loop, run_folder
from pytorrent.train.loop import Task
from pytorrent.train.lora_data import PromptExample, batches, encode_examples, label_units
from pytorrent.train.lora_model import (
    BaseModel,
    context_for,
    load_base,
    model_folder,
    save_adapter,
    save_merged,
    wrap,
)
from pytorrent.train.lora_model import target_modules as chosen_modules
from pytorrent.train.lora_report import TITLE, write_lora_card
from pytorrent.train.lora_settings import LoraSettings, check_lora
from pytorrent.train.presets import Settings, check
from pytorrent.train.report import plot_losses
from pytorrent.train.session import RunResult
from pytorrent.train.transformer_models import decay_groups

ADAPTER = "adapter"


class ExampleReader(Protocol):
    """`pytorrent.evaluate.examples.read_examples`: examples of a split, and skip counts."""

    def __call__(
        self, corpus: Path, *, acs: int, split: str, form: str, comments: bool = False
    ) -> tuple[Sequence[PromptExample], Counter[str]]: ...


def _loss(model: nn.Module, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    return model(**batch).loss  # type: ignore[no-any-return]


def _split_data(
    reader: ExampleReader,
    corpus: Path,
    lora: LoraSettings,
    split: str,
    base: BaseModel,
    context: int,
) -> tuple[list[Any], dict[str, Any]]:
    examples, skipped = reader(
        corpus, acs=lora.acs, split=split, form=lora.input, comments=lora.include_comments
    )
    features, cut = encode_examples(examples, base.tokenizer, context, base.encoder_decoder)
    facts = {"examples": len(features), "skipped": dict(skipped), **dict(cut)}
    return features, facts


def lora_task(
    settings: Settings, lora: LoraSettings, corpus: Path, run: Path, reader: ExampleReader
) -> Task:
    """The loop's task: the peft model, batches of both splits, label-token loss, saving."""
    base = load_base(Path(lora.base_model))
    model = wrap(base, lora)
    model.train()  # from_pretrained returns eval mode; a resumed run has no step-0 evaluation
    context = context_for(base, settings.context)
    train, train_facts = _split_data(reader, corpus, lora, "train", base, context)
    valid, valid_facts = _split_data(reader, corpus, lora, "valid", base, context)
    pad, seq2seq = int(base.tokenizer.pad_token_id), base.encoder_decoder

    def save(trained: nn.Module, folder: Path) -> None:
        save_adapter(trained, base.tokenizer, run / ADAPTER)
        if lora.merge:
            save_merged(trained, base.tokenizer, folder)

    config_bytes = (base.folder / "config.json").read_bytes()
    return Task(
        model=model,
        train_batches=lambda epoch: batches(
            train, settings.batch_size, pad, seq2seq, f"{settings.seed}:{epoch}"
        ),
        val_batches=lambda: batches(valid, settings.batch_size, pad, seq2seq, None),
        loss=_loss,
        units=label_units,
        save_model=save,
        param_groups=decay_groups(model, settings.weight_decay),
        extra={
            "base_model": {
                "path": str(base.folder),
                "model_type": base.model_type,
                "encoder_decoder": seq2seq,
                "config_sha256": hashlib.sha256(config_bytes).hexdigest(),
            },
            "target_modules": chosen_modules(model),
            "trainable_parameters": sum(p.numel() for p in model.parameters() if p.requires_grad),
            "data": {"context": context, "train": train_facts, "valid": valid_facts},
        },
    )


def _resumed(
    earlier: dict[str, Any], corpus: Path, given: LoraSettings
) -> tuple[Settings, LoraSettings]:
    if earlier["settings"]["model"] != "lora" or "lora" not in earlier:
        raise ConfigError(f"--resume: the run trains {earlier['settings']['model']}, not lora")
    if earlier["corpus"]["build_json_sha256"] != run_folder.build_sha256(corpus):
        raise ConfigError(
            f"--resume: {corpus} is not the corpus the run started on (build.json differs)"
        )
    lora = LoraSettings.from_dict(earlier["lora"])
    if Path(lora.base_model).resolve() != Path(given.base_model).resolve():
        raise ConfigError(f"--resume: the run fine-tunes {lora.base_model}, not {given.base_model}")
    return Settings(**earlier["settings"]), lora


def train_lora(
    settings: Settings,
    lora: LoraSettings,
    corpus: Path,
    out: Path,
    reader: ExampleReader,
    *,
    resume: bool = False,
    eval_every_epoch: bool = True,
) -> RunResult:
    """Fine-tune a fresh run (or continue `out` from its checkpoint with its saved settings).

    `eval_every_epoch` replaces `settings.eval_every` by the steps of one epoch."""
    model_folder(Path(lora.base_model))  # a hub id fails here, before any reading
    run_folder.build_sha256(corpus)
    earlier = run_folder.prepare(out, resume)
    if earlier is not None:
        settings, lora = _resumed(earlier, corpus, lora)
    check(settings)
    check_lora(lora)
    random.seed(settings.seed)
    torch.manual_seed(settings.seed)
    task = lora_task(settings, lora, corpus, out, reader)
    if earlier is None and eval_every_epoch:
        per_epoch = max(1, loop.micro_batches_per_epoch(task) // settings.grad_accum)
        settings = dataclasses.replace(settings, eval_every=per_epoch)
    device = loop.pick_device(settings.device)
    facts = {
        "model": "lora",
        "device": str(device),
        "precision": loop.precision_for(device),
        "parameters": sum(p.numel() for p in task.model.parameters()),
        **task.extra,
        "lora": lora.as_dict(),
    }
    config = (
        earlier if earlier is not None else run_folder.write_config(out, settings, corpus, facts)
    )
    progress = loop.train(out, settings, task, resume=earlier is not None)
    metrics = run_folder.read_metrics(out)
    plot_losses(out, metrics, TITLE)
    summary = {"steps": progress.step, "seconds": progress.seconds}
    write_lora_card(
        out, {**config, "device": str(device), "precision": facts["precision"]}, metrics, summary
    )
    return RunResult(out, progress.step, progress.seconds, metrics)

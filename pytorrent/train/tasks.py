"""The three models as loop `Task`s: data, loss, optimizer groups and saving of each.

Validation reads the corpus's middle split (`valid`) with the last partial batch kept; training
reads `train`. The test split is never read here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from pytorrent.train.data import CharVocab, load_tokenizer
from pytorrent.train.loop import Task
from pytorrent.train.lstm import CharLSTM, char_batches, char_loss, save_char_model
from pytorrent.train.presets import Settings
from pytorrent.train.transformer_models import (
    causal_batches,
    causal_loss,
    decay_groups,
    gpt2_model,
    masked_batches,
    masked_loss,
    masked_units,
    mlm_model,
    saver,
)


def lstm_task(settings: Settings, corpus: Path) -> Task:
    vocab = CharVocab()
    model = CharLSTM(len(vocab), settings.embedding, settings.hidden, settings.dropout)

    def save(trained: torch.nn.Module, folder: Path) -> None:
        assert isinstance(trained, CharLSTM)
        save_char_model(trained, vocab, folder)

    def penalty(trained: torch.nn.Module) -> torch.Tensor:
        assert isinstance(trained, CharLSTM)
        return trained.penalty(settings.l2)

    return Task(
        model=model,
        train_batches=lambda epoch: char_batches(corpus, "train", settings, vocab, epoch),
        val_batches=lambda: char_batches(corpus, "valid", settings, vocab, 0, keep_partial=True),
        loss=char_loss,
        units=lambda ids: int(ids.shape[0] * (ids.shape[1] - 1)),
        save_model=save,
        param_groups=[{"params": list(model.parameters())}],
        unit_name="chars",
        metric="bpc",
        penalty=penalty if settings.l2 > 0 else None,
        optimizer="adam",
        schedule="constant",
        extra={"vocabulary": {"chars": len(vocab), "unknown_id": 0}},
    )


def _tokenizer_facts(tokenizer: Any) -> dict[str, Any]:
    return {
        "tokenizer": {
            "vocab_size": len(tokenizer),
            "eos": tokenizer.eos_token,
            "bos": tokenizer.bos_token,
            "pad": tokenizer.pad_token,
            "mask": tokenizer.mask_token,
        }
    }


def gpt2_task(settings: Settings, corpus: Path) -> Task:
    tokenizer = load_tokenizer(corpus)
    model = gpt2_model(settings, tokenizer)
    return Task(
        model=model,
        train_batches=lambda epoch: causal_batches(
            corpus, "train", settings, tokenizer, epoch, keep_partial=False
        ),
        val_batches=lambda: causal_batches(corpus, "valid", settings, tokenizer, 0, True),
        loss=causal_loss,
        units=lambda ids: int(ids.numel()),
        save_model=saver(tokenizer),
        param_groups=decay_groups(model, settings.weight_decay),
        extra=_tokenizer_facts(tokenizer),
    )


def mlm_task(settings: Settings, corpus: Path) -> Task:
    tokenizer = load_tokenizer(corpus)
    model = mlm_model(settings, tokenizer)
    return Task(
        model=model,
        train_batches=lambda epoch: masked_batches(
            corpus, "train", settings, tokenizer, epoch, keep_partial=False
        ),
        val_batches=lambda: masked_batches(corpus, "valid", settings, tokenizer, 0, True),
        loss=masked_loss,
        units=masked_units,
        save_model=saver(tokenizer),
        param_groups=decay_groups(model, settings.weight_decay),
        extra=_tokenizer_facts(tokenizer),
    )


TASKS = {"lstm": lstm_task, "gpt2": gpt2_task, "mlm": mlm_task}

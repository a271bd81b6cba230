"""LoRA training examples: `eval gen`'s prompts and references as token ids, labels and batches.

Prompts and targets are tokenized apart, the prompt exactly as `eval gen` tokenizes it (the
tokenizer's own special tokens, e.g. Llama's BOS), the target without special tokens and with
EOS appended, so training sees the token boundary that generation starts from.

- Causal LMs: `input_ids = prompt + target + EOS`; labels are -100 on the prompt and on padding.
  Over `context` tokens: the prompt keeps its last `max(context - target, context // 2)`
  tokens (its end, where generation continues, as `eval gen` keeps it), then the target is
  cut at its end (losing EOS).
- Encoder-decoder models: the encoder reads the prompt, keeping its last `context` tokens;
  labels are target + EOS cut to `context` tokens.

Every cut is counted (`truncated_prompts`, `truncated_targets`) per split.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import torch

IGNORE = -100


class PromptExample(Protocol):
    """An example of `pytorrent.evaluate.examples` (structurally: prompt and reference)."""

    @property
    def prompt(self) -> str: ...

    @property
    def reference(self) -> str: ...


@dataclass(frozen=True)
class Features:
    """One tokenized example: model input ids and the labels of the loss."""

    input_ids: list[int]
    labels: list[int]


def causal_features(
    prompt: list[int], target: list[int], context: int, counts: Counter[str]
) -> Features:
    """prompt + target (EOS included in `target`) in `context` tokens, the prompt masked."""
    if len(prompt) + len(target) > context:
        keep = max(context - len(target), context // 2)
        if len(prompt) > keep:
            prompt = prompt[-keep:]
            counts["truncated_prompts"] += 1
        if len(prompt) + len(target) > context:
            target = target[: context - len(prompt)]
            counts["truncated_targets"] += 1
    return Features([*prompt, *target], [IGNORE] * len(prompt) + list(target))


def seq2seq_features(
    prompt: list[int], target: list[int], context: int, counts: Counter[str]
) -> Features:
    """The encoder's prompt (its last `context` tokens) and the labels (the first ones)."""
    if len(prompt) > context:
        prompt = prompt[-context:]
        counts["truncated_prompts"] += 1
    if len(target) > context:
        target = target[:context]
        counts["truncated_targets"] += 1
    return Features(list(prompt), list(target))


def encode_examples(
    examples: Sequence[PromptExample], tokenizer: Any, context: int, encoder_decoder: bool
) -> tuple[list[Features], Counter[str]]:
    """The features of every example and how many prompts and targets were cut."""
    counts: Counter[str] = Counter(truncated_prompts=0, truncated_targets=0)
    eos = tokenizer.eos_token_id
    make = seq2seq_features if encoder_decoder else causal_features
    found = []
    for example in examples:
        prompt = list(tokenizer(example.prompt, verbose=False)["input_ids"])
        reference = tokenizer(example.reference, add_special_tokens=False, verbose=False)
        target = [*reference["input_ids"], eos]
        found.append(make(prompt, target, context, counts))
    return found, counts


def collate(
    batch: Sequence[Features], pad_id: int, encoder_decoder: bool
) -> dict[str, torch.Tensor]:
    """Right-padded tensors; padding is masked from attention and -100 in the labels."""
    width = max(len(item.input_ids) for item in batch)
    ids = [item.input_ids + [pad_id] * (width - len(item.input_ids)) for item in batch]
    mask = [[1] * len(item.input_ids) + [0] * (width - len(item.input_ids)) for item in batch]
    label_width = max(len(item.labels) for item in batch) if encoder_decoder else width
    labels = [item.labels + [IGNORE] * (label_width - len(item.labels)) for item in batch]
    return {
        "input_ids": torch.tensor(ids, dtype=torch.long),
        "attention_mask": torch.tensor(mask, dtype=torch.long),
        "labels": torch.tensor(labels, dtype=torch.long),
    }


def batches(
    features: Sequence[Features],
    batch_size: int,
    pad_id: int,
    encoder_decoder: bool,
    shuffle_seed: str | None,
) -> Iterator[dict[str, torch.Tensor]]:
    """Batches in corpus order, or shuffled by `shuffle_seed`; the last partial batch kept
    (as the paper's Trainer does), so a small corpus still trains."""
    order = list(range(len(features)))
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(order)
    for start in range(0, len(order), batch_size):
        chosen = [features[index] for index in order[start : start + batch_size]]
        yield collate(chosen, pad_id, encoder_decoder)


def label_units(batch: dict[str, torch.Tensor]) -> int:
    """Tokens the loss is taken over (labels other than -100)."""
    return int((batch["labels"] != IGNORE).sum())

"""GPT-2 (CodeParrot-style) and a RoBERTa-style masked LM, from scratch, on the corpus tokenizer.

Both are plain transformers models: `RUN/model/` holds the model and the corpus tokenizer, so
`AutoModelForCausalLM` / `AutoModelForMaskedLM` and `AutoTokenizer.from_pretrained(RUN/model)`
load them without pytorrent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import torch
from torch import nn

from pytorrent.train.data import line_batches, packed_batches, split_shards
from pytorrent.train.presets import Settings


def recompute_activations(model: Any) -> None:
    """Activation (gradient) checkpointing, by the name this transformers version uses."""
    enable = getattr(model, "activation_checkpointing_enable", None)
    (enable or model.gradient_checkpointing_enable)()


def gpt2_model(settings: Settings, tokenizer: Any) -> nn.Module:
    from transformers import GPT2Config, GPT2LMHeadModel

    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=settings.context,
        n_embd=settings.width,
        n_layer=settings.layers,
        n_head=settings.heads,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        scale_attn_by_inverse_layer_idx=settings.scale_attn_by_inverse_layer_idx,
        reorder_and_upcast_attn=settings.reorder_and_upcast_attn,
    )
    model = GPT2LMHeadModel(config)
    if settings.gradient_checkpointing:
        recompute_activations(model)
    return model


def mlm_model(settings: Settings, tokenizer: Any) -> nn.Module:
    from transformers import RobertaConfig, RobertaForMaskedLM

    config = RobertaConfig(
        vocab_size=len(tokenizer),
        # RoBERTa numbers positions from pad_token_id + 1
        max_position_embeddings=settings.context + tokenizer.pad_token_id + 1,
        hidden_size=settings.width,
        num_hidden_layers=settings.layers,
        num_attention_heads=settings.heads,
        intermediate_size=4 * settings.width,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        type_vocab_size=1,
    )
    model = RobertaForMaskedLM(config)
    if settings.gradient_checkpointing:
        recompute_activations(model)
    return model


def decay_groups(model: nn.Module, weight_decay: float) -> list[dict[str, Any]]:
    """AdamW groups: weight decay on every weight except biases and LayerNorm weights."""
    exempt = {
        id(parameter)
        for module in model.modules()
        if isinstance(module, nn.LayerNorm)
        for parameter in module.parameters(recurse=False)
    }
    decay: list[nn.Parameter] = []
    plain: list[nn.Parameter] = []
    for name, parameter in model.named_parameters():
        if not parameter.requires_grad:
            continue
        skip = name.endswith("bias") or id(parameter) in exempt
        (plain if skip else decay).append(parameter)
    return [
        {"params": decay, "weight_decay": weight_decay},
        {"params": plain, "weight_decay": 0.0},
    ]


def causal_batches(
    corpus: Path, split: str, settings: Settings, tokenizer: Any, epoch: int, keep_partial: bool
) -> Iterator[torch.Tensor]:
    """CodeParrot packing: texts joined by EOS, cut into `context` blocks."""
    shards = split_shards(corpus, settings.config, split)

    encode = token_encoder(tokenizer)

    for batch in packed_batches(
        shards,
        settings.text,
        encode,
        [tokenizer.eos_token_id],
        settings.context,
        settings.batch_size,
        settings.seed,
        epoch,
        keep_partial=keep_partial,
    ):
        yield torch.tensor(batch, dtype=torch.long)


def causal_loss(model: nn.Module, ids: torch.Tensor) -> torch.Tensor:
    return model(input_ids=ids, labels=ids).loss  # type: ignore[no-any-return]


def token_encoder(tokenizer: Any) -> Callable[[str], list[int]]:
    """Ids of a text without special tokens, straight from the `tokenizers` backend (no warning
    about texts longer than the model: packing cuts them)."""
    backend = tokenizer.backend_tokenizer

    def encode(text: str) -> list[int]:
        return list(backend.encode(text, add_special_tokens=False).ids)

    return encode


def mask_seed(seed: int, split: str, epoch: int, index: int) -> int:
    """The masking seed of one batch, from its place in the data, so resuming (which skips the
    batches already trained on) draws the masks an uninterrupted run draws."""
    digest = hashlib.sha256(f"{seed}:{split}:{epoch}:{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def masked_batches(
    corpus: Path,
    split: str,
    settings: Settings,
    tokenizer: Any,
    epoch: int,
    keep_partial: bool,
) -> Iterator[dict[str, torch.Tensor]]:
    """Each text as `<bos> ids <eos>`, truncated to `context` ids, padded and masked 80/10/10
    by `DataCollatorForLanguageModeling` with a per-batch seed."""
    shards = split_shards(corpus, settings.config, split)
    bos, eos = tokenizer.bos_token_id, tokenizer.eos_token_id

    plain = token_encoder(tokenizer)

    def encode(text: str) -> list[int]:
        return [bos, *plain(text)[: settings.context - 2], eos]

    batches = line_batches(
        shards,
        settings.text,
        encode,
        settings.context,
        settings.batch_size,
        settings.seed,
        epoch,
        keep_partial=keep_partial,
    )
    for index, batch in enumerate(batches):
        collator = masked_collator(
            tokenizer, settings, mask_seed(settings.seed, split, epoch, index)
        )
        yield collator([{"input_ids": ids} for ids in batch])


def masked_collator(tokenizer: Any, settings: Settings, seed: int | None = None) -> Any:
    from transformers import DataCollatorForLanguageModeling

    return DataCollatorForLanguageModeling(
        tokenizer,
        mlm=True,
        mlm_probability=settings.mlm_probability,
        return_tensors="pt",
        seed=seed,
    )


def masked_loss(model: nn.Module, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    return model(  # type: ignore[no-any-return]
        input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=batch["labels"]
    ).loss


def masked_units(batch: dict[str, torch.Tensor]) -> int:
    return int((batch["labels"] != -100).sum())


def saver(tokenizer: Any) -> Any:
    def save(model: nn.Module, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        model.save_pretrained(str(folder))  # type: ignore[operator]
        tokenizer.save_pretrained(str(folder))

    return save


@torch.no_grad()
def generate_tokens(
    folder: Path,
    prompt: str,
    max_new_tokens: int,
    temperature: float,
    seed: int,
    device: torch.device,
) -> str:
    """The prompt and its continuation from a saved causal LM (temperature 0: greedy)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    model: Any = AutoModelForCausalLM.from_pretrained(str(folder))
    model.to(device).eval()
    ids = tokenizer(prompt, return_tensors="pt", add_special_tokens=False)["input_ids"].to(device)
    torch.manual_seed(seed)
    sample = temperature > 0
    limit = model.config.n_positions - ids.shape[1]
    out = model.generate(
        input_ids=ids,
        attention_mask=torch.ones_like(ids),
        max_new_tokens=max(0, min(max_new_tokens, limit)),
        do_sample=sample,
        temperature=temperature if sample else None,
        top_k=0 if sample else None,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    return str(tokenizer.decode(out[0], skip_special_tokens=True))

"""`pytorrent train lstm|gpt2|mlm CORPUS --out RUN`: train a model on a built corpus."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pytorrent.train import require_extra
from pytorrent.train.data import CONFIGS, TEXTS
from pytorrent.train.lora_cli import add_lora_parser, run_lora
from pytorrent.train.presets import DEVICES, PRESETS, make_settings

HELP = (
    "train a char-level LSTM, GPT-2 or a masked LM from scratch, or LoRA-fine-tune a local model,"
    " on a built corpus (extra train)"
)

MODEL_HELP = {
    "lstm": "character-level LSTM baseline (Embedding, 2 x LSTM, Dense); reports bits per char",
    "gpt2": "GPT-2 from scratch, CodeParrot-style, on the corpus tokenizer; reports perplexity",
    "mlm": "RoBERTa-style masked LM from scratch (15% masking, 80/10/10); reports perplexity",
}

#: flag -> (type, help) shared by every model; None = taken from the preset.
COMMON: dict[str, tuple[Any, str]] = {
    "--max-steps": (int, "optimizer steps to train (wins over --epochs)"),
    "--epochs": (int, "whole passes over the train split (when --max-steps is not given)"),
    "--batch-size": (int, "sequences per micro-batch"),
    "--grad-accum": (int, "micro-batches per optimizer step"),
    "--lr": (float, "peak learning rate"),
    "--eval-every": (int, "optimizer steps between evaluations and checkpoints"),
    "--eval-batches": (int, "validation batches per evaluation (default of paper presets: all)"),
    "--context": (int, "sequence length: characters (LSTM) or tokens"),
    "--clip": (float, "gradient-norm clipping; 0 turns it off"),
    "--keep-checkpoints": (int, "newest checkpoints kept in RUN/checkpoints/, older pruned"),
}
LSTM_FLAGS: dict[str, tuple[Any, str]] = {
    "--embedding": (int, "embedding width"),
    "--hidden": (int, "units of each LSTM layer"),
    "--dropout": (float, "dropout after each LSTM layer"),
    "--l2": (float, "L2 penalty on the output layer's weights"),
}
TRANSFORMER_FLAGS: dict[str, tuple[Any, str]] = {
    "--layers": (int, "transformer layers"),
    "--heads": (int, "attention heads"),
    "--width": (int, "hidden size"),
    "--weight-decay": (float, "AdamW weight decay (not on biases and LayerNorm weights)"),
    "--warmup-steps": (int, "linear warm-up steps before the cosine decay"),
}


def _add_model(subparsers: Any, model: str) -> None:
    parser = subparsers.add_parser(model, help=MODEL_HELP[model], description=MODEL_HELP[model])
    parser.add_argument("corpus", type=Path, metavar="CORPUS", help="output folder of build")
    parser.add_argument("--out", type=Path, required=True, metavar="RUN", help="run folder")
    presets = list(PRESETS[model])
    parser.add_argument("--preset", choices=presets, default="tiny", help="defaults (tiny)")
    parser.add_argument("--config", choices=CONFIGS, default=None, help="corpus config (pairs)")
    parser.add_argument("--text", choices=TEXTS, default=None, help="text column (code)")
    parser.add_argument("--seed", type=int, default=None, help="seed of init, data, dropout (0)")
    parser.add_argument("--device", choices=DEVICES, default=None, help="auto: CUDA when present")
    parser.add_argument(
        "--resume", action="store_true", help="continue RUN from its checkpoint, its settings"
    )
    flags = {**COMMON, **(LSTM_FLAGS if model == "lstm" else TRANSFORMER_FLAGS)}
    for flag, (kind, text) in flags.items():
        parser.add_argument(flag, type=kind, default=None, help=f"{text} (default: preset)")
    if model != "lstm":
        parser.add_argument(
            "--gradient-checkpointing",
            action="store_true",
            default=None,
            help="recompute activations in the backward pass to save memory",
        )
    if model == "mlm":
        parser.add_argument("--mlm-probability", type=float, default=None, help="masked share")
    parser.set_defaults(model=model)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    subparsers = parser.add_subparsers(dest="model", metavar="MODEL", required=True)
    for model in MODEL_HELP:
        _add_model(subparsers, model)
    add_lora_parser(subparsers, COMMON)


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    skip = {"command", "model", "corpus", "out", "preset", "resume", "_run"}
    return {key: value for key, value in vars(args).items() if key not in skip}


def run(args: argparse.Namespace) -> int:
    if args.model == "lora":
        from pytorrent.evaluate.examples import read_examples  # eval gen's prompts, shared

        return run_lora(args, read_examples)
    require_extra()
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    settings = make_settings(args.model, args.preset, overrides(args))
    from pytorrent.train.session import train_run

    try:
        result = train_run(settings, args.corpus, args.out, resume=args.resume)
    except KeyboardInterrupt:
        print(
            f"pytorrent train: interrupted; continue with --resume --out {args.out}",
            file=sys.stderr,
        )
        return 130
    last = result.last
    metric = "val_bpc" if "val_bpc" in last else "val_perplexity"
    best = min(result.metrics, key=lambda entry: entry["val_loss"])
    print(
        f"{args.model}: {result.steps} steps in {result.seconds:.1f} s; step {last['step']} "
        f"val_loss {last['val_loss']:.4f}, {metric} {last[metric]:.4f}; "
        f"best val_loss {best['val_loss']:.4f} at step {best['step']}"
    )
    print(f"wrote {args.out}")
    return 0

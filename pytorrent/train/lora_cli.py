"""The `train lora` subcommand's flags and run (torch-free at import, so `--help` stays fast).

`pytorrent.commands.train` registers it and passes in the loop's common flags and the example
reader of `eval gen`, which keeps `train` from importing `commands` or `evaluate`.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import sys
from pathlib import Path
from typing import Any

from pytorrent.errors import ConfigError
from pytorrent.train import INSTALL, require_extra
from pytorrent.train.lora_settings import (
    ACS_LEVELS,
    INPUTS,
    PAPER_TRAINING,
    LoraSettings,
    parse_modules,
    training_settings,
)
from pytorrent.train.presets import DEVICES, Settings

HELP = "LoRA fine-tuning of a local causal LM or encoder-decoder for docstring -> code (peft)"
_EXTRA: dict[str, tuple[Any, str]] = {
    "--weight-decay": (float, "AdamW weight decay (not on biases and LayerNorm weights)"),
    "--warmup-steps": (int, "linear warm-up steps before the cosine decay"),
}
_LOOP_DEFAULTS = {field.name: field.default for field in dataclasses.fields(Settings)}
_SHOWN = {"eval_every": "one epoch", "eval_batches": "all", "max_steps": "from --epochs"}
#: Flags of the LoRA run itself, not the loop's settings.
_OWN = (
    "command", "model", "_run", "corpus", "out", "resume", "model_path", "input", "acs",
    "include_comments", "merge", "lora_r", "lora_alpha", "lora_dropout", "target_modules",
)  # fmt: skip


def add_lora_parser(subparsers: Any, common: dict[str, tuple[Any, str]]) -> None:
    """Add `lora` with the loop's common flags (`common`), defaulting to the paper's values."""
    parser = subparsers.add_parser("lora", help=HELP, description=HELP)
    parser.add_argument("corpus", type=Path, metavar="CORPUS", help="output folder of build")
    parser.add_argument(
        "--model", dest="model_path", type=Path, required=True, metavar="PATH",
        help="local model folder (or a run folder with model/); never downloaded",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, required=True, metavar="RUN", help="run folder")
    parser.add_argument("--input", choices=INPUTS, default="docstring", help="prompt format")
    parser.add_argument("--acs", type=int, choices=ACS_LEVELS, default=0, help="ACS config (0)")
    parser.add_argument(
        "--include-comments", action="store_true", help="keep comment units (left out by default)"
    )
    parser.add_argument("--merge", action="store_true", help="also save a merged RUN/model/")
    parser.add_argument("--lora-r", type=int, default=16, help="LoRA rank (16)")
    parser.add_argument("--lora-alpha", type=int, default=64, help="LoRA alpha (64)")
    parser.add_argument("--lora-dropout", type=float, default=0.01, help="LoRA dropout (0.01)")
    parser.add_argument(
        "--target-modules", default=None, metavar="A,B", help="modules to adapt (by architecture)"
    )
    parser.add_argument("--seed", type=int, default=None, help="seed of LoRA init, data order (0)")
    parser.add_argument("--device", choices=DEVICES, default=None, help="auto: CUDA when present")
    parser.add_argument(
        "--resume", action="store_true", help="continue RUN from its checkpoint, its settings"
    )
    for flag, (kind, text) in {**common, **_EXTRA}.items():
        name = flag[2:].replace("-", "_")
        shown = _SHOWN.get(name, PAPER_TRAINING.get(name, _LOOP_DEFAULTS.get(name)))
        parser.add_argument(flag, type=kind, default=None, help=f"{text} (default: {shown})")
    parser.set_defaults(model="lora")


def _require_peft() -> None:
    require_extra()
    if importlib.util.find_spec("peft") is None:
        raise ConfigError(f"train lora needs peft; install the extra: {INSTALL}")


def run_lora(args: argparse.Namespace, reader: Any) -> int:
    """Train; `reader` is `pytorrent.evaluate.examples.read_examples`."""
    _require_peft()
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    lora = LoraSettings(
        base_model=str(args.model_path.resolve() if args.model_path.is_dir() else args.model_path),
        input=args.input,
        acs=args.acs,
        include_comments=args.include_comments,
        r=args.lora_r,
        alpha=args.lora_alpha,
        dropout=args.lora_dropout,
        target_modules=parse_modules(args.target_modules),
        merge=args.merge,
    )
    overrides = {key: value for key, value in vars(args).items() if key not in _OWN}
    settings = training_settings(args.acs, overrides)
    from pytorrent.train.lora import train_lora

    try:
        result = train_lora(
            settings, lora, args.corpus, args.out, reader,
            resume=args.resume, eval_every_epoch=args.eval_every is None,
        )  # fmt: skip
    except KeyboardInterrupt:
        print(
            f"pytorrent train: interrupted; continue with --resume --out {args.out}",
            file=sys.stderr,
        )
        return 130
    last = result.last
    best = min(result.metrics, key=lambda entry: entry["val_loss"])
    print(
        f"lora: {result.steps} steps in {result.seconds:.1f} s; step {last['step']} "
        f"val_loss {last['val_loss']:.4f}, val_perplexity {last['val_perplexity']:.4f}; "
        f"best val_loss {best['val_loss']:.4f} at step {best['step']}"
    )
    print(f"wrote {args.out}")
    return 0

"""`pytorrent generate RUN --prompt TEXT`: sample from a trained LSTM or GPT-2 run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pytorrent.train import require_extra
from pytorrent.train.presets import DEVICES

HELP = "sample text from a trained lstm or gpt2 run folder (extra train)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run", type=Path, metavar="RUN", help="run folder of `pytorrent train`")
    parser.add_argument("--prompt", default="def ", help="text to continue (default: 'def ')")
    parser.add_argument(
        "--chars", type=int, default=1000, help="LSTM: characters to sample (default: 1000)"
    )
    parser.add_argument(
        "--max-new-tokens", type=int, default=64, help="GPT-2: tokens to sample (default: 64)"
    )
    parser.add_argument(
        "--temperature", type=float, default=0.5, help="0 picks the likeliest (default: 0.5)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the sampling (default: 0)")
    parser.add_argument("--device", choices=DEVICES, default="cpu", help="default: cpu")


def run(args: argparse.Namespace) -> int:
    require_extra()
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    from pytorrent.train.generate import generate

    text = generate(
        args.run,
        args.prompt,
        chars=args.chars,
        max_new_tokens=args.max_new_tokens,
        temperature=args.temperature,
        seed=args.seed,
        device=args.device,
    )
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0

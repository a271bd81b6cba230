"""`pytorrent tokenizer OUT`: train a byte-level BPE tokenizer on the train split."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import ValidationError

from pytorrent.commands.stats import existing_output
from pytorrent.errors import ConfigError
from pytorrent.stats import register_files, write_report
from pytorrent.stats.report import fmt_bytes, fmt_int, fmt_mean, fmt_share
from pytorrent.tokenizer import DEFAULT_VOCAB_SIZE, TokenizerConfig, train_tokenizer
from pytorrent.write.card import write_card

HELP = "train a byte-level BPE tokenizer on an output folder's train split into OUT/tokenizer"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, metavar="OUT", help="output folder of pytorrent build")
    parser.add_argument(
        "--vocab-size",
        type=int,
        default=DEFAULT_VOCAB_SIZE,
        help=f"vocabulary size, special tokens included (default: {DEFAULT_VOCAB_SIZE:,})",
    )
    parser.add_argument(
        "--sample-mb",
        type=float,
        default=256.0,
        help="train on a deterministic sample of this many MB; 0 for the whole split "
        "(default: 256)",
    )
    parser.add_argument(
        "--eval-mb",
        type=float,
        default=8.0,
        help="MB of the validation split measured for characters per token (default: 8; 0: all)",
    )
    parser.add_argument(
        "--min-frequency", type=int, default=2, help="least count of a merged pair (default: 2)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the samples (default: 0)")
    parser.add_argument(
        "--model-max-length",
        type=int,
        default=1024,
        help="model_max_length of tokenizer_config.json (default: 1024)",
    )


def config_from_args(args: argparse.Namespace) -> TokenizerConfig:
    try:
        return TokenizerConfig(
            vocab_size=args.vocab_size,
            sample_mb=args.sample_mb or None,
            eval_mb=args.eval_mb or None,
            min_frequency=args.min_frequency,
            seed=args.seed,
            model_max_length=args.model_max_length,
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        message = str(error["msg"]).removeprefix("Value error, ")
        where = ".".join(str(part) for part in error["loc"])
        raise ConfigError(f"{where}: {message}" if where else message) from None


def _progress(stage: str) -> None:
    print(f"pytorrent tokenizer: {stage}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    out = existing_output(args.out)
    report = train_tokenizer(out, config, progress=_progress)
    extra = [write_card(out)]
    refreshed = write_report(out)
    if refreshed is not None:
        extra.append(refreshed)
    register_files(out, [*report.files, *extra])
    stats = report.stats
    speed = report.train_mb_per_s
    print(
        f"vocabulary {stats.vocab_size:,} (requested {stats.requested_vocab_size:,}); trained on "
        f"{fmt_bytes(stats.training.bytes)} ({stats.training.units:,} units) in "
        f"{report.train_seconds:.1f} s" + (f", {speed:.2f} MB/s" if speed else "")
    )
    lines = stats.line_tokens
    print(
        f"{stats.evaluation.split}: {fmt_mean(stats.chars_per_token)} characters per token; "
        f"tokens per line p50/p90/p95 {fmt_int(lines.median)}/"
        f"{fmt_int(lines.percentiles.get('p90'))}/{fmt_int(lines.percentiles.get('p95'))}, "
        f"{fmt_share(stats.lines_within.get('70'))} of lines within 70 tokens"
    )
    print(f"wrote {out / 'tokenizer'}")
    return 0

"""`pytorrent probe RUN`: long-range dependency, sample and baseline measures of an LSTM run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pytorrent.errors import ConfigError
from pytorrent.train import require_extra

HELP = "measure an LSTM run: closer probability by distance, samples that parse, baselines"


def _temperatures(value: str) -> tuple[float, ...]:
    try:
        return tuple(float(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a comma-separated list of numbers: {value!r}"
        ) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run", type=Path, metavar="RUN", help="run folder of `train lstm`")
    parser.add_argument(
        "--temperatures",
        type=_temperatures,
        default=(0.2, 0.5, 1.0),
        help="sampling temperatures, comma-separated; 0 takes the most likely character "
        "(default: 0.2,0.5,1.0)",
    )
    parser.add_argument(
        "--samples", type=int, default=20, help="samples per temperature (default: 20)"
    )
    parser.add_argument(
        "--chars", type=int, default=1000, help="characters per sample (default: 1000)"
    )
    parser.add_argument(
        "--prompt", default="def ", help="text every sample starts from (default: 'def ')"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="sample k uses seed SEED+k (default: 0)"
    )
    parser.add_argument(
        "--max-chars",
        type=int,
        default=200_000,
        help="characters of validation text measured (default: 200,000)",
    )
    parser.add_argument(
        "--device", choices=("auto", "cpu", "cuda"), default="auto", help="(default: auto)"
    )


def run(args: argparse.Namespace) -> int:
    require_extra()
    from pytorrent.train.probe import ProbeSettings, probe

    if not args.run.is_dir():
        raise ConfigError(f"RUN: {args.run} is not a folder")
    settings = ProbeSettings(
        temperatures=args.temperatures,
        samples=args.samples,
        chars=args.chars,
        seed=args.seed,
        max_chars=args.max_chars,
        prompt=args.prompt,
        device=args.device,
    )
    result, paths = probe(args.run, settings)
    if result.validation["corpus_changed_since_training"]:
        print(
            f"pytorrent probe: note: {result.validation['corpus']} changed since training "
            "(its build.json differs)",
            file=sys.stderr,
        )
    dependency, base = result.dependency, result.baselines
    print(
        f"bits/char on {dependency.chars:,} validation characters: model "
        f"{dependency.bits_per_char:.3f}, unigram {base.unigram_bits:.3f}, "
        f"gzip {base.gzip_bits:.3f}, xz {base.xz_bits:.3f}"
    )
    for bucket in dependency.buckets:
        if bucket.count:
            print(
                f"closers {bucket.label:>7} chars away: {bucket.count:>7,}, "
                f"mean P(right closer) {bucket.mean_probability:.3f}"
            )
    for temperature, measures in result.samples.items():
        parsed = measures.parsed_fraction
        print(
            f"temperature {temperature:g}: balanced {measures.balanced}/{measures.samples}, "
            f"def blocks that parse {measures.def_parsed}/{measures.def_blocks}"
            + ("" if parsed is None else f" ({parsed:.0%})")
        )
    print(f"wrote {', '.join(str(path) for path in paths)}")
    return 0

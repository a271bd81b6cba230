"""`pytorrent dedup OUT`: deduplicate an existing output folder again, in place, atomically
(the work is `pytorrent.rededup`). Useful after changing the threshold, or for a folder built
with `--no-dedup`."""

from __future__ import annotations

import argparse
from pathlib import Path

from pytorrent.dedup import DedupConfig
from pytorrent.errors import ConfigError
from pytorrent.rededup import dedup_output, recorded_seed

HELP = "re-deduplicate an existing output folder in place"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, help="output folder of `pytorrent build`")
    parser.add_argument(
        "--threshold",
        type=float,
        default=DedupConfig.threshold,
        help=f"MinHash Jaccard threshold (default: {DedupConfig.threshold})",
    )
    parser.add_argument(
        "--num-perm",
        type=int,
        default=DedupConfig.num_perm,
        help=f"MinHash permutations (default: {DedupConfig.num_perm})",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="rewrite OUT even when it holds files its build.json does not list (they are lost)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        help="MinHash seed (default: the build's, from build.json, so its signatures recur)",
    )
    parser.add_argument("--anonymize", action="store_true",
                        help="shingle tokens with local names anonymised (see docs/dedup.md)")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    if not args.out.is_dir():
        raise ConfigError(f"{args.out} is not a folder")
    if not 0 < args.threshold <= 1:
        raise ConfigError("--threshold must be in (0, 1]")
    seed = args.seed if args.seed is not None else recorded_seed(args.out)
    config = DedupConfig(
        threshold=args.threshold, num_perm=args.num_perm, anonymize=args.anonymize, seed=seed
    )
    manifest = dedup_output(args.out.resolve(), config, overwrite=args.overwrite)
    report = manifest.dedup or {}
    print(
        f"{args.out}: {manifest.counts['units']:,} units kept; removed "
        f"{report.get('exact_duplicates', 0):,} exact and {report.get('near_duplicates', 0):,} "
        "near duplicates (details in build.json)"
    )
    return 0

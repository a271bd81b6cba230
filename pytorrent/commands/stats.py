"""`pytorrent stats OUT`: statistics, plots and report of an output folder; updates its card."""

from __future__ import annotations

import argparse
from pathlib import Path

from pytorrent.errors import ConfigError
from pytorrent.stats import read_manifest, register_files, write_stats
from pytorrent.stats.report import fmt_int, fmt_share
from pytorrent.write.card import write_card

HELP = "compute statistics, plots and stats/report.md of an output folder and update its card"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, metavar="OUT", help="output folder of pytorrent build")
    parser.add_argument("--no-plots", action="store_true", help="skip the PNG plots")


def existing_output(path: Path) -> Path:
    """`path` when it is a complete output folder (raises ConfigError / OutputError)."""
    if not path.is_dir():
        raise ConfigError(f"{path}: no such output folder")
    read_manifest(path)
    return path


def run(args: argparse.Namespace) -> int:
    out = existing_output(args.out)
    result = write_stats(out, plots=not args.no_plots)
    register_files(out, [*result.files, write_card(out)])
    stats = result.stats
    acs = [name for name in stats.token_lengths if name != "pairs"]
    print(f"{stats.units:,} units in {stats.packages.total:,} packages")
    for name in ["pairs", *acs[:1]]:
        lengths = stats.token_lengths[name]
        print(
            f"{name}: NL p50/p95 {fmt_int(lengths.nl.median)}/"
            f"{fmt_int(lengths.nl.percentiles.get('p95'))} tokens, PL p50/p95 "
            f"{fmt_int(lengths.pl.median)}/{fmt_int(lengths.pl.percentiles.get('p95'))} tokens"
        )
    print(f"code lines within 70 characters: {fmt_share(stats.line_lengths.coverage.get('70'))}")
    print(f"wrote {out / 'stats' / 'report.md'} and {len(stats.plots)} plots; updated README.md")
    return 0

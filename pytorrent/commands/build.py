"""`pytorrent build`: build a corpus from SOURCEs (default: the installed environment)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from pytorrent.config import FLAT_NAMES, BuildConfig
from pytorrent.config_file import build_config
from pytorrent.config_flags import FlagSpec, add_flags, settings_of, values_from_args
from pytorrent.executor import EXECUTORS
from pytorrent.executor.limits import parse_memory
from pytorrent.extract.categories import parse_categories
from pytorrent.filters.license import parse_license_filter
from pytorrent.records import parse_scenarios
from pytorrent.split import SPLITS

if TYPE_CHECKING:
    from pytorrent.pipeline import BuildReport

HELP = "build a corpus from SOURCEs (default: the packages installed in this environment)"


def _ratios(text: str) -> tuple[float, float, float]:
    parts = [float(p) for p in text.replace("/", ",").split(",")]
    if len(parts) != 3:
        raise argparse.ArgumentTypeError("give three ratios, e.g. 80,10,10")
    total = sum(parts)
    return (parts[0] / total, parts[1] / total, parts[2] / total)


def _worker_memory(text: str) -> int | None:
    return None if text == "auto" else parse_memory(text)


def _licenses(text: str) -> tuple[str, ...]:
    return parse_license_filter(text) if text else ()


#: Where a flag differs from the rule (`--` + the setting's name with dashes, help from its
#: description): other spellings, metavars, parsers of the command-line text.
FLAGS = {
    "sources": FlagSpec(positional=True, metavar="SOURCE"),
    "scenarios": FlagSpec("--acs", parse=parse_scenarios),
    "ratios": FlagSpec("--split", type=_ratios, metavar="TRAIN,VALID,TEST"),
    "licenses": FlagSpec("--license", parse=_licenses, metavar="IDS"),
    "allow_hosts": FlagSpec("--allow-host", repeat=True, metavar="HOST[:PORT]"),
    "categories": FlagSpec(parse=parse_categories),
    "executor": FlagSpec(choices=EXECUTORS),
    "scheduler": FlagSpec(metavar="ADDRESS"),
    "work": FlagSpec(metavar="DIR"),
    "package_timeout": FlagSpec(metavar="SECONDS"),
    "worker_memory": FlagSpec(parse=_worker_memory, metavar="SIZE"),
}

#: Every setting of a build, nested ones by their flat name.
SETTINGS = settings_of(BuildConfig, FLAT_NAMES)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="FILE",
        help="read settings from a TOML file whose keys are the settings below (nested "
        "tables for [minhash], [bpe], [read_limits]); flags given here take precedence",
    )
    add_flags(parser, SETTINGS, FLAGS)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def config_from_args(args: argparse.Namespace) -> BuildConfig:
    """The defaults, then `--config FILE`, then the flags given."""
    flags = values_from_args(args, SETTINGS, FLAGS)
    return build_config(flags, args.config, SETTINGS, FLAGS)


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    console = Console(stderr=True)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        # Bars only on a terminal: elsewhere (logs, CI) one line per stage is what reads well,
        # and an idle live display would print a blank line before an error.
        disable=args.quiet or not console.is_terminal,
    ) as bar:
        stages = StageDisplay(bar, console, lines=bar.disable and not args.quiet)
        from pytorrent.pipeline import build  # lazy: the whole build stack (~1 s)

        report = build(
            config, progress=stages.update, on_message=lambda m: console.print(m, soft_wrap=True)
        )
        stages.finish()
    print_summary(report, Console(file=sys.stdout))
    return 0


#: What the user sees for each build stage.
STAGE_LABELS = {
    "discover": "finding packages", "extract": "extracting packages", "dedup": "deduplicating",
    "write": "writing shards", "tokenizer": "training the tokenizer", "stats": "statistics",
    "card": "dataset card",
}  # fmt: skip


class StageDisplay:
    """One bar (on a terminal) or one line (elsewhere) per build stage, from its start; a
    stage ends when the next begins, so no stage is silent."""

    def __init__(self, bar: Progress, console: Console, *, lines: bool) -> None:
        self.bar, self.console, self.lines = bar, console, lines
        self.tasks: dict[str, TaskID] = {}
        self.packages = 0

    def update(self, stage: str, done: int, total: int, units: int) -> None:
        if stage == "discover":
            self.packages = done
        detail = self._detail(stage, done, total, units)
        if stage not in self.tasks:
            self.finish()
            label = STAGE_LABELS.get(stage, stage)
            self.tasks[stage] = self.bar.add_task(label, total=total or None, detail=detail)
            # Discovery is where bad input shows (an unknown source, a folder that is not a
            # repository): its line waits for the count, so such an error stays the only line.
            if self.lines and stage != "discover":
                self.console.print(f"{label} {detail}".rstrip(), soft_wrap=True)
        elif self.lines and stage == "discover" and done:
            self.console.print(f"{STAGE_LABELS[stage]}: {detail}", soft_wrap=True)
        self.bar.update(self.tasks[stage], completed=done, total=total or None, detail=detail)

    def finish(self) -> None:
        """Mark every stage started so far as complete."""
        for current in self.bar.tasks:
            if not current.finished:
                size = current.total or current.completed or 1
                self.bar.update(current.id, total=size, completed=size)

    def _detail(self, stage: str, done: int, total: int, units: int) -> str:
        if stage == "extract":
            return f"{self.packages:,} packages, {total / 1e6:,.1f} MB, {units:,} units"
        if stage == "write":
            return f"{done:,}/{total:,} records"
        if stage == "discover" and done:
            return f"{done:,} packages"
        return ""


def print_summary(report: BuildReport, console: Console) -> None:
    manifest = report.manifest
    counts = manifest.counts
    table = Table(title="pytorrent build", show_header=True)
    table.add_column("config")
    for split in SPLITS:
        table.add_column(split, justify="right")
    for name, row in manifest.split_counts.items():
        table.add_row(name, *(f"{row.get(s, 0):,}" for s in SPLITS))
    console.print(table)
    console.print(
        f"{counts['packages']:,} packages, {counts['files']:,} files "
        f"({counts['python_bytes'] / 1e6:.1f} MB), {counts['function_units']:,} function units, "
        f"{counts['comment_units']:,} comment units in {report.seconds:.1f} s"
    )
    dropped = Table(title="skipped and dropped (all in build.json)", show_header=True)
    dropped.add_column("stage")
    dropped.add_column("reason")
    dropped.add_column("count", justify="right")
    for stage, reasons in manifest.drops.items():
        for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
            dropped.add_row(stage, reason, f"{n:,}")
    if manifest.drops:
        console.print(dropped)
    run = report.run
    peak = max(run.worker_peak_rss.values(), default=0)
    console.print(
        f"{run.reused:,} of {run.packages:,} packages reused from the work folder, "
        f"{run.failed:,} failed; {len(run.worker_peak_rss)} worker(s), "
        f"peak worker RSS {peak / 2**20:,.0f} MiB",
        soft_wrap=True,
    )
    for note in report.notes:
        console.print(f"note: {note}")
    console.print(f"wrote {report.out}")

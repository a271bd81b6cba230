"""`pytorrent build`: build a corpus from SOURCEs (default: the installed environment)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pydantic import ValidationError
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

from crawlers.config import ENV_INDEX_URL, ENV_JSON_API_URL
from crawlers.hosts import ENV_ALLOW_HOSTS, parse_allow_hosts
from pytorrent.config import FLAT_NAMES, BuildConfig, default_workers
from pytorrent.errors import ConfigError
from pytorrent.executor import EXECUTORS
from pytorrent.executor.limits import parse_memory
from pytorrent.extract.categories import parse_categories
from pytorrent.filters.license import parse_license_filter
from pytorrent.pipeline import BuildReport, build
from pytorrent.records import parse_scenarios
from pytorrent.sources.resolve import FORMS
from pytorrent.split import SPLITS

HELP = "build a corpus from SOURCEs (default: the packages installed in this environment)"


def _ratios(text: str) -> tuple[float, float, float]:
    parts = [float(p) for p in text.replace("/", ",").split(",")]
    if len(parts) != 3:
        raise argparse.ArgumentTypeError("give three ratios, e.g. 80,10,10")
    total = sum(parts)
    return (parts[0] / total, parts[1] / total, parts[2] / total)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        default=["installed"],
        help=f"where packages come from: {FORMS} (default: installed)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("pytorrent-corpus"),
        help="output folder (default: ./pytorrent-corpus)",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an existing --out even when pytorrent did not write it (never the "
        "current or home folder, a source, or a folder above one)",
    )
    parser.add_argument(
        "--acs",
        default="0,1,2,3,4,5",
        help="Augmented-Code Scenarios to write, e.g. 0,4 (default: all)",
    )
    parser.add_argument(
        "--categories",
        default="core",
        help="script categories to keep: core,test,init,other or all (default: core)",
    )
    parser.add_argument(
        "--workers", type=int, default=default_workers(), help="worker processes (default: cores)"
    )
    parser.add_argument(
        "--executor",
        default="local",
        choices=EXECUTORS,
        help="local: a process pool (default); inline: in this process, for debugging; "
        "dask: Dask distributed (extra: pytorrent[dask])",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default with --executor dask: a "
        "LocalCluster of --workers processes); workers must see --work at the same path",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        metavar="DIR",
        help="work folder holding the per-package cache (default: .OUT.work beside OUT, "
        "removed after success); an interrupted build re-run with it resumes",
    )
    parser.add_argument(
        "--keep-work",
        action="store_true",
        help="keep the default work folder after success, so the next build reuses it",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the split (default: 0)")
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        help="keep only the first N packages in name order, for a quick look",
    )
    parser.add_argument(
        "--split",
        type=_ratios,
        default=(0.8, 0.1, 0.1),
        metavar="TRAIN,VALID,TEST",
        help="split ratios by package (default: 80,10,10)",
    )
    parser.add_argument("--no-filter", action="store_true", help="turn every quality filter off")
    parser.add_argument(
        "--license",
        default=None,
        metavar="IDS",
        help="keep only packages whose SPDX license is among IDS, e.g. MIT,Apache-2.0 or "
        "permissive (list in docs/dedup.md); unresolved licenses are dropped",
    )
    parser.add_argument("--no-dedup", action="store_true", help="keep duplicates")
    parser.add_argument(
        "--shard-records",
        type=int,
        default=50_000,
        help="records per output shard (default: 50000)",
    )
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help="also write CodeSearchNet-style jsonl.gz views to OUT/csn/",
    )
    parser.add_argument(
        "--index-url",
        default=None,
        help="package index of pypi: sources (default: PYTORRENT_INDEX_URL, PIP_INDEX_URL "
        "or pip's configuration)",
    )
    parser.add_argument(
        "--allow-host",
        dest="allow_hosts",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="pypi:/conda: sources may also fetch from this host (repeatable; adds to "
        "PYTORRENT_ALLOW_HOSTS); otherwise only the hosts of the index URLs are fetched",
    )
    parser.add_argument(
        "--json-api-url",
        default=None,
        help="JSON API base of pypi: sources (default: derived from the index URL)",
    )
    parser.add_argument(
        "--dedup-threshold",
        type=float,
        default=0.85,
        help="MinHash Jaccard threshold of near duplicates (default: 0.85)",
    )
    parser.add_argument(
        "--dedup-seed",
        type=int,
        default=1,
        help="MinHash seed (default: 1; separate from --seed, so a new split reuses the cache)",
    )
    parser.add_argument(
        "--dedup-anonymize", action="store_true",
        help="shingle tokens with local names anonymised: renamed copies become duplicates "
        "(measured F1 0.97 at threshold 0.8, see docs/dedup.md)",
    )  # fmt: skip
    parser.add_argument(
        "--tokenizer", action="store_true", help="also train a byte-level BPE tokenizer"
    )
    parser.add_argument(
        "--vocab-size", type=int, default=56_000, help="tokenizer vocabulary (default: 56000)"
    )
    parser.add_argument(
        "--package-timeout",
        type=float,
        default=900.0,
        metavar="SECONDS",
        help="wall time one package may take before it is counted as failed_timeout "
        "(default: 900; 0: no limit)",
    )
    parser.add_argument(
        "--worker-memory",
        default="auto",
        metavar="SIZE",
        help="address space of each worker, e.g. 4G; a package that needs more is counted as "
        "failed_MemoryError (default: auto = 80%% of RAM / workers, 2-8G; 0: no limit)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def _worker_memory(text: str) -> int | None:
    if text == "auto":
        return None
    try:
        return parse_memory(text)
    except ValueError as exc:
        raise ValueError(f"--worker-memory: {exc}") from None


def config_from_args(args: argparse.Namespace) -> BuildConfig:
    try:
        return BuildConfig.model_validate(
            dict(
                sources=tuple(args.sources),
                out=args.out,
                scenarios=parse_scenarios(args.acs),
                categories=parse_categories(args.categories),
                workers=args.workers,
                executor=args.executor,
                scheduler=args.scheduler,
                work=args.work,
                keep_work=args.keep_work,
                overwrite=args.overwrite,
                seed=args.seed,
                limit=args.limit,
                filter=not args.no_filter,
                licenses=parse_license_filter(args.license) if args.license else (),
                dedup=not args.no_dedup,
                ratios=args.split,
                shard_records=args.shard_records,
                jsonl=args.jsonl,
                tokenizer=args.tokenizer,
                dedup_threshold=args.dedup_threshold,
                dedup_anonymize=args.dedup_anonymize,
                dedup_seed=args.dedup_seed,
                vocab_size=args.vocab_size,
                package_timeout=args.package_timeout,
                worker_memory=_worker_memory(args.worker_memory),
            )
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(str(part) for part in first["loc"][:2])
        nested: dict[tuple[str, ...], str] = {path: flat for flat, path in FLAT_NAMES.items()}
        field = nested.get(loc, loc[0]) if loc else ""
        raise ConfigError(f"{flag_of(field)}: {first['msg']}") from None
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


#: BuildConfig fields whose flag is not `--` + the field name with dashes.
_FLAGS = {
    "ratios": "--split", "scenarios": "--acs", "filter": "--no-filter", "dedup": "--no-dedup",
    "licenses": "--license", "sources": "SOURCE",
}  # fmt: skip


def flag_of(field: str) -> str:
    """The command-line spelling of a BuildConfig field, so an error names what to change."""
    return _FLAGS.get(field, "--" + field.replace("_", "-"))


def run(args: argparse.Namespace) -> int:
    # pypi:/conda: sources read their index configuration from the environment (see
    # docs/crawling.md); the flags only take precedence over it for this run.
    if args.index_url:
        os.environ[ENV_INDEX_URL] = args.index_url
    if args.json_api_url:
        os.environ[ENV_JSON_API_URL] = args.json_api_url
    if args.allow_hosts:
        parse_allow_hosts(args.allow_hosts)  # a bad entry is one line, exit 2, before any work
        extra = [os.environ.get(ENV_ALLOW_HOSTS, ""), *args.allow_hosts]
        os.environ[ENV_ALLOW_HOSTS] = ",".join(part for part in extra if part)
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

"""Whole build vs bare libcst parsing, in one process: the ratio issue #18 asks >= 0.6x for.

Over one corpus (any pytorrent SOURCE; by default the first `--limit` distributions of this
environment, `installed`), this measures in ONE process, interleaved when `--repeat` > 1:

- (a) bare `libcst.parse_module` over exactly the files the build reads (the decoded `core`
  files of every package), MB of Python per CPU second;
- (b) a whole build with default settings (filters, dedup, decontamination on) and
- (c) the same with `--no-filter --no-dedup`,

both on the `inline` executor (1 worker, in this process, so CPU time is this process's),
each as MB/CPU-s of the build and as a ratio to (a). Ratios cancel most noise of a shared
machine; CPU seconds leave out time other processes took. Then a per-stage breakdown: the
per-package stage and each driver stage (from the build's progress callbacks), and inside
them the main steps (timers wrapped around their functions for the run; each call costs one
`process_time` pair, nothing is sampled or traced).

    python benchmarks/whole_build.py                     # installed, --limit 29
    python benchmarks/whole_build.py --repeat 2 --json whole_build.json
    python benchmarks/whole_build.py --source dir:SDISTS --limit 40
"""

from __future__ import annotations

import argparse
import functools
import importlib
import itertools
import json
import shutil
import statistics
import tempfile
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libcst

from pytorrent.config import BuildConfig
from pytorrent.drops import Drops
from pytorrent.extract import script_category
from pytorrent.pipeline import build, collect_packages
from pytorrent.sources.decode import UndecodableFile, decode_python_source

#: Steps timed inside a build: (label, module, attribute). Missing ones are skipped, so the
#: benchmark survives refactors; a step nested in another is counted in both.
STEPS = (
    ("per-package: extract_source", "pytorrent.tasks", "extract_source"),
    ("  parse (ast + libcst)", "pytorrent.extract.engine", "parse_file"),
    ("  tokenize", "pytorrent.extract.engine", "tokenize_file"),
    ("  structure", "pytorrent.extract.engine", "analyse_structure"),
    ("  complexity", "pytorrent.extract.engine", "complexity_by_def_row"),
    ("  comment classification", "pytorrent.extract.engine", "classify_comments"),
    ("  function units", "pytorrent.extract.engine", "_function_unit"),
    ("  comment units", "pytorrent.extract.engine", "_comment_units"),
    ("per-package: unit_record", "pytorrent.tasks", "unit_record"),
    ("per-package: filters (all)", "pytorrent.filters.runner.UnitFilters", "__call__"),
    ("  decontamination (a package)", "pytorrent.decontam.index.DecontamIndex", "check_many"),
    ("  decontamination (one unit)", "pytorrent.decontam.index.DecontamIndex", "check"),
    ("per-package: file filters", "pytorrent.filters.runner.UnitFilters", "file_marker"),
    ("per-package: dedup signatures", "pytorrent.tasks", "compute_signatures"),
    ("per-package: write records", "pytorrent.tasks", "write_records"),
    ("per-package: filter set-up", "pytorrent.filters.runner.UnitFilters", "__init__"),
)

#: Build progress stages that run in the driver after the last package result.
DRIVER_STAGES = ("dedup", "write", "tokenizer", "stats", "card")


@dataclass
class Measure:
    name: str
    cpu_seconds: list[float] = field(default_factory=list)
    megabytes: float = 0.0
    stages: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    steps: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpu_seconds)

    @property
    def rate(self) -> float:
        return self.megabytes / self.cpu


def read_corpus(sources: list[str], limit: int | None) -> tuple[list[str], int]:
    """Decoded text of every file the build reads (its `core` files), as the task reads it,
    and their bytes (what the build counts as `python_bytes`)."""
    config = BuildConfig(sources=tuple(sources), out=Path("unused"), limit=limit)
    drops = Drops()
    texts = []
    size = 0
    for handle in collect_packages(config, drops):
        for raw in handle.read(config.limits, drops).files:
            if script_category(raw.path) not in config.categories:
                continue
            try:
                texts.append(decode_python_source(raw.data))
            except UndecodableFile:
                continue
            size += len(raw.data)
    return texts, size


def bare_parse_seconds(texts: list[str]) -> float:
    """CPU seconds of `libcst.parse_module` over every text (rejections included)."""
    started = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for text in texts:
            try:
                libcst.parse_module(text)
            except (libcst.ParserSyntaxError, RecursionError, MemoryError):
                continue
    return time.process_time() - started


def _resolve(module_path: str) -> Any:
    """A module or a class inside one, by dotted path; None when it no longer exists."""
    parts = module_path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            target = getattr(target, name, None)
        return target
    return None


class StepTimers:
    """Wraps each of STEPS with a CPU timer while in use; restores the originals after."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self._saved: list[tuple[Any, str, Any]] = []

    def __enter__(self) -> StepTimers:
        for label, owner_path, attribute in STEPS:
            owner = _resolve(owner_path)
            original = getattr(owner, attribute, None) if owner is not None else None
            if original is None:
                continue
            self._saved.append((owner, attribute, original))
            setattr(owner, attribute, self._timed(label, original))
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, attribute, original in reversed(self._saved):
            setattr(owner, attribute, original)
        self._saved.clear()

    def _timed(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        totals = self.totals
        clock = time.process_time

        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = clock()
            try:
                return function(*args, **kwargs)
            finally:
                totals[label] += clock() - started

        return timed


def _fresh_worker_state() -> None:
    """Forget what a previous build left in this process (a worker builds these once)."""
    for owner_path, attribute in (("pytorrent.filters.runner", "cached_filters"),):
        cached = getattr(_resolve(owner_path), attribute, None)
        if cached is not None and hasattr(cached, "cache_clear"):
            cached.cache_clear()


def one_build(measure: Measure, sources: list[str], limit: int | None, scratch: Path) -> None:
    """One inline build; records its CPU seconds, stage and step CPU seconds."""
    filtered = measure.name == "default"
    config = BuildConfig(
        sources=tuple(sources),
        out=scratch / "out",
        work=scratch / "work",
        workers=1,
        executor="inline",
        limit=limit,
        filter=filtered,
        dedup=filtered,
    )
    _fresh_worker_state()
    marks: list[tuple[str, float]] = []

    def progress(stage: str, done: int, total: int, units: int) -> None:
        if not marks or marks[-1][0] != stage:
            marks.append((stage, time.process_time()))

    started = time.process_time()
    with StepTimers() as timers:
        report = build(config, progress)
    ended = time.process_time()
    measure.cpu_seconds.append(ended - started)
    measure.megabytes = int(report.manifest.counts["python_bytes"]) / 1e6
    marks.append(("end", ended))
    stage_seconds: dict[str, float] = defaultdict(float)
    stage_seconds["start-up (before extract)"] = marks[0][1] - started if marks else 0.0
    for (stage, at), (_, until) in itertools.pairwise(marks):
        label = "per-package (extract stage)" if stage == "extract" else stage
        if stage in DRIVER_STAGES:
            label = f"driver: {stage}"
        stage_seconds[label] += until - at
    for label, seconds in stage_seconds.items():
        measure.stages[label].append(seconds)
    for label, seconds in timers.totals.items():
        measure.steps[label].append(seconds)
    shutil.rmtree(scratch / "out")
    shutil.rmtree(scratch / "work", ignore_errors=True)


def rounds(repeat: int) -> Iterator[tuple[int, str]]:
    for number in range(repeat):  # round robin: drift of a shared machine spreads over all
        for name in ("bare libcst", "default", "no-filter-no-dedup"):
            yield number, name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", action="append", default=[], metavar="SOURCE")
    parser.add_argument("--limit", type=int, default=29, help="first N packages (default 29)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds (median of each)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--tmp", type=Path, default=None, help="where outputs and work go")
    args = parser.parse_args()
    sources = args.source or ["installed"]
    texts, size = read_corpus(sources, args.limit)
    measures = {name: Measure(name) for _, name in rounds(1)}
    measures["bare libcst"].megabytes = size / 1e6
    with tempfile.TemporaryDirectory(prefix="pytorrent-whole-", dir=args.tmp) as tmp:
        for number, name in rounds(args.repeat):
            print(f"[{number + 1}/{args.repeat}] {name} ...", end=" ", flush=True)
            measure = measures[name]
            if name == "bare libcst":
                measure.cpu_seconds.append(bare_parse_seconds(texts))
            else:
                one_build(measure, sources, args.limit, Path(tmp))
            print(f"{measure.cpu_seconds[-1]:.1f} CPU s", flush=True)
    report(measures, sources, args.limit, len(texts), args.json)


def report(
    measures: dict[str, Measure],
    sources: list[str],
    limit: int | None,
    files: int,
    json_path: Path | None,
) -> None:
    bare = measures["bare libcst"]
    print(f"\ncorpus: {', '.join(sources)} (limit {limit}): {files} files read")
    print(f"{'measure':22} {'MB':>6} {'CPU s':>7} {'MB/CPU-s':>9} {'vs libcst':>9}")
    figures: dict[str, Any] = {"sources": sources, "limit": limit, "files": files}
    for measure in measures.values():
        ratio = measure.rate / bare.rate
        print(
            f"{measure.name:22} {measure.megabytes:6.2f} {measure.cpu:7.1f} "
            f"{measure.rate:9.3f} {ratio:8.2f}x"
        )
        figures[measure.name] = {
            "megabytes": measure.megabytes,
            "cpu_seconds": measure.cpu_seconds,
            "mb_per_cpu_s": measure.rate,
            "ratio_to_libcst": ratio,
            "stages": {k: statistics.median(v) for k, v in measure.stages.items()},
            "steps": {k: statistics.median(v) for k, v in measure.steps.items()},
        }
    for name in ("default", "no-filter-no-dedup"):
        measure = measures[name]
        print(f"\n{name}: CPU seconds by stage (share of the build)")
        for label, values in measure.stages.items():
            seconds = statistics.median(values)
            print(f"  {label:34} {seconds:7.2f}  {seconds / measure.cpu:6.1%}")
        print(f"{name}: steps inside the stages (nested steps counted in their parent too)")
        for label, *_ in STEPS:
            if label in measure.steps:
                seconds = statistics.median(measure.steps[label])
                print(f"  {label:34} {seconds:7.2f}  {seconds / measure.cpu:6.1%}")
    if json_path is not None:
        json_path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

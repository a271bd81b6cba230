"""One streaming pass over an output folder's parquet shards and package metadata.

Shards are read batch by batch with only the columns a statistic needs, and every length
goes into an exact `IntHistogram`, so memory stays bounded however large the corpus is.
Per-row work is vectorised with `pyarrow.compute`.
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import orjson
import pyarrow.parquet as pq

from pytorrent import layout
from pytorrent.executor import Executor
from pytorrent.records import scenario_configs
from pytorrent.split import SPLITS
from pytorrent.stats.histogram import IntHistogram
from pytorrent.stats.models import (
    Complexity,
    CorpusStats,
    Docstrings,
    Functions,
    LineLengths,
    PackageStats,
    ReleaseCounts,
    TokenLengths,
)
from pytorrent.stats.shard_parts import PairCounts, collect_parts, iter_batches

__all__ = ["Collected", "collect_stats", "config_names", "iter_batches", "shards"]

#: Figure 2's line-length limits, in characters.
LINE_LIMITS = (40, 50, 60, 70, 80, 100, 120)
#: Table 2's minimum release counts.
RELEASE_MINIMUMS = (1, 2, 5, 10, 20, 50, 100)
#: radon's complexity ranks (radon.complexity.cc_rank).
COMPLEXITY_RANKS = (
    ("A (1-5)", 5),
    ("B (6-10)", 10),
    ("C (11-20)", 20),
    ("D (21-30)", 30),
    ("E (31-40)", 40),
    ("F (41+)", None),
)

_SHARD = re.compile(r"^(?P<split>[a-z]+)-\d{5}-of-\d{5}\.parquet$")
_ACS = re.compile(r"^acs(?P<n>\d+)$")


def config_names(out: Path) -> list[str]:
    """`pairs` then every `acs{N}` folder of `out`, in scenario order."""
    scenarios = sorted(
        int(m["n"]) for p in out.iterdir() if p.is_dir() and (m := _ACS.match(p.name))
    )
    return ["pairs", *scenario_configs(scenarios)]


def shards(out: Path, config: str) -> dict[str, list[Path]]:
    """split -> its parquet shards of `config`, in order; splits without files left out."""
    found: dict[str, list[Path]] = {}
    folder = out / config
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            match = _SHARD.match(path.name)
            if match and match["split"] in SPLITS:
                found.setdefault(match["split"], []).append(path)
    return {s: found[s] for s in SPLITS if s in found}


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 6)


@dataclass
class Collected:
    """Stats plus the full histograms the plots draw."""

    stats: CorpusStats
    nl: dict[str, IntHistogram]
    pl: dict[str, IntHistogram]
    line_lengths: IntHistogram
    complexity: IntHistogram


def read_packages(out: Path) -> Iterator[dict[str, object]]:
    """Rows of `packages/packages.jsonl.gz`, streamed."""
    path = out / layout.PACKAGES
    if not path.is_file():
        return
    with gzip.open(path, "rb") as handle:
        for line in handle:
            if line.strip():
                yield orjson.loads(line)


def _package_stats(out: Path) -> PackageStats:
    total = with_units = files = size = 0
    units = IntHistogram()
    releases: list[int] = []
    trivial: Counter[str] = Counter()
    licenses: Counter[str] = Counter()
    for row in read_packages(out):
        total += 1
        n = int(row.get("units") or 0)  # type: ignore[call-overload]
        with_units += n > 0
        units.add([n])
        files += int(row.get("python_files") or 0)  # type: ignore[call-overload]
        size += int(row.get("python_bytes") or 0)  # type: ignore[call-overload]
        if isinstance(row.get("release_count"), int):
            releases.append(int(row["release_count"]))  # type: ignore[call-overload]
        flag = row.get("trivial")
        trivial["unknown" if flag is None else "trivial" if flag else "not_trivial"] += 1
        licenses[str(row.get("license") or "unknown")] += 1
    release_counts = None
    if releases:
        release_counts = ReleaseCounts(
            known=len(releases),
            at_least={str(m): sum(1 for r in releases if r >= m) for m in RELEASE_MINIMUMS},
        )
    return PackageStats(
        total=total,
        with_units=with_units,
        python_files=files,
        python_bytes=size,
        units=units.summary(),
        release_counts=release_counts,
        trivial={k: trivial[k] for k in ("trivial", "not_trivial", "unknown") if trivial[k]},
        licenses=_sorted_counts(licenses),
    )


def _sorted_counts(counter: Mapping[str, int]) -> dict[str, int]:
    """Most frequent first, ties by name: the order tables show."""
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _complexity(histogram: IntHistogram) -> Complexity:
    ranks: Counter[str] = Counter()
    for value, count in histogram.items():
        for name, upper in COMPLEXITY_RANKS:
            if upper is None or value <= upper:
                ranks[name] += count
                break
    return Complexity(
        summary=histogram.summary(),
        ranks={name: ranks[name] for name, _ in COMPLEXITY_RANKS},
        histogram={str(v): c for v, c in histogram.items()},
    )


def read_drops(out: Path) -> dict[str, dict[str, int]]:
    """`drops` of `out/build.json` ({} when the folder has no manifest yet)."""
    path = out / layout.MANIFEST
    if not path.is_file():
        return {}
    drops = orjson.loads(path.read_bytes()).get("drops", {})
    return {str(s): {str(r): int(n) for r, n in reasons.items()} for s, reasons in drops.items()}


def collect_stats(
    out: Path,
    drops: Mapping[str, Mapping[str, int]] | None = None,
    executor: Executor | None = None,
) -> Collected:
    """Statistics of the output folder `out`; `drops` defaults to those of `out/build.json`.
    `executor` reads the shards in parallel (one task per shard); the result is the same.

    A corpus without units (no shards) gives zero counts and empty summaries."""
    names = config_names(out)
    found = {name: shards(out, name) for name in names}
    jobs = [
        (name, split, path)
        for name in names
        for split, paths in found[name].items()
        for path in paths
    ]
    pairs = PairCounts()
    nl = {name: IntHistogram() for name in names}
    pl = {name: IntHistogram() for name in names}
    for part in collect_parts(jobs, executor):
        if part.pairs is not None:
            pairs.merge(part.pairs)
        else:
            nl[part.config].merge(part.nl)
            pl[part.config].merge(part.pl)
    nl["pairs"], pl["pairs"] = pairs.nl, pairs.pl
    configs = {
        name: {
            s: sum(pq.ParquetFile(p).metadata.num_rows for p in found[name].get(s, []))
            for s in SPLITS
        }
        for name in names
    }
    categories: dict[str, dict[str, int]] = {}
    for (category, kind), n in sorted(pairs.categories.items()):
        categories.setdefault(category, {})[kind] = n
    for row in categories.values():
        row["total"] = sum(row.values())
    category_splits = {
        c: {s: pairs.category_splits[(c, s)] for s in SPLITS} for c in sorted(categories)
    }
    lines = pairs.lines
    stats = CorpusStats(
        units=sum(pairs.kinds.values()),
        kinds=dict(sorted(pairs.kinds.items())),
        configs=configs,
        categories=categories,
        category_splits=category_splits,
        token_lengths={
            name: TokenLengths(nl=nl[name].summary(), pl=pl[name].summary()) for name in nl
        },
        line_lengths=LineLengths(
            lines=lines.count,
            summary=lines.summary(),
            coverage={
                str(limit): round(lines.count_at_most(limit) / lines.count, 6)
                for limit in LINE_LIMITS
                if lines.count
            },
        ),
        complexity=_complexity(pairs.complexity),
        docstrings=Docstrings(
            functions=pairs.functions,
            with_docstring=pairs.with_docstring,
            lines=pairs.doc_lines.summary(),
            words=pairs.doc_words.summary(),
            styles=_sorted_counts(pairs.styles),
            with_doctest=pairs.with_doctest,
        ),
        functions=Functions(
            total=pairs.functions,
            with_decorators=pairs.with_decorators,
            share_with_decorators=_share(pairs.with_decorators, pairs.functions),
            with_comments=pairs.with_comments,
            is_async=pairs.is_async,
        ),
        packages=_package_stats(out),
        record_licenses=_sorted_counts(pairs.licenses),
        drops={s: dict(r) for s, r in (read_drops(out) if drops is None else drops).items()},
        plots=[],
    )
    return Collected(stats, nl, pl, pairs.lines, pairs.complexity)

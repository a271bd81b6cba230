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
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pytorrent import layout
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

BATCH_ROWS = 2_000
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
_PAIR_COLUMNS = [
    "kind", "category", "license", "code", "docstring", "code_tokens", "docstring_tokens",
    "docstring_style", "has_doctest", "decorators", "is_async", "comments", "metrics",
]  # fmt: skip


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


def iter_batches(paths: list[Path], columns: list[str]) -> Iterator[pa.RecordBatch]:
    for path in paths:
        yield from pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS, columns=columns)


def _ints(array: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.int64]:
    return np.asarray(pc.fill_null(array, 0).to_numpy(zero_copy_only=False), dtype=np.int64)


def _list_lengths(array: pa.Array) -> npt.NDArray[np.int64]:
    return _ints(pc.list_value_length(array))


def _count_strings(counter: Counter[str], array: pa.Array, missing: str = "unknown") -> None:
    for entry in pc.value_counts(pc.fill_null(array, missing)).to_pylist():
        counter[str(entry["values"])] += int(entry["counts"])


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


@dataclass
class _Pairs:
    kinds: Counter[str] = field(default_factory=Counter)
    categories: Counter[tuple[str, str]] = field(default_factory=Counter)
    category_splits: Counter[tuple[str, str]] = field(default_factory=Counter)
    licenses: Counter[str] = field(default_factory=Counter)
    styles: Counter[str] = field(default_factory=Counter)
    nl: IntHistogram = field(default_factory=IntHistogram)
    pl: IntHistogram = field(default_factory=IntHistogram)
    lines: IntHistogram = field(default_factory=IntHistogram)
    complexity: IntHistogram = field(default_factory=IntHistogram)
    doc_lines: IntHistogram = field(default_factory=IntHistogram)
    doc_words: IntHistogram = field(default_factory=IntHistogram)
    functions: int = 0
    with_docstring: int = 0
    with_doctest: int = 0
    with_decorators: int = 0
    with_comments: int = 0
    is_async: int = 0

    def add(self, batch: pa.RecordBatch, split: str) -> None:
        kinds = batch.column("kind").to_pylist()
        categories = batch.column("category").to_pylist()
        self.kinds.update(kinds)
        self.categories.update(zip(categories, kinds, strict=True))
        self.category_splits.update((c, split) for c in categories)
        _count_strings(self.licenses, batch.column("license"))
        functions = batch.filter(pc.equal(batch.column("kind"), "function"))
        if functions.num_rows:
            self._add_functions(functions)

    def _add_functions(self, batch: pa.RecordBatch) -> None:
        self.functions += batch.num_rows
        self.pl.add(_list_lengths(batch.column("code_tokens")))
        nl = _list_lengths(batch.column("docstring_tokens"))
        self.nl.add(nl[nl > 0])
        _count_strings(self.styles, batch.column("docstring_style"), "none")
        self.with_doctest += int(pc.sum(batch.column("has_doctest")).as_py() or 0)
        self.with_decorators += int(np.count_nonzero(_list_lengths(batch.column("decorators"))))
        self.with_comments += int(np.count_nonzero(_list_lengths(batch.column("comments"))))
        self.is_async += int(pc.sum(batch.column("is_async")).as_py() or 0)
        cc = pc.struct_field(batch.column("metrics"), "cyclomatic_complexity")
        self.complexity.add(_ints(pc.drop_null(cc)))
        docstrings = pc.filter(
            batch.column("docstring"), pc.not_equal(batch.column("docstring"), "")
        )
        self.with_docstring += len(docstrings)
        if len(docstrings):
            self.doc_lines.add(_ints(pc.count_substring(docstrings, "\n")) + 1)
            self.doc_words.add(_ints(pc.count_substring_regex(docstrings, r"\S+")))
        lines = pc.list_flatten(pc.split_pattern(batch.column("code"), "\n"))
        lines = pc.filter(lines, pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(lines)), 0))
        self.lines.add(_ints(pc.utf8_length(lines)))


def _token_lengths(paths: list[Path]) -> tuple[IntHistogram, IntHistogram]:
    nl, pl = IntHistogram(), IntHistogram()
    for batch in iter_batches(paths, ["docstring_tokens", "code_tokens"]):
        nl.add(_list_lengths(batch.column("docstring_tokens")))
        pl.add(_list_lengths(batch.column("code_tokens")))
    return nl, pl


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


def collect_stats(out: Path, drops: Mapping[str, Mapping[str, int]] | None = None) -> Collected:
    """Statistics of the output folder `out`; `drops` defaults to those of `out/build.json`.

    A corpus without units (no shards) gives zero counts and empty summaries."""
    pairs = _Pairs()
    for split, paths in shards(out, "pairs").items():
        for batch in iter_batches(paths, _PAIR_COLUMNS):
            pairs.add(batch, split)
    configs: dict[str, dict[str, int]] = {}
    nl = {"pairs": pairs.nl}
    pl = {"pairs": pairs.pl}
    for name in config_names(out):
        by_split = shards(out, name)
        configs[name] = {
            s: sum(pq.ParquetFile(p).metadata.num_rows for p in by_split.get(s, [])) for s in SPLITS
        }
        if name != "pairs":
            nl[name], pl[name] = _token_lengths([p for ps in by_split.values() for p in ps])
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

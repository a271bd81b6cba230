"""Corpus quality on a build of real installed packages (issue 17, "Measure").

Copies the chosen distributions of this environment (dist-info + the files their RECORD
lists) into a temporary site folder, builds it with filters and dedup off, then applies the
default filters itself so that every unit gets its drop reason. Prints the unit length
distribution before and after the filters, the count of every filter, 20 random dropped
examples per new filter, the license table before/after SPDX normalisation (every
installed distribution, and by unit), and what the pair-aware exact key of comment units
changes.

    python benchmarks/quality.py --packages pandas matplotlib pygments pip pyparsing urllib3

(`--keep DIR` keeps the unfiltered build, so a re-run after a filter change only re-filters.)
"""

from __future__ import annotations

import argparse
import importlib.metadata as importlib_metadata
import random
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pytorrent.config import BuildConfig
from pytorrent.dedup.hashing import TokenHasher
from pytorrent.dedup.signatures import batch_keys, pair_words
from pytorrent.filters import FilterConfig, UnitFilters, first_lines
from pytorrent.filters.size import unit_lines
from pytorrent.metadata.core import license_of, spdx_license_of
from pytorrent.pipeline import build

NEW_FILTERS = ("data_file", "generated", "tool_output", "data_literal", "too_long")
DEFAULT_PACKAGES = ("pandas", "matplotlib", "pygments", "pip", "pyparsing", "urllib3", "numpy")
COLUMNS = [
    "id", "repo", "path", "func_name", "kind", "start_line", "end_line", "code", "code_tokens",
    "code_without_comments", "comments", "commented_out_code", "docstring", "docstring_tokens",
    "license",
]  # fmt: skip


def copy_distributions(names: list[str], site: Path) -> dict[str, Path]:
    """Copy each distribution's RECORD files into `site`; returns name -> its origin root."""
    origins: dict[str, Path] = {}
    for name in names:
        dist = importlib_metadata.distribution(name)
        root = Path(str(dist.locate_file(""))).resolve()
        for entry in dist.files or []:
            source = (root / entry).resolve()
            if not source.is_file() or root not in source.parents:
                continue
            target = site / entry
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        origins[name] = root
    return origins


def percentiles(values: list[int]) -> str:
    if not values:
        return "-"
    array = np.array(values)
    p50, p95, p99, p999 = (int(np.percentile(array, q)) for q in (50, 95, 99, 99.9))
    return f"p50 {p50}, p95 {p95}, p99 {p99}, p99.9 {p999}, max {int(array.max())}"


def read_units(out: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in sorted((out / "pairs").glob("*.parquet")):
        rows.extend(pq.read_table(path, columns=COLUMNS).to_pylist())
    return rows


def distribution(title: str, units: list[dict[str, Any]]) -> None:
    print(f"\n## Unit lengths: {title} ({len(units):,} units)")
    for kind in ("function", "comment"):
        chosen = [u for u in units if u["kind"] == kind]
        print(f"{kind:8} lines  {percentiles([unit_lines(u) for u in chosen])}")
        print(f"{kind:8} tokens {percentiles([len(u['code_tokens']) for u in chosen])}")


def refilter(units: list[dict[str, Any]], site: Path) -> dict[str, list[dict[str, Any]]]:
    """Every unit under its default-filter reason ('' = kept); file filters see the text."""
    filters = UnitFilters(FilterConfig(decontaminate=False))
    texts: dict[str, str] = {}
    by_reason: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for unit in units:
        path = unit["path"]
        if path not in texts:
            texts[path] = (site / path).read_text(encoding="utf-8", errors="replace")
        verdict = filters.file_marker(path, first_lines(texts[path]), texts[path])
        if verdict is not None:
            by_reason[verdict[0]].append(dict(unit, marker=verdict[1]))
            continue
        result = filters([unit])
        reasons = [reason for (_, reason) in result.drops.counts]
        by_reason[reasons[0] if reasons else ""].append(unit)
    return by_reason


def show_example(unit: dict[str, Any]) -> str:
    text = " | ".join(unit["comments"])[:90] if unit["kind"] == "comment" else unit["docstring"]
    first = unit["code"].strip().splitlines()[0][:70] if unit["code"].strip() else ""
    extra = f" [{unit['marker']}]" if "marker" in unit else ""
    return (
        f"{unit['repo']}:{unit['path']}:{unit['start_line']} {unit['kind']} "
        f"{unit_lines(unit)} lines {len(unit['code_tokens'])} tokens{extra}\n"
        f"      NL: {text[:90]!r}\n      code: {first!r}"
    )


def licenses(units: list[dict[str, Any]]) -> None:
    print("\n## Licenses of every installed distribution: declared -> SPDX")
    pairs: Counter[tuple[str, str]] = Counter()
    for dist in importlib_metadata.distributions():
        raw = license_of(dist.metadata)  # type: ignore[arg-type]
        spdx = spdx_license_of(dist.metadata)  # type: ignore[arg-type]
        pairs[(raw or "(none)", spdx or "(unresolved)")] += 1
    declared = sum(n for (raw, _), n in pairs.items() if raw != "(none)")
    resolved = sum(n for (raw, s), n in pairs.items() if raw != "(none)" and s != "(unresolved)")
    print(f"{declared} distributions declare a license; {resolved} ({resolved / declared:.1%}) "
          "resolve to SPDX")  # fmt: skip
    print(f"distinct values before: {len({r for r, _ in pairs})}, after: "
          f"{len({s for _, s in pairs})}")  # fmt: skip
    for (raw, spdx), n in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {n:4}  {raw[:60]!r:64} -> {spdx}")
    by_unit = Counter(u["license"] or "(unresolved or none)" for u in units)
    print("units by normalised license:", dict(by_unit.most_common()))


def pair_key_effect(units: list[dict[str, Any]]) -> None:
    comments = [u for u in units if u["kind"] == "comment"]
    hasher = TokenHasher()
    tokens = [u["code_tokens"] for u in comments]
    code_keys, _ = batch_keys(tokens, 5, hasher)
    pair_keys, _ = batch_keys(tokens, 5, hasher, word_lists=[pair_words(u) for u in comments])
    code_dupes = len(comments) - len(set(code_keys.tolist()))
    pair_dupes = len(comments) - len(set(pair_keys.tolist()))
    passes = [u for u in comments if u["code"].strip() == "pass"]
    print(f"\n## Exact key of {len(comments):,} kept comment units")
    print(f"exact duplicates with the code key: {code_dupes:,}; with code + comment words: "
          f"{pair_dupes:,}; units whose code is `pass`: {len(passes):,} with "
          f"{len({' '.join(u['comments']).lower() for u in passes}):,} distinct comments")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", nargs="+", default=list(DEFAULT_PACKAGES))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--keep", type=Path, default=None, metavar="DIR",
        help="keep the copied site and unfiltered build in DIR; reuse them when present",
    )  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pytorrent-quality-") as tmp:
        root = args.keep or Path(tmp)
        site = root / "site-packages"
        if not (root / "out" / "build.json").is_file():
            copy_distributions(args.packages, site)
            started = time.perf_counter()
            build(
                BuildConfig(
                    sources=(f"installed:{site}",), out=root / "out", work=root / "work",
                    workers=args.workers, filter=False, dedup=False, scenarios=(0,),
                )
            )  # fmt: skip
            print(f"# built {', '.join(args.packages)} in {time.perf_counter() - started:.0f} s")
        units = read_units(root / "out")
        by_reason = refilter(units, site)
        kept = by_reason.get("", [])
        distribution("unfiltered", units)
        distribution("after the default filters", kept)
        print("\n## Units per filter reason (first that fires)")
        for reason, dropped in sorted(by_reason.items(), key=lambda kv: -len(kv[1])):
            print(f"  {reason or 'kept':20} {len(dropped):8,}")
        rng = random.Random(args.seed)
        for reason in NEW_FILTERS:
            dropped = by_reason.get(reason, [])
            sample = rng.sample(dropped, min(args.samples, len(dropped)))
            print(f"\n## {args.samples} random `{reason}` drops (of {len(dropped):,})")
            for unit in sorted(sample, key=lambda u: (u["repo"], u["path"], u["start_line"])):
                print("  - " + show_example(unit))
        licenses(units)
        pair_key_effect(kept)


if __name__ == "__main__":
    main()

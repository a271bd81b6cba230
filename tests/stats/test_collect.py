"""Statistics of the known corpus (tests/stats/known.py) equal the numbers it was built with."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import numpy as np
import orjson
import pyarrow.parquet as pq
import pytest

import pytorrent.stats.shard_parts as shard_parts_module
from pytorrent.config import BuildConfig
from pytorrent.pipeline import build
from pytorrent.split import SPLITS, assign_splits
from pytorrent.stats import collect_stats, write_stats
from pytorrent.stats.histogram import PERCENTILES, Summary
from tests.stats import known as k

P = len(k.PACKAGES)


def expected_summary(values: list[int]) -> Summary:
    array = np.array(values)
    ranks = {
        f"p{round(q * 100)}": int(np.percentile(array, q * 100, method="inverted_cdf"))
        for q in PERCENTILES
    }
    return Summary(
        count=len(values),
        mean=round(float(array.mean()), 4),
        median=ranks["p50"],
        min=int(array.min()),
        max=int(array.max()),
        percentiles=ranks,
    )


def rows(out: Path, config: str) -> list[dict[str, object]]:
    return [
        r for p in sorted((out / config).glob("*.parquet")) for r in pq.read_table(p).to_pylist()
    ]


def test_units_per_category_split_and_scenario(known_built: Path) -> None:
    stats = collect_stats(known_built).stats
    per_package = k.FUNCTIONS + k.COMMENT_UNITS
    assert stats.units == P * per_package
    assert stats.kinds == {"comment": P * k.COMMENT_UNITS, "function": P * k.FUNCTIONS}
    assert stats.categories == {
        "core": {"comment": P, "function": P * k.FUNCTIONS, "total": P * per_package}
    }
    splits = Counter(assign_splits(list(k.PACKAGES), 0, k.RATIOS).values())
    assert set(splits) == {"train", "validation"}  # the construction covers two splits
    assert stats.category_splits == {"core": {s: splits[s] * per_package for s in SPLITS}}
    with_docstring = k.FUNCTIONS - 1
    assert stats.configs["pairs"] == {s: splits[s] * per_package for s in SPLITS}
    # ACS 0/5 need a docstring summary, ACS 1 comments, ACS 2/3/4 either.
    assert (
        stats.configs["acs0"]
        == stats.configs["acs5"]
        == {s: splits[s] * with_docstring for s in SPLITS}
    )
    assert stats.configs["acs1"] == {s: splits[s] * k.COMMENT_UNITS for s in SPLITS}
    assert stats.configs["acs4"] == {s: splits[s] * (with_docstring + 1) for s in SPLITS}
    manifest = json.loads((known_built / "build.json").read_text())
    assert stats.configs == manifest["split_counts"]


def test_token_length_percentiles_table_5(known_built: Path) -> None:
    lengths = collect_stats(known_built).stats.token_lengths
    assert lengths["pairs"].pl == expected_summary(k.PL * P)
    assert lengths["pairs"].nl == expected_summary(k.NL * P)
    assert lengths["acs0"].nl == expected_summary(k.ACS0_NL * P)
    assert lengths["acs0"].pl == expected_summary(k.ACS0_PL * P)
    # By construction: NL of ACS 0 is 1..20 words plus 3, 3, 4 -> p50 is the 12th of 23 values.
    assert lengths["acs0"].nl.percentiles == {"p50": 9, "p70": 14, "p80": 16, "p90": 18, "p95": 19}
    assert lengths["acs1"].nl == expected_summary([3] * P)  # "Module constant."
    assert lengths["acs1"].pl == expected_summary([3] * P)  # BASE = 1


def test_every_configs_lengths_equal_a_direct_count(known_built: Path) -> None:
    lengths = collect_stats(known_built).stats.token_lengths
    for name, summary in lengths.items():
        if name == "pairs":
            continue
        data = rows(known_built, name)
        assert summary.nl == expected_summary([len(r["docstring_tokens"]) for r in data]), name  # type: ignore[arg-type]
        assert summary.pl == expected_summary([len(r["code_tokens"]) for r in data]), name  # type: ignore[arg-type]


def test_line_length_coverage_figure_2(known_built: Path) -> None:
    lines = collect_stats(known_built).stats.line_lengths
    assert lines.lines == P * len(k.LINES) == P * 55
    assert lines.summary == expected_summary(k.LINES * P)
    # Body lines of f{i} have 4i + 8 characters: f11..f20 exceed 50, f16..f20 exceed 70.
    assert lines.coverage["50"] == round(45 / 55, 6)
    assert lines.coverage["70"] == round(50 / 55, 6)
    assert lines.coverage["80"] == round(53 / 55, 6)
    assert lines.coverage["100"] == lines.coverage["120"] == 1.0


def test_complexity_docstrings_and_functions(known_built: Path) -> None:
    stats = collect_stats(known_built).stats
    assert stats.complexity.summary == expected_summary(k.COMPLEXITY * P)
    assert stats.complexity.summary.mean == 1.125
    assert stats.complexity.histogram == {"1": P * (k.FUNCTIONS - 1), "4": P}
    assert stats.complexity.ranks["A (1-5)"] == P * k.FUNCTIONS
    assert sum(stats.complexity.ranks.values()) == P * k.FUNCTIONS
    docs = stats.docstrings
    assert (docs.functions, docs.with_docstring) == (P * k.FUNCTIONS, P * (k.FUNCTIONS - 1))
    assert docs.lines == expected_summary(k.DOCSTRING_LINES * P)
    assert docs.words == expected_summary(k.DOCSTRING_WORDS * P)
    assert docs.words.mean == round(220 / 23, 4)
    assert docs.styles == {style: n * P for style, n in k.STYLES.items()}
    assert docs.with_doctest == P
    functions = stats.functions
    assert (functions.total, functions.with_decorators) == (P * k.FUNCTIONS, P)
    assert functions.share_with_decorators == round(1 / k.FUNCTIONS, 6)
    assert functions.with_comments == functions.is_async == 0


def test_packages_and_licenses(known_built: Path) -> None:
    stats = collect_stats(known_built).stats
    packages = stats.packages
    assert (packages.total, packages.with_units) == (P, P)
    assert packages.units == expected_summary([k.FUNCTIONS + k.COMMENT_UNITS] * P)
    assert packages.python_files == 2 * P
    assert packages.release_counts is None  # installed distributions have no release count
    assert packages.trivial == {"not_trivial": P}  # the build flags every package
    assert packages.licenses == {"MIT": 2, "Apache-2.0": 1, "BSD-3-Clause": 1}
    per_package = k.FUNCTIONS + k.COMMENT_UNITS
    assert stats.record_licenses == {
        "MIT": 2 * per_package,
        "Apache-2.0": per_package,
        "BSD-3-Clause": per_package,
    }


def _rewrite_packages(out: Path, changes: dict[str, dict[str, object]]) -> None:
    path = out / "packages" / "packages.jsonl.gz"
    with gzip.open(path, "rb") as handle:
        packages = [orjson.loads(line) for line in handle]
    with gzip.open(path, "wb") as handle:
        for row in packages:
            handle.write(orjson.dumps(row | changes.get(row["name"], {})) + b"\n")


def test_release_counts_table_2_and_trivial_packages(known: Path) -> None:
    _rewrite_packages(
        known,
        {
            "kpkg0": {"release_count": 1, "trivial": True},
            "kpkg1": {"release_count": 3, "trivial": False},
            "kpkg2": {"release_count": 12, "trivial": None},
            "kpkg3": {"trivial": False},
        },
    )
    packages = collect_stats(known).stats.packages
    assert packages.release_counts is not None
    assert packages.release_counts.known == 3
    assert packages.release_counts.at_least == {
        "1": 3, "2": 2, "5": 1, "10": 1, "20": 0, "50": 0, "100": 0,
    }  # fmt: skip
    assert packages.trivial == {"trivial": 1, "not_trivial": 2, "unknown": 1}


def test_drops_come_from_build_json_or_the_caller(known: Path) -> None:
    manifest = json.loads((known / "build.json").read_text())
    manifest["drops"] = {"dedup": {"near_duplicate": 5}, "filter": {"short_docstring": 2}}
    (known / "build.json").write_text(json.dumps(manifest))
    assert collect_stats(known).stats.drops == manifest["drops"]
    assert collect_stats(known, drops={"filter": {"x": 1}}).stats.drops == {"filter": {"x": 1}}


def test_results_do_not_depend_on_the_batch_size(
    known_built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = collect_stats(known_built).stats
    monkeypatch.setattr(shard_parts_module, "BATCH_ROWS", 7)
    assert collect_stats(known_built).stats == whole


def test_a_corpus_without_units_gives_zeros_and_empty_plots(tmp_path: Path) -> None:
    from tests.envs import install_package

    site = tmp_path / "site-packages"
    install_package(
        site, "onlytests", "1.0", {"onlytests/tests/test_a.py": "def test_a():\n    pass\n"}
    )
    out = tmp_path / "corpus"
    build(BuildConfig(sources=(f"installed:{site}",), out=out, executor="inline"))
    assert not list(out.glob("pairs/*.parquet"))
    result = write_stats(out)
    stats = result.stats
    assert stats.units == 0 and stats.packages.total == 1 and stats.packages.with_units == 0
    assert stats.configs["pairs"] == {"train": 0, "validation": 0, "test": 0}
    assert stats.token_lengths["pairs"].nl.count == 0 and stats.line_lengths.coverage == {}
    assert stats.functions.share_with_decorators is None
    assert stats.drops == {"select": {"category_test": 1}}
    assert len(stats.plots) == 6 and "n/a" in (out / "stats" / "report.md").read_text()

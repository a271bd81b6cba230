"""Global dedup: exact and near duplicates across packages, the keeper rule, determinism."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytorrent.dedup import DedupConfig, DedupResult, compute_signatures, find_duplicates
from pytorrent.models import PackageMetadata
from tests.dedup.records import extract, package, synthetic

FIXTURES = Path(__file__).parent / "fixtures"
NATURALSIZE = (FIXTURES / "humanize_naturalsize.txt").read_text()
VERSIONS = (FIXTURES / "packaging_version.txt").read_text()


def _dedup(
    packages: Sequence[tuple[PackageMetadata, list[dict[str, Any]]]], config: DedupConfig
) -> DedupResult:
    return find_duplicates([compute_signatures(r, config, meta) for meta, r in packages], config)


def _functions(source: str, meta: PackageMetadata, path: str = "m.py") -> list[dict[str, Any]]:
    return [r for r in extract(source, path=path, meta=meta) if r["kind"] == "function"]


def test_exact_duplicate_across_packages_keeps_the_package_with_more_releases() -> None:
    original = package("humanize", release_count=60, upload_time="2025-01-01T00:00:00Z")
    vendored = package("aaa-vendor", release_count=3, upload_time="2025-06-01T00:00:00Z")
    # The vendored copy differs only in comments and blank lines: an exact duplicate.
    copy = NATURALSIZE.replace(
        "    from math import log\n", "    # lazy import\n    from math import log\n\n"
    )
    kept = _functions(NATURALSIZE, original, "humanize/filesize.py")
    dropped = _functions(copy, vendored, "aaa_vendor/_size.py")
    result = _dedup([(vendored, dropped), (original, kept)], DedupConfig())
    (duplicate,) = result.duplicates
    assert (duplicate.id, duplicate.reason, duplicate.keeper) == (
        dropped[0]["id"],
        "exact_duplicate",
        kept[0]["id"],
    )
    assert result.report.exact_groups == 1
    assert result.drops.by_stage() == {"dedup": {"exact_duplicate": 1}}


@pytest.mark.parametrize(
    ("first", "second", "winner"),
    [
        # same release count: the newer upload wins
        ((5, "2020-01-01T00:00:00"), (5, "2023-01-01T00:00:00+00:00"), "second"),
        # unknown release count ranks below any known one
        ((None, "2024-01-01T00:00:00Z"), (1, None), "second"),
        # all unknown: the lexicographically smaller package name wins
        ((None, None), (None, None), "first"),
    ],
)
def test_keeper_rule(
    first: tuple[int | None, str | None], second: tuple[int | None, str | None], winner: str
) -> None:
    metas = {
        "first": package("alpha", release_count=first[0], upload_time=first[1]),
        "second": package("beta", release_count=second[0], upload_time=second[1]),
    }
    records = {k: _functions(VERSIONS, m) for k, m in metas.items()}
    result = _dedup([(metas[k], records[k]) for k in ("second", "first")], DedupConfig())
    loser = "first" if winner == "second" else "second"
    assert {(d.id, d.keeper) for d in result.duplicates} == {
        (a["id"], b["id"]) for a, b in zip(records[loser], records[winner], strict=True)
    }


def test_near_duplicate_across_packages_is_verified_and_dropped() -> None:
    original = package("humanize", release_count=60)
    fork = package("humanize-fork", release_count=2)
    # A fork renamed a local variable and changed a default: Jaccard 0.94 / 0.95.
    edited = re.sub(r"\bret\b", "result", NATURALSIZE).replace('"%.1f"', '"%.2f"')
    kept = _functions(NATURALSIZE, original)
    near = _functions(edited, fork)
    unrelated = _functions(VERSIONS, fork, "other.py")
    result = _dedup([(fork, near + unrelated), (original, kept)], DedupConfig())
    (duplicate,) = result.duplicates
    assert duplicate.id == near[0]["id"] and duplicate.keeper == kept[0]["id"]
    assert duplicate.reason == "near_duplicate"
    assert duplicate.similarity is not None and 0.85 <= duplicate.similarity < 1.0
    assert result.report.near_clusters == 1 and result.report.near_sizes == {2: 1}
    (example,) = [e for e in result.report.examples if e.reason == "near_duplicate"]
    assert example.keeper == "humanize:m.py:1" and example.members == ["humanize-fork:m.py:1"]


def test_a_heavier_edit_stays() -> None:
    # Renaming `exp` (11 uses) leaves Jaccard 0.76: below 0.85, both are kept.
    edited = re.sub(r"\bexp\b", "exponent", NATURALSIZE)
    a, b = package("a"), package("b")
    result = _dedup([(a, _functions(NATURALSIZE, a)), (b, _functions(edited, b))], DedupConfig())
    assert result.duplicates == []
    assert _dedup(
        [(a, _functions(NATURALSIZE, a)), (b, _functions(edited, b))], DedupConfig(threshold=0.7)
    ).drop_ids()


def test_verification_removes_lsh_false_positives() -> None:
    # 64 bands of one row: any single equal MinHash value makes a candidate pair.
    loose: dict[str, Any] = {"bands": 64, "rows": 1, "num_perm": 64}
    a, b = package("a"), package("b")
    # _parse_letter_version with its two parameters renamed: Jaccard well below 0.85.
    versions = _functions(VERSIONS, a)[:1]
    similar = _functions(VERSIONS.replace("letter", "ltr").replace("number", "num"), b)[:1]
    unverified = _dedup([(a, versions), (b, similar)], DedupConfig(verify=False, **loose))
    verified = _dedup([(a, versions), (b, similar)], DedupConfig(verify=True, **loose))
    assert unverified.report.lsh_components >= 1 and unverified.duplicates
    assert verified.duplicates == []
    assert (
        verified.report.verify_rejected
        == verified.report.lsh_units - verified.report.lsh_components
    )


def test_exact_twin_of_a_near_duplicate_points_at_the_final_keeper() -> None:
    keeper_pkg, fork_a, fork_b = (
        package("k", release_count=9),
        package("fa", release_count=1),
        package("fb", release_count=1),
    )
    edited = re.sub(r"\bret\b", "result", NATURALSIZE)
    keeper = _functions(NATURALSIZE, keeper_pkg)
    twin_a, twin_b = _functions(edited, fork_a), _functions(edited, fork_b)
    result = _dedup([(keeper_pkg, keeper), (fork_a, twin_a), (fork_b, twin_b)], DedupConfig())
    assert {d.keeper for d in result.duplicates} == {keeper[0]["id"]}
    assert {d.reason for d in result.duplicates} == {"near_duplicate"}
    assert not result.drop_ids() & {keeper[0]["id"]}


def test_paths_and_in_memory_batches_agree(tmp_path: Path) -> None:
    metas = [package(f"p{i}", release_count=i) for i in range(3)]
    batches = [compute_signatures(_functions(NATURALSIZE, m), DedupConfig(), m) for m in metas]
    paths = [b.write(tmp_path / f"{i}.arrow") for i, b in enumerate(batches)]
    assert find_duplicates(paths, DedupConfig()) == find_duplicates(batches, DedupConfig())


def test_repeated_ids_are_an_error() -> None:
    record = synthetic("same", ["def", "f", "(", ")", ":", "return", "1"])
    batch = compute_signatures([record, dict(record)], DedupConfig())
    with pytest.raises(ValueError, match="unique"):
        find_duplicates([batch], DedupConfig())


# -- determinism: any input order, any partition into batches -------------------------------


def _tokens(group: int) -> list[str]:
    return [f"t{n}" for n in random.Random(group).choices(range(200), k=100)]


def _corpus() -> list[dict[str, Any]]:
    """Per group: 3 exact copies, 2 near copies (one token of 100 changed: Jaccard ~0.9)."""
    records = []
    for group in range(4):
        tokens = _tokens(group)
        for copy in range(3):
            records.append(synthetic(f"e{group}{copy}", tokens, repo=f"r{copy}", start_line=group))
        for name, position in (("n", 30), ("m", 70)):
            near = [*tokens[:position], "changed", *tokens[position + 1 :]]
            records.append(synthetic(f"{name}{group}", near, repo="s", start_line=group))
    records.append(synthetic("x", ["class", "X", ":", "pass"]))
    return records


@settings(max_examples=25, deadline=None)
@given(st.permutations(_corpus()), st.integers(1, 5), st.booleans())
def test_results_do_not_depend_on_order_or_batching(
    records: list[dict[str, Any]], batches: int, verify: bool
) -> None:
    config = DedupConfig(verify=verify)
    parts = [records[i::batches] for i in range(batches)]
    result = find_duplicates([compute_signatures(p, config) for p in parts if p], config)
    reference = find_duplicates([compute_signatures(_corpus(), config)], config)
    assert result.duplicates == reference.duplicates
    assert result.report == reference.report
    assert result.drops == reference.drops
    assert {d.id for d in reference.duplicates} >= {"e01", "e02", "e11", "e12"}
    assert {d.reason for d in reference.duplicates} == {"exact_duplicate", "near_duplicate"}
    assert all(d.keeper not in reference.drop_ids() for d in reference.duplicates)


def test_anonymized_shingles_catch_a_copy_with_every_local_renamed() -> None:
    # `exp` renamed (11 uses) plus `ret`, `space`, `suffix`: Jaccard 0.6 on raw tokens.
    edited = NATURALSIZE
    for old, new in (("exp", "e"), ("ret", "out"), ("space", "sep"), ("suffix", "units")):
        edited = re.sub(rf"\b{old}\b", new, edited)
    a, b = package("a"), package("b")
    pair = [(a, _functions(NATURALSIZE, a)), (b, _functions(edited, b))]
    assert _dedup(pair, DedupConfig()).duplicates == []
    (duplicate,) = _dedup(pair, DedupConfig(anonymize=True)).duplicates
    assert duplicate.reason == "near_duplicate" and duplicate.similarity == 1.0

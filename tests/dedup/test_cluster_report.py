"""The dedup report and result of a corpus whose structure is known unit by unit: exact group
sizes, LSH components, verified and rejected candidates, examples (also past the pruning of
many clusters), drop references, chunked read-back, and the Jaccard helper itself."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pytest

from pytorrent.dedup import DedupConfig, DedupResult, clusters, compute_signatures, find_duplicates
from pytorrent.dedup.clusters import Duplicate, jaccard
from tests.dedup.records import synthetic

# One-token shingles and a band per MinHash value: Jaccard is the token-set overlap, and
# any pair sharing a token is (almost surely) a candidate.
CONFIG = DedupConfig(shingle=1, num_perm=64, bands=64, rows=1, threshold=0.5)


def _unit(record_id: str, tokens: list[str], repo: str, line: int) -> dict[str, Any]:
    return synthetic(record_id, tokens, repo=repo, start_line=line)


def _corpus() -> list[dict[str, Any]]:
    ten = [f"x{i}" for i in range(10)]
    other = [f"y{i}" for i in range(10)]
    rejected = [f"q{i}" for i in range(10)]
    return [
        *(_unit(f"e1{r}", ten, r, 10) for r in "abc"),  # exact group of 3
        *(_unit(f"e2{r}", other, r, 20) for r in "ab"),  # exact group of 2
        _unit("single", [f"z{i}" for i in range(10)], "a", 30),
        _unit("n1", ["t1"], "a", 40),  # one shingle only
        _unit("n2", ["t1", "t2"], "b", 40),  # Jaccard 1/2 with n1: at the threshold
        _unit("r1", rejected, "a", 50),
        _unit("r2", [rejected[0], *(f"w{i}" for i in range(9))], "b", 50),  # Jaccard 1/19
    ]


def _dedup(records: list[dict[str, Any]], config: DedupConfig = CONFIG) -> DedupResult:
    return find_duplicates([compute_signatures(records, config)], config)


def test_the_report_of_a_known_corpus() -> None:
    result = _dedup(_corpus())
    assert result.duplicates == [
        Duplicate("e1b", "exact_duplicate", "e1a", 1.0),
        Duplicate("e1c", "exact_duplicate", "e1a", 1.0),
        Duplicate("e2b", "exact_duplicate", "e2a", 1.0),
        Duplicate("n2", "near_duplicate", "n1", 0.5),
    ]
    assert result.report.to_dict() == {
        "units": 10,
        "exact_groups": 2,
        "exact_duplicates": 3,
        "lsh_components": 2,
        "lsh_units": 4,
        "near_clusters": 1,
        "near_duplicates": 1,
        "verify_rejected": 1,
        "exact_then_near": 0,
        "exact_sizes": {"2": 1, "3": 1},
        "near_sizes": {"2": 1},
        "examples": [
            {
                "reason": "exact_duplicate",
                "size": 3,
                "keeper": "a:pkg/mod.py:10",
                "members": ["b:pkg/mod.py:10", "c:pkg/mod.py:10"],
                "min_similarity": 1.0,
            },
            {
                "reason": "exact_duplicate",
                "size": 2,
                "keeper": "a:pkg/mod.py:20",
                "members": ["b:pkg/mod.py:20"],
                "min_similarity": 1.0,
            },
            {
                "reason": "near_duplicate",
                "size": 2,
                "keeper": "a:pkg/mod.py:40",
                "members": ["b:pkg/mod.py:40"],
                "min_similarity": 0.5,
            },
        ],
    }
    assert result.drops.by_stage() == {"dedup": {"exact_duplicate": 3, "near_duplicate": 1}}
    assert result.drops.examples_by_key() == {
        "dedup/exact_duplicate": ["b:pkg/mod.py:10", "b:pkg/mod.py:20", "c:pkg/mod.py:10"],
        "dedup/near_duplicate": ["b:pkg/mod.py:40"],
    }


def test_without_verification_a_candidate_pair_is_a_cluster_of_unknown_similarity() -> None:
    config = DedupConfig(shingle=1, num_perm=64, bands=64, rows=1, verify=False)
    result = _dedup(_corpus(), config)
    near = [d for d in result.duplicates if d.reason == "near_duplicate"]
    assert near == [
        Duplicate("n2", "near_duplicate", "n1", None),
        Duplicate("r2", "near_duplicate", "r1", None),
    ]
    report = result.report
    assert (report.near_clusters, report.near_duplicates, report.verify_rejected) == (2, 2, 0)
    assert {e.min_similarity for e in report.examples if e.reason == "near_duplicate"} == {None}


def test_units_without_shingles_are_never_near_duplicates() -> None:
    # With exact dedup off, two empty units would otherwise be a "near" pair of Jaccard 1.
    config = DedupConfig(shingle=1, num_perm=64, bands=64, rows=1, exact=False)
    result = _dedup([_unit("empty1", [], "a", 1), _unit("empty2", [], "b", 1)], config)
    assert result.duplicates == [] and result.report.lsh_components == 0


def test_an_exact_twin_of_a_near_duplicate_carries_its_similarity() -> None:
    records = [
        _unit("keep", ["t1", "t2", "t3"], "a", 1),
        _unit("near", ["t1", "t2", "t4"], "b", 1),  # Jaccard 2/4 with keep
        _unit("twin", ["t1", "t2", "t4"], "c", 1),  # exact copy of near
    ]
    assert _dedup(records).duplicates == [
        Duplicate("near", "near_duplicate", "keep", 0.5),
        Duplicate("twin", "near_duplicate", "keep", 0.5),
    ]


def _many_groups() -> list[dict[str, Any]]:
    """70 exact groups: g60 of 7 units, g33 of 4, g10 and g50 of 3, every other one of 2."""
    sizes = {60: 7, 33: 4, 10: 3, 50: 3}
    return [
        _unit(f"g{g:02d}{copy}", [f"g{g}_{i}" for i in range(6)], f"r{copy}", g)
        for g in range(70)
        for copy in range(sizes.get(g, 2))
    ]


def test_examples_are_the_largest_clusters_even_past_pruning() -> None:
    result = _dedup(_many_groups())
    report = result.report
    assert report.exact_groups == 70
    assert report.exact_sizes == {2: 66, 3: 2, 4: 1, 7: 1}
    assert report.exact_duplicates == 66 * 1 + 2 * 2 + 3 + 6
    examples = [(e.size, e.keeper) for e in report.examples]
    # Largest first, ties by keeper reference (r0:pkg/mod.py:10 sorts before ...:50).
    assert examples == [(7, "r0:pkg/mod.py:60"), (4, "r0:pkg/mod.py:33"), (3, "r0:pkg/mod.py:10")]
    # An example lists at most 5 of the dropped members, the smallest references first.
    assert report.examples[0].members == [f"r{c}:pkg/mod.py:60" for c in range(1, 6)]


def test_reading_back_in_small_chunks_gives_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    records = [*_corpus(), *_many_groups()]
    whole = _dedup(records)
    monkeypatch.setattr(clusters, "_CHUNK_UNITS", 3)
    chunked = _dedup(records)
    assert chunked.duplicates == whole.duplicates
    assert chunked.report == whole.report
    assert chunked.drops == whole.drops


def test_rejections_add_up_over_components() -> None:
    records = _corpus()
    other = [f"p{i}" for i in range(10)]
    records += [
        _unit("s1", other, "a", 60),
        _unit("s2", [other[0], *(f"v{i}" for i in range(9))], "b", 60),  # Jaccard 1/19
    ]
    result = _dedup(records)
    assert (result.report.lsh_components, result.report.verify_rejected) == (3, 2)


def test_a_center_without_members_does_not_hide_the_next_cluster() -> None:
    shared = [f"u{i}" for i in range(9)]
    records = [
        _unit("a", ["t0", *(f"a{i}" for i in range(9))], "a", 1),
        _unit("b", ["t0", *shared], "b", 1),  # Jaccard 1/19 with a: its own center
        _unit("c", ["t0", *shared[:8], "extra"], "c", 1),  # Jaccard 9/11 with b
    ]
    result = _dedup(records)
    assert result.duplicates == [Duplicate("c", "near_duplicate", "b", 9 / 11)]
    assert result.report.verify_rejected == 1


def test_a_member_as_close_to_two_centers_joins_the_first_in_keeper_order() -> None:
    records = [
        _unit("a", ["c1", "c2", "a1", "a2"], "a", 1),
        _unit("b", ["c3", "c4", "b1", "b2"], "b", 1),  # nothing in common with a
        _unit("c", ["c1", "c2", "c3", "c4"], "c", 1),  # Jaccard 1/3 with both
    ]
    config = DedupConfig(shingle=1, num_perm=64, bands=64, rows=1, threshold=0.3)
    assert _dedup(records, config).duplicates == [Duplicate("c", "near_duplicate", "a", 1 / 3)]


def test_repeated_ids_name_five_of_them() -> None:
    records = [_unit(f"id{i % 7}", ["same", "tokens"], f"r{i}", 1) for i in range(14)]
    with pytest.raises(ValueError, match=r"repeated among \['id0', 'id0', 'id1', 'id1', 'id2'\]$"):
        _dedup(records)


def _sets(values: list[int]) -> np.ndarray:
    return np.array(sorted(set(values)), dtype=np.uint32)


SETS = [[], [1], [2], [1, 2], [1, 2, 3], [3, 4, 5, 6], [1, 3, 5, 7, 9], [0, 2, 4, 6, 8, 10]]


@pytest.mark.parametrize(("a", "b"), list(combinations(SETS, 2)) + [(s, s) for s in SETS])
def test_jaccard_equals_the_set_definition(a: list[int], b: list[int]) -> None:
    left, right = set(a), set(b)
    expected = 1.0 if not left | right else len(left & right) / len(left | right)
    assert jaccard(_sets(a), _sets(b)) == expected
    assert jaccard(_sets(b), _sets(a)) == expected


def test_report_and_drops_agree_when_an_exact_keeper_is_a_near_duplicate() -> None:
    """n2's identical twin is an exact copy of a unit that is itself dropped as a near
    duplicate of n1: the report counts it exact (phase one), the drops near (final keeper)."""
    result = _dedup([*_corpus(), _unit("n2c", ["t1", "t2"], "c", 40)])
    report = result.report
    drops = result.drops.by_stage()["dedup"]
    assert report.exact_then_near == 1
    assert drops["exact_duplicate"] == report.exact_duplicates - report.exact_then_near
    assert drops["near_duplicate"] == report.near_duplicates + report.exact_then_near
    assert {d.id: d.keeper for d in result.duplicates if d.reason == "near_duplicate"} == {
        "n2": "n1",
        "n2c": "n1",
    }


def test_an_exact_and_a_near_cluster_of_one_keeper_rank_apart() -> None:
    # 35 keepers, each with an identical twin and a near copy: 70 clusters (the example
    # pool is pruned), two per keeper reference of the same size, told apart by reason.
    records = []
    for g in range(35):
        tokens = [f"k{g}_{i}" for i in range(6)]
        records += [
            _unit(f"k{g:02d}", tokens, "a", g),
            _unit(f"t{g:02d}", tokens, "b", g),
            _unit(f"n{g:02d}", [*tokens[:5], "changed"], "c", g),  # Jaccard 5/7
        ]
    report = _dedup(records).report
    assert (report.exact_groups, report.near_clusters) == (35, 35)
    assert [(e.reason, e.keeper) for e in report.examples] == [
        *(("exact_duplicate", f"a:pkg/mod.py:{g}") for g in (0, 1, 10)),
        *(("near_duplicate", f"a:pkg/mod.py:{g}") for g in (0, 1, 10)),
    ]


def test_every_exact_copy_of_a_near_duplicate_is_counted() -> None:
    records = [
        _unit("keep", ["t1", "t2", "t3"], "a", 1),
        _unit("near", ["t1", "t2", "t4"], "b", 1),  # Jaccard 2/4 with keep
        *(_unit(f"twin{i}", ["t1", "t2", "t4"], f"c{i}", 1) for i in range(3)),
    ]
    result = _dedup(records)
    assert result.report.exact_then_near == 3
    assert {d.id: d.reason for d in result.duplicates} == {
        "near": "near_duplicate",
        **{f"twin{i}": "near_duplicate" for i in range(3)},
    }

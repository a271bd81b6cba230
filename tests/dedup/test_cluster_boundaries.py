"""Dedup at its edges: every LSH band makes candidates, and a pair at exactly the Jaccard
threshold is clustered (one float step above it is not)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pytorrent.dedup import DedupConfig, compute_signatures, find_duplicates
from pytorrent.dedup.clusters import jaccard
from pytorrent.dedup.lsh import band_keys
from tests.dedup.records import synthetic

# One MinHash value per band: a pair is a candidate when any single value is equal.
BANDS = 4
SINGLE_ROWS = {"num_perm": BANDS, "bands": BANDS, "rows": 1, "shingle": 1}


def _pair(seed: int) -> list[dict[str, object]]:
    """Two units sharing 3 of their 6 tokens each (Jaccard 3/9)."""
    first = [f"a{seed}_{i}" for i in range(6)]
    second = [*first[:3], *(f"b{seed}_{i}" for i in range(3))]
    return [synthetic("one", first, repo="r1"), synthetic("two", second, repo="r2")]


def _pairs_equal_in_one_band(config: DedupConfig) -> dict[int, list[dict[str, object]]]:
    """For each band index, a pair whose band keys are equal in that band only."""
    found: dict[int, list[dict[str, object]]] = {}
    for seed in range(300):
        records = _pair(seed)
        keys = band_keys(compute_signatures(records, config).minhashes(), BANDS, 1)
        equal = np.flatnonzero(keys[0] == keys[1]).tolist()
        if len(equal) == 1:
            found.setdefault(equal[0], records)
        if len(found) == BANDS:
            break
    return found


@pytest.mark.parametrize("verify", [False, True])
def test_a_pair_equal_in_any_single_band_is_a_candidate(verify: bool) -> None:
    config = DedupConfig(threshold=0.3, verify=verify, **SINGLE_ROWS)  # type: ignore[arg-type]
    pairs = _pairs_equal_in_one_band(config)
    assert sorted(pairs) == list(range(BANDS))  # the premise: the first and the last band too
    for band, records in sorted(pairs.items()):
        result = find_duplicates([compute_signatures(records, config)], config)
        assert result.report.lsh_components == 1, f"band {band} made no candidate"
        assert [(d.id, d.keeper) for d in result.duplicates] == [("two", "one")], band


def _threshold_pair() -> list[dict[str, object]]:
    """9 tokens each, 8 shared: exact Jaccard 8/10 = 0.8."""
    tokens = [f"w{i}" for i in range(9)]
    return [
        synthetic("keep", tokens, repo="ra"),
        synthetic("copy", [*tokens[:8], "other"], repo="rb"),
    ]


# Every MinHash value its own band: a pair at Jaccard 0.8 is always a candidate, so only the
# verification decides.
LOOSE = {"num_perm": 64, "bands": 64, "rows": 1, "shingle": 1}


@pytest.mark.parametrize(
    ("threshold", "clustered"),
    [
        (math.nextafter(0.8, 0.0), True),  # one float step under the pair's Jaccard
        (0.8, True),  # exactly at it: >= threshold clusters
        (math.nextafter(0.8, 1.0), False),  # one float step over it
        (0.79, True),
        (0.81, False),
    ],
)
def test_verification_clusters_a_pair_at_or_above_the_threshold(
    threshold: float, clustered: bool
) -> None:
    config = DedupConfig(threshold=threshold, **LOOSE)  # type: ignore[arg-type]
    batch = compute_signatures(_threshold_pair(), config)
    first, second = batch.shingle_sets([0, 1])
    assert jaccard(first, second) == 0.8
    result = find_duplicates([batch], config)
    assert result.report.lsh_components == 1
    expected = [("copy", "keep", 0.8)] if clustered else []
    assert [(d.id, d.keeper, d.similarity) for d in result.duplicates] == expected
    assert result.report.verify_rejected == (0 if clustered else 1)

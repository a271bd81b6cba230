"""Signature batches: what a worker writes and the driver reads back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytorrent.dedup import DedupConfig, SignatureBatch, compute_signatures, find_duplicates
from pytorrent.dedup.hashing import TokenHasher
from pytorrent.dedup.signatures import batch_keys, unit_keys
from pytorrent.dedup.tokens import anonymize, normalize_code_tokens
from pytorrent.errors import ConfigError
from tests.dedup.records import extract, package

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def records() -> list[dict[str, object]]:
    return extract((FIXTURES / "packaging_version.txt").read_text())


def test_round_trip_through_bytes_and_files(
    records: list[dict[str, object]], tmp_path: Path
) -> None:
    meta = package(release_count=12, upload_time="2024-05-01T10:00:00Z")
    batch = compute_signatures(records, DedupConfig(), meta)
    for again in (
        SignatureBatch.from_bytes(batch.to_bytes()),
        SignatureBatch.read(batch.write(tmp_path / "pkg.sig.arrow")),
    ):
        assert again.ids() == [r["id"] for r in records]
        assert np.array_equal(again.minhashes(), batch.minhashes())
        assert np.array_equal(again.exact_keys(), batch.exact_keys())
        assert again.rows([0])[0]["release_count"] == 12
    assert not list(tmp_path.glob(".*tmp"))  # the temp name was renamed away


def test_size_is_about_one_kib_per_unit(records: list[dict[str, object]]) -> None:
    lean = compute_signatures(records, DedupConfig(verify=False))
    per_unit = len(lean.to_bytes()) / len(records)
    assert 1024 <= per_unit < 1024 + 600
    assert not lean.has_shingles


def test_comment_and_layout_changes_keep_the_exact_key() -> None:
    original = extract("def f(a, b):\n    return a + b\n")
    edited = extract("def f(a,\n      b):  # add them\n    # the sum\n    return a+b\n")
    keys = [compute_signatures(r, DedupConfig()).exact_keys()[0] for r in (original, edited)]
    assert keys[0] == keys[1]


def test_lean_minhash_interoperates_with_datasketch(records: list[dict[str, object]]) -> None:
    batch = compute_signatures(records, DedupConfig())
    assert batch.lean_minhash(0).jaccard(batch.lean_minhash(0)) == 1.0


def test_signatures_with_other_parameters_are_refused(records: list[dict[str, object]]) -> None:
    batch = compute_signatures(records, DedupConfig(num_perm=128))
    with pytest.raises(ConfigError, match="num_perm"):
        find_duplicates([batch], DedupConfig())
    no_sets = compute_signatures(records, DedupConfig(verify=False))
    with pytest.raises(ConfigError, match="shingle sets"):
        find_duplicates([no_sets], DedupConfig(verify=True))
    assert find_duplicates([no_sets], DedupConfig(verify=False)).duplicates == []


def test_config_validation() -> None:
    assert DedupConfig().lsh_params == (21, 12)  # recall-leaning: verification follows
    assert DedupConfig(verify=False).lsh_params == (13, 19)  # MinHashLSH(0.85)'s own
    assert DedupConfig(bands=32, rows=8).lsh_params == (32, 8)
    for bad in (
        {"threshold": 0.0},
        {"num_perm": 1},
        {"shingle": 0},
        {"bands": 4},
        {"bands": 64, "rows": 8},
    ):
        with pytest.raises(ConfigError):
            DedupConfig(**bad)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["a", "b", "c", "(", ")", "#x", "\n"]), max_size=12), max_size=8
    )
)
def test_batched_keys_equal_per_unit_keys(token_lists: list[list[str]]) -> None:
    hasher = TokenHasher()
    keys, sets = batch_keys(token_lists, 5, hasher)
    for tokens, key, shingles in zip(token_lists, keys.tolist(), sets, strict=True):
        one_key, one_set = unit_keys(tokens, 5, hasher)
        assert key == one_key and np.array_equal(shingles, one_set)


def test_anonymized_shingles_match_the_token_level_anonymizer() -> None:
    tokens = ["def", "f", "(", "xs", ")", ":", "\n", "return", "xs", ".", "count", "(", "len", ")"]
    hasher = TokenHasher()
    expected = hasher(anonymize(normalize_code_tokens(tokens)))
    assert np.array_equal(hasher.code(tokens, anonymize=True), expected)
    assert hasher(["ID"])[0] in expected and hasher(["count"])[0] in expected
    raw_key, raw_set = unit_keys(tokens, 5, hasher)
    anon_key, anon_set = unit_keys(tokens, 5, hasher, anonymize=True)
    assert raw_key == anon_key and not np.array_equal(raw_set, anon_set)

"""Signature batches field by field: keys of comment units, units around one shingle long,
upload times, multi-chunk tables, refused tables and the stored keeper-rule fields.

Expected values come from the primitives (`ngram_hashes`, `sequence_key`, `minhash`) applied
one unit at a time, and from records of the real extractor."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import orjson
import pyarrow as pa
import pytest

from pytorrent.dedup import DedupConfig, SignatureBatch, compute_signatures, minhash
from pytorrent.dedup.hashing import TokenHasher, ngram_hashes, sequence_key
from pytorrent.dedup.signatures import (
    batch_keys,
    pair_words,
    parse_upload_time,
    shingle_set,
    unit_keys,
)
from pytorrent.errors import ConfigError
from tests.dedup.records import extract, package

TOKENS = ["def", "f", "(", "xs", ")", ":", "\n", "return", "len", "(", "xs", ")"]


def _expected(hashes: np.ndarray, shingle: int) -> np.ndarray:
    return np.unique(ngram_hashes(hashes, shingle).astype(np.uint32))


def test_shingle_set_is_sorted_unique_32_bit() -> None:
    hashes = TokenHasher().code(["a", "b", "a", "b", "a", "b", "a"])
    shingles = shingle_set(hashes, 2)
    assert shingles.dtype == np.uint32
    assert shingles.tolist() == sorted(set(ngram_hashes(hashes, 2).astype(np.uint32).tolist()))
    assert len(shingles) == 2  # "a b" and "b a"


def test_pair_words_are_the_comment_words_of_comment_units_only() -> None:
    comment = {"kind": "comment", "comments": ["# Compute the SUM,", "then: return it!"]}
    assert pair_words(comment) == ["compute", "the", "sum", "then", "return", "it"]
    assert pair_words({"kind": "comment", "comments": None}) == []
    assert pair_words({"kind": "comment"}) == []
    assert pair_words({"kind": "function", "comments": ["# words"]}) is None
    assert pair_words({"comments": ["# words"]}) is None


def test_words_join_the_code_behind_a_separator() -> None:
    hasher = TokenHasher()
    words = ["add", "them"]
    key, shingles = unit_keys(TOKENS, 5, hasher, words=words)
    joined = np.concatenate([hasher.code(TOKENS), hasher(["\0natural-language", *words])])
    assert key == sequence_key(joined)
    assert np.array_equal(shingles, _expected(joined, 5))
    plain_key, plain = unit_keys(TOKENS, 5, hasher)
    assert plain_key == sequence_key(hasher.code(TOKENS)) != key
    assert np.array_equal(plain, _expected(hasher.code(TOKENS), 5))
    assert unit_keys(TOKENS, 5, hasher, words=[])[0] != plain_key  # the separator alone counts


def test_anonymized_units_keep_the_raw_exact_key_and_words() -> None:
    hasher = TokenHasher()
    key, shingles = unit_keys(TOKENS, 3, hasher, anonymize=True, words=["w"])
    separator = hasher(["\0natural-language", "w"])
    raw = np.concatenate([hasher.code(TOKENS), separator])
    anonymous = np.concatenate([hasher.code(TOKENS, anonymize=True), separator])
    assert key == sequence_key(raw)
    assert np.array_equal(shingles, _expected(anonymous, 3))


@pytest.mark.parametrize("anonymize", [False, True])
@pytest.mark.parametrize("shingle", [1, 4, 5, 6])
def test_batched_keys_around_one_shingle_long(shingle: int, anonymize: bool) -> None:
    hasher = TokenHasher()
    token_lists = [TOKENS[:n] for n in range(8)] + [TOKENS, ["#c", "\n"], TOKENS[::-1]]
    word_lists: list[list[str] | None] = [None] * len(token_lists)
    word_lists[2], word_lists[7], word_lists[8] = ["a"], ["b", "c"], []
    for words in (None, word_lists):
        keys, sets = batch_keys(token_lists, shingle, hasher, anonymize, words)
        assert keys.dtype == np.uint64 and len(sets) == len(token_lists)
        for i, tokens in enumerate(token_lists):
            one_key, one_set = unit_keys(
                tokens, shingle, hasher, anonymize, None if words is None else words[i]
            )
            assert int(keys[i]) == one_key, (i, words)
            assert sets[i].dtype == np.uint32
            assert np.array_equal(sets[i], one_set), (i, words)
    empty_keys, empty_sets = batch_keys([[], ["#only a comment"]], 5, hasher)
    assert [s.size for s in empty_sets] == [0, 0] and empty_keys.size == 2


def test_a_unit_shorter_than_a_shingle_is_one_shingle() -> None:
    hasher = TokenHasher()
    for n in range(1, 5):
        _, sets = batch_keys([TOKENS[:n], TOKENS], 5, hasher)
        assert sets[0].size == 1
        assert sets[0].tolist() == _expected(hasher.code(TOKENS[:n]), 5).tolist()
        assert sets[1].size == len(set(_expected(hasher.code(TOKENS), 5).tolist()))


def test_no_units_make_no_keys() -> None:
    keys, sets = batch_keys([], 5, TokenHasher())
    assert keys.size == 0 and sets == []
    batch = compute_signatures([], DedupConfig())
    assert len(batch) == 0 and batch.ids() == [] and batch.minhashes().shape == (0, 256)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        (None, None),
        ("", None),
        ("yesterday", None),
        ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, tzinfo=timezone.utc)),
        ("2024-05-01T10:00:00", datetime(2024, 5, 1, 10, tzinfo=timezone.utc)),
        ("2024-05-01T12:30:00+02:00", datetime(2024, 5, 1, 10, 30, tzinfo=timezone.utc)),
        ("2024-05-01T10:00:00.123456Z", datetime(2024, 5, 1, 10, 0, 0, 123456, timezone.utc)),
    ],
)
def test_upload_times_parse_to_aware_utc(text: str | None, parsed: datetime | None) -> None:
    value = parse_upload_time(text)
    assert value == parsed
    if value is not None:
        assert value.utcoffset() == timedelta(0) and value.tzinfo == timezone.utc


@pytest.fixture(scope="module")
def records() -> list[dict[str, object]]:
    source = (
        "def first(a, b):\n    '''Add.'''\n    return a + b\n\n\n"
        "def second(xs):\n    '''Count.'''\n    # count the items one by one\n"
        "    total = 0\n    for x in xs:\n        total += 1\n    return total\n"
    )
    return extract(source, path="pkg/sub/mod.py")


def test_a_batch_stores_every_keeper_field(records: list[dict[str, object]]) -> None:
    meta = package(release_count=7, upload_time="2024-05-01T12:00:00+02:00")
    batch = compute_signatures(records, DedupConfig(), meta)
    assert len(batch) == len(records) >= 3
    rows = batch.rows(list(range(len(records))))
    for row, record in zip(rows, records, strict=True):
        assert row == {
            "id": record["id"],
            "repo": record["repo"],
            "path": "pkg/sub/mod.py",
            "start_line": record["start_line"],
            "release_count": 7,
            "upload_time": datetime(2024, 5, 1, 10, tzinfo=timezone.utc),
        }
    assert batch.rows([2, 0]) == [rows[2], rows[0]]
    unknown = compute_signatures(records, DedupConfig())
    assert {(r["release_count"], r["upload_time"]) for r in unknown.rows([0, 1])} == {(None, None)}


def test_a_batch_stores_the_units_keys_and_sets(records: list[dict[str, object]]) -> None:
    config = DedupConfig(num_perm=64, seed=3, shingle=4, anonymize=True)
    batch = compute_signatures(records, config)
    hasher = TokenHasher()
    expected = [
        unit_keys(
            r["code_tokens"],  # type: ignore[arg-type]
            4,
            hasher,
            anonymize=True,
            words=pair_words(r),
        )
        for r in records
    ]
    assert batch.exact_keys().tolist() == [k for k, _ in expected]
    stored = batch.shingle_sets(range(len(records)))
    assert all(np.array_equal(a, s) for a, (_, s) in zip(stored, expected, strict=True))
    assert batch.shingle_counts().tolist() == [len(s) for _, s in expected]
    matrix = minhash.signatures([s for _, s in expected], 64, 3)
    assert np.array_equal(batch.minhashes(), matrix) and batch.minhashes().shape == (len(batch), 64)
    assert batch.params == {"num_perm": 64, "seed": 3, "shingle": 4, "anonymize": 1}
    assert batch.has_shingles
    assert batch.lean_minhash(1).seed == 3
    assert np.array_equal(batch.lean_minhash(1).hashvalues, matrix[1])
    assert [s.tolist() for s in batch.shingle_sets([2, 0])] == [
        expected[2][1].tolist(),
        expected[0][1].tolist(),
    ]
    meta = orjson.loads(batch.table.schema.metadata[b"pytorrent.signatures"])
    assert meta == {"format": 1, "scheme": minhash.SCHEME, **batch.params}


def test_without_verification_no_sets_are_stored(records: list[dict[str, object]]) -> None:
    batch = compute_signatures(records, DedupConfig(verify=False))
    assert "shingles" not in batch.table.column_names and not batch.has_shingles
    with pytest.raises(ConfigError, match=r"without shingle sets \(verify=False\)"):
        batch.shingle_sets([0])


def test_a_table_of_several_chunks_reads_like_one(records: list[dict[str, object]]) -> None:
    config = DedupConfig(num_perm=32)
    one = compute_signatures(records[:1], config)
    rest = compute_signatures(records[1:], config)
    joined = SignatureBatch(pa.concat_tables([one.table, rest.table]))
    assert joined.table.column("id").num_chunks == 2
    whole = compute_signatures(records, config)
    assert joined.ids() == whole.ids()
    assert np.array_equal(joined.exact_keys(), whole.exact_keys())
    assert np.array_equal(joined.minhashes(), whole.minhashes())
    assert np.array_equal(joined.shingle_counts(), whole.shingle_counts())
    sets = joined.shingle_sets(range(len(records)))
    assert all(
        np.array_equal(a, b)
        for a, b in zip(sets, whole.shingle_sets(range(len(records))), strict=True)
    )


def test_tables_that_are_not_signatures_are_refused(records: list[dict[str, object]]) -> None:
    table = compute_signatures(records, DedupConfig()).table
    with pytest.raises(ConfigError, match=r"not a pytorrent signature table \(metadata missing\)"):
        SignatureBatch(table.replace_schema_metadata(None))
    with pytest.raises(ConfigError, match=r"not a pytorrent signature table"):
        SignatureBatch(table.replace_schema_metadata({b"other": b"{}"}))
    meta = orjson.loads(table.schema.metadata[b"pytorrent.signatures"])
    for change in ({"format": 2}, {"scheme": "other"}, {"format": None}):
        bad = table.replace_schema_metadata({b"pytorrent.signatures": orjson.dumps(meta | change)})
        with pytest.raises(
            ConfigError, match=r"unsupported signature format .*; recompute signatures"
        ):
            SignatureBatch(bad)
    partial = {"format": 1, "scheme": minhash.SCHEME, "num_perm": 256}
    batch = SignatureBatch(
        table.replace_schema_metadata({b"pytorrent.signatures": orjson.dumps(partial)})
    )
    assert batch.params == {"num_perm": 256, "seed": 0, "shingle": 0, "anonymize": 0}


def test_files_are_written_by_rename_and_read_with_or_without_mmap(
    records: list[dict[str, object]], tmp_path: Path
) -> None:
    batch = compute_signatures(records, DedupConfig(), package(release_count=2))
    target = tmp_path / "pkg.sig.arrow"
    target.write_bytes(b"an older, damaged entry")
    assert batch.write(str(target)) == target
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pkg.sig.arrow"]
    assert target.read_bytes() == batch.to_bytes()
    for again in (SignatureBatch.read(target), SignatureBatch.read(str(target), mmap=False)):
        assert again.ids() == batch.ids() and again.params == batch.params
        assert again.rows([0]) == batch.rows([0])
        assert [s.tolist() for s in again.shingle_sets([1])] == [
            s.tolist() for s in batch.shingle_sets([1])
        ]
    assert SignatureBatch.from_bytes(batch.to_bytes()).table.equals(batch.table)


def test_every_batch_has_the_same_column_types_even_empty_or_unknown(
    records: list[dict[str, object]],
) -> None:
    expected = {
        "id": pa.string(),
        "repo": pa.string(),
        "path": pa.string(),
        "start_line": pa.int32(),
        "release_count": pa.int64(),
        "upload_time": pa.timestamp("us", tz="UTC"),
        "exact_key": pa.uint64(),
        "n_shingles": pa.int32(),
        "minhash": pa.list_(pa.uint32(), 256),
        "shingles": pa.list_(pa.uint32()),
    }
    known = package(release_count=3, upload_time="2024-05-01T10:00:00Z")
    for batch in (
        compute_signatures(records, DedupConfig(), known),
        compute_signatures(records, DedupConfig()),  # release count and upload time unknown
        compute_signatures([], DedupConfig()),
    ):
        schema = batch.table.schema
        assert {name: schema.field(name).type for name in schema.names} == expected


def test_no_rows_are_no_keeper_fields(records: list[dict[str, object]]) -> None:
    assert compute_signatures(records, DedupConfig()).rows([]) == []


def test_word_lists_must_match_the_units(records: list[dict[str, object]]) -> None:
    hasher = TokenHasher()
    for anonymize in (False, True):
        with pytest.raises(ValueError, match="zip"):
            batch_keys([TOKENS, TOKENS], 5, hasher, anonymize, [["a"]])


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata"])
def test_upload_times_are_utc_whatever_the_local_zone(
    zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        for text in ("2024-05-01T10:00:00", "2024-05-01T10:00:00Z", "2024-05-01T12:00:00+02:00"):
            value = parse_upload_time(text)
            assert value == datetime(2024, 5, 1, 10, tzinfo=timezone.utc)
            assert value is not None and value.utcoffset() == timedelta(0)
            assert value.hour == 10, text
    finally:
        monkeypatch.undo()
        time.tzset()


def test_refusal_messages_are_whole(records: list[dict[str, object]]) -> None:
    table = compute_signatures(records, DedupConfig()).table
    with pytest.raises(ConfigError) as caught:
        SignatureBatch(table.replace_schema_metadata(None))
    assert str(caught.value) == "not a pytorrent signature table (metadata missing)"
    with pytest.raises(ConfigError) as caught:
        compute_signatures(records, DedupConfig(verify=False)).shingle_sets([0])
    assert str(caught.value) == "signatures were computed without shingle sets (verify=False)"


def test_reading_maps_the_file_by_default(records: list[dict[str, object]], tmp_path: Path) -> None:
    path = compute_signatures(records, DedupConfig()).write(tmp_path / "pkg.sig.arrow")
    before = pa.total_allocated_bytes()
    mapped = SignatureBatch.read(path)
    assert pa.total_allocated_bytes() == before  # buffers point into the mapping
    copied = SignatureBatch.read(path, mmap=False)
    assert pa.total_allocated_bytes() > before
    assert mapped.table.equals(copied.table)

"""A comment unit is a pair: its dedup key holds its comment words as well as its code
(issue 17 item 5). Code verbatim from urllib3 2.x (`urllib3/connectionpool.py`)."""

from __future__ import annotations

from typing import Any

from pytorrent.dedup import DedupConfig, compute_signatures, find_duplicates
from pytorrent.dedup.signatures import pair_words
from tests.dedup.records import extract, package

# HTTPConnectionPool._prepare_proxy and the except branch of _put_conn: two comments, each
# above a bare `pass`.
PREPARE_PROXY = """
def _prepare_proxy(self, conn: BaseHTTPConnection) -> None:
    # Nothing to do for HTTP connections.
    pass
"""
PUT_CONN = """
def _put_conn(self, conn: BaseHTTPConnection | None) -> None:
    if self.pool is not None:
        try:
            self.pool.put(conn, block=False)
            return  # Everything is dandy, done.
        except AttributeError:
            # self.pool is None.
            pass
"""


def comment_units(source: str, name: str) -> list[dict[str, Any]]:
    meta = package(name)
    return [r for r in extract(source, meta=meta) if r["kind"] == "comment"]


def dedup(*packages: tuple[str, list[dict[str, Any]]]) -> set[str]:
    config = DedupConfig()
    batches = [compute_signatures(records, config, package(name)) for name, records in packages]
    return set(find_duplicates(batches, config).drop_ids())


def passes(source: str, name: str) -> list[dict[str, Any]]:
    units = [r for r in comment_units(source, name) if r["code"].strip() == "pass"]
    assert len(units) == 1
    return units


def test_different_comments_over_the_same_code_are_different_pairs() -> None:
    proxy, put = passes(PREPARE_PROXY, "a"), passes(PUT_CONN, "b")
    assert proxy[0]["code_tokens"] == put[0]["code_tokens"]
    assert dedup(("a", proxy), ("b", put)) == set()


def test_the_same_comment_over_the_same_code_is_a_duplicate() -> None:
    first, copy = passes(PREPARE_PROXY, "a"), passes(PREPARE_PROXY, "vendored")
    assert len(dedup(("a", first), ("vendored", copy))) == 1


def test_comment_words_are_normalised() -> None:
    (unit,) = passes(PREPARE_PROXY, "a")
    assert pair_words(unit) == ["nothing", "to", "do", "for", "http", "connections"]
    reworded = dict(unit, comments=["nothing to do for HTTP connections"])
    assert pair_words(reworded) == pair_words(unit)
    assert len(dedup(("a", [unit]), ("b", [dict(reworded, id="other")]))) == 1


def test_function_units_keep_the_code_key() -> None:
    meta = package("a")
    function = next(r for r in extract(PREPARE_PROXY, meta=meta) if r["kind"] == "function")
    assert pair_words(function) is None
    redocumented = dict(function, id="other", comments=["Another comment entirely."])
    assert len(dedup(("a", [function]), ("b", [redocumented]))) == 1

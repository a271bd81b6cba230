"""The store: content-addressed archives, crash-safe parts merged into deterministic shards."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pytorrent_crawlers.store import Store, safe_filename, shard_of


def record(name: str, version: str, key: str | None = None) -> dict[str, object]:
    return {"key": key or f"idx|{name}|latest", "name": name, "version": version}


def test_blobs_are_stored_by_their_sha256(tmp_path: Path) -> None:
    store = Store(tmp_path)
    data = b"archive bytes"
    sha = hashlib.sha256(data).hexdigest()
    path = store.put_blob(data, sha, "demo-1.0.tar.gz")
    assert path == tmp_path / "archives" / sha[:2] / sha / "demo-1.0.tar.gz"
    assert store.find_blob(sha) == path and store.relative(path).startswith("archives/")
    assert store.put_blob(data, sha, "demo-1.0.tar.gz") == path  # idempotent
    with pytest.raises(ValueError, match="sha256"):
        store.put_blob(b"other", sha, "demo-1.0.tar.gz")
    assert store.find_blob("0" * 64) is None


@pytest.mark.parametrize("bad", ["", "..", ".hidden", "a/../..", "x\x00y"])
def test_unsafe_file_names_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="unsafe"):
        safe_filename(bad)
    assert safe_filename("../../etc/demo.tar.gz") == "demo.tar.gz"


def test_newest_record_per_key_wins_and_shards_are_deterministic(tmp_path: Path) -> None:
    one, two = Store(tmp_path / "one"), Store(tmp_path / "two")
    first = one.writer("pypi", "run-1")
    for i in range(20):
        first.write(record(f"p{i}", "1.0"))
    first.close()
    second = one.writer("pypi", "run-2")
    second.write(record("p3", "2.0"))
    second.close()
    # The same final records written in another order, in one run, give identical bytes.
    only = two.writer("pypi", "run-9")
    for i in reversed(range(20)):
        only.write(record(f"p{i}", "2.0" if i == 3 else "1.0"))
    assert only.close() == 20
    shards = sorted(p.name for p in (tmp_path / "one/metadata/pypi").glob("shard-*.jsonl.gz"))
    assert shards == sorted({f"shard-{shard_of(f'p{i}')}.jsonl.gz" for i in range(20)})
    for name in shards:
        a = (tmp_path / "one/metadata/pypi" / name).read_bytes()
        assert a == (tmp_path / "two/metadata/pypi" / name).read_bytes()
    versions = {r["name"]: r["version"] for r in one.records("pypi")}
    assert versions["p3"] == "2.0" and len(versions) == 20
    assert [r["name"] for r in one.records("pypi", ["p7"])] == ["p7"]


def test_a_killed_runs_part_is_recovered_up_to_its_last_full_line(tmp_path: Path) -> None:
    store = Store(tmp_path)
    parts = tmp_path / "metadata" / "pypi" / "_parts"
    parts.mkdir(parents=True)
    (parts / "dead-run.jsonl").write_bytes(
        b'{"key":"k1","name":"a","version":"1"}\n{"key":"k2","name":"b","ver'
    )
    assert store.compact("pypi") == 1
    assert [r["key"] for r in store.records("pypi")] == ["k1"]
    assert not list(parts.glob("*.jsonl"))


def test_a_live_writers_part_is_not_merged(tmp_path: Path) -> None:
    store = Store(tmp_path)
    live = store.writer("pypi", "live")
    live.write(record("a", "1"))
    done = store.writer("pypi", "done")
    done.write(record("b", "1"))
    done.close()
    assert {r["name"] for r in store.records("pypi")} == {"b"}
    live.close()
    assert {r["name"] for r in store.records("pypi")} == {"a", "b"}

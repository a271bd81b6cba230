"""The item pipelines in this process, step by step: real conda archives and wheels, real
digests, a real store on disk and Scrapy's own stats collector.

The crawl tests run the same pipelines inside a spider in a child process; these make each
step's decisions (drops, counts, stored files, records) visible here, where a mutation tool
sees them too."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from pytorrent_crawlers.items import PackageItem
from pytorrent_crawlers.pipelines import (
    StoreArchivePipeline,
    ValidatePipeline,
    VerifyDigestPipeline,
    WriteRecordPipeline,
    record_dump,
)
from pytorrent_crawlers.store import Store
from pytorrent_crawlers.summary import DROPPED, EXAMPLES
from tests.crawlers.pipeline_items import (
    ABOUT,
    CHANNEL,
    conda_item,
    conda_model,
    make_crawler,
    simple_item,
    stats_of,
    through,
)


@pytest.fixture
def crawler(tmp_path: Path) -> Crawler:
    return make_crawler(tmp_path)


# --- validate ------------------------------------------------------------------------------


def test_a_valid_record_gets_its_model(crawler: Crawler) -> None:
    item, _ = conda_item()
    ValidatePipeline(crawler).process_item(item)
    assert item.model is not None and item.model.name == "pygood"
    assert item.model.key == f"{CHANNEL}|pygood" and item.model.archive_status == "pending"
    assert stats_of(crawler) == {}


def test_an_invalid_record_is_dropped_naming_the_field(crawler: Crawler) -> None:
    item, _ = conda_item()
    del item.record["subdir"]
    with pytest.raises(DropItem, match=r"^invalid_record: pygood \(subdir\)$"):
        ValidatePipeline(crawler).process_item(item)
    assert item.model is None
    assert stats_of(crawler) == {
        DROPPED + "invalid_record": 1,
        EXAMPLES + "invalid_record": ["pygood (subdir)"],
    }


def test_an_invalid_record_without_a_name_is_named_from_its_repodata(crawler: Crawler) -> None:
    item, _ = conda_item()
    item.record["record"]["build_number"] = "not a number"
    item.record.pop("name", None)
    with pytest.raises(DropItem, match=r"^invalid_record: pygood \(build_number\)$"):
        ValidatePipeline(crawler).process_item(item)
    item, _ = conda_item()
    item.record = {"kind": "conda", "record": {"version": "1"}}
    with pytest.raises(DropItem, match=r"^invalid_record: \? \("):
        ValidatePipeline(crawler).process_item(item)


def test_the_field_path_of_an_error_stops_at_four_parts(crawler: Crawler) -> None:
    item, _ = conda_item()
    item.record["record"]["depends"] = ["ok", 3]
    with pytest.raises(DropItem) as caught:
        ValidatePipeline(crawler).process_item(item)
    assert str(caught.value) == "invalid_record: pygood (depends.1)"


# --- digests ----------------------------------------------------------------------------


@pytest.mark.parametrize("digests", ["sha256", "md5"])
def test_a_matching_digest_is_verified(crawler: Crawler, digests: str) -> None:
    item, data = conda_item(digests=digests)
    assert VerifyDigestPipeline(crawler).process_item(item) is item
    assert item.body == data
    assert stats_of(crawler) == {"pytorrent/archives_verified": 1}


@pytest.mark.parametrize(
    ("digests", "reason"),
    [("sha256", "sha256_mismatch"), ("md5", "md5_mismatch"), ("none", "no_digest")],
)
def test_a_wrong_or_missing_digest_drops_the_body(
    crawler: Crawler, digests: str, reason: str
) -> None:
    item, data = conda_item(digests=digests)
    if digests != "none":
        item.body = data[:-1] + bytes([data[-1] ^ 1])  # the same size, one bit off
    with pytest.raises(DropItem) as caught:
        VerifyDigestPipeline(crawler).process_item(item)
    assert str(caught.value) == f"{reason}: pygood:pygood-1.0-py_0.tar.bz2"
    assert item.body is None
    assert stats_of(crawler) == {
        DROPPED + reason: 1,
        EXAMPLES + reason: ["pygood:pygood-1.0-py_0.tar.bz2"],
    }


def test_a_sha256_is_checked_before_an_md5(crawler: Crawler) -> None:
    item, data = conda_item()
    assert item.file is not None
    item.file.md5 = hashlib.md5(b"another file").hexdigest()  # wrong, but sha256 decides
    assert VerifyDigestPipeline(crawler).process_item(item).body == data
    item, _ = conda_item()
    assert item.file is not None
    item.file.sha256 = hashlib.sha256(b"another file").hexdigest()  # md5 right, sha256 wrong
    with pytest.raises(DropItem, match=r"^sha256_mismatch: "):
        VerifyDigestPipeline(crawler).process_item(item)


def test_an_item_without_a_body_or_file_passes_unverified(crawler: Crawler) -> None:
    item, _ = conda_item(digests="none")
    item.body = None
    assert VerifyDigestPipeline(crawler).process_item(item).file is not None
    bare = PackageItem(kind="conda", record={}, body=b"x")
    assert VerifyDigestPipeline(crawler).process_item(bare).body == b"x"
    assert stats_of(crawler) == {}


# --- store ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [".tar.bz2", ".conda"])
def test_a_verified_archive_is_stored_by_digest_and_referenced(crawler: Crawler, fmt: str) -> None:
    item, data = conda_item(fmt=fmt)
    item = through(crawler, item)
    store = Store(crawler.settings["PYTORRENT_STORE"])
    sha256 = hashlib.sha256(data).hexdigest()
    assert item.model is not None and item.model.archive is not None
    ref = item.model.archive
    assert (ref.sha256, ref.size, ref.filename) == (sha256, len(data), f"pygood-1.0-py_0{fmt}")
    assert ref.url == f"{CHANNEL}/noarch/pygood-1.0-py_0{fmt}" and ref.packagetype == "conda"
    assert (store.root / ref.path).read_bytes() == data
    assert Path(ref.path).parent.name == sha256 and not Path(ref.path).is_absolute()
    assert item.model.archive_status == "stored"
    assert conda_model(item).about == ABOUT
    assert stats_of(crawler) == {
        "pytorrent/archives_verified": 1,
        "pytorrent/archives_stored": 1,
        "pytorrent/archive_bytes": len(data),
    }


def test_an_archive_already_in_the_store_is_reused(crawler: Crawler) -> None:
    first, data = conda_item()
    first = through(crawler, first)
    assert first.model is not None and first.model.archive is not None
    again, _ = conda_item()
    again.body, again.stored = None, first.model.archive.path
    again = through(crawler, again)
    assert again.model is not None and again.model.archive == first.model.archive
    assert conda_model(again).about == ABOUT
    stats = stats_of(crawler)
    assert stats["pytorrent/archives_reused"] == 1 and stats["pytorrent/archives_stored"] == 1
    assert stats["pytorrent/archive_bytes"] == len(data)


def test_no_body_and_nothing_stored_leaves_the_record_pending(crawler: Crawler) -> None:
    item, _ = conda_item()
    item.body = None
    item = through(crawler, item)
    assert item.model is not None and item.model.archive is None
    assert item.model.archive_status == "pending"
    store = StoreArchivePipeline(crawler)
    assert store.process_item(PackageItem(kind="conda", record={}, body=b"x")).model is None
    assert stats_of(crawler) == {}


def test_an_archive_without_about_json_is_counted(crawler: Crawler) -> None:
    item, _ = conda_item(about=None)
    item = through(crawler, item)
    assert item.model is not None and conda_model(item).about is None
    assert stats_of(crawler)["pytorrent/conda_about_missing"] == 1


# --- write ------------------------------------------------------------------------------


def test_records_are_written_once_settled_and_merged_at_close(crawler: Crawler) -> None:
    writer = WriteRecordPipeline(crawler)
    assert writer.run_id == "run-1"
    stored = through(crawler, conda_item("pygood")[0])
    no_archive, _ = conda_item("pynone")
    no_archive.record["archive_status"] = "not_python"
    no_archive.file = no_archive.body = None
    no_archive = through(crawler, no_archive)
    for item in (stored, no_archive):
        assert writer.process_item(item) is item and item.body is None
    waiting, _ = conda_item("pywait")
    waiting.body = None
    waiting = through(crawler, waiting)
    with pytest.raises(DropItem, match=r"^archive_not_stored: pywait$"):
        writer.process_item(waiting)
    invalid = PackageItem(kind="conda", record={"name": "pybad"})
    with pytest.raises(DropItem, match=r"^invalid_record: pybad$"):
        writer.process_item(invalid)
    assert list(writer.writers) == ["conda"]
    writer.close_spider()
    store = Store(crawler.settings["PYTORRENT_STORE"])
    records = {r["name"]: r for r in store.records("conda")}
    assert sorted(records) == ["pygood", "pynone"]
    assert stored.model is not None
    assert records["pygood"] == record_dump(stored.model)
    assert records["pynone"]["archive_status"] == "not_python"
    stats = stats_of(crawler)
    assert stats[DROPPED + "archive_not_stored"] == 1 and stats[DROPPED + "invalid_record"] == 1


def test_the_stored_form_leaves_unset_defaults_out(crawler: Crawler) -> None:
    item = ValidatePipeline(crawler).process_item(conda_item()[0])
    assert item.model is not None
    dumped = record_dump(item.model)
    assert "about" not in dumped and "archive" not in dumped
    assert dumped["record"]["sha256"] == conda_model(item).sha256
    stored = through(crawler, conda_item()[0])
    assert stored.model is not None
    assert record_dump(stored.model)["archive"]["size"] == stored.model.archive.size  # type: ignore[union-attr]


def test_each_step_keeps_its_crawler(crawler: Crawler) -> None:
    for step in (ValidatePipeline, VerifyDigestPipeline, WriteRecordPipeline):
        made: Any = step.from_crawler(crawler)
        assert made.crawler is crawler and made.stats is crawler.stats


def test_a_record_without_any_name_is_named_by_a_question_mark(crawler: Crawler) -> None:
    item = PackageItem(kind="conda", record={"kind": "conda"})
    with pytest.raises(DropItem) as caught:
        ValidatePipeline(crawler).process_item(item)
    assert str(caught.value).startswith("invalid_record: ? (")


def test_a_deep_error_path_is_cut_at_four_parts(crawler: Crawler) -> None:
    item = simple_item()
    entry = {"filename": "pyone-1.0.tar.gz", "url": "http://127.0.0.1:1/f", "size": "big"}
    item.record["document"]["releases"] = {"1.0": [entry]}
    with pytest.raises(DropItem) as caught:
        ValidatePipeline(crawler).process_item(item)
    assert str(caught.value) == "invalid_record: pyone (document.releases.1.0.0)"


def test_an_item_with_a_file_but_no_valid_record_stores_nothing(crawler: Crawler) -> None:
    item, _ = conda_item()
    assert StoreArchivePipeline(crawler).process_item(item) is item
    assert item.model is None
    assert not Path(crawler.settings["PYTORRENT_STORE"], "archives").exists()
    assert stats_of(crawler) == {}


def test_a_run_writes_its_own_part_file(crawler: Crawler) -> None:
    writer = WriteRecordPipeline(crawler)
    writer.process_item(through(crawler, conda_item()[0]))
    part = writer.writers["conda"].path
    assert part.name == "run-1.jsonl" and part.stat().st_size > 0
    writer.close_spider()

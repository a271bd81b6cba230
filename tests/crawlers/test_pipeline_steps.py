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
from scrapy.utils.test import get_crawler

from pytorrent_crawlers.items import CondaPackage, FileChoice, PackageItem, PypiProject
from pytorrent_crawlers.pipelines import (
    CondaAboutPipeline,
    CoreMetadataPipeline,
    StoreArchivePipeline,
    ValidatePipeline,
    VerifyDigestPipeline,
    WriteRecordPipeline,
    record_dump,
)
from pytorrent_crawlers.store import Store
from pytorrent_crawlers.summary import DROPPED, EXAMPLES
from tests.crawlers.archives import make_conda_tar_bz2, make_conda_v2, make_wheel

CHANNEL = "http://127.0.0.1:1/chan"
ABOUT = {"home": "https://example.org/pygood", "summary": "Good things", "license": "MIT"}


@pytest.fixture
def crawler(tmp_path: Path) -> Crawler:
    settings = {"PYTORRENT_STORE": str(tmp_path / "store"), "PYTORRENT_RUN_ID": "run-1"}
    return get_crawler(settings_dict=settings)


def _stats(crawler: Crawler) -> dict[str, Any]:
    assert crawler.stats is not None
    return {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("pytorrent/")}


def _index(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "version": "1.0",
        "build": "py_0",
        "build_number": 0,
        "depends": ["python >=3.8"],
        "license": "BSD-3-Clause",
        "subdir": "noarch",
        "noarch": "python",
        "timestamp": 1_700_000_000_000,
    }


def _conda(
    name: str = "pygood",
    *,
    fmt: str = ".tar.bz2",
    about: dict[str, Any] | None = ABOUT,
    digests: str = "sha256",
    body: bytes | None = None,
) -> tuple[PackageItem, bytes]:
    """A conda item as the spider yields it after downloading the archive."""
    index = _index(name)
    data = (
        make_conda_v2(name, "1.0", "py_0", index, about)
        if fmt == ".conda"
        else make_conda_tar_bz2(name, "1.0", index, about)
    )
    filename = f"{name}-1.0-py_0{fmt}"
    sha256 = hashlib.sha256(data).hexdigest() if digests == "sha256" else None
    md5 = hashlib.md5(data).hexdigest() if digests in ("sha256", "md5") else None
    record = {
        "kind": "conda",
        "channel": CHANNEL,
        "subdir": "noarch",
        "filename": filename,
        "url": f"{CHANNEL}/noarch/{filename}",
        "record": {**index, "sha256": sha256, "md5": md5, "size": len(data)},
        "release_count": 1,
        "crawled_at": "2024-01-01T00:00:00Z",
        "archive_status": "pending",
    }
    file = FileChoice(f"{CHANNEL}/noarch/{filename}", filename, sha256, md5, len(data), "conda")
    item = PackageItem(kind="conda", record=record, file=file, body=data if body is None else body)
    return item, data


def _conda_model(item: PackageItem) -> CondaPackage:
    assert isinstance(item.model, CondaPackage)
    return item.model


def _pypi_model(item: PackageItem) -> PypiProject:
    assert isinstance(item.model, PypiProject)
    return item.model


def _through(crawler: Crawler, item: PackageItem) -> PackageItem:
    """Every pipeline step in the order of the crawl settings (not closing the writer)."""
    for step in (
        ValidatePipeline,
        VerifyDigestPipeline,
        StoreArchivePipeline,
        CoreMetadataPipeline,
        CondaAboutPipeline,
    ):
        pipeline: Any = step.from_crawler(crawler)
        item = pipeline.process_item(item)
    return item


# --- validate ------------------------------------------------------------------------------


def test_a_valid_record_gets_its_model(crawler: Crawler) -> None:
    item, _ = _conda()
    ValidatePipeline(crawler).process_item(item)
    assert item.model is not None and item.model.name == "pygood"
    assert item.model.key == f"{CHANNEL}|pygood" and item.model.archive_status == "pending"
    assert _stats(crawler) == {}


def test_an_invalid_record_is_dropped_naming_the_field(crawler: Crawler) -> None:
    item, _ = _conda()
    del item.record["subdir"]
    with pytest.raises(DropItem, match=r"^invalid_record: pygood \(subdir\)$"):
        ValidatePipeline(crawler).process_item(item)
    assert item.model is None
    assert _stats(crawler) == {
        DROPPED + "invalid_record": 1,
        EXAMPLES + "invalid_record": ["pygood (subdir)"],
    }


def test_an_invalid_record_without_a_name_is_named_from_its_repodata(crawler: Crawler) -> None:
    item, _ = _conda()
    item.record["record"]["build_number"] = "not a number"
    item.record.pop("name", None)
    with pytest.raises(DropItem, match=r"^invalid_record: pygood \(build_number\)$"):
        ValidatePipeline(crawler).process_item(item)
    item, _ = _conda()
    item.record = {"kind": "conda", "record": {"version": "1"}}
    with pytest.raises(DropItem, match=r"^invalid_record: \? \("):
        ValidatePipeline(crawler).process_item(item)


def test_the_field_path_of_an_error_stops_at_four_parts(crawler: Crawler) -> None:
    item, _ = _conda()
    item.record["record"]["depends"] = ["ok", 3]
    with pytest.raises(DropItem) as caught:
        ValidatePipeline(crawler).process_item(item)
    assert str(caught.value) == "invalid_record: pygood (depends.1)"


# --- digests ----------------------------------------------------------------------------


@pytest.mark.parametrize("digests", ["sha256", "md5"])
def test_a_matching_digest_is_verified(crawler: Crawler, digests: str) -> None:
    item, data = _conda(digests=digests)
    assert VerifyDigestPipeline(crawler).process_item(item) is item
    assert item.body == data
    assert _stats(crawler) == {"pytorrent/archives_verified": 1}


@pytest.mark.parametrize(
    ("digests", "reason"),
    [("sha256", "sha256_mismatch"), ("md5", "md5_mismatch"), ("none", "no_digest")],
)
def test_a_wrong_or_missing_digest_drops_the_body(
    crawler: Crawler, digests: str, reason: str
) -> None:
    item, data = _conda(digests=digests)
    if digests != "none":
        item.body = data[:-1] + bytes([data[-1] ^ 1])  # the same size, one bit off
    with pytest.raises(DropItem) as caught:
        VerifyDigestPipeline(crawler).process_item(item)
    assert str(caught.value) == f"{reason}: pygood:pygood-1.0-py_0.tar.bz2"
    assert item.body is None
    assert _stats(crawler) == {
        DROPPED + reason: 1,
        EXAMPLES + reason: ["pygood:pygood-1.0-py_0.tar.bz2"],
    }


def test_a_sha256_is_checked_before_an_md5(crawler: Crawler) -> None:
    item, data = _conda()
    assert item.file is not None
    item.file.md5 = hashlib.md5(b"another file").hexdigest()  # wrong, but sha256 decides
    assert VerifyDigestPipeline(crawler).process_item(item).body == data
    item, _ = _conda()
    assert item.file is not None
    item.file.sha256 = hashlib.sha256(b"another file").hexdigest()  # md5 right, sha256 wrong
    with pytest.raises(DropItem, match=r"^sha256_mismatch: "):
        VerifyDigestPipeline(crawler).process_item(item)


def test_an_item_without_a_body_or_file_passes_unverified(crawler: Crawler) -> None:
    item, _ = _conda(digests="none")
    item.body = None
    assert VerifyDigestPipeline(crawler).process_item(item).file is not None
    bare = PackageItem(kind="conda", record={}, body=b"x")
    assert VerifyDigestPipeline(crawler).process_item(bare).body == b"x"
    assert _stats(crawler) == {}


# --- store ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [".tar.bz2", ".conda"])
def test_a_verified_archive_is_stored_by_digest_and_referenced(crawler: Crawler, fmt: str) -> None:
    item, data = _conda(fmt=fmt)
    item = _through(crawler, item)
    store = Store(crawler.settings["PYTORRENT_STORE"])
    sha256 = hashlib.sha256(data).hexdigest()
    assert item.model is not None and item.model.archive is not None
    ref = item.model.archive
    assert (ref.sha256, ref.size, ref.filename) == (sha256, len(data), f"pygood-1.0-py_0{fmt}")
    assert ref.url == f"{CHANNEL}/noarch/pygood-1.0-py_0{fmt}" and ref.packagetype == "conda"
    assert (store.root / ref.path).read_bytes() == data
    assert Path(ref.path).parent.name == sha256 and not Path(ref.path).is_absolute()
    assert item.model.archive_status == "stored"
    assert _conda_model(item).about == ABOUT
    assert _stats(crawler) == {
        "pytorrent/archives_verified": 1,
        "pytorrent/archives_stored": 1,
        "pytorrent/archive_bytes": len(data),
    }


def test_an_archive_already_in_the_store_is_reused(crawler: Crawler) -> None:
    first, data = _conda()
    first = _through(crawler, first)
    assert first.model is not None and first.model.archive is not None
    again, _ = _conda()
    again.body, again.stored = None, first.model.archive.path
    again = _through(crawler, again)
    assert again.model is not None and again.model.archive == first.model.archive
    assert _conda_model(again).about == ABOUT
    stats = _stats(crawler)
    assert stats["pytorrent/archives_reused"] == 1 and stats["pytorrent/archives_stored"] == 1
    assert stats["pytorrent/archive_bytes"] == len(data)


def test_no_body_and_nothing_stored_leaves_the_record_pending(crawler: Crawler) -> None:
    item, _ = _conda()
    item.body = None
    item = _through(crawler, item)
    assert item.model is not None and item.model.archive is None
    assert item.model.archive_status == "pending"
    store = StoreArchivePipeline(crawler)
    assert store.process_item(PackageItem(kind="conda", record={}, body=b"x")).model is None
    assert _stats(crawler) == {}


def test_an_archive_without_about_json_is_counted(crawler: Crawler) -> None:
    item, _ = _conda(about=None)
    item = _through(crawler, item)
    assert item.model is not None and _conda_model(item).about is None
    assert _stats(crawler)["pytorrent/conda_about_missing"] == 1


# --- write ------------------------------------------------------------------------------


def test_records_are_written_once_settled_and_merged_at_close(crawler: Crawler) -> None:
    writer = WriteRecordPipeline(crawler)
    assert writer.run_id == "run-1"
    stored = _through(crawler, _conda("pygood")[0])
    no_archive, _ = _conda("pynone")
    no_archive.record["archive_status"] = "not_python"
    no_archive.file = no_archive.body = None
    no_archive = _through(crawler, no_archive)
    for item in (stored, no_archive):
        assert writer.process_item(item) is item and item.body is None
    waiting, _ = _conda("pywait")
    waiting.body = None
    waiting = _through(crawler, waiting)
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
    stats = _stats(crawler)
    assert stats[DROPPED + "archive_not_stored"] == 1 and stats[DROPPED + "invalid_record"] == 1


def test_the_stored_form_leaves_unset_defaults_out(crawler: Crawler) -> None:
    item = ValidatePipeline(crawler).process_item(_conda()[0])
    assert item.model is not None
    dumped = record_dump(item.model)
    assert "about" not in dumped and "archive" not in dumped
    assert dumped["record"]["sha256"] == _conda_model(item).sha256
    stored = _through(crawler, _conda()[0])
    assert stored.model is not None
    assert record_dump(stored.model)["archive"]["size"] == stored.model.archive.size  # type: ignore[union-attr]


# --- wheels from a simple index: core metadata ------------------------------------------------


def _simple_item(name: str = "pyone", data: bytes | None = None) -> PackageItem:
    wheel = make_wheel(name, "1.0") if data is None else data
    filename = f"{name}-1.0-py3-none-any.whl"
    url = f"http://127.0.0.1:1/files/{filename}"
    sha256 = hashlib.sha256(wheel).hexdigest()
    record = {
        "kind": "pypi",
        "name": name,
        "display_name": name.capitalize(),
        "version": "1.0",
        "index_url": "http://127.0.0.1:1/simple/",
        "api": "simple",
        "document": {"info": {"name": name, "version": "1.0"}, "releases": {}, "urls": []},
        "archive_status": "pending",
    }
    file = FileChoice(url, filename, sha256, None, len(wheel), "bdist_wheel")
    return PackageItem(kind="pypi", record=record, file=file, body=wheel)


def test_a_simple_index_record_takes_info_from_the_wheel_metadata(crawler: Crawler) -> None:
    item = _through(crawler, _simple_item())
    assert item.model is not None and item.model.kind == "pypi"
    assert item.model.core_metadata is True
    info = item.model.document.info
    assert (info.name, info.version, info.license) == ("pyone", "1.0", "MIT")
    assert item.model.archive is not None and item.model.archive.packagetype == "bdist_wheel"
    assert _stats(crawler)["pytorrent/archives_stored"] == 1


def test_core_metadata_is_read_back_from_the_store_when_reused(crawler: Crawler) -> None:
    first = _through(crawler, _simple_item())
    assert first.model is not None and first.model.archive is not None
    again = _simple_item()
    again.body, again.stored = None, first.model.archive.path
    again = _through(crawler, again)
    assert again.model is not None and _pypi_model(again).core_metadata is True
    assert record_dump(again.model) == record_dump(first.model)


def test_a_wheel_without_metadata_is_counted_and_keeps_the_index_info(crawler: Crawler) -> None:
    item = _through(crawler, _simple_item(data=b"PK\x05\x06" + b"\0" * 18))  # an empty zip
    assert item.model is not None and _pypi_model(item).core_metadata is False
    assert _pypi_model(item).document.info.name == "pyone"
    assert _stats(crawler)["pytorrent/core_metadata_missing"] == 1


def test_the_index_version_wins_over_the_archive_metadata(crawler: Crawler) -> None:
    item = _simple_item(data=make_wheel("pyone", "2.0"))
    item.record["document"]["info"]["version"] = "0.9"
    item = _through(crawler, item)
    assert item.model is not None and _pypi_model(item).document.info.version == "0.9"
    item = _simple_item(data=make_wheel("pyone", "2.0"))
    item.record["document"]["info"]["version"] = ""
    item = _through(crawler, item)
    assert item.model is not None and _pypi_model(item).document.info.version == "1.0"


def test_json_api_records_keep_their_info(crawler: Crawler) -> None:
    item = _simple_item()
    item.record["api"] = "json"
    item.record["json_api_url"] = "http://127.0.0.1:1/pypi"
    item = _through(crawler, item)
    assert item.model is not None and _pypi_model(item).core_metadata is False
    assert _pypi_model(item).document.info.license is None


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
    item = _simple_item()
    entry = {"filename": "pyone-1.0.tar.gz", "url": "http://127.0.0.1:1/f", "size": "big"}
    item.record["document"]["releases"] = {"1.0": [entry]}
    with pytest.raises(DropItem) as caught:
        ValidatePipeline(crawler).process_item(item)
    assert str(caught.value) == "invalid_record: pyone (document.releases.1.0.0)"


def test_an_item_with_a_file_but_no_valid_record_stores_nothing(crawler: Crawler) -> None:
    item, _ = _conda()
    assert StoreArchivePipeline(crawler).process_item(item) is item
    assert item.model is None
    assert not Path(crawler.settings["PYTORRENT_STORE"], "archives").exists()
    assert _stats(crawler) == {}


def test_core_metadata_adds_only_what_the_archive_says(crawler: Crawler) -> None:
    item = _through(crawler, _simple_item())
    assert record_dump(_pypi_model(item))["document"] == {
        "info": {
            "name": "pyone",
            "version": "1.0",
            "summary": "The pyone package",
            "license": "MIT",
            "classifiers": [
                "License :: OSI Approved :: MIT License",
                "Programming Language :: Python :: 3",
            ],
            "requires_python": ">=3.8",
            "metadata_version": "2.1",
        },
        "releases": {},
        "urls": [],
    }


def test_a_run_writes_its_own_part_file(crawler: Crawler) -> None:
    writer = WriteRecordPipeline(crawler)
    writer.process_item(_through(crawler, _conda()[0]))
    part = writer.writers["conda"].path
    assert part.name == "run-1.jsonl" and part.stat().st_size > 0
    writer.close_spider()

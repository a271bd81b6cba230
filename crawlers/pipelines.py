"""Item pipelines: validate -> verify digest -> store archive -> core metadata / conda
about.json -> write record.

Each step has one job and counts what it drops (`pytorrent/dropped/<reason>` in the stats).
A package is written only once its outcome is settled: archive stored, or no archive to take
(and why). A package whose archive failed is not written, so the next crawl tries it again.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import ValidationError
from scrapy.crawler import Crawler

from pytorrent_crawlers.conda_about import read_about
from pytorrent_crawlers.core_metadata import info_from_core_metadata, read_core_metadata
from pytorrent_crawlers.items import (
    RECORD_MODELS,
    ArchiveRef,
    CondaPackage,
    PackageItem,
    PypiProject,
)
from pytorrent_crawlers.stats import drop
from pytorrent_crawlers.store import RecordWriter, Store


def store_of(crawler: Crawler) -> Store:
    return Store(crawler.settings["PYTORRENT_STORE"])


class _Pipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> _Pipeline:
        return cls(crawler)


def _example(item: PackageItem) -> str:
    record = item.record
    return f"{record.get('name') or record.get('record', {}).get('name', '?')}"


class ValidatePipeline(_Pipeline):
    """The record must be a valid PypiProject/CondaPackage; invalid ones are dropped."""

    def process_item(self, item: PackageItem) -> PackageItem:
        try:
            item.model = RECORD_MODELS[item.kind].model_validate(item.record)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"][:4])
            raise drop(self.stats, "invalid_record", f"{_example(item)} ({where})") from None
        return item


class VerifyDigestPipeline(_Pipeline):
    """A downloaded archive must match the index's sha256 (or md5 where that is all there is)."""

    def process_item(self, item: PackageItem) -> PackageItem:
        if item.body is None or item.file is None:
            return item
        example = f"{_example(item)}:{item.file.filename}"
        if item.file.sha256:
            if hashlib.sha256(item.body).hexdigest() != item.file.sha256:
                item.body = None
                raise drop(self.stats, "sha256_mismatch", example)
        elif item.file.md5:
            if hashlib.md5(item.body, usedforsecurity=False).hexdigest() != item.file.md5:
                item.body = None
                raise drop(self.stats, "md5_mismatch", example)
        else:
            item.body = None
            raise drop(self.stats, "no_digest", example)
        if self.stats is not None:
            self.stats.inc_value("pytorrent/archives_verified")
        return item


class StoreArchivePipeline(_Pipeline):
    """Put the verified archive into the store by its sha256 and reference it in the record."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.store = store_of(crawler)

    def process_item(self, item: PackageItem) -> PackageItem:
        if item.file is None or item.model is None:
            return item
        if item.body is not None:
            sha256 = hashlib.sha256(item.body).hexdigest()
            path = self.store.put_blob(item.body, sha256, item.file.filename)
            size = len(item.body)
            if self.stats is not None:
                self.stats.inc_value("pytorrent/archives_stored")
                self.stats.inc_value("pytorrent/archive_bytes", size)
        elif item.stored is not None:
            path = self.store.root / item.stored
            sha256 = path.parent.name
            size = path.stat().st_size
            if self.stats is not None:
                self.stats.inc_value("pytorrent/archives_reused")
        else:
            return item
        ref = ArchiveRef(
            filename=path.name,
            url=item.file.url,
            sha256=sha256,
            size=size,
            path=self.store.relative(path),
            packagetype=item.file.packagetype,
        )
        item.model = _revalidate(item.model, archive=ref, archive_status="stored")
        return item


class CoreMetadataPipeline(_Pipeline):
    """Simple-index records get `info` from the archive's own PKG-INFO/METADATA."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.store = store_of(crawler)

    def process_item(self, item: PackageItem) -> PackageItem:
        model = item.model
        if not isinstance(model, PypiProject) or model.api != "simple" or model.archive is None:
            return item
        data = item.body
        if data is None:
            data = (self.store.root / model.archive.path).read_bytes()
        raw = read_core_metadata(data, model.archive.filename)
        if raw is None:
            if self.stats is not None:
                self.stats.inc_value("pytorrent/core_metadata_missing")
            return item
        info = {**model.document.info.model_dump(exclude_unset=True)}
        info.update(info_from_core_metadata(raw))
        info["name"] = info.get("name") or model.display_name
        info["version"] = model.document.info.version or model.version
        document = {**model.document.model_dump(mode="json", exclude_unset=True), "info": info}
        item.model = _revalidate(model, document=document, core_metadata=True)
        return item


class CondaAboutPipeline(_Pipeline):
    """conda records with a stored archive keep the archive's info/about.json (`about`)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.store = store_of(crawler)

    def process_item(self, item: PackageItem) -> PackageItem:
        model = item.model
        if not isinstance(model, CondaPackage) or model.archive is None:
            return item
        about = read_about(self.store.root / model.archive.path)
        if about is None:
            if self.stats is not None:
                self.stats.inc_value("pytorrent/conda_about_missing")
            return item
        item.model = _revalidate(model, about=about)
        return item


class WriteRecordPipeline(_Pipeline):
    """Append the record to the run's part file; merge parts into shards at close."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.store = store_of(crawler)
        self.run_id = str(crawler.settings["PYTORRENT_RUN_ID"])
        self.writers: dict[str, RecordWriter] = {}

    def process_item(self, item: PackageItem) -> PackageItem:
        if item.model is None:
            raise drop(self.stats, "invalid_record", _example(item))
        if item.model.archive_status == "pending":
            raise drop(self.stats, "archive_not_stored", _example(item))
        writer = self.writers.get(item.kind)
        if writer is None:
            writer = self.writers[item.kind] = self.store.writer(item.kind, self.run_id)
        writer.write(record_dump(item.model))
        item.body = None
        return item

    def close_spider(self) -> None:
        for writer in self.writers.values():
            writer.close()


def record_dump(model: Any) -> dict[str, Any]:
    """The stored form of a record: the response as it came (unset defaults left out)."""
    data: dict[str, Any] = model.model_dump(mode="json", exclude_unset=True)
    return data


def _revalidate(model: Any, **changes: Any) -> Any:
    """Apply changes and validate again, so derived fields follow (e.g. a new `info`)."""
    data = {**record_dump(model), **changes}
    return type(model).model_validate(data)

"""`pypi:NAME[==VERSION]`, `pypi:@FILE` and `conda:CHANNEL_URL[::NAME]`: crawl, then read.

`packages()` runs the crawler (a child process) into the store, then reads the archives it
stored with `LocalSource`, wrapping each handle so its metadata carries the crawl's facts:
release count (PyTorrent's Table 2), upload time, archive sha256, license, and a purl of the
index it came from. Crawl drops are merged into the build's drops under stage "crawl".
Configuration (index URL, store, settings) comes from `RemoteConfig`, by default from the
environment (`PYTORRENT_INDEX_URL`, `PIP_INDEX_URL`, pip's config, `PYTORRENT_STORE`, ...).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pytorrent.drops import Drops, Stage
from pytorrent.errors import ConfigError
from pytorrent.metadata.documents import crawl_document
from pytorrent.metadata.purl import make_purl
from pytorrent.sources.base import PackageContent, PackageHandle, ReadLimits, Source
from pytorrent_crawlers.config import (
    current_conda_subdir,
    default_store,
    normalize_base_url,
    resolve_index_url,
    resolve_json_api_base,
    split_credentials,
)
from pytorrent_crawlers.items import record_key
from pytorrent_crawlers.names import parse_requirements, read_names_file
from pytorrent_crawlers.run import CrawlError, CrawlJob, run_crawl
from pytorrent_crawlers.store import Store
from pytorrent_crawlers.summary import CrawlSummary

STAGE = Stage.CRAWL
Kind = Literal["pypi", "conda"]


@dataclass(frozen=True)
class RemoteConfig:
    """Where remote sources crawl from and into; `from_env` reads the usual variables."""

    store: Path
    index_url: str | None = None
    json_api_url: str | None = None
    conda_subdirs: tuple[str, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)
    timeout: float | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RemoteConfig:
        env = os.environ if env is None else env
        subdirs = tuple(s for s in env.get("PYTORRENT_CONDA_SUBDIRS", "").split(",") if s)
        settings = {} if env.get("PYTORRENT_LOG_LEVEL") else {"LOG_LEVEL": "WARNING"}
        return cls(
            store=default_store(env),
            index_url=None,  # resolve_index_url reads the environment and pip's config
            json_api_url=None,
            conda_subdirs=subdirs,
            settings=settings,
        )


def remote_source(prefix: str, rest: str, spec: str, config: RemoteConfig | None = None) -> Source:
    """The Source of a `pypi:` or `conda:` SOURCE argument; ConfigError for bad input."""
    config = config or RemoteConfig.from_env()
    if prefix == "pypi":
        return _pypi_source(rest, spec, config)
    if prefix == "conda":
        return _conda_source(rest, spec, config)
    raise ConfigError(f"unknown remote source {spec!r}")


def _pypi_source(rest: str, spec: str, config: RemoteConfig) -> RemoteSource:
    try:
        if rest.startswith("@"):
            path = Path(rest[1:]).expanduser()
            if not path.is_file():
                raise ConfigError(f"source {spec!r}: no such names file")
            lines = read_names_file(path)
        else:
            lines = [rest]
        wanted = parse_requirements(lines)
    except ValueError as exc:
        raise ConfigError(f"source {spec!r}: {exc}") from None
    if not wanted:
        raise ConfigError(f"source {spec!r}: no package names given")
    index = resolve_index_url(config.index_url)
    json_api = resolve_json_api_base(index, config.json_api_url)
    requirements = [f"{n}=={p}" if p else n for n, pins in wanted.items() for p in pins]
    return RemoteSource(
        spec=spec,
        kind="pypi",
        arguments={
            "index_url": index.url_with_credentials,
            "json_api_url": json_api,
            "requirements": requirements,
        },
        keys=tuple((n, record_key(index.url, n, p)) for n, pins in wanted.items() for p in pins),
        config=config,
    )


def _conda_source(rest: str, spec: str, config: RemoteConfig) -> RemoteSource:
    channel, sep, name = rest.rpartition("::")
    if not sep or not name or any(c in name for c in "/]:"):
        channel, name = rest, ""  # `::` inside an IPv6 address is not a name separator
    endpoint = normalize_base_url(channel, f"the channel URL of {spec!r}")
    subdirs = config.conda_subdirs or ("noarch", current_conda_subdir())
    arguments: dict[str, Any] = {"channel_url": channel, "subdirs": list(subdirs)}
    if name:
        arguments["names"] = [name]
    return RemoteSource(
        spec=spec,
        kind="conda",
        arguments=arguments,
        keys=((name, f"{endpoint.url}|{name}"),) if name else (),
        config=config,
        channel=endpoint.url,
    )


@dataclass(frozen=True)
class RemoteSource(Source):
    """Packages of an index or channel: crawled into the store, then read from it.

    `keys` are the (name, record key) pairs asked for; empty means every record the
    channel crawl wrote (a whole conda channel).
    """

    spec: str
    kind: Kind
    arguments: dict[str, Any]
    keys: tuple[tuple[str, str], ...]
    config: RemoteConfig
    channel: str | None = None

    @property
    def store(self) -> Store:
        return Store(self.config.store)

    def crawl(self) -> CrawlSummary:
        job = CrawlJob(
            spider=self.kind,
            store=self.config.store,
            arguments=self.arguments,
            settings=dict(self.config.settings),
        )
        return run_crawl(job, timeout=self.config.timeout)

    def packages(self, drops: Drops) -> Iterator[PackageHandle]:
        summary = self.crawl()
        if summary.finish_reason != "finished":
            raise CrawlError(
                f"source {self.spec!r}: the crawl stopped ({summary.finish_reason}); "
                "run again to resume it"
            )
        merge_drops(summary, drops)
        from pytorrent.sources.local import LocalSource

        for record in self.records(drops, explained=summary.dropped_total):
            archive = record.get("archive")
            name = str(record.get("name"))
            if not isinstance(archive, dict):
                drops.add(STAGE, f"no_archive_{record.get('archive_status')}", name)
                continue
            path = self.store.root / str(archive["path"])
            if not path.is_file():
                drops.add(STAGE, "archive_missing_from_store", name)
                continue
            facts = CrawlFacts.from_record(record)
            for handle in LocalSource(path=str(path), spec=self.spec).packages(drops):
                yield CrawledPackage(
                    name=handle.name, version=handle.version, inner=handle, facts=facts
                )

    def records(self, drops: Drops, explained: int = 0) -> Iterator[dict[str, Any]]:
        """The store's records for what this source asked for (all of a channel's if nothing).

        A finished crawl counts every package it could not get; asked-for records still
        missing beyond those `explained` drops are counted as `not_crawled`.
        """
        if not self.keys:
            prefix = f"{self.channel}|"
            yield from (
                r for r in self.store.records(self.kind) if str(r.get("key")).startswith(prefix)
            )
            return
        names = {name for name, _ in self.keys}
        by_key = {str(r.get("key")): r for r in self.store.records(self.kind, names)}
        missing = [name for name, key in self.keys if key not in by_key]
        if len(missing) > explained:
            drops.add(STAGE, "not_crawled", missing[0], n=len(missing) - explained)
        for _, key in self.keys:
            if key in by_key:
                yield by_key[key]


def merge_drops(summary: CrawlSummary, drops: Drops) -> None:
    """The crawl's counted drops into the build's, with their examples."""
    for reason, count in summary.dropped.items():
        examples = summary.drop_examples.get(reason, [])
        drops.add(STAGE, reason, examples[0] if examples else "", n=count)
        for example in examples[1:]:
            drops.add(STAGE, reason, example, n=0)


@dataclass(frozen=True)
class CrawlFacts:
    """What the crawl knows that the archive does not; picklable, sent with the handle."""

    source: Kind
    purl: str
    release_count: int | None
    upload_time: str | None
    archive_sha256: str | None
    license: str | None
    license_expression: str | None
    #: The package document (pytorrent.metadata.documents); not part of a handle's identity.
    document: dict[str, Any] | None = field(default=None, compare=False)

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> CrawlFacts:
        archive = record.get("archive") or {}
        kind: Kind = "conda" if record.get("kind") == "conda" else "pypi"
        name, version = str(record.get("name")), str(record.get("version"))
        if kind == "conda":
            filename = str(record.get("filename", ""))
            qualifiers = {
                "build": str(record.get("build", "")),
                "channel": split_credentials(str(record.get("channel", ""))).url,
                "subdir": str(record.get("subdir", "")),
                "type": "conda" if filename.endswith(".conda") else "tar.bz2",
            }
            purl = make_purl("conda", name, version, qualifiers)
        else:
            purl = make_purl("pypi", name, version)
        return cls(
            source=kind,
            purl=purl,
            release_count=record.get("release_count"),
            upload_time=record.get("upload_time"),
            archive_sha256=archive.get("sha256"),
            license=record.get("license"),
            license_expression=record.get("license_expression"),
            document=crawl_document(record),
        )


@dataclass(frozen=True)
class CrawledPackage(PackageHandle):
    """A stored archive's handle whose metadata is enriched with the crawl's facts."""

    name: str
    version: str
    inner: PackageHandle
    facts: CrawlFacts

    def size_hint(self) -> int:
        return self.inner.size_hint()

    def read(self, limits: ReadLimits, drops: Drops) -> PackageContent:
        content = self.inner.read(limits, drops)
        meta = content.metadata
        facts = self.facts
        content.metadata = meta.model_copy(
            update={
                "source": facts.source,
                "purl": facts.purl,
                "release_count": facts.release_count,
                "upload_time": facts.upload_time or meta.upload_time,
                "archive_sha256": facts.archive_sha256 or meta.archive_sha256,
                # The archive's own metadata describes this release; the index's fills gaps.
                "license": meta.license or facts.license,
                "license_expression": meta.license_expression or facts.license_expression,
                "document": facts.document,  # the index's document, not the archive's
            }
        )
        return content

"""Crawl records (pydantic) and the item the spiders hand to the pipelines.

A record keeps the index's response whole (`document` for PyPI, `record` for conda: unknown
fields are kept, `extra="allow"`) and adds typed, derived and crawl facts around it. Derived
fields are recomputed on every validation, so a stored record always agrees with its document.
`SCHEMA_MODELS` lists the models whose JSON Schemas go to `schemas/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from packaging.utils import canonicalize_name
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from pytorrent_crawlers import derive
from pytorrent_crawlers.select import iter_release_files, latest_version

Sha256 = Annotated[str, StringConstraints(to_lower=True, pattern=r"^[0-9a-fA-F]{64}$")]
Md5 = Annotated[str, StringConstraints(to_lower=True, pattern=r"^[0-9a-fA-F]{32}$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]


class _Open(BaseModel):
    """Part of an index response: fields we do not model are kept as they came."""

    model_config = ConfigDict(extra="allow")


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Digests(_Open):
    sha256: Sha256 | None = None
    md5: Md5 | None = None
    blake2b_256: str | None = None


class PypiFile(_Open):
    """One distribution file as the JSON API lists it."""

    filename: NonEmpty
    url: NonEmpty
    digests: Digests
    packagetype: str | None = None
    python_version: str | None = None
    requires_python: str | None = None
    size: int | None = Field(None, ge=0)
    upload_time: str | None = None
    upload_time_iso_8601: str | None = None
    yanked: bool = False
    yanked_reason: str | None = None


class PypiInfo(_Open):
    """`info` of the JSON API project document (the latest release's core metadata)."""

    name: NonEmpty
    version: str
    summary: str | None = None
    license: str | None = None
    license_expression: str | None = None
    classifiers: list[str] = Field(default_factory=list)
    requires_python: str | None = None
    requires_dist: list[str] | None = None


class PypiDocument(_Open):
    """The JSON API project document (`/pypi/<name>/json`), every field kept."""

    info: PypiInfo
    last_serial: int | None = None
    releases: dict[str, list[PypiFile]] = Field(default_factory=dict)
    urls: list[PypiFile] = Field(default_factory=list)
    vulnerabilities: list[dict[str, Any]] = Field(default_factory=list)


class ArchiveRef(_Closed):
    """A verified archive in the store (content-addressed by its sha256)."""

    filename: NonEmpty
    url: NonEmpty
    sha256: Sha256
    size: int = Field(ge=0)
    path: NonEmpty = Field(description="path inside the store, POSIX separators")
    packagetype: str | None = None


ArchiveStatus = Literal[
    "stored", "no_release", "no_python_archive", "not_python", "too_large", "pending"
]


class PypiProject(_Closed):
    """One PyPI project as crawled: its index document plus derived and crawl facts."""

    kind: Literal["pypi"] = "pypi"
    key: str = Field("", description="store key: index URL | name | latest or ==pin (derived)")
    name: NonEmpty = Field(description="PEP 503 normalised name")
    display_name: str = Field("", description="name as the index spells it (derived)")
    version: str = Field(description="the release this record's archive belongs to")
    requested_version: str | None = Field(None, description="NAME==VERSION pin, when given")
    index_url: NonEmpty = Field(description="simple index crawled (credentials removed)")
    json_api_url: str | None = Field(None, description="JSON API base; None for simple-only")
    api: Literal["json", "simple"] = Field(description="which API the document came from")
    document: PypiDocument
    simple: dict[str, Any] | None = Field(None, description="raw simple page (simple API only)")
    core_metadata: bool = Field(False, description="info was read from the archive's PKG-INFO")
    crawled_at: str | None = Field(
        None, description="when the crawl fetched the document, ISO 8601 UTC (crawl fact)"
    )
    release_count: int = Field(0, description="releases with at least one file (derived)")
    latest_version: str | None = Field(None, description="(derived)")
    first_upload_time: str | None = Field(None, description="ISO 8601 UTC (derived)")
    last_upload_time: str | None = Field(None, description="ISO 8601 UTC (derived)")
    upload_time: str | None = Field(None, description="upload time of the archive (derived)")
    license: str | None = Field(None, description="license statement (derived)")
    license_expression: str | None = Field(None, description="SPDX expression (derived)")
    license_expression_source: Literal["declared", "license_field", "classifier"] | None = None
    archive_status: ArchiveStatus = "pending"
    archive: ArchiveRef | None = None

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("document"), dict):
            return data
        data = dict(data)
        document = data["document"]
        info = document.get("info") if isinstance(document.get("info"), dict) else {}
        data["name"] = canonicalize_name(str(data.get("name") or info.get("name") or ""))
        data["display_name"] = str(info.get("name") or data["name"])
        data["release_count"] = derive.release_count(document)
        data["latest_version"] = latest_version(document)
        data["first_upload_time"], data["last_upload_time"] = derive.upload_span(document)
        (
            data["license"],
            data["license_expression"],
            data["license_expression_source"],
        ) = derive.license_facts(info)
        data["upload_time"] = _archive_upload_time(document, data.get("archive"))
        data["key"] = record_key(data.get("index_url"), data["name"], data.get("requested_version"))
        return data


def record_key(index_url: object, name: str, pin: object) -> str:
    """Records are keyed by what was asked for, so the newest crawl's answer replaces the last."""
    return f"{index_url}|{name}|{'==' + str(pin) if pin else 'latest'}"


def _archive_upload_time(document: dict[str, Any], archive: object) -> str | None:
    if not isinstance(archive, (dict, ArchiveRef)):
        return None
    filename = archive["filename"] if isinstance(archive, dict) else archive.filename
    for _, entry in iter_release_files(document):
        if entry.get("filename") == filename:
            return derive.file_upload_time(entry)
    return None


_CONDA_RECORD_FIELDS = (
    "name",
    "version",
    "build",
    "build_number",
    "depends",
    "constrains",
    "license",
    "license_family",
    "noarch",
    "timestamp",
    "sha256",
    "md5",
    "size",
)


class CondaPackage(_Closed):
    """The latest build of one conda package name in a channel (over the crawled subdirs)."""

    kind: Literal["conda"] = "conda"
    key: str = Field("", description="store key: channel | name (derived)")
    channel: NonEmpty = Field(description="channel URL (credentials removed)")
    subdir: NonEmpty
    filename: NonEmpty
    url: NonEmpty
    record: dict[str, Any] = Field(description="the repodata.json entry, every field kept")
    name: NonEmpty = Field(description="(from record)")
    version: NonEmpty = Field(description="(from record)")
    build: str = Field("", description="(from record)")
    build_number: int = Field(0, description="(from record)")
    depends: list[str] = Field(default_factory=list, description="(from record)")
    constrains: list[str] = Field(default_factory=list, description="(from record)")
    license: str | None = Field(None, description="(from record)")
    license_family: str | None = Field(None, description="(from record)")
    noarch: str | None = Field(None, description="(from record)")
    timestamp: int | None = Field(None, description="ms since the epoch (from record)")
    upload_time: str | None = Field(None, description="timestamp as ISO 8601 UTC (derived)")
    sha256: Sha256 | None = Field(None, description="(from record)")
    md5: Md5 | None = Field(None, description="(from record)")
    size: int | None = Field(None, ge=0, description="(from record)")
    release_count: int = Field(0, description="distinct versions of the name in the crawl")
    crawled_at: str | None = Field(
        None, description="when the crawl fetched the repodata, ISO 8601 UTC (crawl fact)"
    )
    about: dict[str, Any] | None = Field(
        None, description="the archive's info/about.json, every field kept (None: not read)"
    )
    latest_version: str | None = Field(None, description="(derived: this version)")
    archive_status: ArchiveStatus = "pending"
    archive: ArchiveRef | None = None

    @model_validator(mode="before")
    @classmethod
    def _lift(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("record"), dict):
            return data
        data = dict(data)
        record = data["record"]
        for key in _CONDA_RECORD_FIELDS:
            if key in record:
                data[key] = record[key]
        noarch = data.get("noarch")
        data["noarch"] = noarch if isinstance(noarch, str) else ("generic" if noarch else None)
        data["upload_time"] = derive.conda_time(record.get("timestamp"))
        data["latest_version"] = record.get("version")
        data["key"] = f"{data.get('channel')}|{record.get('name')}"
        return data


Record = PypiProject | CondaPackage
RECORD_MODELS: dict[str, type[PypiProject] | type[CondaPackage]] = {
    "pypi": PypiProject,
    "conda": CondaPackage,
}


@dataclass
class FileChoice:
    """The archive a spider chose for a record, with the digests the index declares."""

    url: str
    filename: str
    sha256: str | None
    md5: str | None
    size: int | None
    packagetype: str | None


@dataclass
class PackageItem:
    """What a spider yields per package; the pipelines validate, verify, store and write it.

    `record` is the unvalidated record (a dict, so it survives the job dir's disk queue);
    `body` is the downloaded archive, `stored` a store path when the archive was already there.
    """

    kind: Literal["pypi", "conda"]
    record: dict[str, Any] = field(repr=False)
    file: FileChoice | None = None
    body: bytes | None = field(default=None, repr=False)
    stored: str | None = None
    model: PypiProject | CondaPackage | None = field(default=None, repr=False)


#: Models whose JSON Schemas the `schemas` command writes to `schemas/<stem>.json`.
SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "crawl-pypi": PypiProject,
    "crawl-conda": CondaPackage,
}

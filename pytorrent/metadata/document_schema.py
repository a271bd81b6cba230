"""The JSON Schema of package documents (`schemas/package-document.json`, draft 2020-12).

It generalises PyTorrent's published schema.json (PyPI) and anaconda_schema.json field for
field: every field they list is here with the type they give it, nullable, and optional where
an index may leave it out. Theirs was generated from one example and requires keys that only
that example has (a release named `2.0.1`, `project_urls` with `Download` and `Homepage`, a
fixed number of classifiers); here `releases` maps any version to its files and
`project_urls` any label to its URL. Index-side objects (`info`, files, `detail`) keep fields
this schema does not name; the document's own top level is closed.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

DRAFT = "https://json-schema.org/draft/2020-12/schema"


class _Open(BaseModel):
    """Part of an index's answer: fields not named here are kept."""

    model_config = ConfigDict(extra="allow")


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="PEP 503 normalised name: the records' `repo`")
    version: str = Field(description="the release in this build")
    source: str = Field(description="source kind: installed, archive, folder, git, pypi, conda")
    timestamp: str | None = Field(
        description="when the crawl fetched the document (the index's HTTP Date), ISO 8601 "
        "UTC; null for sources that were not crawled"
    )


class Digests(_Open):
    md5: str | None = None
    sha256: str | None = None
    blake2b_256: str | None = None


class ReleaseFile(_Open):
    """One file of a release (`releases[version][i]`, `urls[i]`)."""

    comment_text: str | None = None
    digests: Digests
    downloads: int | None = None
    filename: str
    has_sig: bool | None = None
    md5_digest: str | None = None
    packagetype: str | None = None
    python_version: str | None = None
    requires_python: str | None = None
    size: int | None = None
    upload_time: str | None = None
    upload_time_iso_8601: str | None = None
    url: str | None = None
    yanked: bool | None = None
    yanked_reason: str | None = None


class Downloads(_Open):
    last_day: int | None = None
    last_month: int | None = None
    last_week: int | None = None


class Info(_Open):
    """`info`: the release's core metadata as the JSON API names it."""

    author: str | None = None
    author_email: str | None = None
    bugtrack_url: str | None = None
    classifiers: list[str] | None = None
    description: str | None = None
    description_content_type: str | None = None
    docs_url: str | None = None
    download_url: str | None = None
    downloads: Downloads | None = None
    dynamic: list[str] | None = None
    home_page: str | None = None
    html_description: str | None = None
    keywords: str | None = Field(None, description="as the metadata writes it (one string)")
    license: str | None = None
    license_expression: str | None = None
    license_files: list[str] | None = None
    maintainer: str | None = None
    maintainer_email: str | None = None
    metadata_version: str | None = None
    name: str | None = Field(description="as the metadata spells it; null when it names none")
    package_url: str | None = None
    platform: str | list[str] | None = Field(
        None, description="the JSON API gives one string; core metadata lists every Platform"
    )
    project_url: str | None = None
    project_urls: dict[str, str] | None = None
    provides_extra: list[str] | None = None
    release_url: str | None = None
    requires_dist: list[str] | None = None
    requires_python: str | None = None
    summary: str | None = None
    version: str | None = Field(description="null when the metadata names none")
    yanked: bool | None = None
    yanked_reason: str | None = None


class PypiPackageDocument(_Document):
    """PyPI's JSON-API document (schema.json) plus the crawl's `timestamp`."""

    format: Literal["pypi"]
    info: Info
    releases: dict[str, list[ReleaseFile]] | None = Field(
        description="version -> its files; null for sources that were not crawled"
    )
    urls: list[ReleaseFile] | None = Field(description="the latest release's files")
    last_serial: int | None = Field(description="the index's change serial of the project")


class CondaLabel(_Open):
    name: str | None = None
    label: str | None = None


class CondaFileLink(_Open):
    name: str | None = None
    href: str | None = None


class CondaFile(_Open):
    type: str | None = None
    size: int | str | None = Field(None, description="bytes (Anaconda's site shows text: '24 KB')")
    file: CondaFileLink | None = None
    uploaded: str | None = None
    uploader: str | None = None
    downloads: int | None = None
    labels: list[CondaLabel] | None = None


class CondaMeta(_Open):
    license: str | None = None
    license_url: str | None = None
    home: str | None = None
    home_url: str | None = None
    documentation: str | None = None
    documentation_url: str | None = None
    development: str | None = None
    development_url: str | None = None
    download_count: int | None = None
    last_upload: str | None = None


class CondaDetail(_Open):
    meta: CondaMeta
    installers: list[str] | None = None
    note: str | None = None
    platform_versions: list[list[str | None]] | None = Field(
        None, description="[subdir, version] pairs"
    )
    description: str | None = None
    files: list[CondaFile] | None = None
    labels: list[CondaLabel] | None = None
    badges: list[str] | None = None


class AnacondaPackageDocument(_Document):
    """PyTorrent's Anaconda document (anaconda_schema.json) from a channel's repodata entry
    and the package's info/about.json, plus where it came from."""

    format: Literal["anaconda"]
    title: str | None = Field(description="the name as the channel spells it")
    access: str | None = Field(description="null: a channel does not say")
    summary: str | None
    updated: str | None = Field(description="upload time of the build, ISO 8601 UTC")
    detail: CondaDetail
    channel: str | None = Field(description="channel URL; null for local archives")
    subdir: str | None
    repodata: dict[str, Any] | None = Field(description="the repodata.json entry, as it came")


class PackageDocument(
    RootModel[
        Annotated[PypiPackageDocument | AnacondaPackageDocument, Field(discriminator="format")]
    ]
):
    """One line of `packages/documents.jsonl.gz`."""

    model_config = ConfigDict(json_schema_extra={"$schema": DRAFT, "title": "PackageDocument"})


#: Models whose JSON Schemas the `schemas` command writes to `schemas/<stem>.json`.
SCHEMA_MODELS: dict[str, type[BaseModel]] = {"package-document": PackageDocument}

"""Pydantic models of every record pytorrent writes; `schemas/*.json` is generated from them.

The field names of `PairRecord` are a public contract (docs/architecture.md, "Units and records"): CodeSearchNet's fields
first, then provenance. Records are written from plain dicts for speed; these models define
and validate their shape (tests validate written records against them).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

UnitKind = Literal["function", "comment"]
Category = Literal["core", "test", "init", "other"]
Split = Literal["train", "validation", "test"]
DocstringStyle = Literal["google", "numpy", "rest", "epytext", "plain", "none"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UnitMetrics(_Model):
    """radon metrics of a function unit (raw line counts follow radon's definitions)."""

    cyclomatic_complexity: int | None = Field(
        None, description="radon cyclomatic complexity; null when radon could not score it"
    )
    loc: int = Field(description="physical lines, decorators included")
    lloc: int = Field(description="logical lines (statements)")
    sloc: int = Field(description="source lines: loc minus blank, comment-only and docstring lines")
    comments: int = Field(description="lines holding a developer comment (full-line or inline)")
    multi: int = Field(description="lines of multi-line strings standing alone (docstrings)")
    blank: int = Field(description="blank lines")
    single_comments: int = Field(description="lines holding only a comment")


class PackageMetadata(_Model):
    """One package as a source found it. Joinable with records on `name` == record `repo`."""

    name: str = Field(description="PEP 503 normalised project name (the records' `repo`)")
    display_name: str = Field(description="project name as its metadata spells it")
    version: str
    summary: str | None = None
    license: str | None = Field(
        None,
        description="SPDX expression normalised from the declaration; null when none was "
        "declared or it names no single license (then see license_raw)",
    )
    license_raw: str | None = Field(
        None, description="license as declared (expression, field or classifier)"
    )
    license_expression: str | None = None
    classifiers: list[str] = Field(default_factory=list)
    requires_python: str | None = None
    requires_dist: list[str] = Field(default_factory=list)
    project_urls: dict[str, str] = Field(default_factory=dict)
    home_page: str | None = None
    author: str | None = None
    author_email: str | None = None
    maintainer: str | None = None
    maintainer_email: str | None = None
    keywords: list[str] = Field(default_factory=list)
    source: str = Field(description="source kind: installed, archive, folder, git, pypi, conda")
    source_file: str | None = Field(
        None, description="archive or folder name the package came from"
    )
    archive_sha256: str | None = None
    release_count: int | None = Field(None, description="releases on the index (PyTorrent Table 2)")
    upload_time: str | None = Field(None, description="ISO 8601 release time when known")
    purl: str = Field(description="package URL (purl) of this release")
    python_files: int = 0
    python_bytes: int = 0
    units: int = 0
    trivial: bool | None = Field(
        None, description="trivial package (<= 35 LOC and cyclomatic complexity <= 10)"
    )
    #: The package's metadata document (`packages/documents.jsonl.gz`, see
    #: pytorrent.metadata.documents); travels with the metadata, never in packages.jsonl.gz.
    document: SkipJsonSchema[dict[str, Any] | None] = Field(None, exclude=True, repr=False)
    #: `document` as zstd-compressed JSON once the worker hands the metadata to the driver
    #: (pytorrent.metadata.packed); never in packages.jsonl.gz.
    packed_document: SkipJsonSchema[bytes | None] = Field(None, exclude=True, repr=False)


class PairRecord(_Model):
    """One unit in `pairs/`: CodeSearchNet's fields plus provenance (docs/architecture.md, "Units and records")."""

    # CodeSearchNet fields
    repo: str = Field(description="package name (PEP 503 normalised)")
    path: str = Field(description="file path inside the package, POSIX separators")
    func_name: str = Field(
        description="qualified name (Class.method, outer.<locals>.inner); comment units: enclosing scope + ':L<line>'"
    )
    original_string: str = Field(description="exact source lines start_line..end_line")
    language: Literal["python"] = "python"
    code: str = Field(description="code as written, inner comments kept, docstring removed")
    code_tokens: list[str] = Field(description="Python tokens of `code`, comments excluded")
    docstring: str = Field(description="cleaned docstring (inspect.cleandoc); '' for comment units")
    docstring_tokens: list[str]
    sha: str = Field(description="commit sha for git sources, else the archive's or file's sha256")
    partition: Split
    url: str = Field(
        description="where the unit's lines are, unique per record: the forge blob URL at the "
        "commit with #L<start>-L<end> (git sources with a forge remote), else "
        "PURL#PATH:L<start>-L<end>"
    )
    # pytorrent provenance and extras
    id: str = Field(description="stable record id (blake2b of package, version, path, span, name)")
    kind: UnitKind
    docstring_summary: str = Field(
        description="first paragraph of the docstring, whitespace folded"
    )
    docstring_raw: str = Field(description="docstring exactly as the literal evaluates")
    docstring_style: DocstringStyle
    has_doctest: bool
    code_without_comments: str = Field(description="code without comments and without docstring")
    code_tokens_with_comments: list[str] = Field(
        description="tokens of `code` with developer comments as tokens (Y of ACS 0/3/4)"
    )
    comments: list[str] = Field(description="developer comment texts without '#'")
    commented_out_code: list[str] = Field(description="comments recognised as commented-out code")
    commit_message: str | None = Field(
        None, description="message of the last commit touching the unit (git sources)"
    )
    commit_sha: str | None = None
    commit_date: str | None = None
    package_version: str
    license: str | None
    category: Category
    start_line: int = Field(description="1-based, inclusive, decorators included")
    end_line: int = Field(description="1-based, inclusive")
    file_sha256: str
    decorators: list[str]
    is_async: bool
    metrics: UnitMetrics | None = Field(None, description="function units only")


class AcsRecord(_Model):
    """One row of `acs{N}/`: CodeSearchNet-compatible view of a unit for one scenario."""

    repo: str
    path: str
    func_name: str
    original_string: str
    language: Literal["python"] = "python"
    code: str = Field(description="Y as text: code with or without comments per the scenario")
    code_tokens: list[str]
    docstring: str = Field(description="X as text: the scenario's natural language")
    docstring_tokens: list[str]
    sha: str
    partition: Split
    url: str
    id: str
    kind: UnitKind
    acs: int
    x_fallback: bool = Field(
        False, description="ACS 3 only: no commit message was available, X is ACS 4's"
    )


class FileDigest(_Model):
    sha256: str
    bytes: int
    records: int | None = None


class BuildManifest(_Model):
    """`build.json`: everything needed to audit and reproduce a build. Deterministic content."""

    pytorrent_version: str
    extractor_version: str
    inputs: list[str]
    config: dict[str, object]
    library_versions: dict[str, str]
    counts: dict[str, int]
    split_counts: dict[str, dict[str, int]] = Field(description="config name -> split -> records")
    drops: dict[str, dict[str, int]] = Field(description="stage -> reason -> count")
    drop_examples: dict[str, list[str]] = Field(
        default_factory=dict, description="stage/reason -> a few examples (package:path[:line])"
    )
    dedup: dict[str, object] | None = Field(
        None, description="dedup report: groups, clusters, size distributions, examples"
    )
    contamination: list[str] = Field(
        default_factory=list, description="units dropped for benchmark overlap: id, task, how"
    )
    files: dict[str, FileDigest]


#: Models whose JSON Schemas are written to `schemas/` (file stem -> model).
SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "package": PackageMetadata,
    "pair": PairRecord,
    "acs": AcsRecord,
    "build": BuildManifest,
}

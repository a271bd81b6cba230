"""`packages/documents.jsonl.gz` of a build from installed, folder, git and archive sources:
`info` holds what each package's core metadata says, under the JSON API's names and types
(keywords one string), the index-only rest is null; a local conda archive gets the Anaconda
shape from its info files; every document is valid against schemas/package-document.json and
joins to the records by `repo` (issue 16 item 7)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from textwrap import dedent
from typing import Any

import jsonschema
import pyarrow.parquet as pq
import pytest

from pytorrent import layout
from pytorrent.config import BuildConfig
from pytorrent.metadata.info import INDEX_ONLY_FIELDS
from pytorrent.pipeline import build
from tests.crawlers.archives import make_conda_v2, make_sdist
from tests.envs import ALPHA_CORE, install_package
from tests.sources.test_git import Repo

SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "package-document.json"
METADATA = """\
Metadata-Version: 2.4
Name: Alpha_Tools
Version: 1.2
Summary: Arithmetic helpers
Author-email: Ann <ann@example.invalid>
License-Expression: MIT
Keywords: arithmetic,helpers, math
Classifier: Programming Language :: Python :: 3
Classifier: Topic :: Scientific/Engineering :: Mathematics
Requires-Python: >=3.9
Requires-Dist: attrs>=22
Provides-Extra: fast
Project-URL: Source, https://example.invalid/alpha
Description-Content-Type: text/markdown

# Alpha tools

Adds numbers.
"""
CONDA_ABOUT = {
    "summary": "A conda package",
    "home": "https://example.invalid/condapkg",
    "dev_url": "https://example.invalid/condapkg/src",
    "doc_url": "https://example.invalid/condapkg/docs",
}
PYPROJECT = """\
[project]
name = "Folder.Pkg"
version = "0.4"
description = "A folder project"
keywords = ["folder", "demo"]
license = "Apache-2.0"
[project.urls]
Homepage = "https://example.invalid/folder"
"""


def read_jsonl_gz(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def repos(out: Path) -> set[str]:
    names: set[str] = set()
    for split in ("train", "validation", "test"):
        for shard in layout.shards(out, layout.PAIRS, split):
            names.update(pq.read_table(shard, columns=["repo"]).column("repo").to_pylist())
    return names


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("documents")
    site = root / "site"
    dist_info = install_package(site, "Alpha_Tools", "1.2", {"alpha_tools/core.py": ALPHA_CORE})
    (dist_info / "METADATA").write_text(METADATA, encoding="utf-8")
    folder = root / "folderpkg"
    (folder / "src" / "folder_pkg").mkdir(parents=True)
    (folder / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (folder / "src" / "folder_pkg" / "core.py").write_text(dedent(ALPHA_CORE))
    repo = Repo(root / "gitpkg")
    repo.commit(
        {
            "PKG-INFO": "Metadata-Version: 2.1\nName: gitpkg\nVersion: 3.0\nKeywords: vcs\n",
            "gitpkg/core.py": dedent(ALPHA_CORE).replace("Alpha", "Git"),
        },
        "Add core",
        "2024-01-01T00:00:00Z",
    )
    legacy = root / "legacy"  # setup.py only: metadata pytorrent never runs
    legacy.mkdir()
    (legacy / "setup.py").write_text("from setuptools import setup\nsetup(name='legacy')\n")
    (legacy / "legacy.py").write_text(dedent(ALPHA_CORE))
    archives = root / "archives"
    archives.mkdir()
    (archives / "sdist_pkg-0.7.tar.gz").write_bytes(make_sdist("Sdist_Pkg", "0.7"))
    index = {"name": "condapkg", "version": "2.1", "build": "py_0", "subdir": "noarch",
             "license": "BSD-3-Clause", "timestamp": 1_700_000_000_000}  # fmt: skip
    conda = make_conda_v2("condapkg", "2.1", "py_0", index, CONDA_ABOUT)
    (archives / "condapkg-2.1-py_0.conda").write_bytes(conda)
    out = root / "out"
    build(
        BuildConfig(
            sources=(
                f"installed:{site}",
                f"dir:{folder}",
                f"git:{repo.path}",
                f"dir:{archives}",
                f"dir:{legacy}",
            ),
            out=out,
            executor="inline",
            dedup=False,
        )
    )
    return out


def test_documents_hold_core_metadata_as_the_json_api_names_it(built: Path) -> None:
    documents = read_jsonl_gz(built / layout.PACKAGE_DOCUMENTS)
    packages = read_jsonl_gz(built / layout.PACKAGES)
    assert [d["name"] for d in documents] == [p["name"] for p in packages]
    by_name = {d["name"]: d for d in documents}
    assert sorted(by_name) == [
        "alpha-tools", "condapkg", "folder-pkg", "gitpkg", "legacy", "sdist-pkg",
    ]  # fmt: skip

    alpha = by_name["alpha-tools"]
    assert (alpha["version"], alpha["source"], alpha["format"]) == ("1.2", "installed", "pypi")
    info = alpha["info"]
    assert info["name"] == "Alpha_Tools" and info["version"] == "1.2"
    assert info["keywords"] == "arithmetic,helpers, math"  # one string, as the metadata has it
    assert packages[0]["keywords"] == ["arithmetic", "helpers", "math"]  # the flat table splits
    assert info["description"] == "# Alpha tools\n\nAdds numbers."
    assert info["description_content_type"] == "text/markdown"
    assert info["classifiers"] == [
        "Programming Language :: Python :: 3",
        "Topic :: Scientific/Engineering :: Mathematics",
    ]
    assert info["requires_dist"] == ["attrs>=22"] and info["provides_extra"] == ["fast"]
    assert info["project_urls"] == {"Source": "https://example.invalid/alpha"}
    assert (
        info["license_expression"] == "MIT" and info["author_email"] == "Ann <ann@example.invalid>"
    )
    assert info["metadata_version"] == "2.4"
    # What the metadata does not say is null, never guessed; index-only facts likewise.
    assert info["home_page"] is None and info["maintainer"] is None and info["platform"] is None
    assert all(info[key] is None for key in INDEX_ONLY_FIELDS)
    assert (alpha["releases"], alpha["urls"], alpha["last_serial"], alpha["timestamp"]) == (
        None, None, None, None,
    )  # fmt: skip

    folder = by_name["folder-pkg"]
    assert folder["source"] == "folder" and folder["info"]["name"] == "Folder.Pkg"
    assert folder["info"]["summary"] == "A folder project"
    assert folder["info"]["keywords"] == "folder,demo"
    assert folder["info"]["project_urls"] == {"Homepage": "https://example.invalid/folder"}
    assert folder["info"]["license_expression"] == "Apache-2.0"
    assert folder["info"]["classifiers"] == [] and folder["info"]["description"] is None

    git = by_name["gitpkg"]
    assert (git["source"], git["info"]["version"], git["info"]["keywords"]) == ("git", "3.0", "vcs")

    legacy = by_name["legacy"]  # named by its folder: the metadata names nothing
    assert legacy["info"]["name"] is None and legacy["info"]["version"] is None
    assert legacy["info"]["summary"] is None and legacy["source"] == "folder"

    sdist = by_name["sdist-pkg"]  # PKG-INFO of a local sdist
    assert (sdist["source"], sdist["format"], sdist["info"]["name"]) == (
        "archive",
        "pypi",
        "Sdist_Pkg",
    )
    assert sdist["info"]["summary"] == "The Sdist_Pkg package"
    assert sdist["info"]["requires_python"] == ">=3.8"


def test_a_local_conda_archive_gets_the_anaconda_shape_from_its_info_files(built: Path) -> None:
    conda = {d["name"]: d for d in read_jsonl_gz(built / layout.PACKAGE_DOCUMENTS)}["condapkg"]
    assert (conda["source"], conda["format"], conda["title"]) == ("archive", "anaconda", "condapkg")
    assert conda["summary"] == CONDA_ABOUT["summary"]
    meta = conda["detail"]["meta"]
    assert meta["home"] == CONDA_ABOUT["home"] and meta["development"] == CONDA_ABOUT["dev_url"]
    assert meta["documentation"] == CONDA_ABOUT["doc_url"]
    assert conda["detail"]["files"][0]["file"]["name"] == "condapkg-2.1-py_0.conda"
    assert conda["updated"] == "2023-11-14T22:13:20Z"  # index.json's timestamp
    # Not crawled: no channel, no repodata entry, nothing a channel page would show.
    assert conda["channel"] is None and conda["repodata"] is None and conda["timestamp"] is None
    assert conda["access"] is None and meta["download_count"] is None


def test_documents_are_valid_against_the_published_schema(built: Path) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    documents = read_jsonl_gz(built / layout.PACKAGE_DOCUMENTS)
    for document in documents:
        validator.validate(document)
    broken = {**documents[0], "info": {**documents[0]["info"], "keywords": ["a", "b"]}}
    assert not validator.is_valid(broken)  # keywords is PyPI's string, not a list
    assert not validator.is_valid({**documents[0], "surprise": 1})  # the top level is closed


def test_records_join_documents_by_repo_and_the_manifest_lists_the_file(built: Path) -> None:
    documents = read_jsonl_gz(built / layout.PACKAGE_DOCUMENTS)
    names = {d["name"] for d in documents}
    found = repos(built)
    assert found and found <= names
    with_units = {p["name"] for p in read_jsonl_gz(built / layout.PACKAGES) if p["units"]}
    assert with_units == found
    listed = layout.read_manifest(built).files[layout.PACKAGE_DOCUMENTS]
    assert listed.records == len(documents)
    assert listed.bytes == (built / layout.PACKAGE_DOCUMENTS).stat().st_size

"""Metadata of source trees from PKG-INFO, pyproject.toml and setup.cfg (never setup.py)."""

from __future__ import annotations

from pytorrent.sources.project import (
    is_tree_metadata_path,
    message_from_pyproject,
    message_from_setup_cfg,
    tree_metadata,
)

from .builders import core_metadata

PYPROJECT = b"""
[project]
name = "Fancy.Name"
version = "1.2.3"
description = "Does things"
license = "Apache-2.0"
requires-python = ">=3.10"
dependencies = ["packaging>=23"]
classifiers = ["Programming Language :: Python :: 3"]
keywords = ["a", "b"]
authors = [{name = "Ann"}, {email = "x@example.invalid"}, {name = "Bo"}]
urls = {Source = "https://example.invalid/src"}
"""


def meta(files: dict[str, bytes]) -> dict[str, object] | None:
    found = tree_metadata(
        files, source="folder", purl_type="generic", fallback_name="fb", fallback_version="0"
    )
    return found.model_dump() if found else None


def test_pyproject_project_table() -> None:
    found = meta({"pyproject.toml": PYPROJECT})
    assert found is not None
    assert (found["name"], found["display_name"], found["version"]) == (
        "fancy-name",
        "Fancy.Name",
        "1.2.3",
    )
    assert found["license"] == found["license_expression"] == "Apache-2.0"
    assert found["summary"] == "Does things" and found["requires_python"] == ">=3.10"
    assert found["requires_dist"] == ["packaging>=23"] and found["keywords"] == ["a", "b"]
    assert found["project_urls"] == {"Source": "https://example.invalid/src"}
    assert found["author"] == "Ann, Bo"
    assert found["purl"] == "pkg:generic/fancy-name@1.2.3"


def test_dynamic_or_hostile_values_fall_back_instead_of_failing() -> None:
    dynamic = b'[project]\nname = "dyn"\ndynamic = ["version"]\nlicense = {text = "BSD"}\n'
    found = meta({"pyproject.toml": dynamic})
    assert found is not None and (found["version"], found["license_raw"]) == ("0", "BSD")
    assert message_from_pyproject(b"[project]\nname = 3\n") is None
    assert message_from_pyproject(b"not toml at all = = =") is None
    assert message_from_pyproject(b"a = " + b"[" * 100_000) is None
    hostile = b'[project]\nname = "h"\nclassifiers = [1, "ok"]\nurls = "x"\nauthors = "y"\n'
    found = meta({"pyproject.toml": hostile})
    assert found is not None
    # Values of the wrong type are dropped one by one; the rest of the table still counts.
    assert (found["name"], found["version"], found["classifiers"]) == ("h", "0", ["ok"])
    assert (found["project_urls"], found["author"]) == ({}, None)


def test_setup_cfg_static_metadata() -> None:
    cfg = b"[metadata]\nname = cfgpkg\nversion = attr: cfgpkg.__version__\nlicense = MIT\n"
    found = meta({"setup.cfg": cfg})
    assert found is not None and (found["name"], found["version"], found["license"]) == (
        "cfgpkg",
        "0",
        "MIT",
    )
    assert message_from_setup_cfg(b"[options]\nzip_safe = False\n") is None
    assert message_from_setup_cfg(b"no section header") is None


def test_pkg_info_wins_over_project_files() -> None:
    files = {"PKG-INFO": core_metadata("built", "9.0"), "pyproject.toml": PYPROJECT}
    found = meta(files)
    assert found is not None and (found["name"], found["version"]) == ("built", "9.0")
    egg = {
        "src/built.egg-info/PKG-INFO": core_metadata("egg", "2.0"),
        "setup.cfg": b"[metadata]\nname = c\n",
    }
    found = meta(egg)
    assert found is not None and found["name"] == "egg"
    assert meta({"README.md": b"x"}) is None


def test_metadata_paths() -> None:
    assert is_tree_metadata_path("PKG-INFO") and is_tree_metadata_path("x.egg-info/PKG-INFO")
    assert is_tree_metadata_path("src/x.egg-info/PKG-INFO")
    assert not is_tree_metadata_path("vendor/x.egg-info/PKG-INFO")
    assert not is_tree_metadata_path("sub/pyproject.toml")

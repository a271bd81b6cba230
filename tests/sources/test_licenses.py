"""Declared licenses -> SPDX, on statements real packages declare (named at each), and the
`--license` filter on a real build."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from pytorrent.config import BuildConfig
from pytorrent.errors import ConfigError
from pytorrent.filters.license import (
    PERMISSIVE,
    expression_accepted,
    parse_license_filter,
)
from pytorrent.metadata.core import metadata_from_message, parse_core_metadata
from pytorrent.metadata.licenses import (
    classifiers_license,
    license_text_id,
    resolve_license,
    text_license,
)
from pytorrent.models import BuildManifest
from pytorrent.pipeline import build
from pytorrent.write.card import hub_license_id
from tests.envs import distinct_core, install_package

# cycler 0.12's License field: the whole BSD text, the "Neither the name" clause included.
CYCLER_TEXT = """Copyright (c) 2015, matplotlib project
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

* Redistributions of source code must retain the above copyright notice, this
  list of conditions and the following disclaimer.

* Redistributions in binary form must reproduce the above copyright notice,
  this list of conditions and the following disclaimer in the documentation
  and/or other materials provided with the distribution.

* Neither the name of the matplotlib project nor the names of its
  contributors may be used to endorse or promote products derived from
  this software without specific prior written permission.
"""


@pytest.mark.parametrize(
    ("statement", "spdx"),
    [
        ("MIT", "MIT"),  # packaging
        ("MIT License", "MIT"),  # e.g. tqdm's License field
        ("Apache 2.0", "Apache-2.0"),  # transformers
        ("Apache License, Version 2.0", "Apache-2.0"),  # google-auth
        ("Apache 2.0 License", "Apache-2.0"),
        ("apache-2.0 OR bsd-3-clause", "Apache-2.0 OR BSD-3-Clause"),  # expression, canonical
        ("MPL 2.0", "MPL-2.0"),  # certifi
        ("PSFL", "PSF-2.0"),  # defusedxml
        ("Python Software Foundation License", "PSF-2.0"),  # typing-extensions (old)
        ("ISC License", "ISC"),
        ("GNU General Public License v3 or later (GPLv3+)", "GPL-3.0-or-later"),
        ("new BSD", "BSD-3-Clause"),
        ("BSD 3-Clause License\n\nCopyright (c) 2021-2025, ContourPy Developers.", "BSD-3-Clause"),
        (CYCLER_TEXT, "BSD-3-Clause"),
    ],
)
def test_statements_real_packages_declare_resolve(statement: str, spdx: str) -> None:
    assert text_license(statement) == spdx


@pytest.mark.parametrize(
    "statement",
    [
        "BSD",  # sympy, mpmath, zict: 2- or 3-clause?
        "BSD License",  # Jinja2's classifier
        "Apache",  # accelerate, peft: which version?
        "Apache Software License",  # argcomplete
        "GPL",
        "Public Domain",
        "see LICENSE file",
    ],
)
def test_ambiguous_statements_stay_unresolved(statement: str) -> None:
    assert text_license(statement) is None


def test_the_bsd_clause_count_decides_the_id() -> None:
    two_clause = CYCLER_TEXT.split("* Neither")[0]
    assert license_text_id(two_clause) == "BSD-2-Clause"
    assert license_text_id("Permission is hereby granted, free of charge, to any") == "MIT"


def test_classifiers_map_only_when_every_one_is_unambiguous() -> None:
    mit = "License :: OSI Approved :: MIT License"
    isc = "License :: OSI Approved :: ISC License (ISCL)"
    bsd = "License :: OSI Approved :: BSD License"
    assert classifiers_license([mit, "Programming Language :: Python"]) == "MIT"
    assert classifiers_license([isc, mit]) == "ISC OR MIT"
    assert classifiers_license([mit, bsd]) is None
    assert classifiers_license(["Programming Language :: Python"]) is None


def test_most_specific_statement_wins() -> None:
    mit = ["License :: OSI Approved :: MIT License"]
    assert resolve_license("Apache-2.0", "MIT", mit) == "Apache-2.0"
    assert resolve_license(None, "see LICENSE", mit) == "MIT"  # the field says nothing
    assert resolve_license(None, "BSD", ["License :: OSI Approved :: BSD License"]) is None


def test_metadata_keeps_the_declared_text_beside_the_spdx_value() -> None:
    msg = parse_core_metadata(
        "Metadata-Version: 2.1\nName: Jinja2\nVersion: 3.1.6\n"
        "Classifier: License :: OSI Approved :: BSD License\n\n"
    )
    jinja = metadata_from_message(msg, source="installed")
    assert (jinja.license, jinja.license_raw) == (None, "BSD License")
    msg = parse_core_metadata(
        "Metadata-Version: 2.1\nName: tqdm\nVersion: 4\nLicense: MIT License\n\n"
    )
    tqdm = metadata_from_message(msg, source="installed")
    assert (tqdm.license, tqdm.license_raw) == ("MIT", "MIT License")


def test_license_filter_ids_and_permissive() -> None:
    assert parse_license_filter("mit, apache-2.0") == ("Apache-2.0", "MIT")
    assert set(parse_license_filter("permissive,GPL-3.0-only")) == {*PERMISSIVE, "GPL-3.0-only"}
    with pytest.raises(ConfigError):
        parse_license_filter("MIT License")
    with pytest.raises(ConfigError):
        parse_license_filter("MIT AND Zlib")


@pytest.mark.parametrize(
    ("expression", "accepted"),
    [
        ("MIT", True),
        ("GPL-3.0-only", False),
        ("MIT OR GPL-3.0-only", True),
        ("MIT AND GPL-3.0-only", False),
        ("MPL-2.0 AND (Apache-2.0 OR MIT)", False),
        ("Apache-2.0 AND Apache-2.0 WITH LLVM-exception AND BSD-2-Clause", True),  # pytorch-ish
        ("(MIT", False),
        (None, False),
    ],
)
def test_expressions_under_permissive(expression: str | None, accepted: bool) -> None:
    ids = frozenset(i.upper() for i in PERMISSIVE)
    assert expression_accepted(expression, ids) is accepted


def test_build_with_license_filter_keeps_only_accepted_packages(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    for i, (name, declared) in enumerate(
        [("mitpkg", "MIT License"), ("gplpkg", "GPLv3"), ("bsdpkg", "BSD")]
    ):
        install_package(
            site, name, "1.0", {f"{name}/core.py": distinct_core(i, name)}, license=declared
        )
    out = tmp_path / "corpus"
    config = BuildConfig(
        sources=(f"installed:{site}",), out=out, executor="inline", licenses=("permissive",)
    )
    build(config)
    manifest = BuildManifest.model_validate_json((out / "build.json").read_text())
    with gzip.open(out / "packages" / "packages.jsonl.gz", "rt") as lines:
        packages = {row["name"]: row for row in map(json.loads, lines)}
    assert packages["mitpkg"]["units"] > 0
    assert packages["gplpkg"]["units"] == packages["bsdpkg"]["units"] == 0
    dropped = manifest.drops["filter"]["license"]
    assert dropped >= 2 * packages["mitpkg"]["units"]  # every unit of the other two
    examples = manifest.drop_examples["filter/license"]
    assert examples and all(e.startswith(("gplpkg:", "bsdpkg:")) for e in examples)
    assert (packages["gplpkg"]["license"], packages["gplpkg"]["license_raw"]) == (
        "GPL-3.0-only",
        "GPLv3",
    )
    card = (out / "README.md").read_text()
    assert "| MIT | 1 |" in card and "| GPL-3.0-only | 1 |" in card


def test_normalised_ids_have_hub_ids() -> None:
    assert [hub_license_id(i) for i in ("MIT", "GPL-3.0-only", "LGPL-2.1-or-later")] == [
        "mit",
        "gpl-3.0",
        "lgpl-2.1",
    ]

"""Which release and file are taken: latest release's sdist, else a pure wheel; conda order."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from pytorrent_crawlers.conda_version import VersionOrder
from pytorrent_crawlers.select import (
    choose_file,
    conda_rank,
    is_pure_wheel,
    is_python_package,
    latest_version,
    select_release,
)


def f(filename: str, packagetype: str = "sdist", yanked: bool = False) -> dict[str, Any]:
    return {"filename": filename, "url": f"http://h.test/{filename}", "packagetype": packagetype,
            "yanked": yanked}  # fmt: skip


def doc(latest: str, releases: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {"info": {"name": "p", "version": latest}, "releases": releases}


def test_declared_latest_is_taken_when_it_has_files() -> None:
    d = doc("1.0", {"1.0": [f("p-1.0.tar.gz")], "2.0b1": [f("p-2.0b1.tar.gz")]})
    assert latest_version(d) == "1.0"


def test_yanked_or_empty_latest_falls_back_to_highest_final() -> None:
    d = doc(
        "3.0",
        {
            "3.0": [f("p-3.0.tar.gz", yanked=True)],
            "2.10": [f("p-2.10.tar.gz")],
            "2.9": [f("p-2.9.tar.gz")],
            "4.0rc1": [f("p-4.0rc1.tar.gz")],
            "5.0": [],
        },
    )
    assert latest_version(d) == "2.10"
    assert latest_version(doc("1", {})) is None


def test_sdist_preferred_then_pure_wheel_py3_first() -> None:
    files = [
        f("p-1.0-cp311-cp311-manylinux_2_17_x86_64.whl", "bdist_wheel"),
        f("p-1.0-py2.py3-none-any.whl", "bdist_wheel"),
        f("p-1.0-py3-none-any.whl", "bdist_wheel"),
        f("p-1.0.zip"),
        f("p-1.0.tar.gz"),
    ]
    assert choose_file(files, False)["filename"] == "p-1.0.tar.gz"  # type: ignore[index]
    assert choose_file(files[:3], False)["filename"] == "p-1.0-py3-none-any.whl"  # type: ignore[index]
    assert choose_file(files[:1], False) is None


def test_pure_wheel_means_no_abi_any_platform() -> None:
    assert is_pure_wheel("p-1.0-py3-none-any.whl")
    assert not is_pure_wheel("p-1.0-cp311-abi3-manylinux_2_17_x86_64.whl")
    assert not is_pure_wheel("not-a-wheel.whl")


def test_pins_match_by_pep440_equality_and_allow_yanked() -> None:
    d = doc("2.0", {"1.0": [f("p-1.0.tar.gz", yanked=True)], "2.0": [f("p-2.0.tar.gz")]})
    picked = select_release(d, "1.0.0")
    assert (picked.version, picked.status) == ("1.0", "selected")
    assert select_release(d, "9").status == "version_not_found"
    assert select_release(d).version == "2.0"


def test_statuses_explain_a_missing_file() -> None:
    binary_only = doc("1.0", {"1.0": [f("p-1.0-cp311-cp311-win_amd64.whl", "bdist_wheel")]})
    assert select_release(binary_only).status == "no_python_archive"
    assert select_release(doc("1.0", {})).status == "no_release"
    assert select_release({"releases": "garbage"}).status == "no_release"


# conda's documented ordering (conda/models/version.py), oldest first.
CONDA_ORDER = [
    "0.4",
    "0.4.1.rc",
    "0.4.1",
    "0.5a1",
    "0.5b3",
    "0.5c1",
    "0.5",
    "0.9.6",
    "0.960923",
    "1.0",
    "1.1dev1",
    "1.1_",
    "1.1a1",
    "1.1.0dev1",
    "1.1.a1",
    "1.1.0rc1",
    "1.1.0",
    "1.1.0post1",
    "1996.07.12",
    "1!0.4.1",
    "1!3.1.1.6",
    "2!0.4.1",
]


def test_conda_version_order_matches_conda() -> None:
    versions = [VersionOrder(v) for v in CONDA_ORDER]
    assert sorted(reversed(versions)) == versions
    assert all(a < b for a, b in itertools.pairwise(versions))
    assert VersionOrder("0.4") == VersionOrder("0.4.0")
    assert VersionOrder("1.0+local.2") > VersionOrder("1.0+local.1")
    for bad in ("", "1.0-1", "a!1.0", "1..0"):
        with pytest.raises(ValueError):
            VersionOrder(bad)


def test_conda_rank_breaks_ties_by_build_time_and_format() -> None:
    record = {"version": "1.0", "build_number": 1, "timestamp": 5}
    assert conda_rank("p-1.0-0.conda", record) > conda_rank("p-1.0-0.tar.bz2", record)
    assert conda_rank("p-1.0-1.tar.bz2", record) > conda_rank(
        "p-1.0-0.conda", {**record, "build_number": 0}
    )


def test_python_packages_are_noarch_python_or_depend_on_python() -> None:
    assert is_python_package({"noarch": "python"})
    assert is_python_package({"depends": ["python >=3.11,<3.12.0a0", "numpy"]})
    assert not is_python_package({"depends": ["python_abi 3.11.* *_cp311", "libgcc"]})

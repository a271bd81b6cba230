"""Cache-key completeness: a setting a cached result depends on misses the cache, one it does
not depend on reuses everything, and either way the output equals a build without a cache."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest

from pytorrent.config import BuildConfig
from pytorrent.dedup import DedupConfig
from pytorrent.filters import FilterConfig
from pytorrent.pipeline import BuildReport, build
from pytorrent.sources.base import ReadLimits
from pytorrent.task_cache import settings_identity
from pytorrent.tasks import TaskSettings
from tests.envs import folder_bytes, make_site

PACKAGES = 4


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site(tmp_path_factory.mktemp("env"), packages=PACKAGES)


def _build(site: Path, out: Path, work: Path | None, **settings: Any) -> BuildReport:
    config = BuildConfig(
        **{"sources": (f"installed:{site}",), "out": out, "executor": "inline", **settings},
        work=work,
    )
    return build(config)


@pytest.fixture(scope="module")
def primed(site: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """A work folder holding every package's result for the default settings, and the output."""
    root = tmp_path_factory.mktemp("primed")
    assert _build(site, root / "out", root / "work").run.reused == 0
    return root / "work", folder_bytes(root / "out")


def _work_copy(primed: tuple[Path, dict[str, bytes]], tmp_path: Path) -> Path:
    """A copy of the primed work folder, so each test starts from the same cache."""
    return Path(shutil.copytree(primed[0], tmp_path / "work"))


# Settings every cached per-package result depends on (extraction, filters, signatures).
RESULT_SETTINGS: list[dict[str, Any]] = [
    {"categories": ("core", "test")},
    {"filter": False},
    {"dedup": False},
    {"dedup_seed": 7},  # the MinHash seed of the signatures
    {"dedup_anonymize": True},
    {"max_file_bytes": 200},  # core.py is larger: only __init__.py is read (one of the limits)
]


@pytest.mark.parametrize("settings", RESULT_SETTINGS, ids=lambda s: next(iter(s)))
def test_a_result_setting_misses_the_cache_and_matches_a_fresh_build(
    site: Path, tmp_path: Path, primed: tuple[Path, dict[str, bytes]], settings: dict[str, Any]
) -> None:
    work = _work_copy(primed, tmp_path)
    varied = _build(site, tmp_path / "varied", work, **settings)
    assert (varied.run.reused, varied.run.packages) == (0, PACKAGES)
    fresh = _build(site, tmp_path / "fresh", None, **settings)
    assert fresh.run.reused == 0
    assert folder_bytes(tmp_path / "varied") == folder_bytes(tmp_path / "fresh")
    # Each of these settings changes the corpus of this site, so reuse would have shown.
    assert folder_bytes(tmp_path / "varied") != primed[1]


def test_entries_of_two_settings_live_side_by_side(
    site: Path, tmp_path: Path, primed: tuple[Path, dict[str, bytes]]
) -> None:
    work = _work_copy(primed, tmp_path)
    assert _build(site, tmp_path / "a", work, filter=False).run.reused == 0
    assert _build(site, tmp_path / "b", work).run.reused == PACKAGES
    assert folder_bytes(tmp_path / "b") == primed[1]


# Settings applied in the driver after the per-package results, and run-only settings.
REUSING_SETTINGS: list[Any] = [
    {
        "dedup_threshold": 0.7,
        "seed": 7,  # the split's seed: signatures have their own (dedup_seed)
        "ratios": (0.5, 0.2, 0.3),
        "scenarios": (0, 3),
        "shard_records": 2,
        "jsonl": True,
    },
    {"limit": 2},
    {"workers": 3},
    pytest.param({"workers": 2, "executor": "local"}, marks=pytest.mark.slow),
]


@pytest.mark.parametrize("settings", REUSING_SETTINGS, ids=lambda s: next(iter(s)))
def test_a_driver_or_run_setting_reuses_everything_and_matches_a_fresh_build(
    site: Path, tmp_path: Path, primed: tuple[Path, dict[str, bytes]], settings: dict[str, Any]
) -> None:
    work = _work_copy(primed, tmp_path)
    varied = _build(site, tmp_path / "varied", work, **settings)
    expected_packages = settings.get("limit", PACKAGES)
    assert (varied.run.reused, varied.run.packages) == (expected_packages, expected_packages)
    _build(site, tmp_path / "fresh", None, **settings)
    assert folder_bytes(tmp_path / "varied") == folder_bytes(tmp_path / "fresh")


#: TaskSettings fields that say how a task runs, not what it produces. A new field must be
#: put here or into `settings_identity`: this list is that decision, written down.
RUN_ONLY_TASK_FIELDS = {"cache_dir", "package_timeout_s", "worker_memory_bytes"}


def test_the_settings_identity_names_every_task_setting_but_run_only_ones() -> None:
    settings = TaskSettings(
        ("core",), ReadLimits(), "/cache", filters=FilterConfig(), dedup=DedupConfig()
    )
    identity = orjson.loads(settings_identity(settings))
    fields = {f.name for f in dataclasses.fields(TaskSettings)}
    assert set(identity) == fields - RUN_ONLY_TASK_FIELDS
    assert identity["filters"] == orjson.loads(orjson.dumps(dataclasses.asdict(FilterConfig())))


@pytest.mark.parametrize(
    "change",
    [
        {"categories": ("core", "test")},
        {"limits": ReadLimits(max_members=3)},
        {"filters": FilterConfig.none()},
        {"filters": FilterConfig(min_code_lines=4)},
        {"dedup": None},
        {"dedup": DedupConfig(seed=2)},
        {"dedup": DedupConfig(shingle=3)},
        {"dedup": DedupConfig(num_perm=128)},
        {"dedup": DedupConfig(anonymize=True)},
    ],
    ids=repr,
)
def test_every_result_setting_changes_the_identity(change: dict[str, Any]) -> None:
    base = TaskSettings(("core",), ReadLimits(), "/cache", FilterConfig(), DedupConfig())
    assert settings_identity(dataclasses.replace(base, **change)) != settings_identity(base)


@pytest.mark.parametrize(
    "change",
    [
        {"cache_dir": "/elsewhere"},
        {"dedup": DedupConfig(threshold=0.7)},
        {"dedup": DedupConfig(bands=8, rows=4)},
        {"dedup": DedupConfig(verify=False, near=False)},
    ],
    ids=repr,
)
def test_driver_only_settings_leave_the_identity_alone(change: dict[str, Any]) -> None:
    base = TaskSettings(("core",), ReadLimits(), "/cache", FilterConfig(), DedupConfig())
    assert settings_identity(dataclasses.replace(base, **change)) == settings_identity(base)

"""Resumable builds: the work folder's task cache, its invalidation, and kill -9 + re-run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pytorrent.config import BuildConfig
from pytorrent.errors import WorkFolderBusyError
from pytorrent.extract import engine
from pytorrent.pipeline import BuildReport, build
from pytorrent.workdir import WorkFolder, default_work_dir
from tests.envs import folder_bytes, make_bulky_site, make_site


def inline_build(site: Path, out: Path, work: Path | None, **extra: object) -> BuildReport:
    config = BuildConfig(
        sources=(f"installed:{site}",), out=out, executor="inline", work=work, **extra
    )
    return build(config)


@pytest.fixture
def site5(tmp_path: Path) -> Path:
    return make_site(tmp_path / "env", packages=5)


def test_a_second_build_reuses_every_package_and_writes_the_same_bytes(
    site5: Path, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    first = inline_build(site5, tmp_path / "a", work)
    second = inline_build(site5, tmp_path / "b", work)
    assert (first.run.reused, second.run.reused) == (0, 5)
    assert second.run.packages == 5 and second.run.failed == 0
    assert folder_bytes(tmp_path / "a") == folder_bytes(tmp_path / "b")


def test_a_new_extractor_version_invalidates_the_cache(
    site5: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    inline_build(site5, tmp_path / "a", work)
    monkeypatch.setattr(engine, "EXTRACTOR_VERSION", engine.EXTRACTOR_VERSION + "-next")
    assert inline_build(site5, tmp_path / "b", work).run.reused == 0
    assert inline_build(site5, tmp_path / "c", work).run.reused == 5


def test_a_changed_file_or_setting_misses_only_what_it_changes(site5: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    inline_build(site5, tmp_path / "a", work)
    core = site5 / "pkg02" / "core.py"
    core.write_text(core.read_text() + "\n\ndef extra(x):\n    '''More.'''\n    return x\n")
    assert inline_build(site5, tmp_path / "b", work).run.reused == 4
    driver_only = inline_build(
        site5, tmp_path / "t", work, dedup_threshold=0.9, ratios=(0.5, 0.25, 0.25)
    )
    assert driver_only.run.reused == 5
    changed = inline_build(site5, tmp_path / "c", work, categories=("core", "test"))
    assert changed.run.reused == 0


def test_a_damaged_cache_entry_is_recomputed(site5: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    inline_build(site5, tmp_path / "a", work)
    next((work / "cache").glob("*/*.units.jsonl.zst")).unlink()
    marker = sorted((work / "cache").glob("*/*.json"))[-1]
    marker.write_text("{not json")
    again = inline_build(site5, tmp_path / "b", work)
    assert again.run.reused in (3, 4)  # the two damages may hit one entry
    assert folder_bytes(tmp_path / "a") == folder_bytes(tmp_path / "b")


def test_the_default_work_folder_goes_after_success_unless_kept(
    site5: Path, tmp_path: Path
) -> None:
    out = tmp_path / "corpus"
    inline_build(site5, out, None)
    assert not default_work_dir(out).exists()
    report = inline_build(site5, out, None, keep_work=True)
    assert (default_work_dir(out) / "cache").is_dir() and report.run.reused == 0
    assert inline_build(site5, out, None).run.reused == 5
    assert not default_work_dir(out).exists()
    assert not list(tmp_path.glob(".corpus.staging*"))


def test_a_work_folder_in_use_is_refused(tmp_path: Path) -> None:
    with WorkFolder(tmp_path / "work"), pytest.raises(WorkFolderBusyError, match="in use"):
        WorkFolder(tmp_path / "work").__enter__()
    with WorkFolder(tmp_path / "work") as work:  # released on exit
        assert work.cache.is_dir()


def _build_command(site: Path, out: Path, work: Path) -> list[str]:
    return [
        sys.executable, "-m", "pytorrent", "build", f"installed:{site}", "--out", str(out),
        "--work", str(work), "--workers", "2", "--quiet",
    ]  # fmt: skip


@pytest.mark.slow
def test_a_build_killed_after_its_first_package_resumes_to_identical_output(
    tmp_path: Path,
) -> None:
    site = make_bulky_site(tmp_path / "env", packages=8, functions=120)
    reference = subprocess.run(
        _build_command(site, tmp_path / "reference", tmp_path / "reference-work"),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert reference.returncode == 0, reference.stderr

    out, work = tmp_path / "out", tmp_path / "work"
    killed = subprocess.Popen(
        _build_command(site, out, work),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not list(work.glob("cache/*/*.json")) and time.monotonic() < deadline:
        assert killed.poll() is None, "the build ended before it could be killed"
        time.sleep(0.01)
    os.killpg(killed.pid, signal.SIGKILL)  # the driver and its pool, no clean-up at all
    killed.wait()
    assert not out.exists()
    done = len(list(work.glob("cache/*/*.json")))
    assert 1 <= done < 8

    resumed = subprocess.run(
        _build_command(site, out, work), capture_output=True, text=True, check=False
    )
    assert resumed.returncode == 0, resumed.stderr
    reused = int(resumed.stdout.split(" of 8 packages reused")[0].split()[-1])
    assert reused >= done
    assert folder_bytes(out) == folder_bytes(tmp_path / "reference")

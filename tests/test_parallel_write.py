"""A whole build whose shards are written in parallel (the two-phase segment writer, see
tests/test_segment_write.py for the writer alone) is the bytes of the driver's single pass,
with duplicates dropped and the CSN export on."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytorrent import output_steps
from pytorrent.config import BuildConfig
from pytorrent.pipeline import build
from pytorrent.stats import write_stats
from pytorrent.write.segments import write_shards_segmented
from tests.envs import distinct_core, folder_bytes, install_package, make_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = make_site(tmp_path_factory.mktemp("env"), packages=5)
    # pkg00's code under another name: its units are duplicates, dropped in every config.
    install_package(site, "pkgcopy", "1.0", {"pkgcopy/core.py": distinct_core(0, "pkg00")})
    return site


def test_a_parallel_write_is_the_bytes_of_the_single_pass(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = (f"installed:{site}",)
    single = build(BuildConfig(sources=source, out=tmp_path / "single", jsonl=True, workers=1))
    calls: list[int] = []
    real = write_shards_segmented
    pooled: list[bool] = []

    def stats_counted(*args: object, **kwargs: object) -> object:
        pooled.append(kwargs.get("executor") is not None)
        return write_stats(*args, **kwargs)  # type: ignore[arg-type]

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(output_steps, "PARALLEL_WRITE_MIN_UNITS", 0)
    monkeypatch.setattr(output_steps, "PARALLEL_STATS_MIN_UNITS", 0)
    monkeypatch.setattr(output_steps, "write_stats", stats_counted)
    monkeypatch.setattr(output_steps, "write_shards_segmented", counted)
    parallel = build(BuildConfig(sources=source, out=tmp_path / "parallel", jsonl=True, workers=2))
    assert calls == [1]
    assert pooled == [True]  # the statistics, too, were read through the pool
    assert single.manifest.counts["units"] > 0
    assert folder_bytes(tmp_path / "parallel") == folder_bytes(tmp_path / "single")
    assert list(parallel.manifest.split_counts) == list(single.manifest.split_counts)

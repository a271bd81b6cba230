"""The same build under every executor: byte-identical output, and a worker that dies
inside one package costs that package alone (counted), under the pool and under Dask."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytorrent.config import BuildConfig
from pytorrent.pipeline import build
from pytorrent.sources import InstalledSource
from tests.envs import folder_bytes, make_site
from tests.executor.tasks import WithCrashingPackage

pytestmark = [pytest.mark.xdist_group("dask")]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site(tmp_path_factory.mktemp("env"), packages=6)


@pytest.fixture(scope="module")
def inline_output(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("inline") / "corpus"
    build(BuildConfig(sources=(f"installed:{site}",), out=out, executor="inline"))
    return out


def test_local_pool_and_dask_write_the_bytes_inline_writes(
    site: Path, inline_output: Path, tmp_path: Path, dask_scheduler: str
) -> None:
    source = (f"installed:{site}",)
    build(BuildConfig(sources=source, out=tmp_path / "local", workers=2))
    dask = build(
        BuildConfig(
            sources=source, out=tmp_path / "dask", executor="dask", scheduler=dask_scheduler
        )
    )
    expected = folder_bytes(inline_output)
    assert folder_bytes(tmp_path / "local") == expected
    assert folder_bytes(tmp_path / "dask") == expected
    assert len(dask.run.worker_peak_rss) == 2  # both Dask workers took packages
    assert all(rss > 0 for rss in dask.run.worker_peak_rss.values())


@pytest.mark.parametrize("executor", ["local", "dask"])
def test_a_package_that_kills_its_worker_fails_alone_and_the_build_finishes(
    executor: str, site: Path, inline_output: Path, tmp_path: Path, dask_scheduler: str
) -> None:
    config = BuildConfig(
        out=tmp_path / "corpus",
        workers=2,
        executor=executor,
        scheduler=dask_scheduler if executor == "dask" else None,
    )
    report = build(config, sources=[WithCrashingPackage(InstalledSource(paths=(str(site),)))])
    assert report.manifest.drops["package"] == {"failed_worker_crash": 1}
    assert report.manifest.drop_examples["package/failed_worker_crash"] == ["zz-crash==1.0"]
    assert report.manifest.counts["packages"] == 6
    assert report.run.failed == 1
    units = ("pairs", "acs0", "acs1", "acs2", "acs3", "acs4", "acs5", "packages")
    assert folder_bytes(tmp_path / "corpus", *units) == folder_bytes(inline_output, *units)

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.envs import make_site
from tests.guard_folders import shared_folder

# Tests never reach the network; datasets must work from the files alone.
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A generated site-packages folder with three small packages."""
    return make_site(tmp_path)


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder every user may enter (for the tests that act as another user)."""
    with shared_folder() as folder:
        yield folder


@pytest.fixture(scope="session")
def dask_scheduler() -> Iterator[str]:
    """One Dask LocalCluster (2 single-threaded worker processes) for the whole session,
    configured like the one `--executor dask` starts; tests using it share an xdist group."""
    pytest.importorskip("distributed")
    from pytorrent.executor.dask import local_cluster

    with local_cluster(2) as cluster:
        yield cluster.scheduler_address

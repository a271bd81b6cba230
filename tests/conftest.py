from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.envs import make_site

# Tests never reach the network; datasets must work from the files alone.
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A generated site-packages folder with three small packages."""
    return make_site(tmp_path)

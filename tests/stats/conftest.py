from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.stats.known import build_known


@pytest.fixture(scope="session")
def known_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The known corpus as `build` wrote it; tests copy it before changing anything."""
    return build_known(tmp_path_factory.mktemp("known"))


@pytest.fixture
def known(known_built: Path, tmp_path: Path) -> Path:
    """A private copy of the known corpus."""
    return Path(shutil.copytree(known_built, tmp_path / "corpus"))


#: Removals written into the stats fixture's build.json (the known build removes nothing).
DROPS = {"dedup": {"near_duplicate": 5}, "select": {"category_test": 2}}


@pytest.fixture(scope="session")
def known_stats(known_built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the known corpus with DROPS in build.json and `write_stats` run once; tests
    only read it (copy it to change it)."""
    import json

    from pytorrent.stats import write_stats

    out = Path(shutil.copytree(known_built, tmp_path_factory.mktemp("stats") / "corpus"))
    manifest = json.loads((out / "build.json").read_text())
    manifest["drops"] = DROPS
    (out / "build.json").write_text(json.dumps(manifest, indent=2) + "\n")
    write_stats(out)
    return out

"""The installed source reads through the same safe path and limits as archives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pytorrent.drops import Drops
from pytorrent.sources.base import ReadLimits
from pytorrent.sources.installed import InstalledSource

from .builders import core_metadata


def test_installed_distributions_share_the_safe_reading_path(tmp_path: Path) -> None:
    site, outside = tmp_path / "site-packages", tmp_path / "outside"
    (site / "demo").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.py").write_text("SECRET = 1\n")
    (site / "demo" / "__init__.py").write_text("x = 1\n")
    (site / "demo" / "big.py").write_text("#" * 200)
    (site / "demo" / "link.py").symlink_to(outside / "secret.py")
    (site / "demo" / "linked").symlink_to(outside)
    os.mkfifo(site / "demo" / "fifo.py")
    dist_info = site / "demo-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_bytes(core_metadata("Demo", "1.0", License="MIT"))
    listed = ["__init__", "big", "link", "linked/secret", "fifo", "gone"]
    record = [f"demo/{name}.py,," for name in listed] + ["../../bin/tool.py,,"]
    (dist_info / "RECORD").write_text("\n".join(record) + "\n")

    drops = Drops()
    (handle,) = InstalledSource(paths=[str(site)]).packages(drops)
    content = handle.read(ReadLimits(max_file_bytes=100), drops)
    assert {raw.path: raw.data for raw in content.files} == {"demo/__init__.py": b"x = 1\n"}
    assert (content.metadata.name, content.metadata.license) == ("demo", "MIT")
    assert {reason: n for (_, reason), n in drops.counts.items()} == {
        "file_too_large": 1,
        "symlink": 2,  # the linked file, and the file under a linked folder
        "special_file": 1,
        "missing_file": 1,
    }


def test_missing_listed_files_are_counted_with_the_metadata_backport_loaded(
    tmp_path: Path,
) -> None:
    """importlib_metadata (imported by Dask, among others) serves `dist.files` without the
    files that do not exist; the reader must still see and count them."""
    pytest.importorskip("importlib_metadata")
    test_installed_distributions_share_the_safe_reading_path(tmp_path)

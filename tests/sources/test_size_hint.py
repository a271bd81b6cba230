"""Size hints order the work (heaviest first) without reading packages."""

from __future__ import annotations

from pathlib import Path

from pytorrent.drops import Drops
from pytorrent.sources import InstalledSource, parse_source_spec
from tests.envs import install_package


def test_installed_packages_weigh_their_python_files(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    install_package(site, "light", "1.0", {"light/core.py": "x = 1\n"})
    install_package(site, "heavy", "1.0", {"heavy/core.py": "y = 2\n" * 1000})
    hints = {h.name: h.size_hint() for h in InstalledSource(paths=(str(site),)).packages(Drops())}
    assert hints == {"light": 6, "heavy": 6000}


def test_an_archive_weighs_its_file_and_a_missing_one_nothing(tmp_path: Path) -> None:
    import tarfile

    root = tmp_path / "demo-1.0"
    (root / "demo").mkdir(parents=True)
    (root / "demo" / "core.py").write_text("def f():\n    return 1\n")
    (root / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n")
    archive = tmp_path / "inbox" / "demo-1.0.tar.gz"
    archive.parent.mkdir()
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(root, arcname="demo-1.0")
    (handle,) = parse_source_spec(f"dir:{archive.parent}").packages(Drops())
    assert handle.size_hint() == archive.stat().st_size
    archive.unlink()
    assert handle.size_hint() == 0

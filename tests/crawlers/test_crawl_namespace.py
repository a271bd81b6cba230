"""The crawlers install as `pytorrent_crawlers`, never as a top-level `crawlers`.

A top-level `crawlers` would overwrite or shadow any other distribution's package of that name.
From the checkout the `crawlers/` folder still imports (pytest puts the root on `sys.path`), so
a stray `import crawlers` would pass every other test: these tests scan for one, run a crawl
beside another distribution's `crawlers` from outside the checkout, and list a built wheel.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pytorrent_crawlers.store import Store
from tests.crawlers.crawlfix import publish_pypi, standard_projects
from tests.crawlers.indexserver import IndexServer

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "crawlers"
IMPORT_NAME = "pytorrent_crawlers"
SCANNED = ("pytorrent", "crawlers", "tests", "benchmarks")
DOTTED_OLD_NAME = re.compile(r"^crawlers\.[a-z_]")
DOC_OLD_NAME = re.compile(r"^\s*(from crawlers[. ]|import crawlers\b)|`crawlers\.[a-z_]", re.M)
FAST = ["--set", "AUTOTHROTTLE_ENABLED=0", "--set", "DOWNLOAD_DELAY=0", "--log-level", "warning"]

#: Another distribution's `crawlers`: the test fails if ours hides it or our code imports it.
FOREIGN_INIT = 'ORIGIN = "another distribution"\n'

#: Run outside the checkout: imports every crawler module, loads every dotted path of the
#: settings as Scrapy does, then imports `crawlers`, which must be the other distribution's.
PROBE = """
import importlib, json, pkgutil, sys
import pytorrent_crawlers, pytorrent.sources.remote, pytorrent.commands.crawl
from scrapy.settings import Settings
from scrapy.utils.misc import load_object

for info in pkgutil.walk_packages(pytorrent_crawlers.__path__, "pytorrent_crawlers."):
    importlib.import_module(info.name)
settings = Settings()
settings.setmodule("pytorrent_crawlers.settings", priority="project")
paths = [settings["HTTPCACHE_POLICY"]]
for key in ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "ITEM_PIPELINES", "EXTENSIONS"):
    paths += [path for path, order in settings.getdict(key).items() if order is not None]
objects = [load_object(path) for path in paths]
spiders = [importlib.import_module(name) for name in settings.getlist("SPIDER_MODULES")]
loaded = sorted(name for name in sys.modules if name.split(".")[0] == "crawlers")
import crawlers
print(json.dumps({"paths": paths, "loaded": loaded, "origin": crawlers.ORIGIN,
                  "modules": sorted({o.__module__ for o in objects}),
                  "spiders": [module.__name__ for module in spiders]}))
"""


def old_name_uses(path: Path, root: Path = ROOT) -> list[str]:
    """Imports of `crawlers` and dotted strings naming it (Scrapy settings, import_module)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [node.value] if DOTTED_OLD_NAME.match(node.value) else []
        else:
            continue
        found += [
            f"{path.relative_to(root)}:{node.lineno}: {name}"
            for name in names
            if name == "crawlers" or name.startswith("crawlers.")
        ]
    return found


def test_code_uses_only_the_installed_name() -> None:
    sources = [path for folder in SCANNED for path in sorted((ROOT / folder).rglob("*.py"))]
    sources += [ROOT / "noxfile.py", ROOT / "setup.py"]
    assert len(sources) > 100
    assert [use for path in sources for use in old_name_uses(path)] == []


def test_docs_use_only_the_installed_name() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    found = [
        f"{page.name}: {match.group(0).strip()}"
        for page in pages
        for match in DOC_OLD_NAME.finditer(page.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_scan_finds_the_old_name(tmp_path: Path) -> None:
    module = tmp_path / "stray.py"
    module.write_text(
        'import crawlers.run\nfrom crawlers import Store\nX = "crawlers.pipelines.P"\n'
        'OK = ["crawlers/pipelines.py", "tests.crawlers", "pytorrent_crawlers.run"]\n'
    )
    assert old_name_uses(module, root=tmp_path) == [
        "stray.py:1: crawlers.run",
        "stray.py:2: crawlers",
        "stray.py:3: crawlers.pipelines.P",
    ]


def test_the_import_name_links_to_the_crawlers_folder() -> None:
    """mypy, mutmut and the import-cycle test read the package under its import name."""
    link = ROOT / IMPORT_NAME
    assert link.is_symlink() and link.resolve() == FOLDER.resolve()


def test_crawl_beside_another_crawlers_package(
    server: IndexServer, clean_env: Path, tmp_path: Path
) -> None:
    """The CLI, the settings' dotted paths and the spawned spider all resolve to our package,
    from outside the checkout, while the other `crawlers` stays importable."""
    publish_pypi(server, standard_projects())
    foreign = tmp_path / "site" / "crawlers"
    foreign.mkdir(parents=True)
    (foreign / "__init__.py").write_text(FOREIGN_INIT)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    store = tmp_path / "cli-store"
    crawl = subprocess.run(
        [sys.executable, "-m", "pytorrent", "crawl", "pypi", "alpha", "delta",
         "--index-url", server.url("/simple/"), "--store", str(store), *FAST],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    assert {r["name"] for r in Store(store).records("pypi")} == {"alpha", "delta"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    seen = json.loads(result.stdout)
    assert seen["loaded"] == [] and seen["origin"] == "another distribution"
    assert len(seen["paths"]) >= 10
    assert all(path.startswith(f"{IMPORT_NAME}.") for path in seen["paths"])
    assert all(module.startswith(f"{IMPORT_NAME}.") for module in seen["modules"])
    assert seen["spiders"] == [f"{IMPORT_NAME}.spiders"]


def copy_sources(target: Path) -> None:
    """The files a build reads, without the link: the build must not depend on it."""
    target.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, target / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("pytorrent", "crawlers"):
        shutil.copytree(ROOT / folder, target / folder, ignore=ignore)


def build(args: list[str], cwd: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", *args],
        cwd=cwd, check=True, capture_output=True, timeout=300,
    )  # fmt: skip


def wheel_names(wheel: Path) -> tuple[set[str], list[str], set[str]]:
    """Top-level entries, top_level.txt, and the crawler files (relative to their package)."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        top_level_txt = next(name for name in names if name.endswith(".dist-info/top_level.txt"))
        top_level = archive.read(top_level_txt).decode().split()
    crawler_files = {
        name.removeprefix(f"{IMPORT_NAME}/") for name in names if name.startswith(f"{IMPORT_NAME}/")
    }
    return {name.split("/")[0] for name in names}, top_level, crawler_files


@pytest.mark.slow
def test_wheel_ships_pytorrent_crawlers_and_no_top_level_crawlers(tmp_path: Path) -> None:
    """From the tree (what `pip install .` builds) and from the sdist (what an index serves)."""
    source = tmp_path / "src"
    copy_sources(source)
    build([str(source), "-w", str(tmp_path / "from-tree")], tmp_path)
    subprocess.run(
        [sys.executable, "-c", "from setuptools import build_meta as b; b.build_sdist('../sdist')"],
        cwd=source, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (sdist,) = (tmp_path / "sdist").glob("*.tar.gz")
    build([str(sdist), "-w", str(tmp_path / "from-sdist")], tmp_path)
    expected = {
        path.relative_to(FOLDER).as_posix()
        for path in FOLDER.rglob("*")
        if path.is_file()
        and (path.suffix == ".py" or path.name == "py.typed")
        and "__pycache__" not in path.parts
    }
    for wheel in [
        *(tmp_path / "from-tree").glob("*.whl"),
        *(tmp_path / "from-sdist").glob("*.whl"),
    ]:
        top, top_level, crawler_files = wheel_names(wheel)
        (dist_info,) = top - {"pytorrent", IMPORT_NAME}
        assert dist_info.startswith("pytorrent-") and dist_info.endswith(".dist-info"), top
        assert top_level == ["pytorrent", IMPORT_NAME]
        assert crawler_files == expected

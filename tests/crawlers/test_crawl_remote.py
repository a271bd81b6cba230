"""`pypi:` and `conda:` build sources: crawl into the store, read its archives, add crawl facts."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import pytest

from pytorrent.drops import Drops
from pytorrent.errors import ConfigError
from pytorrent.sources.base import ReadLimits
from pytorrent.sources.remote import CrawledPackage
from pytorrent.sources.resolve import parse_source_spec
from tests.crawlers.archives import make_sdist
from tests.crawlers.crawlfix import CondaBuild, publish_conda, publish_pypi, standard_projects
from tests.crawlers.indexserver import IndexServer


@pytest.fixture
def fast_env(monkeypatch: pytest.MonkeyPatch, clean_env: Path) -> Path:
    """Crawl settings come from the environment, as they do for `pytorrent build`."""
    for name, value in {
        "AUTOTHROTTLE_ENABLED": "0",
        "DOWNLOAD_DELAY": "0",
        "BACKOFF_BASE": "0.01",
        "PROGRESS_INTERVAL": "0",
    }.items():
        monkeypatch.setenv(f"PYTORRENT_{name}", value)
    return clean_env


def test_pypi_source_reads_the_crawled_archive_with_crawl_facts(
    server: IndexServer, fast_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish_pypi(server, standard_projects())
    monkeypatch.setenv("PYTORRENT_INDEX_URL", server.url("/simple/"))
    source = parse_source_spec("pypi:Alpha")
    drops = Drops()
    handles = list(source.packages(drops))
    assert [h.key for h in handles] == ["alpha==2.0"]
    assert drops.total() == 0
    handle = pickle.loads(pickle.dumps(handles[0]))  # handles travel to worker processes
    assert isinstance(handle, CrawledPackage)
    content = handle.read(ReadLimits(), drops)
    meta = content.metadata
    assert (meta.name, meta.version, meta.source) == ("alpha", "2.0", "pypi")
    assert meta.release_count == 3
    assert meta.upload_time == "2024-01-03T10:00:00+00:00"
    assert meta.archive_sha256 == hashlib.sha256(make_sdist("alpha", "2.0")).hexdigest()
    assert meta.license == "MIT" and meta.purl == "pkg:pypi/alpha@2.0"
    files = {f.path: f.data for f in content.files}
    assert b"def add(a, b):" in files["src/alpha/__init__.py"]
    assert (fast_env / "archives").is_dir()  # PYTORRENT_STORE was used


def test_names_file_pins_and_counted_misses(
    server: IndexServer, fast_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    publish_pypi(server, standard_projects())
    monkeypatch.setenv("PIP_INDEX_URL", server.url("/simple"))
    names = tmp_path / "names.txt"
    names.write_text("# wanted\nalpha==1.0\ngamma\nnope\n")
    drops = Drops()
    handles = list(parse_source_spec(f"pypi:@{names}").packages(drops))
    assert [h.key for h in handles] == ["alpha==1.0"]
    assert drops.by_stage()["crawl"] == {"no_archive_no_python_archive": 1, "not_found": 1}
    assert drops.examples_by_key()["crawl/not_found"] == ["nope"]


def test_conda_source_with_one_name(server: IndexServer, fast_env: Path) -> None:
    builds = [
        CondaBuild("noarch", "pyfoo", "1.1", "py_0", ".conda", ["python"], "python"),
        CondaBuild("noarch", "other", "1.0", "py_0", ".conda", ["python"], "python"),
    ]
    publish_conda(server, "chan", builds)
    source = parse_source_spec(f"conda:{server.url('/chan')}::pyfoo")
    drops = Drops()
    handles = list(source.packages(drops))
    assert [h.key for h in handles] == ["pyfoo==1.1"]
    meta = handles[0].read(ReadLimits(), drops).metadata
    assert meta.source == "conda" and meta.release_count == 1
    assert meta.purl.startswith("pkg:conda/pyfoo@1.1?build=py_0&channel=")
    assert meta.upload_time == "2023-11-14T22:13:20+00:00"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("pypi:alpha>=1", "NAME or NAME==VERSION"),
        ("pypi:@/no/such/file", "no such names file"),
        ("pypi:alpha", "no package index configured"),
        ("conda:ftp://mirror.test/chan", "http"),
    ],
)
def test_bad_remote_specs_are_config_errors(clean_env: Path, spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_source_spec(spec)

"""Fixtures of the crawler tests: a loopback index server and fast crawl settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawlers.indexserver import IndexServer


@pytest.fixture
def server() -> Iterator[IndexServer]:
    srv = IndexServer()
    yield srv
    srv.close()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No index configuration from this machine leaks into a test."""
    for name in ("PIP_INDEX_URL", "PYTORRENT_INDEX_URL", "PYTORRENT_JSON_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("PYTORRENT_STORE", str(tmp_path / "store"))
    return tmp_path / "store"

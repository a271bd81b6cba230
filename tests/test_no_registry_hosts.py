"""No tracked file names a public registry host: index URLs come from configuration (pip's,
PYTORRENT_INDEX_URL, --index-url), and tests use loopback servers."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Spelled in parts so this file does not match itself.
HOSTS = tuple(
    ".".join(parts)
    for parts in (
        ("pypi", "org"),
        ("files", "pythonhosted", "org"),
        ("anaconda", "org"),
        ("conda", "anaconda", "org"),
        ("repo", "anaconda", "com"),
        ("huggingface", "co"),
    )
)


def test_no_tracked_file_names_a_registry_host() -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    found = []
    for name in filter(None, listed.split("\0")):
        path = ROOT / name
        if not path.is_file() or path.is_symlink():
            continue
        text = path.read_bytes().decode("utf-8", "replace").lower()
        found += [f"{name}: {host}" for host in HOSTS if host in text]
    assert found == []

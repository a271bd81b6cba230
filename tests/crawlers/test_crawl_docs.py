"""Every code block of docs/crawling.md runs as a script and does what the text says."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "crawling.md"
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)
RUNNERS = {"bash": ["bash"], "python": [sys.executable]}


def blocks() -> list[tuple[str, str]]:
    return [(m[1], m[2]) for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))]


def test_every_block_is_a_script() -> None:
    found = blocks()
    assert [language for language, _ in found] == ["bash", "python"]


@pytest.mark.slow
@pytest.mark.parametrize("index", range(2))
def test_block_runs(index: int, tmp_path: Path) -> None:
    language, code = blocks()[index]
    script = tmp_path / f"block.{'sh' if language == 'bash' else 'py'}"
    script.write_text(code, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTORRENT_", "PIP_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        [*RUNNERS[language], str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    if language == "bash":
        first, second, third = (line for line in done.stdout.splitlines() if "pypi:" in line)
        assert "1 packages" in first and "2 URLs refused" in first
        assert "refused      1 host" in done.stdout and "--allow-host" in done.stdout
        assert "refused      1 scheme  (e.g. file:///etc/passwd)" in done.stdout
        assert "2 packages" in second and "1 URLs refused" in second
        assert "2 packages" in third and "1 URLs refused" in third
    else:
        assert "refused: {'host': 1}" in done.stdout and "demo stored archives/" in done.stdout

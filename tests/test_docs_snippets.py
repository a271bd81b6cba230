"""Every ```python block of README.md and docs/*.md runs verbatim as a script file.

Blocks of one page run in order in one fresh folder (a later block may read what an earlier one
built), each as its own file, so a spawned worker re-importing `__main__` behaves as it would
for a user who saved the snippet. Pages whose blocks another test runs are listed in OWNED.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: Pages whose code blocks a dedicated test already runs (with the servers they need).
OWNED = {"crawling.md": "tests/crawlers/test_crawl_docs.py"}
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text(encoding="utf-8"))


RUNNABLE = [page for page in PAGES if python_blocks(page) and page.name not in OWNED]


def test_every_page_with_python_is_run_here_or_by_its_own_test() -> None:
    assert (ROOT / "README.md") in RUNNABLE
    for name, test in OWNED.items():
        assert (ROOT / test).is_file(), f"{name}'s blocks are said to run in {test}"


@pytest.mark.slow
@pytest.mark.parametrize("page", RUNNABLE, ids=[page.name for page in RUNNABLE])
def test_python_blocks_run_as_scripts(page: Path, tmp_path: Path) -> None:
    for number, code in enumerate(python_blocks(page), start=1):
        script = tmp_path / f"snippet_{number}.py"
        script.write_text(code, encoding="utf-8")
        result = subprocess.run(
            [sys.executable, script.name],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        assert result.returncode == 0, f"{page.name} block {number}:\n{code}\n{result.stderr}"

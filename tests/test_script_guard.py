"""The README quickstart saved without its `__main__` guard: before, each spawned worker started
a build of its own (30 WorkFolderBusyError tracebacks, every package failed) and the script
returned 0 with an empty corpus. Now the build fails with one line that names the fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.envs import make_site

UNGUARDED = """
from pytorrent import BuildConfig, build

report = build(BuildConfig(sources=("installed:{site}",), out="corpus", workers=2))
print("built", report.manifest.split_counts["pairs"])
"""
GUARDED = "if __name__ == '__main__':\n" + "".join(
    f"    {line}\n" for line in UNGUARDED.strip().splitlines()
)


def run_script(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    site = make_site(tmp_path, packages=2)
    (tmp_path / "quickstart.py").write_text(code.format(site=site))
    return subprocess.run(
        [sys.executable, "quickstart.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_an_unguarded_script_fails_and_says_how_to_fix_it(tmp_path: Path) -> None:
    result = run_script(tmp_path, UNGUARDED)
    assert result.returncode != 0
    assert "built" not in result.stdout
    assert 'if __name__ == "__main__":' in result.stderr.strip().splitlines()[-1]
    assert "WorkFolderBusyError" not in result.stderr
    assert not (tmp_path / "corpus").exists()  # no empty corpus left behind


def test_the_guarded_script_builds(tmp_path: Path) -> None:
    result = run_script(tmp_path, GUARDED)
    assert result.returncode == 0, result.stderr
    assert "built" in result.stdout
    assert (tmp_path / "corpus" / "build.json").is_file()

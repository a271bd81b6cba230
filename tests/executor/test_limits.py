"""A package that runs past its wall budget or its worker's memory fails alone, counted, and the
healthy package next to it is still extracted (before, one such package could hold a worker for
minutes or take it past 8 GB)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pytorrent.executor.limits import auto_worker_memory, parse_memory

HEALTHY = (
    'def double(value):\n    """Return twice the value given to it."""\n    return 2 * value\n'
)


def project(root: Path, name: str, files: dict[str, str]) -> None:
    (root / name / name).mkdir(parents=True)
    (root / name / "pyproject.toml").write_text(f'[project]\nname = "{name}"\nversion = "1.0"\n')
    for filename, text in files.items():
        (root / name / name / filename).write_text(text)


def many_functions(count: int) -> str:
    doc = '"""Add the two numbers given."""'
    return "".join(f"def f{i}(a, b):\n    {doc}\n    return a + b\n\n" for i in range(count))


def build(source: Path, out: Path, *flags: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    command = [sys.executable, "-m", "pytorrent", "build", "--quiet", f"dir:{source}"]
    result = subprocess.run(
        [*command, "--out", str(out), "--workers", "1", "--no-dedup", "--no-filter", *flags],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    manifest = json.loads((out / "build.json").read_text()) if result.returncode == 0 else {}
    return result, manifest


def test_a_package_past_its_wall_budget_is_counted_and_the_build_goes_on(tmp_path: Path) -> None:
    project(tmp_path / "src", "healthy", {"core.py": HEALTHY})
    project(tmp_path / "src", "slow", {"core.py": many_functions(12_000)})

    result, manifest = build(tmp_path / "src", tmp_path / "out", "--package-timeout", "1")

    assert result.returncode == 0, result.stderr
    assert manifest["drops"]["package"] == {"failed_timeout": 1}
    assert manifest["counts"]["packages_with_units"] == 1
    assert manifest["counts"]["function_units"] == 1


def worker_baseline_bytes() -> int:
    """Address space of a fresh worker after its imports, as the pool's workers have it."""
    probe = "import pytorrent.tasks, pathlib; print(pathlib.Path('/proc/self/status').read_text())"
    status = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout
    line = next(line for line in status.splitlines() if line.startswith("VmPeak:"))
    return int(line.split()[1]) * 1024


@pytest.mark.slow
def test_a_package_past_the_worker_memory_fails_alone(tmp_path: Path) -> None:
    project(tmp_path / "src", "healthy", {"core.py": HEALTHY})
    project(tmp_path / "src", "hungry", {"core.py": many_functions(15_000)})  # ~700 MB to parse
    limit = worker_baseline_bytes() + 250 * 1024**2

    result, manifest = build(
        tmp_path / "src", tmp_path / "out", "--worker-memory", f"{limit // 1024**2}M"
    )

    assert result.returncode == 0, result.stderr
    failed = manifest["drops"].get("package", {})
    extract = manifest["drops"].get("extract", {})
    # Python raises MemoryError (the package or its file is counted); native code that cannot
    # allocate ends its worker, which the pool counts as a lost task. Never an unbounded worker.
    assert failed or any("MemoryError" in reason or "nested" in reason for reason in extract)
    assert manifest["counts"]["function_units"] == 1


@pytest.mark.parametrize(
    ("text", "size"),
    [("4G", 4 * 1024**3), ("512M", 512 * 1024**2), ("1.5GiB", int(1.5 * 1024**3)), ("0", 0)],
)
def test_sizes_parse_with_their_unit(text: str, size: int) -> None:
    assert parse_memory(text) == size


@pytest.mark.parametrize("text", ["4096", "lots", "-1G", ""])
def test_sizes_without_a_unit_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="4G or 512M"):
        parse_memory(text)


def test_auto_memory_shares_the_machine_between_workers_within_bounds() -> None:
    assert 2 * 1024**3 <= auto_worker_memory(1) <= 8 * 1024**3
    assert auto_worker_memory(10_000) == 2 * 1024**3


def test_a_size_without_unit_is_one_line_naming_the_flag(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytorrent",
            "build",
            "--out",
            str(tmp_path / "o"),
            "--worker-memory",
            "4096",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("pytorrent build: --worker-memory:")
    assert len(result.stderr.strip().splitlines()) == 1

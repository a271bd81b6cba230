"""The trivial-package flag (<= 35 LOC, cyclomatic complexity <= 10)."""

from __future__ import annotations

from pathlib import Path

from pytorrent.filters import is_trivial_package, package_size
from tests.dedup.records import extract

NATURALSIZE = (
    Path(__file__).parents[1] / "dedup" / "fixtures" / "humanize_naturalsize.txt"
).read_text()

# A left-pad-sized package (the npm case Abdalkareem et al. studied), in Python.
LEFT_PAD = '''
def left_pad(text, width, fill=" "):
    """Pad text on the left to width characters."""
    if len(text) >= width:
        return text
    return fill * (width - len(text)) + text
'''

NESTED = '''
def outer(items):
    """Sum the squares of the even items."""
    def square(x):
        return x * x
    return sum(square(i) for i in items if i % 2 == 0)
'''


def test_small_package_is_trivial() -> None:
    records = extract(LEFT_PAD, path="left_pad/__init__.py")
    assert package_size(records).sloc <= 35
    assert is_trivial_package(records)


def test_real_function_over_the_limits_is_not() -> None:
    records = extract(NATURALSIZE, path="humanize/filesize.py")
    size = package_size(records)
    assert size.sloc > 35 or size.complexity > 10
    assert not is_trivial_package(records)


def test_module_level_lines_count_when_given() -> None:
    records = extract(LEFT_PAD, path="left_pad/__init__.py")
    assert not is_trivial_package(records, extra_sloc=40)


def test_nested_functions_are_counted_once() -> None:
    records = extract(NESTED, path="pkg/core.py")
    functions = [r for r in records if r["kind"] == "function"]
    assert len(functions) == 2
    outer = next(r for r in functions if r["func_name"] == "outer")
    size = package_size(records)
    assert size.functions == 1
    assert size.sloc == outer["metrics"]["sloc"]


def test_tests_and_build_scripts_do_not_count() -> None:
    records = extract(NATURALSIZE, path="tests/test_filesize.py")
    assert package_size(records).functions == 0
    assert is_trivial_package(records)

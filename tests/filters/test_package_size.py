"""What the trivial-package size counts: every outermost core/init function of every file,
whatever comes before it in the records, and nothing for a complexity radon could not give."""

from __future__ import annotations

from typing import Any

import pytest

from pytorrent.extract import engine
from pytorrent.filters import is_trivial_package, package_size
from tests.dedup.records import extract

NESTED_THEN_FLAT = '''
def outer(a):
    """Nested helper first."""
    def inner(b):
        return b + 1
    return inner(a)


def after(c):
    return c * 2
'''


def _functions(records: list[dict[str, Any]]) -> list[str]:
    return [r["func_name"] for r in records if r["kind"] == "function"]


def test_functions_after_a_nested_one_still_count() -> None:
    records = extract(NESTED_THEN_FLAT, path="pkg/core.py")
    assert _functions(records) == ["outer", "outer.<locals>.inner", "after"]
    size = package_size(records)
    outer, after = (next(r for r in records if r["func_name"] == n) for n in ("outer", "after"))
    assert size.functions == 2
    assert size.sloc == outer["metrics"]["sloc"] + after["metrics"]["sloc"]


def test_comment_units_and_test_files_before_a_function_do_not_stop_the_count() -> None:
    core = extract("# the base\nBASE = 10\n\n\ndef f(a):\n    return a + BASE\n", path="p/core.py")
    assert [r["kind"] for r in core] == ["comment", "function"]
    tests = extract("def test_f():\n    assert True\n", path="p/tests/test_core.py")
    size = package_size([*tests, *core])
    assert (size.functions, size.sloc) == (1, 2)


def test_a_function_without_metrics_does_not_stop_the_count() -> None:
    first, second = extract("def f(a):\n    return a\n\n\ndef g(b):\n    return b\n")
    size = package_size([{**first, "metrics": None}, second])
    assert (size.functions, size.sloc) == (1, 2)


def test_functions_of_different_files_never_nest() -> None:
    # Same line numbers in two files: the short one is not inside the long one.
    long = extract("def f(a):\n    b = a\n    c = b\n    return c\n", path="p/one.py")
    short = extract("def g(a):\n    return a\n", path="p/two.py")
    size = package_size([*long, *short])
    assert (size.functions, size.sloc) == (2, 6)


def test_a_complexity_radon_could_not_give_counts_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(tree: object) -> dict[int, int]:
        raise RecursionError("radon gave up")

    branches = "".join(f"    if a == {i}:\n        return {i}\n" for i in range(9))
    counted = extract(f"def f(a):\n{branches}    return a\n", path="p/core.py")
    monkeypatch.setattr(engine, "complexity_by_def_row", fail)
    unknown = extract("def g(a):\n    return a\n", path="p/other.py")
    assert unknown[0]["metrics"]["cyclomatic_complexity"] is None
    size = package_size([*counted, *unknown])
    assert size.complexity == 10  # 9 branches + 1, and nothing for g
    assert is_trivial_package([*counted, *unknown])

"""Every filter threshold at the boundary: exactly at it, one over and one under, on real
code through the real extractor (each case with only the filter under test switched on)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from pytorrent.filters import FilterConfig, UnitFilters, is_trivial_package, package_size
from pytorrent.filters.code_shape import LongLines, LowAlphanumeric, ShortCode
from tests.dedup.records import extract


def _only(name: str, **settings: Any) -> UnitFilters:
    return UnitFilters(replace(FilterConfig.none(), **{name: True, **settings}))


def _function(source: str) -> dict[str, Any]:
    return next(r for r in extract(source) if r["kind"] == "function")


def _kept(filters: UnitFilters, record: dict[str, Any]) -> bool:
    result = filters([record])
    assert len(result.kept) + sum(result.drops.counts.values()) == 1
    return result.kept == [record]


# -- short_code: at least 3 lines of code for a function, 1 for a comment unit ---------------


def _lines_function(lines: int) -> str:
    """A documented function of `lines` code lines (def included, docstring not)."""
    body = "".join(f"    step_{i} = value + {i}\n" for i in range(lines - 2))
    return f'def f(value):\n    """Add steps."""\n{body}    return value\n'


@pytest.mark.parametrize(("lines", "kept"), [(2, False), (3, True), (4, True)])
def test_short_code_keeps_a_function_from_three_lines(lines: int, kept: bool) -> None:
    record = _function(_lines_function(lines))
    assert len(record["code_without_comments"].splitlines()) == lines  # the docstring is not code
    assert _kept(_only("short_code"), record) is kept


@pytest.mark.parametrize(("minimum", "kept"), [(3, True), (4, False), (2, True)])
def test_short_code_minimum_is_a_setting(minimum: int, kept: bool) -> None:
    record = _function(_lines_function(3))
    assert _kept(_only("short_code", min_code_lines=minimum), record) is kept


@pytest.mark.parametrize(("minimum", "kept"), [(1, True), (2, False), (0, True)])
def test_short_code_of_a_one_statement_comment_unit(minimum: int, kept: bool) -> None:
    (record,) = [r for r in extract("# the default size\nSIZE = 3\n") if r["kind"] == "comment"]
    assert _kept(_only("short_code", min_comment_code_lines=minimum), record) is kept


# -- long_lines: any line over 1,000 characters, or a mean over 100 on >= 5 lines ------------


def _long_line_function(length: int) -> str:
    """Three lines; the middle one is exactly `length` characters long."""
    prefix = '    text = "'
    line = prefix + "x" * (length - len(prefix) - 1) + '"'
    assert len(line) == length
    return f"def f():\n{line}\n    return text\n"


@pytest.mark.parametrize(("length", "kept"), [(999, True), (1000, True), (1001, False)])
def test_one_long_line_drops_a_short_function(length: int, kept: bool) -> None:
    record = _function(_long_line_function(length))
    # Short lines around it keep the mean rule out of it (and only 3 lines: under 5).
    assert min(len(line) for line in record["code"].splitlines()) < 20
    assert _kept(_only("long_lines"), record) is kept


def _mean_function(lines: int, total: int) -> str:
    """`lines` lines of `total` characters in all (newlines not counted)."""
    head, tail = "def f():", "    return 0"
    middle = lines - 2
    room = total - len(head) - len(tail)
    widths = [room // middle + (1 if i < room % middle else 0) for i in range(middle)]
    body = "".join(f"    v{i} = '{'y' * (w - 11)}'\n" for i, w in enumerate(widths))
    code = f"{head}\n{body}{tail}\n"
    assert sum(len(line) for line in code.splitlines()) == total
    return code


@pytest.mark.parametrize(
    ("lines", "total", "kept"),
    [
        (5, 499, True),  # mean 99.8
        (5, 500, True),  # mean exactly 100
        (5, 501, False),  # mean 100.2
        (4, 600, True),  # mean 150, but under 5 lines: one long signature is normal
        (6, 606, False),  # mean 101
    ],
)
def test_mean_line_length_over_100_on_five_lines_or_more(
    lines: int, total: int, kept: bool
) -> None:
    record = _function(_mean_function(lines, total))
    assert max(len(line) for line in record["code"].splitlines()) < 1000
    assert _kept(_only("long_lines"), record) is kept


# -- low_alphanumeric: under 25% letters/digits among the visible characters ---------------


def _symbols_function(padding: int) -> str:
    """`def f():` / `return "+..."`: 10 alphanumeric and 5 + `padding` other characters."""
    return f'def f():\n    return "{"+" * padding}"\n'


@pytest.mark.parametrize(("padding", "kept"), [(24, True), (25, True), (26, False)])
def test_low_alphanumeric_keeps_a_quarter_exactly(padding: int, kept: bool) -> None:
    record = _function(_symbols_function(padding))
    visible = [c for c in record["code"] if not c.isspace()]
    assert sum(c.isalnum() for c in visible) == 10 and len(visible) == 15 + padding
    assert _kept(_only("low_alphanumeric"), record) is kept


# -- the trivial-package flag: <= 35 lines and total complexity <= 10 ------------------------


def _sized_function(name: str, sloc: int, branches: int = 0) -> str:
    """A function of `sloc` source lines and cyclomatic complexity `branches + 1`."""
    ifs = "".join(f"    if a == {i}:\n        return {i}\n" for i in range(branches))
    rest = "".join(f"    b_{i} = a + {i}\n" for i in range(sloc - 1 - 2 * branches))
    return f"def {name}(a):\n{ifs}{rest}"


def _package(*functions: str) -> list[dict[str, Any]]:
    return extract("\n".join(functions), path="tiny/__init__.py")


@pytest.mark.parametrize(("sloc", "trivial"), [(34, True), (35, True), (36, False)])
def test_trivial_up_to_35_lines(sloc: int, trivial: bool) -> None:
    records = _package(_sized_function("f", sloc))
    assert package_size(records).sloc == sloc
    assert is_trivial_package(records) is trivial


@pytest.mark.parametrize(("branches", "trivial"), [(8, True), (9, True), (10, False)])
def test_trivial_up_to_complexity_10(branches: int, trivial: bool) -> None:
    records = _package(_sized_function("f", 30, branches))
    assert package_size(records).complexity == branches + 1
    assert is_trivial_package(records) is trivial


@pytest.mark.parametrize(("extra", "trivial"), [(4, True), (5, True), (6, False)])
def test_lines_and_complexity_are_summed_over_functions(extra: int, trivial: bool) -> None:
    records = _package(_sized_function("f", 18, 4), _sized_function("g", 12, 4))
    size = package_size(records)
    assert (size.sloc, size.complexity, size.functions) == (30, 10, 2)
    assert is_trivial_package(records, extra_sloc=extra) is trivial


def test_one_more_branch_across_functions_is_not_trivial() -> None:
    records = _package(_sized_function("f", 18, 5), _sized_function("g", 12, 4))
    assert package_size(records).complexity == 11
    assert not is_trivial_package(records)


@pytest.mark.parametrize(("extra", "trivial"), [(34, True), (35, True), (36, False)])
def test_a_package_without_functions_counts_its_module_lines(extra: int, trivial: bool) -> None:
    records = extract("SIZE = 3\n", path="tiny/__init__.py")
    assert package_size(records).functions == 0
    assert is_trivial_package(records, extra_sloc=extra) is trivial


def test_a_nested_function_on_its_parents_last_line_is_counted_once() -> None:
    records = _package("def outer(a):\n    b = a + 1\n    def inner(): return b\n")
    spans = sorted((r["start_line"], r["end_line"]) for r in records if r["kind"] == "function")
    assert spans == [(1, 3), (3, 3)]  # inner starts on the line where outer ends
    size = package_size(records)
    assert (size.functions, size.sloc) == (1, 3)


# -- the filter classes on their own: defaults, comments, missing fields ---------------------


def test_the_filter_classes_default_to_the_documented_thresholds() -> None:
    three, two = _function(_lines_function(3)), _function(_lines_function(2))
    assert (ShortCode().drops(three), ShortCode().drops(two)) == (False, True)
    (comment,) = [r for r in extract("# the default size\nSIZE = 3\n") if r["kind"] == "comment"]
    assert not ShortCode().drops(comment)
    at, over = _function(_long_line_function(1000)), _function(_long_line_function(1001))
    assert (LongLines().drops(at), LongLines().drops(over)) == (False, True)
    mean_at, mean_over = _function(_mean_function(5, 500)), _function(_mean_function(5, 501))
    assert (LongLines().drops(mean_at), LongLines().drops(mean_over)) == (False, True)
    four_long = _function(_mean_function(4, 600))
    assert not LongLines().drops(four_long)
    quarter, under = _function(_symbols_function(25)), _function(_symbols_function(26))
    assert (LowAlphanumeric().drops(quarter), LowAlphanumeric().drops(under)) == (False, True)


COMMENTED = """
def f(value):
    # first, the step
    # (and why it is needed)
    return value + 1
"""


def test_short_code_counts_code_lines_not_comment_lines() -> None:
    record = _function(COMMENTED)
    assert len(record["code"].splitlines()) == 4
    assert len(record["code_without_comments"].splitlines()) == 2
    assert ShortCode().drops(record)
    assert not ShortCode(min_function_lines=2).drops(record)


def test_short_code_reads_the_code_when_a_record_has_no_comment_free_view() -> None:
    record = _function(COMMENTED)
    del record["code_without_comments"]  # e.g. a record from another producer
    assert not ShortCode(min_function_lines=4).drops(record)
    assert ShortCode(min_function_lines=5).drops(record)


def test_empty_code_is_neither_long_nor_symbol_soup() -> None:
    record = {**_function(COMMENTED), "code": ""}
    assert not LongLines().drops(record)
    assert not LowAlphanumeric().drops(record)


def test_a_comment_unit_without_any_code_is_short() -> None:
    (comment,) = [r for r in extract("# the default size\nSIZE = 3\n") if r["kind"] == "comment"]
    bare = {k: v for k, v in comment.items() if k not in ("code", "code_without_comments")}
    assert ShortCode().drops(bare)
    assert not ShortCode().drops(comment)

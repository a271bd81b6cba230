"""The comment association rule of docs/architecture.md, "Units and records", case by case (these tests are its spec)."""

from __future__ import annotations

import pytest

from tests.extract.helpers import comment_units, extract, functions


def pairs(source: str) -> list[tuple[list[str], str]]:
    return [(u.comments, u.code) for u in comment_units(source)]


def test_module_level_block_takes_statements_until_next_block() -> None:
    assert pairs(
        """
        import os

        # Defaults used everywhere.
        SIZE = 3
        OTHER = 4
        # A second block.
        THIRD = 5
        """
    ) == [
        (["Defaults used everywhere."], "SIZE = 3\nOTHER = 4\n"),
        (["A second block."], "THIRD = 5\n"),
    ]


def test_outside_functions_def_ends_the_code_unless_it_is_first() -> None:
    assert pairs(
        """
        # Setup.
        x = 1
        def f():
            return x
        # Helper below.
        def g():
            return 2
        y = 3
        """
    ) == [(["Setup."], "x = 1\n"), (["Helper below."], "def g():\n    return 2\n")]


def test_inside_functions_nested_defs_do_not_end_the_code() -> None:
    units = comment_units(
        """
        def f():
            # build a closure
            def g():
                return 1
            return g
        """
    )
    assert [(u.comments, u.code, u.func_name) for u in units] == [
        (["build a closure"], "    def g():\n        return 1\n    return g\n", "f:L3")
    ]


def test_class_body_comments() -> None:
    assert pairs(
        """
        class A:
            # the default
            x = 1

            # a method
            def m(self):
                return self.x
        """
    ) == [
        (["the default"], "    x = 1\n"),
        (["a method"], "    def m(self):\n        return self.x\n"),
    ]


def test_comment_before_else_and_except_takes_the_clause() -> None:
    units = comment_units(
        """
        def f(x):
            # try the fast path
            try:
                y = x()
            # fall back on errors
            except ValueError:
                y = 0
            if y:
                pass
            # otherwise reset
            else:
                y = 1
            return y
        """
    )
    got = [(u.comments, u.code) for u in units]
    assert got[0] == (["try the fast path"], "    try:\n        y = x()\n")
    assert got[1][0] == ["fall back on errors"]
    assert got[1][1].startswith("    except ValueError:\n        y = 0\n    if y:\n")
    assert got[2] == (["otherwise reset"], "    else:\n        y = 1\n    return y\n")


def test_consecutive_blocks_first_has_no_code_and_is_counted() -> None:
    units, drops = extract(
        """
        # Section heading

        # compute x
        x = 1
        """
    )
    assert [(u.comments, u.code) for u in units if u.kind == "comment"] == [
        (["compute x"], "x = 1\n")
    ]
    assert drops.counts[("comment", "comment_without_code")] == 1


def test_comment_at_end_of_block_is_counted() -> None:
    units, drops = extract(
        """
        def f():
            if True:
                x = 1
                # nothing after this
            return x
        # trailing module comment
        """
    )
    assert [u for u in units if u.kind == "comment"] == []
    assert drops.counts[("comment", "comment_at_block_end")] == 1
    assert drops.counts[("comment", "comment_without_code")] == 1


def test_inline_comments_are_no_units_but_count_for_the_function() -> None:
    source = "def f():\n    x = 1  # why one\n    return x\n"
    assert comment_units(source) == []
    assert functions(source)["f"].comments == ["why one"]


def test_multi_line_block_and_indentation_split() -> None:
    assert pairs(
        """
        # line one
        # line two
        #   indented continuation
        x = 1
        """
    ) == [(["line one", "line two", "indented continuation"], "x = 1\n")]


@pytest.mark.parametrize(
    "directive",
    [
        "# noqa: E501",
        "# type: ignore[attr-defined]",
        "# pragma: no cover",
        "# pylint: disable=invalid-name",
        "# fmt: off",
        "# isort: skip_file",
        "# mypy: ignore-errors",
    ],
)
def test_tool_directives_are_not_developer_comments(directive: str) -> None:
    units, drops = extract(f"{directive}\nx = 1\n\ndef f():\n    {directive}\n    return 1\n")
    assert [u for u in units if u.kind == "comment"] == []
    assert functions(f"def f():\n    {directive}\n    return 1\n")["f"].comments == []
    assert drops.counts[("comment", "tool_directive")] == 2


def test_shebang_cookie_and_license_header_are_not_units() -> None:
    units, drops = extract(
        "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n# Copyright 2020 Someone\n"
        "# Licensed under the MIT license.\n\nimport os\n"
    )
    assert [u for u in units if u.kind == "comment"] == []
    assert drops.counts[("comment", "license_header")] == 1


@pytest.mark.parametrize(
    "code_comment",
    ["# x = compute(1, 2)", "# return self.value", "# import numpy as np", "# if x:\n#     y()"],
)
def test_commented_out_code_is_kept_apart_and_does_not_cut(code_comment: str) -> None:
    source = f"# compute the values\na = 1\n{code_comment}\nb = 2\n"
    units, drops = extract(source)
    comments = [u for u in units if u.kind == "comment"]
    assert [(u.comments, u.code) for u in comments] == [
        (["compute the values"], f"a = 1\n{code_comment}\nb = 2\n")
    ]
    # One count per commented-out line (the two-line `if` is one block of two lines).
    assert drops.counts[("comment", "commented_out_code")] == code_comment.count("\n") + 1


@pytest.mark.parametrize(
    "prose",
    ["# TODO", "# Note: this is slow", "# see foo.bar for details", "# e.g. (a, b) pairs", "# 42"],
)
def test_prose_is_not_mistaken_for_code(prose: str) -> None:
    assert [u.comments for u in comment_units(f"{prose}\nx = 1\n")] == [[prose[2:]]]


def test_comment_units_carry_category_and_span() -> None:
    units, _ = extract("# doc\nx = 1\n", path="pkg/tests/test_a.py")
    (unit,) = units
    assert (unit.category, unit.start_line, unit.end_line) == ("test", 1, 2)
    assert unit.original_string == "# doc\nx = 1\n"
    assert unit.func_name == "<module>:L1"

"""Prose that parses as Python is still prose: each exclusion of the commented-out-code
check (a name, a constant, an attribute, a tuple, a bare annotation) keeps its comment unit,
and the same text made into a statement is code."""

from __future__ import annotations

import pytest

from tests.extract.helpers import extract

CODE = "size = (3, 4)\n"


@pytest.mark.parametrize(
    "prose",
    [
        "(TODO)",  # a name
        "(42)",  # a constant
        "(foo.bar)",  # an attribute
        "(width, height)",  # a tuple
        "Returns: (int)",  # an annotation without a value
    ],
)
def test_prose_that_parses_as_an_expression_keeps_its_unit(prose: str) -> None:
    units, drops = extract(f"# {prose}\n{CODE}")
    assert [(u.kind, u.comments, u.commented_out_code, u.code) for u in units] == [
        ("comment", [prose], [], CODE)
    ]
    assert drops.counts[("comment", "commented_out_code")] == 0


@pytest.mark.parametrize("code", ["(width, height) = size", "[width, height]", "print(width)"])
def test_the_same_words_as_a_statement_are_commented_out_code(code: str) -> None:
    units, drops = extract(f"# {code}\n{CODE}")
    assert units == []  # no prose left, so no comment unit
    assert drops.counts[("comment", "commented_out_code")] == 1

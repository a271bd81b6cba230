"""Prose that parses as Python is still prose: each exclusion of the commented-out-code
check (a name, a constant, an attribute, a tuple, a bare annotation) keeps its comment unit,
and the same text made into a statement is code."""

from __future__ import annotations

import pytest

from pytorrent.extract import comments as cm
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


# -- the helpers one by one: cookies, bodies, code views ---------------------------------------


@pytest.mark.parametrize(("row", "interpreter"), [(1, True), (2, True), (3, False)])
def test_an_encoding_cookie_counts_on_lines_1_and_2_only(row: int, interpreter: bool) -> None:
    assert cm.is_interpreter_line("# -*- coding: utf-8 -*-", row) is interpreter
    assert not cm.is_interpreter_line("# plain words", row)


@pytest.mark.parametrize(
    ("comment", "body"),
    [
        ("# why this is ok  # noqa: E501", "why this is ok"),
        ("#X11 forwarding", "X11 forwarding"),
        ("# Section ##", "Section"),
        ("#\tTabbed note", "Tabbed note"),
    ],
)
def test_comment_body(comment: str, body: str) -> None:
    assert cm.comment_body(comment) == body


@pytest.mark.parametrize(
    ("comments", "code"),
    [
        (["# if x:", "#     y()"], ["if x:", "    y()"]),  # one space off, indentation kept
        (["#  x = 1"], ["x = 1"]),
        (["#x = 1"], ["x = 1"]),
        (["#X = compute(1)"], ["X = compute(1)"]),
    ],
)
def test_code_views_of_commented_out_code(comments: list[str], code: list[str]) -> None:
    assert cm.split_commented_code(comments) == ([], code)


def test_text_without_a_code_hint_or_parsing_to_nothing_is_prose() -> None:
    assert not cm.looks_like_code("a + b")  # parses, but nothing says code
    assert cm.split_commented_code(["## (see below)"]) == (["(see below)"], [])
    assert cm.split_commented_code(["# # note (x)"]) == (["note (x)"], [])  # parses to nothing

"""The natural-language rules at their boundaries: docstrings and comment blocks of exactly
`min_tokens`, one under and one over, counted from the extractor's tokens or from words."""

from __future__ import annotations

from typing import Any

import pytest

from pytorrent.filters.natural_language import (
    ShortComment,
    ShortDocstring,
    docstring_token_count,
)
from tests.dedup.records import extract


def _function(docstring: str) -> dict[str, Any]:
    body = f'    """{docstring}"""\n' if docstring else ""
    source = f"def scale(value):\n{body}    step = value * 2\n    return step + 1\n"
    return next(r for r in extract(source) if r["kind"] == "function")


def _comment(*lines: str) -> dict[str, Any]:
    block = "".join(f"# {line}\n" for line in lines)
    return next(r for r in extract(f"{block}SIZE = 3\n") if r["kind"] == "comment")


@pytest.mark.parametrize(
    ("docstring", "dropped"),
    [("Scale it", True), ("Scale the value", False), ("Scale the value twice", False)],
)
def test_a_docstring_needs_three_tokens_by_default(docstring: str, dropped: bool) -> None:
    record = _function(docstring)
    assert docstring_token_count(record) == len(docstring.split())
    assert ShortDocstring().drops(record) is dropped


@pytest.mark.parametrize(("minimum", "dropped"), [(2, False), (3, False), (4, True)])
def test_the_docstring_minimum_is_a_setting(minimum: int, dropped: bool) -> None:
    assert ShortDocstring(min_tokens=minimum).drops(_function("Scale the value")) is dropped


def test_a_one_token_docstring_is_short_and_no_docstring_is_a_setting() -> None:
    assert ShortDocstring().drops(_function("Deprecated"))
    bare = _function("")
    assert docstring_token_count(bare) == 0
    assert not ShortDocstring().drops(bare)
    assert ShortDocstring(require_docstring=True).drops(bare)
    # A one-token docstring is short whether or not docstrings are required.
    assert ShortDocstring(require_docstring=True).drops(_function("Deprecated"))
    assert not ShortDocstring(require_docstring=True).drops(_function("Scale the value"))


def test_the_extractors_tokens_count_over_the_words_of_the_text() -> None:
    record = _function("Scale the value")
    tokens = {**record, "docstring_tokens": ["Scale"]}
    assert docstring_token_count(tokens) == 1 and ShortDocstring().drops(tokens)
    words_only = {k: v for k, v in record.items() if k != "docstring_tokens"}
    assert docstring_token_count(words_only) == 3 and not ShortDocstring().drops(words_only)
    assert docstring_token_count({"docstring": None}) == 0
    assert docstring_token_count({}) == 0


@pytest.mark.parametrize(
    ("lines", "dropped"),
    [(("fix it",), True), (("fix the size",), False), (("fix", "the size"), False)],
)
def test_a_comment_block_needs_three_words_over_all_its_lines(
    lines: tuple[str, ...], dropped: bool
) -> None:
    assert ShortComment().drops(_comment(*lines)) is dropped


@pytest.mark.parametrize(("minimum", "dropped"), [(2, False), (3, False), (4, True)])
def test_the_comment_minimum_is_a_setting(minimum: int, dropped: bool) -> None:
    assert ShortComment(min_tokens=minimum).drops(_comment("fix the size")) is dropped


def test_comment_lines_are_not_glued_into_one_word() -> None:
    # ["fix", "size", "now"] joined without a separator would read as one word.
    record = {**_comment("fix the size"), "comments": ["fix", "size", "now"]}
    assert not ShortComment().drops(record)
    assert ShortComment().drops({**record, "comments": None})
    assert ShortComment().drops({k: v for k, v in record.items() if k != "comments"})

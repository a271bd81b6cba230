"""Empty bodies token by token (`pass`, `...`, `;`, `raise NotImplementedError(...)` with
nested arguments, defaults with brackets in the header), and comment units whose only
language is commented-out code."""

from __future__ import annotations

from typing import Any

import pytest

from pytorrent.filters.commented_out import CommentedOutCode
from pytorrent.filters.empty_body import EmptyBody, body_tokens, is_empty_body
from tests.dedup.records import extract


def _function(source: str) -> dict[str, Any]:
    return next(r for r in extract(source) if r["kind"] == "function")


@pytest.mark.parametrize(
    ("source", "empty"),
    [
        ("def f():\n    ...\n", True),
        ("def f():\n    pass; pass\n", True),
        ("def f():\n    pass; ...\n", True),
        ("def f():\n    raise NotImplementedError\n", True),
        ("def f():\n    raise NotImplementedError\n    pass\n", True),
        ("def f():\n    raise NotImplementedError(g(1), 'no')\n", True),
        ("def f():\n    raise NotImplementedError(g(1))\n    ...\n", True),
        ("def f():\n    raise NotImplementedError(g(1))\n    return 1\n", False),
        ("def f():\n    raise NotImplementedError\n    return 1\n", False),
        ("def f():\n    raise ValueError\n", False),
        ("def f():\n    raise\n", False),
        ("def f(a=(1, 2), b={'k': [3]}) -> dict[str, int]:\n    pass\n", True),
        ("def f(a=(1, 2), b={'k': [3]}) -> dict[str, int]:\n    return a\n", False),
        ("def f():\n    x = 1\n    pass\n", False),
        ("def f():\n    pass\n    x\n", False),  # one statement after the pass
        ("def f():\n    pass; raise NotImplementedError\n    return 1\n", False),
    ],
)
def test_empty_body(source: str, empty: bool) -> None:
    assert EmptyBody().drops(_function(source)) is empty


def test_the_body_starts_after_the_header_colon() -> None:
    header = ["def", "f", "(", "a", "=", "{", "1", ":", "2", "}", ")", ":"]
    assert body_tokens([*header, "pass"]) == ["pass"]
    assert body_tokens(["x", ":", "def", "g", "(", ")", ":", "..."]) == ["..."]
    assert body_tokens(["def", "g", "(", ")"]) is None
    assert body_tokens(["pass"]) is None


def test_an_unclosed_raise_argument_list_is_still_empty() -> None:
    assert is_empty_body(["raise", "NotImplementedError", "(", "x"])
    assert is_empty_body(["raise", "NotImplementedError"])
    assert not is_empty_body(["raise"])


def _comment_unit(source: str) -> dict[str, Any]:
    return next(r for r in extract(source) if r["kind"] == "comment")


def test_a_comment_unit_with_language_stays_despite_commented_out_code() -> None:
    record = _comment_unit("# why the size is three\n# size = compute()\nSIZE = 3\n")
    assert record["comments"] and record["commented_out_code"]
    assert not CommentedOutCode().drops(record)
    no_language = {**record, "comments": ["   "]}
    assert CommentedOutCode().drops(no_language)
    assert CommentedOutCode().drops({**record, "comments": None})


def test_units_of_other_kinds_are_not_judged() -> None:
    record = {
        **_comment_unit("# why the size is three\n# size = compute()\nSIZE = 3\n"),
        "kind": "x",
    }
    assert not CommentedOutCode().drops({**record, "comments": []})

from __future__ import annotations

import pytest

from pytorrent.extract.categories import parse_categories, script_category
from pytorrent.extract.docstrings import docstring_style, docstring_summary


@pytest.mark.parametrize(
    ("path", "category"),
    [
        ("pkg/core.py", "core"),
        ("pkg/tests/helpers.py", "test"),
        ("testing/x.py", "test"),
        ("pkg/test_io.py", "test"),
        ("pkg/io_test.py", "test"),
        ("conftest.py", "test"),
        ("pkg/__init__.py", "init"),
        ("setup.py", "other"),
        ("noxfile.py", "other"),
        ("docs/conf.py", "other"),
        ("pkg/testimony.py", "core"),
        ("pkg/conf.py", "core"),
    ],
)
def test_script_category(path: str, category: str) -> None:
    assert script_category(path) == category


def test_parse_categories() -> None:
    assert parse_categories("test,core") == ("core", "test")
    assert parse_categories("all") == ("core", "test", "init", "other")
    with pytest.raises(ValueError):
        parse_categories("core,bogus")


@pytest.mark.parametrize(
    ("doc", "summary"),
    [
        ("One line.", "One line."),
        ("First para\nwraps.\n\nSecond.", "First para wraps."),
        ("Summary.\nArgs:\n    x: y", "Summary."),
        ("Summary.\n:param x: y", "Summary."),
        ("Summary.\n\nParameters\n----------\nx : int", "Summary."),
        ("Summary.\nParameters\n----------\nx : int", "Summary."),
        ("Summary.\n>>> f()", "Summary."),
        ("", ""),
    ],
)
def test_summary_is_the_first_paragraph(doc: str, summary: str) -> None:
    assert docstring_summary(doc) == summary


@pytest.mark.parametrize(
    ("doc", "style"),
    [
        ("Do.\n\nArgs:\n    x: y\n", "google"),
        ("Do.\n\nParameters\n----------\nx : int\n", "numpy"),
        ("Do.\n\n:param x: y\n:returns: z", "rest"),
        ("Do.\n\n@param x: y", "epytext"),
        ("Just prose.", "plain"),
        ("", "none"),
    ],
)
def test_docstring_style(doc: str, style: str) -> None:
    assert docstring_style(doc) == style

"""Every rule of docstring cleaning, summaries, style detection and doctest flags, one case per
section name and field: a rule dropped from one of the patterns changes one of these answers."""

from __future__ import annotations

import pytest

from pytorrent.extract.docstrings import (
    clean_docstring,
    docstring_style,
    docstring_summary,
    has_doctest,
)


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("Summary.\n\n    Body line.\n    ", "Summary.\n\nBody line."),
        ("a   \n    b  \n    c\t", "a\nb\nc"),
        ("   \n\t\n  ", ""),
        ("", ""),
        ("\n\n      deep\n    shallow\n", "  deep\nshallow"),
        ("One.\n\n\n    Two.\n\n\n", "One.\n\n\nTwo."),
        ("etc.\n    ", "etc."),
        ("X marks the spot.\n\n    Found at X", "X marks the spot.\n\nFound at X"),
    ],
)
def test_clean_docstring(raw: str, cleaned: str) -> None:
    assert clean_docstring(raw) == cleaned


@pytest.mark.parametrize(
    ("doc", "summary"),
    [
        ("\n\nSummary after blank lines.\n\nMore.", "Summary after blank lines."),
        ("Args:\n    x: y", ""),
        ("Returns:\n    The thing.", ""),
        (">>> f()\n1", ""),
        ("callable.  If so,\n   it   is\tcalled.", "callable. If so, it is called."),
        ("Summary.\nsee a---b for details", "Summary. see a---b for details"),
        ("Summary.\n  ---  \nmore", ""),
        ("----\nText.", "---- Text."),
        ("Summary.\n.. note:: careful", "Summary."),
        ("Summary.\n..note:: not a directive", "Summary. ..note:: not a directive"),
        ("Summary.\n:params x: not a field", "Summary. :params x: not a field"),
        ("Summary mentions >>> mid-line.", "Summary mentions >>> mid-line."),
        ("Summary.\nReturns the value, then stops.", "Summary. Returns the value, then stops."),
    ],
)
def test_summary_edges(doc: str, summary: str) -> None:
    assert docstring_summary(doc) == summary


_TITLES = [
    "Args",
    "Arguments",
    "Parameters",
    "Params",
    "Return",
    "Returns",
    "Yield",
    "Yields",
    "Raise",
    "Raises",
    "Example",
    "Examples",
    "Note",
    "Notes",
    "Attributes",
    "Keyword Args",
    "Other Parameters",
    "See Also",
    "References",
    "Warning",
    "Warnings",
    "Todo",
]


@pytest.mark.parametrize("title", _TITLES)
@pytest.mark.parametrize("ending", [":", "", " :", ":  "])
def test_a_section_title_ends_the_summary(title: str, ending: str) -> None:
    for spelled in (title, title.lower(), title.upper()):
        assert docstring_summary(f"Summary line.\n{spelled}{ending}\n    x") == "Summary line."


@pytest.mark.parametrize(
    "field", [":param", ":type", ":return", ":returns", ":rtype", ":raise", ":raises",
              ":keyword", ":ivar", ":var", "@param", "@type", "@return", "@returns",
              "@rtype", "@raise", "@raises", "@keyword", "@ivar", "@var"],
)  # fmt: skip
def test_a_field_line_ends_the_summary(field: str) -> None:
    assert docstring_summary(f"Summary line.\n{field} x: y") == "Summary line."
    assert docstring_summary(f"Summary line.\n{field.upper()} x: y") == "Summary line."


@pytest.mark.parametrize(
    "title",
    ["Args", "Arguments", "Parameters", "Return", "Returns", "Yield", "Yields", "Raise",
     "Raises", "Attributes", "Example", "Examples", "Note", "Notes", "Keyword Args",
     "Other Parameters", "See Also", "Todo"],
)  # fmt: skip
def test_google_sections(title: str) -> None:
    assert docstring_style(f"Do.\n\n{title}:\n    x: y\n") == "google"
    assert docstring_style(f"Do.\n\n  {title} :  \n    x: y\n") == "google"
    assert docstring_style(f"Do.\n\n{title.lower()}:\n    x: y\n") == "plain"


def test_a_google_title_needs_its_colon_and_its_own_line() -> None:
    assert docstring_style("Do.\n\nArgs\n    x: y\n") == "plain"
    assert docstring_style("Do.\n\nArgs: x and y\n") == "plain"
    assert docstring_style("Do.\n\nMy Args:\n    x\n") == "plain"


@pytest.mark.parametrize(
    "title",
    ["Parameters", "Returns", "Yields", "Raises", "Attributes", "Examples", "Notes",
     "See Also", "Other Parameters", "References", "Warns", "Methods"],
)  # fmt: skip
def test_numpy_sections(title: str) -> None:
    assert docstring_style(f"Do.\n\n{title}\n{'-' * len(title)}\nx : int\n") == "numpy"
    assert docstring_style(f"Do.\n\n  {title}  \n  ---  \nx : int\n") == "numpy"
    assert docstring_style(f"Do.\n\n{title.lower()}\n---\nx : int\n") == "plain"


def test_a_numpy_title_needs_three_dashes_under_it() -> None:
    assert docstring_style("Do.\n\nParameters\n--\nx : int\n") == "plain"
    assert docstring_style("Do.\n\nParameters\n---- x\n") == "plain"


@pytest.mark.parametrize(
    "field", ["param", "type", "return", "returns", "rtype", "raise", "raises", "keyword",
              "ivar", "var"],
)  # fmt: skip
def test_rest_fields(field: str) -> None:
    assert docstring_style(f"Do.\n\n:{field} x: y") == "rest"
    assert docstring_style(f"Do.\n\n    :{field} x: y") == "rest"
    assert docstring_style(f"Do.\n\n:{field.upper()} x: y") == "plain"


@pytest.mark.parametrize(
    "field", ["param", "type", "return", "rtype", "raise", "keyword", "ivar"],
)  # fmt: skip
def test_epytext_fields(field: str) -> None:
    assert docstring_style(f"Do.\n\n@{field} x: y") == "epytext"
    assert docstring_style(f"Do.\n\n    @{field} x: y") == "epytext"
    assert docstring_style(f"Do.\n\n@{field.upper()} x: y") == "plain"


def test_fields_only_count_at_a_line_start_and_as_whole_words() -> None:
    assert docstring_style("Do.\n\nSee :param x: inline") == "plain"
    assert docstring_style("Do.\n\nMail me @param x") == "plain"
    assert docstring_style("Do.\n\n:params x: y") == "plain"
    assert docstring_style("Do.\n\n@params x: y") == "plain"
    assert docstring_style("Do.\n\n@var x: y") == "plain"


def test_style_precedence() -> None:
    numpy_and_google = "Do.\n\nArgs:\n    x\n\nReturns\n-------\nint\n"
    assert docstring_style(numpy_and_google) == "numpy"
    assert docstring_style("Do.\n\n:param x: y\n\nArgs:\n    x\n") == "google"
    assert docstring_style("Do.\n\n@param x: y\n:param x: y\n") == "rest"


@pytest.mark.parametrize("blank", ["", " ", "\n\n", " \t\n "])
def test_a_blank_docstring_has_style_none(blank: str) -> None:
    assert docstring_style(blank) == "none"


@pytest.mark.parametrize(
    ("doc", "flag"),
    [
        (">>> f()\n1", True),
        ("Example:\n\n    >>> f()\n    1", True),
        ("Example:\n\t>>> f()", True),
        ("Compare a >>> b, no prompt.", False),
        ("Shifts: a >> b", False),
        ("", False),
    ],
)
def test_has_doctest(doc: str, flag: bool) -> None:
    assert has_doctest(doc) is flag

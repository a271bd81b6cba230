"""Each unit filter on real code: a unit it drops and a unit it keeps.

Snippets are verbatim from installed packages (named at each; longer ones in fixtures/)
and go through the real extractor, so the records are exactly what the pipeline filters.
Each case runs with only the filter under test switched on.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from pytorrent.filters import FilterConfig, UnitFilters
from tests.dedup.records import extract

FIXTURES = Path(__file__).parent / "fixtures"

# automat/_test/test_methodical.py: an input method is a docstring and nothing else.
AUTOMAT = """
@machine.input()
def anInput(self):
    "an input"
"""
# scrapy/http/cookies.py
SCRAPY = """
def acquire(self) -> None:
    pass
"""
# setuptools/_vendor/importlib_resources/abc.py: raising another error is behaviour.
IMPORTLIB_RESOURCES = '''
def is_resource(self, path: Text) -> bool:
    """Return True if the named 'path' is a resource.

    Files are resources, directories are not.
    """
    raise FileNotFoundError
'''
# lark/lexer.py
LARK = """
def make_lexer_state(self, text: str):
    "Deprecated"
    return LexerState(TextSlice.cast_from(text))
"""
# packaging/version.py
PACKAGING = '''
def _parse_local_version(local: str | None) -> LocalType | None:
    """
    Takes a string like ``"abc.1.twelve"`` and turns it into
    ``("abc", 1, "twelve")``.
    """
    if local is not None:
        return tuple(
            part.lower() if not part.isdigit() else int(part)
            for part in _local_version_separators.split(local)
        )
    return None
'''
# packaging/specifiers.py: Specifier.__str__, a one-line body under its def.
SPECIFIER_STR = '''
def __str__(self) -> str:
    """A string representation of the Specifier that can be round-tripped.

    >>> str(Specifier('>=1.0.0'))
    '>=1.0.0'
    >>> str(Specifier('>=1.0.0', prereleases=False))
    '>=1.0.0'
    """
    return "{}{}".format(*self._spec)
'''
# pandas/tests/arrays/test_timedeltas.py: "# GH#50616" is an issue number, not language.
PANDAS_TEST = """
def test_as_unit_raises(self, tda):
    # GH#50616
    with pytest.raises(ValueError, match="Supported units"):
        tda.as_unit("D")

    tdi = pd.Index(tda)
    with pytest.raises(ValueError, match="Supported units"):
        tdi.as_unit("D")
"""
# pydantic/experimental/pipeline.py: one 118-character overload line is ordinary Python.
PYDANTIC = (
    "@overload\n"
    "def constrain(self: _Pipeline[_InT, _NewOutGe], constraint: annotated_types.Ge) -> "
    "_Pipeline[_InT, _NewOutGe]: ...\n"
)


def _fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


def _unit(source: str, kind: str = "function") -> dict[str, Any]:
    return next(r for r in extract(source) if r["kind"] == kind)


def _only(name: str, **settings: Any) -> UnitFilters:
    switches: dict[str, Any] = {name: True, **settings}
    return UnitFilters(replace(FilterConfig.none(), **switches))


CASES = [
    # (filter, dropped unit, kept unit)
    ("empty_body", (AUTOMAT, "function"), (IMPORTLIB_RESOURCES, "function")),
    ("empty_body", (SCRAPY, "function"), (SPECIFIER_STR, "function")),
    (
        "commented_out_code",
        (_fixture("pandas_invert.txt"), "function"),
        (_fixture("pandas_maybe_eval.txt"), "function"),
    ),
    ("short_docstring", (LARK, "function"), (PACKAGING, "function")),
    ("short_comment", (PANDAS_TEST, "comment"), (_fixture("mdurl_delims.txt"), "comment")),
    ("short_code", (SPECIFIER_STR, "function"), (PACKAGING, "function")),
    ("long_lines", (_fixture("fastjsonschema_dependency.txt"), "function"), (PYDANTIC, "function")),
    ("low_alphanumeric", (_fixture("mdurl_delims.txt"), "comment"), (PACKAGING, "function")),
]


@pytest.mark.parametrize(("name", "dropped", "kept"), CASES)
def test_filter_drops_one_and_keeps_the_other(
    name: str, dropped: tuple[str, str], kept: tuple[str, str]
) -> None:
    filters = _only(name)
    drop, keep = _unit(*dropped), _unit(*kept)
    result = filters([drop, keep])
    assert result.kept == [keep]
    assert result.drops.by_stage() == {"filter": {name: 1}}


def test_commented_out_code_is_counted_before_empty_body() -> None:
    invert = _unit(_fixture("pandas_invert.txt"))
    assert invert["commented_out_code"] and invert["code_tokens"][-5:-3] == [
        "raise",
        "NotImplementedError",
    ]
    result = UnitFilters(FilterConfig(decontaminate=False))([invert])
    assert result.drops.by_stage() == {"filter": {"commented_out_code": 1}}


def test_comment_units_are_judged_by_their_comments_and_one_line_of_code() -> None:
    delims = _unit(_fixture("mdurl_delims.txt"), "comment")
    assert delims["docstring"] == "" and delims["code"].count("\n") == 1
    for name in ("short_docstring", "short_comment", "short_code"):
        assert _only(name)([delims]).kept == [delims]


def test_functions_without_docstring_are_kept_unless_required() -> None:
    record = _unit(PANDAS_TEST)
    assert record["docstring"] == ""
    assert _only("short_docstring")([record]).kept == [record]
    assert _only("short_docstring", require_docstring=True)([record]).kept == []


def test_thresholds_are_configurable() -> None:
    assert _only("short_docstring", min_docstring_tokens=1)([_unit(LARK)]).kept
    assert not _only("short_code", min_code_lines=10)([_unit(PACKAGING)]).kept
    assert _only("low_alphanumeric", min_alphanumeric_fraction=0.1)(
        [_unit(_fixture("mdurl_delims.txt"), "comment")]
    ).kept


def test_slicing_heavy_numeric_code_is_the_known_cost_of_low_alphanumeric() -> None:
    # scipy/interpolate/_cubic.py: real code below 25% letters and digits (docs/dedup.md).
    cubic = _unit(_fixture("scipy_cubic_left.txt"), "comment")
    assert not _only("low_alphanumeric")([cubic]).kept
    assert _only("low_alphanumeric", min_alphanumeric_fraction=0.2)([cubic]).kept


def test_no_filter_keeps_everything() -> None:
    records = [_unit(AUTOMAT), _unit(LARK), _unit(_fixture("mdurl_delims.txt"), "comment")]
    result = UnitFilters(FilterConfig.none())(records)
    assert result.kept == records and not result.drops.counts

"""ACS 0-5 views follow docs/architecture.md, "Augmented-Code Scenarios" exactly; a unit enters a scenario only with non-empty X."""

from __future__ import annotations

import pytest

from pytorrent.models import PackageMetadata
from pytorrent.records import acs_row, last_commit, parse_scenarios, unit_record
from pytorrent.sources.base import CommitInfo
from tests.extract.helpers import extract

META = PackageMetadata(
    name="demo",
    display_name="Demo",
    version="1.0",
    source="test",
    purl="pkg:pypi/demo@1.0",
    license="MIT",
)
SOURCE = '''
def f(a):
    """Add one.

    Longer text.
    """
    # increment
    return a + 1  # done
'''


@pytest.fixture
def record() -> dict[str, object]:
    units, _ = extract(SOURCE)
    return unit_record(units[0], META, "0" * 64)


@pytest.mark.parametrize(
    ("acs", "x", "with_comments"),
    [
        (0, "Add one.", True),
        (1, "increment\ndone", False),
        (2, "increment\ndone\nAdd one.\n\nLonger text.", False),
        (3, "increment\ndone\nAdd one.\n\nLonger text.", True),
        (4, "increment\ndone\nAdd one.\n\nLonger text.", True),
        (5, "Add one.", False),
    ],
)
def test_scenario_views(record: dict[str, object], acs: int, x: str, with_comments: bool) -> None:
    record["partition"] = "train"
    row = acs_row(record, acs)
    assert row is not None
    assert row["docstring"] == x
    assert ("# increment" in row["code_tokens"]) == with_comments  # type: ignore[operator]
    assert ("# increment" in str(row["code"])) == with_comments
    assert '"""Add one.' not in str(row["code"])
    assert row["x_fallback"] == (acs == 3)


def test_acs3_uses_the_commit_message(record: dict[str, object]) -> None:
    record["commit_message"] = "Fix off-by-one"
    row = acs_row(record, 3)
    assert row is not None and str(row["docstring"]).endswith("Fix off-by-one")
    assert row["x_fallback"] is False


def test_unit_without_docstring_leaves_acs0_and_acs5() -> None:
    units, _ = extract("def f():\n    # only a comment\n    return 1\n")
    record = unit_record(units[0], META, "0" * 64)
    assert acs_row(record, 0) is None and acs_row(record, 5) is None
    assert acs_row(record, 1) is not None


def test_last_commit_is_the_newest_among_the_lines() -> None:
    old = CommitInfo("a" * 40, "2020-01-01T00:00:00+00:00", "old")
    new = CommitInfo("b" * 40, "2021-01-01T00:00:00+00:00", "new")
    assert last_commit([old, new, None, old], 1, 3) == new
    assert last_commit([old, new, None, old], 3, 4) == old
    assert last_commit([old, new, None, old], 1, 1) == old  # a one-line unit: its own line
    assert last_commit([new, old, old], 2, 3) == old  # the newer line 1 is outside
    assert last_commit([None], 1, 1) is None


def test_docstring_tokens_follow_codesearchnet(record: dict[str, object]) -> None:
    assert record["docstring_tokens"] == ["Add", "one", ".", "Longer", "text", "."]


@pytest.mark.parametrize(
    ("text", "expected"), [("0,4", (0, 4)), ("all", (0, 1, 2, 3, 4, 5)), ("5,5", (5,))]
)
def test_parse_scenarios(text: str, expected: tuple[int, ...]) -> None:
    assert parse_scenarios(text) == expected


@pytest.mark.parametrize("text", ["6", "a", ""])
def test_parse_scenarios_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_scenarios(text)

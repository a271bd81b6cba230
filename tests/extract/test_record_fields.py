"""Every field of a `pairs/` record and of each `acs{N}/` row, by name and value: the models
forbid unknown fields, so a misspelt or dropped key fails here, not in a user's loader."""

from __future__ import annotations

import pytest

from pytorrent.models import AcsRecord, PackageMetadata, PairRecord
from pytorrent.records import ALL_SCENARIOS, acs_row, parse_scenarios, record_id, unit_record
from pytorrent.sources.base import CommitInfo
from tests.extract.helpers import extract

META = PackageMetadata(
    name="demo", display_name="Demo", version="1.0", source="folder", purl="pkg:pypi/demo@1.0"
)
SOURCE = '''
def f(a):
    """Add one.

    Longer text.
    """
    # increment
    return a + 1
'''
COMMIT = CommitInfo("c" * 40, "2024-05-06T07:08:09+00:00", "Fix the increment")


def _record() -> dict[str, object]:
    units, _ = extract(SOURCE)
    (unit,) = [u for u in units if u.kind == "function"]
    return unit_record(unit, META, "f" * 64, COMMIT)


def test_a_pair_record_has_exactly_the_model_fields() -> None:
    record = _record()
    assert set(record) == set(PairRecord.model_fields)
    PairRecord.model_validate({**record, "partition": "train"})  # the split fills it in later
    assert (record["repo"], record["path"], record["func_name"]) == ("demo", "pkg/mod.py", "f")
    assert (record["language"], record["kind"], record["package_version"]) == (
        "python",
        "function",
        "1.0",
    )
    assert (record["sha"], record["commit_sha"], record["commit_message"]) == (
        COMMIT.sha,
        COMMIT.sha,
        COMMIT.message,
    )
    assert record["file_sha256"] == "f" * 64 and (record["start_line"], record["end_line"]) == (
        2,
        8,
    )


@pytest.mark.parametrize("acs", ALL_SCENARIOS)
def test_an_acs_row_has_exactly_the_model_fields(acs: int) -> None:
    record = {**_record(), "partition": "test"}
    row = acs_row(record, acs)
    assert row is not None
    assert set(row) == set(AcsRecord.model_fields)
    AcsRecord.model_validate(row)
    copied = ("repo", "path", "func_name", "original_string", "sha", "partition", "url", "id")
    assert {k: row[k] for k in copied} == {k: record[k] for k in copied}
    assert (row["language"], row["kind"], row["acs"], row["x_fallback"]) == (
        "python",
        "function",
        acs,
        False,
    )


@pytest.mark.parametrize(
    ("acs", "x"),
    [
        (0, "Add one."),
        (1, "increment"),
        (2, "increment\nAdd one.\n\nLonger text."),
        (3, "increment\nAdd one.\n\nLonger text.\nFix the increment"),
        (4, "increment\nAdd one.\n\nLonger text."),
        (5, "Add one."),
    ],
)
def test_each_scenario_joins_its_own_texts(acs: int, x: str) -> None:
    row = acs_row(_record(), acs)
    assert row is not None and row["docstring"] == x


def test_record_ids_depend_on_every_part_of_the_key() -> None:
    parts = ("demo", "1.0", "pkg/mod.py", "function", "f", 2, 8)
    base = record_id(*parts)
    assert len(base) == 24 and base == record_id(*parts)
    changed = [
        ("demo", "1.0", "pkg/mod.py", "function", "f", 3, 8),
        ("demo", "1.0", "pkg/mod.py", "function", "f", 2, 9),
        ("demo", "1.1", "pkg/mod.py", "function", "f", 2, 8),
        ("demo", "1.0", "pkg/mod.py", "comment", "f", 2, 8),
    ]
    assert len({base, *(record_id(*c) for c in changed)}) == 5
    # The separator keeps parts apart: moving a character across a boundary changes the id.
    assert record_id("ab", "c", "p", "k", "n", 1, 1) != record_id("a", "bc", "p", "k", "n", 1, 1)


@pytest.mark.parametrize("text", ["7", "a,b"])
def test_bad_scenarios_name_the_accepted_form(text: str) -> None:
    with pytest.raises(
        ValueError, match=rf"^--acs takes numbers 0-5 separated by commas, not '{text}'$"
    ):
        parse_scenarios(text)


def test_an_id_is_the_same_across_releases_of_pytorrent() -> None:
    # Ids are stored by users and by the Hub: the key layout must never change silently.
    assert (
        record_id("demo", "1.0", "pkg/mod.py", "function", "f", 2, 8) == "c85ed005e77ce96c1245bbf0"
    )
    assert _record()["id"] == "c85ed005e77ce96c1245bbf0"  # the record of that unit


def test_provenance_fields_without_and_with_a_commit() -> None:
    units, _ = extract(SOURCE, path="pkg/a b.py")
    unit = next(u for u in units if u.kind == "function")
    plain = unit_record(unit, META, "f" * 64)
    assert (plain["sha"], plain["commit_sha"], plain["commit_date"]) == ("f" * 64, None, None)
    assert plain["partition"] == ""  # the split fills it in
    assert plain["url"] == "pkg:pypi/demo@1.0#pkg/a%20b.py:L2-L8"
    archived = unit_record(unit, META.model_copy(update={"archive_sha256": "a" * 64}), "f" * 64)
    assert archived["sha"] == "a" * 64
    blob = "https://forge.invalid/x/blob/abc/{path}#L{start}-L{end}"
    committed = unit_record(unit, META, "f" * 64, COMMIT, blob)
    assert committed["commit_date"] == COMMIT.date
    assert committed["url"] == "https://forge.invalid/x/blob/abc/pkg/a%20b.py#L2-L8"


def test_two_units_of_one_name_get_two_ids() -> None:
    units, _ = extract("def f():\n    return 1\n\n\ndef f():\n    return 2\n")
    ids = {unit_record(u, META, "f" * 64)["id"] for u in units if u.kind == "function"}
    assert len(ids) == 2


def test_an_unknown_scenario_is_named() -> None:
    with pytest.raises(ValueError, match=r"^unknown scenario 6$"):
        acs_row(_record(), 6)

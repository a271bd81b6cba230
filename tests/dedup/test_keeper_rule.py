"""The keeper rule field by field: each row below wins over the next on exactly one field,
all earlier fields being equal."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from pytorrent.dedup.keeper import keeper_key

NEW = datetime(2024, 1, 1, tzinfo=timezone.utc)
OLD = datetime(2020, 1, 1, tzinfo=timezone.utc)


def _row(**fields: Any) -> dict[str, Any]:
    row = {
        "repo": "pkg",
        "path": "pkg/mod.py",
        "start_line": 1,
        "id": "a",
        "release_count": 3,
        "upload_time": NEW,
    }
    return {**row, **fields}


@pytest.mark.parametrize(
    ("winner", "loser"),
    [
        (_row(release_count=1), _row(release_count=0)),  # one release beats none
        (_row(release_count=0), _row(release_count=None)),  # known beats unknown
        (_row(upload_time=NEW), _row(upload_time=OLD)),  # newer upload
        (_row(upload_time=OLD), _row(upload_time=None)),  # a known upload beats unknown
        (_row(repo="alpha"), _row(repo="beta")),
        (_row(path="pkg/a.py"), _row(path="pkg/b.py")),
        (_row(start_line=2), _row(start_line=10)),  # numeric, not text order
        (_row(id="a"), _row(id="b")),
    ],
    ids=[
        "releases",
        "unknown-releases",
        "upload",
        "unknown-upload",
        "repo",
        "path",
        "line",
        "id",
    ],
)
def test_keeper_wins_on_one_field(winner: dict[str, Any], loser: dict[str, Any]) -> None:
    assert keeper_key(winner) < keeper_key(loser)

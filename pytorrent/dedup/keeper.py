"""The keeper rule: which unit of a duplicate group stays.

Preference, first difference wins:
1. the package with more releases (unknown release count ranks last),
2. the newer upload (unknown upload time ranks last),
3. then lexicographically smallest package name, path, start line, and record id.

More releases and a newer upload favour the maintained original over vendored or stale
copies; the lexicographic tail makes the rule total, so the keeper never depends on the
order in which units arrive.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_US = timedelta(microseconds=1)

KeeperKey = tuple[bool, int, bool, int, str, str, int, str]


def keeper_key(row: Mapping[str, Any]) -> KeeperKey:
    """Sort key of a unit: the smallest key in a group is its keeper."""
    releases: int | None = row["release_count"]
    uploaded: datetime | None = row["upload_time"]
    upload_us = (uploaded - _EPOCH) // _US if uploaded is not None else 0
    return (
        releases is None,
        -(releases or 0),
        uploaded is None,
        -upload_us,
        str(row["repo"]),
        str(row["path"]),
        int(row["start_line"]),
        str(row["id"]),
    )


def ref(row: Mapping[str, Any]) -> str:
    """Human-readable reference `package:path:line` for reports."""
    return f"{row['repo']}:{row['path']}:{row['start_line']}"

"""The runner: first matching filter is the reason, counts and examples, configuration."""

from __future__ import annotations

import pickle

import pytest

from pytorrent.errors import ConfigError
from pytorrent.filters import SWITCHES, FilterConfig, UnitFilters, filter_records
from tests.dedup.records import extract
from tests.filters.test_unit_filters import AUTOMAT, LARK, PACKAGING

# humanize/time.py (humanize 4.17), verbatim.
HUMANIZE = '''
def _now() -> dt.datetime:
    import datetime as dt

    return dt.datetime.now()  # naive local time is intentional


def _abs_timedelta(delta: dt.timedelta) -> dt.timedelta:
    """Return an "absolute" value for a timedelta, always representing a time distance.

    Args:
        delta (datetime.timedelta): Input timedelta.

    Returns:
        datetime.timedelta: Absolute timedelta.
    """
    return abs(delta)
'''


def test_every_dropped_unit_is_counted_once_under_the_first_filter() -> None:
    records = extract(HUMANIZE, path="humanize/time.py")
    for source in (AUTOMAT, LARK, PACKAGING):
        records += extract(source, path="other.py")
    result = UnitFilters(FilterConfig(decontaminate=False))(records)
    assert [r["func_name"] for r in result.kept] == ["_now", "_parse_local_version"]
    # AUTOMAT's docstring is 2 tokens too, but empty_body comes first; LARK's body is one
    # line too, but short_docstring comes before short_code.
    assert result.drops.by_stage() == {
        "filter": {"empty_body": 1, "short_code": 1, "short_docstring": 1}
    }
    assert result.drops.examples_by_key()["filter/short_code"] == ["pkg:humanize/time.py:8"]
    assert sum(result.drops.counts.values()) + len(result.kept) == len(records)


def test_none_switches_everything_off_and_without_names_filters() -> None:
    assert FilterConfig.none().enabled() == []
    assert FilterConfig().enabled() == list(SWITCHES)
    assert "empty_body" not in FilterConfig().without("empty_body").enabled()
    with pytest.raises(ConfigError, match="unknown filters"):
        FilterConfig().without("nonsense")
    with pytest.raises(ConfigError):
        FilterConfig(min_alphanumeric_fraction=2.0)
    with pytest.raises(ConfigError):
        FilterConfig(min_code_lines=-1)


def test_filters_pickle_for_workers_and_are_cached_per_config() -> None:
    filters = UnitFilters(FilterConfig())
    clone = pickle.loads(pickle.dumps(filters))
    records = extract(HUMANIZE)
    assert clone(records).kept == filters(records).kept
    config = FilterConfig(decontaminate=False)
    assert filter_records(records, config).kept == UnitFilters(config)(records).kept

"""Drop stages are one enum: a mistyped stage fails where it is counted, counts keep plain
string keys (the shape of build.json), and a build.json mapping round-trips."""

from __future__ import annotations

import pytest

from pytorrent.drops import Drops, Stage


def test_a_mistyped_stage_fails_loudly() -> None:
    with pytest.raises(ValueError, match="'sorce' is not a valid Stage"):
        Drops().add("sorce", "bad_path")  # type: ignore[arg-type]


def test_counts_are_keyed_by_plain_strings_in_pipeline_order() -> None:
    drops = Drops()
    drops.add(Stage.DEDUP, "near_duplicate", "b")
    drops.add(Stage.SOURCE, "bad_path", "a", n=2)
    assert all(type(stage) is str for stage, _ in drops.counts)
    assert drops.by_stage() == {"dedup": {"near_duplicate": 1}, "source": {"bad_path": 2}}
    assert [s.value for s in Stage][:2] == ["crawl", "source"]


def test_a_build_json_mapping_round_trips_without_examples() -> None:
    nested = {"filter": {"trivial": 3, "long_lines": 1}, "unknown_future_stage": {"x": 1}}
    drops = Drops.from_by_stage(nested)
    assert drops.by_stage() == {
        "filter": {"long_lines": 1, "trivial": 3},
        "unknown_future_stage": {"x": 1},
    }
    assert drops.examples == {}

"""Statistics read through an executor, one task per shard, equal the serial pass's, whatever
the completion order, and shards whose task was lost are read again by the driver."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import pytest

from pytorrent.config import BuildConfig
from pytorrent.executor import Executor, Task
from pytorrent.executor.base import OnLost
from pytorrent.executor.local import LocalExecutor
from pytorrent.pipeline import build
from pytorrent.stats import collect_stats
from pytorrent.stats.collect import Collected, shards
from pytorrent.stats.shard_parts import collect_parts
from tests.stats.known import make_known_site

R = TypeVar("R")


@pytest.fixture(scope="module")
def many_shards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The known corpus with every scenario, written as shards of 7 records."""
    root = tmp_path_factory.mktemp("many")
    out = root / "corpus"
    build(
        BuildConfig(
            sources=(f"installed:{make_known_site(root)}",),
            out=out,
            executor="inline",
            filter=False,
            dedup=False,
            shard_records=7,
            scenarios=(0, 1, 2, 3, 4, 5),
        )
    )
    return out


def snapshot(data: Collected) -> tuple[object, ...]:
    return (
        data.stats.model_dump_json(),
        {name: list(h.items()) for name, h in data.nl.items()},
        {name: list(h.items()) for name, h in data.pl.items()},
        list(data.line_lengths.items()),
        list(data.complexity.items()),
    )


class Reversed:
    """Runs tasks last to first (so results never arrive in order) and loses every third,
    as a pool whose worker died would."""

    def __init__(self) -> None:
        self.lost = 0

    def map_unordered(
        self, fn: Callable[..., R], tasks: Sequence[Task], on_lost: OnLost[R]
    ) -> Iterator[R]:
        for index, task in reversed(list(enumerate(tasks))):
            if index % 3 == 0:
                self.lost += 1
                yield on_lost(task, "worker_crash")
            else:
                yield fn(*task)


def test_the_corpus_has_several_shards_per_config(many_shards: Path) -> None:
    assert len(shards(many_shards, "pairs")["train"]) >= 3
    assert len(shards(many_shards, "acs3")["train"]) >= 3


def test_a_pool_of_two_gives_the_serial_statistics(many_shards: Path) -> None:
    serial = collect_stats(many_shards)
    assert serial.stats.units > 0
    parallel = collect_stats(many_shards, executor=LocalExecutor(2))
    assert snapshot(parallel) == snapshot(serial)


def test_lost_and_reordered_tasks_change_nothing(many_shards: Path) -> None:
    executor = Reversed()
    typed: Executor = executor  # the protocol the build's executors follow
    result = collect_stats(many_shards, executor=typed)
    assert executor.lost >= 3
    assert snapshot(result) == snapshot(collect_stats(many_shards))


def test_parts_come_back_in_the_order_asked(many_shards: Path) -> None:
    jobs = [
        (config, split, path)
        for config in ("acs3", "pairs")
        for split, paths in shards(many_shards, config).items()
        for path in paths
    ]
    parts = collect_parts(jobs, Reversed())
    assert [part.path for part in parts] == [str(path) for _, _, path in jobs]
    assert [part.pairs is not None for part in parts] == [c == "pairs" for c, _, _ in jobs]

"""Shards written in parallel: one task per config (`pairs`, each `acs{N}` with its csn/
export), each reading every package's units in build order and writing only its own config.

Every config is a function of the ordered rows alone, so a task writes the same bytes the
single pass of `write_shards` would; reading the units again costs ~2% of writing them
(zstd-compressed parquet dominates). Results are merged in config order, never completion
order, so build.json does not depend on which worker finished first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import cast

from pytorrent.errors import OutputError
from pytorrent.executor import Executor, Task
from pytorrent.models import Split
from pytorrent.units_file import read_records
from pytorrent.write.corpus import WrittenShards, write_shards

#: (units file, split) per package, in build order.
UnitsFiles = Sequence[tuple[str, Split]]


def config_groups(scenarios: Sequence[int]) -> list[tuple[bool, tuple[int, ...]]]:
    """(writes pairs, scenarios) per task. Scenarios 1-4 hold the comment units (and their
    csn/comments export), the costliest to write, so they are submitted first."""
    heavy = [n for n in scenarios if n in (1, 2, 3, 4)]
    light = [n for n in scenarios if n not in heavy]
    return [
        *((False, (n,)) for n in heavy),
        (True, ()),
        *((False, (n,)) for n in light),
    ]


def write_config_group(
    units: UnitsFiles,
    duplicates: frozenset[str],
    folder: str,
    pairs_config: bool,
    scenarios: tuple[int, ...],
    shard_records: int,
    jsonl: bool,
) -> WrittenShards:
    """One task: the shards of `pairs` (if `pairs_config`) and of `scenarios`."""

    def rows() -> Iterator[tuple[Split, dict[str, object]]]:
        for path, split in units:
            for record in read_records(path):
                if record["id"] not in duplicates:
                    yield split, record

    return write_shards(
        rows(),
        Path(folder),
        scenarios=scenarios,
        shard_records=shard_records,
        jsonl=jsonl,
        pairs_config=pairs_config,
    )


def _lost(task: Task, reason: str) -> WrittenShards:
    configs = ["pairs"] if task[3] else [f"acs{n}" for n in cast(tuple[int, ...], task[4])]
    raise OutputError(f"writing {', '.join(configs)} failed ({reason}); run the build again")


def write_shards_parallel(
    executor: Executor,
    units: UnitsFiles,
    duplicates: frozenset[str],
    folder: str,
    *,
    scenarios: Sequence[int],
    shard_records: int,
    jsonl: bool,
    on_group: Callable[[int, int], None] | None = None,
) -> WrittenShards:
    """All configs, one executor task each; `on_group(done, groups)` after each finishes."""
    groups = config_groups(scenarios)
    tasks: list[Task] = [
        (list(units), duplicates, folder, pairs, group, shard_records, jsonl)
        for pairs, group in groups
    ]
    by_group: dict[tuple[bool, tuple[int, ...]], WrittenShards] = {}
    for done, part in enumerate(executor.map_unordered(write_config_group, tasks, _lost), 1):
        by_group[(bool(part.split_counts.get("pairs") is not None), _scenarios_of(part))] = part
        if on_group is not None:
            on_group(done, len(tasks))
    merged = WrittenShards()
    pairs_part = by_group[(True, ())]
    merged.kinds = pairs_part.kinds
    merged.split_counts["pairs"] = pairs_part.split_counts["pairs"]
    for n in scenarios:
        part = by_group[(False, (n,))]
        merged.split_counts[f"acs{n}"] = part.split_counts[f"acs{n}"]
    for part in by_group.values():
        merged.files.update(part.files)
    return merged


def _scenarios_of(part: WrittenShards) -> tuple[int, ...]:
    return tuple(int(name[3:]) for name in part.split_counts if name.startswith("acs"))

"""The two-phase segmented writer writes the bytes of `write_shards`' single pass over real
units files from a real build: shards and row groups cut inside and across chunks, scenario
subsets, the CSN export on and off, empty splits, duplicates dropped, one package per chunk
or all in one, inline and in a pool of 2; a failed task is one error; no segment survives."""

from __future__ import annotations

import fractions
import shlex
import textwrap
from pathlib import Path

import pytest

from pytorrent.config import BuildConfig
from pytorrent.errors import OutputError
from pytorrent.executor import make_executor
from pytorrent.models import Split
from pytorrent.pipeline import build
from pytorrent.units_file import read_records
from pytorrent.write import segments, shards
from pytorrent.write.corpus import WrittenShards, write_shards
from pytorrent.write.segments import ShardJob, group_jobs, write_shards_segmented
from tests.envs import distinct_core, folder_bytes, install_package, make_site

ALL = (0, 1, 2, 3, 4, 5)


@pytest.fixture(scope="module")
def units(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, Split]]:
    site = make_site(tmp_path_factory.mktemp("env"), packages=5)
    install_package(site, "pkgcopy", "1.0", {"pkgcopy/core.py": distinct_core(0, "pkg00")})
    for module in (textwrap, shlex, fractions):  # real code: hundreds of units and comments
        name = f"real{module.__name__}"
        install_package(
            site, name, "1.0", {f"{name}/core.py": Path(str(module.__file__)).read_bytes()}
        )
    work = tmp_path_factory.mktemp("work")
    out = tmp_path_factory.mktemp("out") / "corpus"
    build(BuildConfig(sources=(f"installed:{site}",), out=out, work=work, executor="inline"))
    paths = sorted(str(p) for p in work.rglob("*.units.jsonl.zst"))
    splits: tuple[Split, ...] = ("train", "validation", "test")
    return [(path, splits[i % 3]) for i, path in enumerate(paths)]


def dropped(units: list[tuple[str, Split]]) -> frozenset[str]:
    """The first record of the first package and every third record of the last."""
    first = str(next(read_records(units[0][0]))["id"])
    last = [str(r["id"]) for r in read_records(units[-1][0])]
    return frozenset({first, *last[::3]})


def serial(
    units: list[tuple[str, Split]], duplicates: frozenset[str], out: Path, **options: object
) -> WrittenShards:
    rows = (
        (split, record)
        for path, split in units
        for record in read_records(path)
        if record["id"] not in duplicates
    )
    out.mkdir()
    return write_shards(rows, out, **options)  # type: ignore[arg-type]


def folders(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir())


def assert_same(one: WrittenShards, many: WrittenShards, single: Path, segmented: Path) -> None:
    assert list(many.files.items()) == list(one.files.items())
    assert list(many.split_counts.items()) == list(one.split_counts.items())
    assert list(many.kinds.items()) == list(one.kinds.items())
    assert folder_bytes(segmented) == folder_bytes(single)
    assert folders(segmented) == folders(single)


CASES = [
    # shard_records, scenarios, jsonl, packages per chunk (0: all), row group, splits used
    (3, ALL, True, 1, 2, 3),
    (7, ALL, True, 0, 4, 3),
    (7, (), True, 1, 3, 3),
    (50, (5, 2), False, 1, 10_000, 3),
    (50_000, (0,), True, 0, 10_000, 3),
    (5, (3, 1), True, 2, 2, 1),
]


@pytest.mark.parametrize(("records", "scenarios", "jsonl", "per_chunk", "row_group", "used"), CASES)
def test_segments_are_the_bytes_of_the_single_pass(
    units: list[tuple[str, Split]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    records: int,
    scenarios: tuple[int, ...],
    jsonl: bool,
    per_chunk: int,
    row_group: int,
    used: int,
) -> None:
    monkeypatch.setattr(shards, "ROW_GROUP", row_group)
    splits: tuple[Split, ...] = ("train", "validation", "test")
    chosen = [(path, splits[i % used]) for i, (path, _) in enumerate(units)]
    duplicates = dropped(chosen)
    options = {"scenarios": scenarios, "shard_records": records, "jsonl": jsonl}
    one = serial(chosen, duplicates, tmp_path / "one", **options)
    planned: list[ShardJob] = []

    def seen(jobs: list[ShardJob]) -> list[tuple[ShardJob, ...]]:
        planned.extend(jobs)
        return group_jobs(jobs)

    monkeypatch.setattr(segments, "group_jobs", seen)
    many = write_shards_segmented(
        make_executor("inline", 1),
        chosen,
        duplicates,
        str(tmp_path / "many"),
        str(tmp_path / "scratch"),
        packages_per_chunk=per_chunk or len(chosen),
        scenarios=scenarios,
        shard_records=records,
        jsonl=jsonl,
    )
    assert_same(one, many, tmp_path / "one", tmp_path / "many")
    assert sum(one.split_counts["pairs"].values()) > 100  # real rows
    assert one.kinds["comment"] > 0 and one.kinds["function"] > 0
    if per_chunk and records < 50:  # shards that span chunks, row groups cut inside segments
        assert any(len(job.pieces) > 1 for job in planned)
        assert any(start % row_group for job in planned for _, start, _ in job.pieces)
    assert list((tmp_path / "scratch").iterdir()) == []


def test_a_pool_of_two_writes_the_same_bytes_uncompressed_segments(
    units: list[tuple[str, Split]], tmp_path: Path
) -> None:
    duplicates = dropped(units)
    options = {"scenarios": ALL, "shard_records": 7, "jsonl": True}
    one = serial(units, duplicates, tmp_path / "one", **options)
    many = write_shards_segmented(
        make_executor("local", 2),
        units,
        duplicates,
        str(tmp_path / "many"),
        str(tmp_path / "scratch"),
        packages_per_chunk=2,
        compression=None,
        scenarios=ALL,
        shard_records=7,
        jsonl=True,
    )
    assert_same(one, many, tmp_path / "one", tmp_path / "many")


def test_no_units_is_what_the_single_pass_writes(tmp_path: Path) -> None:
    options = {"scenarios": (0, 3), "shard_records": 7, "jsonl": True}
    one = serial([], frozenset(), tmp_path / "one", **options)
    many = write_shards_segmented(
        make_executor("inline", 1),
        [],
        frozenset(),
        str(tmp_path / "many"),
        str(tmp_path / "scratch"),
        scenarios=(0, 3),
        shard_records=7,
        jsonl=True,
    )
    assert_same(one, many, tmp_path / "one", tmp_path / "many")
    assert len(many.files) == 6  # one empty csn shard per scenario and split


def test_a_failed_chunk_is_one_error_and_leaves_no_segments(
    units: list[tuple[str, Split]], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.units.jsonl.zst"
    broken.write_bytes(b"not zstd at all")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (scratch / "theirs.txt").write_text("not the writer's")
    with pytest.raises(
        OutputError,
        match=r"^writing the segments of 1 packages from broken\.units\.jsonl\.zst failed "
        r"\(task_error_\w+\); run the build again$",
    ):
        write_shards_segmented(
            make_executor("local", 2),
            [*units, (str(broken), "train")],
            frozenset(),
            str(tmp_path / "out"),
            str(scratch),
            packages_per_chunk=1,
            scenarios=(3,),
            shard_records=50,
            jsonl=False,
        )
    assert [p.name for p in scratch.iterdir()] == ["theirs.txt"]


def test_a_chunk_size_below_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="packages_per_chunk must be at least 1, not 0"):
        write_shards_segmented(
            make_executor("inline", 1),
            [],
            frozenset(),
            str(tmp_path / "out"),
            str(tmp_path / "scratch"),
            packages_per_chunk=0,
            scenarios=(),
            shard_records=7,
            jsonl=False,
        )

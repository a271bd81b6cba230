"""Shards written in parallel, one worker per config, are the bytes of the driver's single
pass: a whole build with duplicates and the CSN export, and the writer on its own over real
units files, for every subset of scenarios; a worker that fails is one clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytorrent import output_steps
from pytorrent.config import BuildConfig
from pytorrent.errors import OutputError
from pytorrent.executor import make_executor
from pytorrent.models import Split
from pytorrent.pipeline import build
from pytorrent.units_file import read_records
from pytorrent.write.corpus import write_shards
from pytorrent.write.parallel import config_groups, write_shards_parallel
from tests.envs import distinct_core, folder_bytes, install_package, make_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = make_site(tmp_path_factory.mktemp("env"), packages=5)
    # pkg00's code under another name: its units are duplicates, dropped in every config.
    install_package(site, "pkgcopy", "1.0", {"pkgcopy/core.py": distinct_core(0, "pkg00")})
    return site


def test_a_parallel_write_is_the_bytes_of_the_single_pass(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = (f"installed:{site}",)
    single = build(BuildConfig(sources=source, out=tmp_path / "single", jsonl=True, workers=1))
    calls: list[int] = []
    real = write_shards_parallel

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(output_steps, "PARALLEL_WRITE_MIN_UNITS", 0)
    monkeypatch.setattr(output_steps, "write_shards_parallel", counted)
    parallel = build(BuildConfig(sources=source, out=tmp_path / "parallel", jsonl=True, workers=2))
    assert calls == [1]
    assert single.manifest.counts["units"] > 0
    assert folder_bytes(tmp_path / "parallel") == folder_bytes(tmp_path / "single")
    assert list(parallel.manifest.split_counts) == list(single.manifest.split_counts)


@pytest.fixture(scope="module")
def units(site: Path, tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, Split]]:
    work = tmp_path_factory.mktemp("work")
    out = tmp_path_factory.mktemp("out") / "corpus"
    build(BuildConfig(sources=(f"installed:{site}",), out=out, work=work, executor="inline"))
    paths = sorted(str(p) for p in work.rglob("*.units.jsonl.zst"))
    splits: tuple[Split, ...] = ("train", "validation", "test")
    return [(path, splits[i % 3]) for i, path in enumerate(paths)]


@pytest.mark.parametrize("scenarios", [(0, 1, 2, 3, 4, 5), (0,), (5, 2), ()])
def test_the_writer_alone_matches_write_shards_for_any_scenarios(
    units: list[tuple[str, Split]], scenarios: tuple[int, ...], tmp_path: Path
) -> None:
    first = next(read_records(units[0][0]))["id"]
    duplicates = frozenset({str(first)})
    rows = (
        (split, record)
        for path, split in units
        for record in read_records(path)
        if record["id"] not in duplicates
    )
    (tmp_path / "one").mkdir()
    (tmp_path / "many").mkdir()
    one = write_shards(rows, tmp_path / "one", scenarios=scenarios, shard_records=7, jsonl=True)
    many = write_shards_parallel(
        make_executor("inline", 1),
        units,
        duplicates,
        str(tmp_path / "many"),
        scenarios=scenarios,
        shard_records=7,
        jsonl=True,
    )
    assert many.files == one.files
    assert list(many.split_counts.items()) == list(one.split_counts.items())
    assert many.kinds == one.kinds
    assert folder_bytes(tmp_path / "many") == folder_bytes(tmp_path / "one")
    assert len(config_groups(scenarios)) == len(scenarios) + 1


def test_a_failed_config_writer_is_one_error_naming_the_config(
    units: list[tuple[str, Split]], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.units.jsonl.zst"
    broken.write_bytes(b"not zstd at all")
    with pytest.raises(
        OutputError, match=r"^writing (acs3|pairs) failed \(task_error_\w+\); run the"
    ):
        write_shards_parallel(
            make_executor("local", 2),
            [*units, (str(broken), "train")],
            frozenset(),
            str(tmp_path / "out"),
            scenarios=(3,),
            shard_records=50,
            jsonl=False,
        )

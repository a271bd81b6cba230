"""A folder is published only when it is exactly the build its build.json describes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from datasets import load_dataset

from pytorrent.atomic import sha256_file
from pytorrent.errors import OutputError
from pytorrent.publish import verify_folder
from pytorrent.publish.verify import _glob_match
from tests.publish.conftest import local_files, rewrite


def test_a_fresh_build_verifies_with_every_file_and_config(out: Path) -> None:
    folder = verify_folder(out)
    assert set(folder.files) == set(local_files(out))
    for rel, local in folder.files.items():
        assert local.bytes == (out / rel).stat().st_size
        assert local.sha256 == sha256_file(out / rel)
    assert list(folder.configs) == ["pairs", "acs0", "acs1", "acs2", "acs3", "acs4", "acs5"]
    assert all(p.startswith("pairs/") and p.endswith(".parquet") for p in folder.configs["pairs"])
    assert len(folder.configs["pairs"]) == len(list((out / "pairs").glob("*.parquet")))


def test_every_config_of_the_verified_folder_loads_offline(out: Path, tmp_path: Path) -> None:
    folder = verify_folder(out)
    for name in folder.configs:
        dataset = load_dataset(str(out), name, cache_dir=str(tmp_path / "cache"))
        expected = {s: n for s, n in folder.manifest.split_counts[name].items() if n}
        assert {split: len(rows) for split, rows in dataset.items()} == expected, name


def test_missing_manifest_is_refused(out: Path) -> None:
    (out / "build.json").unlink()
    with pytest.raises(OutputError, match=r"build\.json is missing .*pytorrent build --out"):
        verify_folder(out)


def test_unreadable_manifest_is_refused(out: Path) -> None:
    (out / "build.json").write_text('{"files": {}}')
    with pytest.raises(OutputError, match=r"build\.json is not a build manifest"):
        verify_folder(out)


def test_tampered_file_of_the_same_size_is_refused(out: Path) -> None:
    shard = next((out / "acs4").glob("train-*.parquet"))
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shard.write_bytes(bytes(data))
    with pytest.raises(OutputError, match="1 file changed since the build") as error:
        verify_folder(out)
    assert shard.relative_to(out).as_posix() in str(error.value)


def test_truncated_file_is_refused(out: Path) -> None:
    path = out / "packages" / "packages.jsonl.gz"
    path.write_bytes(path.read_bytes()[:-5])
    with pytest.raises(OutputError, match=r"changed since the build.*packages/packages\.jsonl\.gz"):
        verify_folder(out)


def test_unlisted_files_are_refused_hidden_ones_too(out: Path) -> None:
    (out / "pairs" / "train-99999-of-99999.parquet").write_bytes(b"stray")
    (out / ".DS_Store").write_bytes(b"")
    with pytest.raises(OutputError, match=r"2 files not listed in build\.json") as error:
        verify_folder(out)
    assert ".DS_Store" in str(error.value) and "train-99999" in str(error.value)


def test_missing_listed_file_is_refused(out: Path) -> None:
    shard = next((out / "pairs").glob("validation-*.parquet"))
    shard.unlink()
    with pytest.raises(OutputError, match=r"listed in build\.json but missing"):
        verify_folder(out)


def test_links_are_refused(out: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("outside")
    (out / "stats.txt").symlink_to(target)
    with pytest.raises(OutputError, match=r"stats\.txt is a link"):
        verify_folder(out)


def _card_with(out: Path, configs: list[dict[str, object]]) -> None:
    text = (out / "README.md").read_text()
    _, header, body = text.split("---", 2)
    data = yaml.safe_load(header)
    data["configs"] = configs
    card = f"---\n{yaml.safe_dump(data, sort_keys=False)}---{body}"
    rewrite(out, "README.md", card.encode())


def test_card_config_matching_no_file_is_refused(out: Path) -> None:
    _card_with(
        out,
        [
            {
                "config_name": "pairs",
                "data_files": [{"split": "test", "path": "pairs/test-*.parquet"}],
            }
        ],
    )
    with pytest.raises(OutputError, match=r"config pairs matches no file \(pairs/test-\*"):
        verify_folder(out)


def test_card_config_pointing_outside_is_refused(out: Path) -> None:
    _card_with(out, [{"config_name": "x", "data_files": "../other/*.parquet"}])
    with pytest.raises(OutputError, match="points outside the folder"):
        verify_folder(out)


def test_card_without_header_is_refused(out: Path) -> None:
    rewrite(out, "README.md", b"# no header\n")
    with pytest.raises(OutputError, match="no YAML header"):
        verify_folder(out)


def test_card_without_configs_is_refused(out: Path) -> None:
    _card_with(out, [])
    with pytest.raises(OutputError, match="declares no configs"):
        verify_folder(out)


def test_every_data_files_form_is_understood(out: Path) -> None:
    train = sorted(p.relative_to(out).as_posix() for p in (out / "pairs").glob("train-*"))
    _card_with(
        out,
        [
            {"config_name": "a", "data_files": "pairs/*.parquet"},
            {"config_name": "b", "data_files": ["pairs/train-*.parquet"]},
            {"config_name": "c", "data_files": [{"split": "train", "path": train}]},
            {"config_name": "d", "data_files": {"train": "**/train-*.parquet"}},
        ],
    )
    configs = verify_folder(out).configs
    assert configs["b"] == configs["c"] == train
    assert set(train) < set(configs["a"])
    assert set(train) < set(configs["d"]) and any(p.startswith("acs") for p in configs["d"])


@pytest.mark.parametrize(
    ("path", "pattern", "matches"),
    [
        ("pairs/train-00000-of-00002.parquet", "pairs/train-*.parquet", True),
        ("pairs/valid-00000-of-00002.parquet", "pairs/train-*.parquet", False),
        ("csn/acs0/train-0.jsonl.gz", "csn/*.jsonl.gz", False),
        ("csn/acs0/train-0.jsonl.gz", "csn/**/*.jsonl.gz", True),
        ("csn/train-0.jsonl.gz", "csn/**/*.jsonl.gz", True),
        ("pairs/train-0.parquet", "*/train-?.parquet", True),
    ],
)
def test_globs_keep_single_stars_inside_one_folder(path: str, pattern: str, matches: bool) -> None:
    assert _glob_match(path.split("/"), pattern.split("/")) is matches


def test_manifest_files_match_the_build_exactly(out: Path) -> None:
    manifest = json.loads((out / "build.json").read_text())
    assert set(verify_folder(out).files) - {"build.json"} == set(manifest["files"])

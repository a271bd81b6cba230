"""Each refusal of `verify_folder` with its exact message, and the card forms it accepts, on
copies of one real build (the `out` fixture)."""

from __future__ import annotations

import json
import locale
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from pytorrent.atomic import sha256_file
from pytorrent.errors import OutputError
from pytorrent.publish import verify_folder
from pytorrent.publish.verify import _glob_match, _patterns
from tests.publish.conftest import rewrite


def _refusal(out: Path) -> str:
    with pytest.raises(OutputError) as caught:
        verify_folder(out)
    return str(caught.value)


def _card(out: Path, header: str, body: str = "\n# Corpus\n") -> None:
    rewrite(out, "README.md", f"---\n{header}---{body}".encode())


def _configs(out: Path, configs: object) -> None:
    text = (out / "README.md").read_text()
    _, header, body = text.split("---", 2)
    data = yaml.safe_load(header)
    data["configs"] = configs
    _card(out, yaml.safe_dump(data, sort_keys=False), body)


def _shards(out: Path, folder: str) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in (out / folder).glob("*.parquet"))


def test_the_verified_folder_sums_and_locates_its_files(out: Path) -> None:
    folder = verify_folder(out)
    assert folder.root == out
    on_disk = [p for p in out.rglob("*") if p.is_file()]
    assert folder.bytes == sum(p.stat().st_size for p in on_disk)
    assert list(folder.files) == sorted(folder.files)
    manifest = folder.files["build.json"]
    assert (manifest.path, manifest.bytes) == ("build.json", (out / "build.json").stat().st_size)
    assert manifest.sha256 == sha256_file(out / "build.json")
    shard = _shards(out, "pairs")[0]
    assert folder.local_path(shard) == out / "pairs" / shard.split("/")[1]
    assert folder.files[shard].path == shard
    assert folder.manifest.files[shard].sha256 == folder.files[shard].sha256


def test_not_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match=r"^.*/file is not a folder$"):
        verify_folder(tmp_path / "file")
    with pytest.raises(OutputError, match=r"missing is not a folder$"):
        verify_folder(tmp_path / "missing")


def test_a_manifest_error_names_the_field(out: Path) -> None:
    manifest = json.loads((out / "build.json").read_text())
    manifest["counts"] = {"units": "many"}
    (out / "build.json").write_text(json.dumps(manifest))
    assert _refusal(out) == (
        f"{out} cannot be published: build.json is not a build manifest "
        "(counts.units: Input should be a valid integer, unable to parse string as an integer)"
    )
    (out / "build.json").write_text("[]")
    assert "is not a build manifest (document: " in _refusal(out)
    (out / "build.json").unlink()
    assert _refusal(out) == (
        f"{out} is not a complete pytorrent build: build.json is missing "
        f"(build it with: python -m pytorrent build --out {out})"
    )


def test_a_folder_named_build_json_is_no_manifest(out: Path) -> None:
    (out / "build.json").unlink()
    (out / "build.json").mkdir()
    assert "build.json is missing" in _refusal(out)


@pytest.mark.parametrize(
    ("count", "listing"),
    [
        (1, "x0.bin"),
        (3, "x0.bin, x1.bin, x2.bin"),
        (4, "x0.bin, x1.bin, x2.bin and 1 more"),
        (6, "x0.bin, x1.bin, x2.bin and 3 more"),
    ],
)
def test_refusals_name_three_paths_and_count_the_rest(out: Path, count: int, listing: str) -> None:
    for i in range(count):
        (out / f"x{i}.bin").write_bytes(b"stray")
    noun = "file" if count == 1 else "files"
    assert _refusal(out) == (
        f"{out} cannot be published: {count} {noun} not listed in build.json "
        f"(remove them or rebuild): {listing}"
    )


def test_missing_files_are_named(out: Path) -> None:
    shards = _shards(out, "pairs")
    for shard in shards[:2]:
        (out / shard).unlink()
    assert _refusal(out) == (
        f"{out} cannot be published: 2 files listed in build.json but missing: "
        f"{shards[0]}, {shards[1]}"
    )


def test_a_file_of_another_size_is_changed_even_with_its_listed_digest(out: Path) -> None:
    shard = _shards(out, "pairs")[0]
    manifest = json.loads((out / "build.json").read_text())
    manifest["files"][shard]["bytes"] += 1
    (out / "build.json").write_text(json.dumps(manifest))
    assert _refusal(out) == (
        f"{out} cannot be published: 1 file changed since the build (size or sha256 differs "
        f"from build.json): {shard}"
    )


def test_a_card_not_listed_in_the_manifest_is_missing(out: Path) -> None:
    manifest = json.loads((out / "build.json").read_text())
    del manifest["files"]["README.md"]
    (out / "build.json").write_text(json.dumps(manifest))
    (out / "README.md").unlink()
    assert _refusal(out) == f"{out} cannot be published: the dataset card README.md is missing"


def test_a_link_to_a_folder_is_refused(out: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (out / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    assert _refusal(out) == f"{out} cannot be published: linked is a link, not a file"


@pytest.mark.parametrize(
    "card",
    [
        "",
        "# title only\n",
        "---\nconfigs: []\n",
        "title\n---\nconfigs: []\n---\n",
        "\n---\na: 1\n---\n",
    ],
    ids=["empty", "no-marker", "unclosed", "late-marker", "blank-first-line"],
)
def test_a_card_without_a_yaml_header_is_refused(out: Path, card: str) -> None:
    rewrite(out, "README.md", card.encode())
    assert _refusal(out) == f"{out} cannot be published: README.md has no YAML header"


def test_header_markers_may_carry_spaces(out: Path) -> None:
    text = (out / "README.md").read_text()
    _, header, body = text.split("---", 2)
    rewrite(out, "README.md", f"---  \n{header.strip()}\n  ---{body}".encode())
    assert verify_folder(out).configs


def test_a_header_that_is_not_yaml_or_not_a_mapping_is_refused(out: Path) -> None:
    _card(out, "configs: [unclosed\n")
    assert _refusal(out).startswith(f"{out} cannot be published: README.md header is not YAML (")
    _card(out, "- a\n- b\n")
    assert _refusal(out) == f"{out} cannot be published: README.md header is not a mapping"
    _card(out, "")
    assert _refusal(out) == f"{out} cannot be published: README.md header is not a mapping"


@pytest.mark.parametrize("configs", [[], {"config_name": "pairs"}, "pairs", None])
def test_configs_must_be_a_non_empty_list(out: Path, configs: object) -> None:
    _configs(out, configs)
    assert (
        _refusal(out)
        == f"{out} cannot be published: README.md declares no configs, nothing to load"
    )


@pytest.mark.parametrize(
    "entry", ["pairs", {"data_files": "pairs/*.parquet"}, {"config_name": 3, "data_files": "x"}]
)
def test_a_config_needs_a_name(out: Path, entry: object) -> None:
    _configs(out, [entry])
    assert _refusal(out) == f"{out} cannot be published: README.md has a config without a name"


@pytest.mark.parametrize("data_files", [None, [], {}, 7, [{"split": "train"}]])
def test_a_config_without_data_files_is_refused(out: Path, data_files: object) -> None:
    _configs(out, [{"config_name": "empty", "data_files": data_files}])
    assert _refusal(out) == f"{out} cannot be published: config empty has no data_files"


@pytest.mark.parametrize(
    "pattern", ["/etc/*.parquet", "pairs/../../x.parquet", "..", "hf://datasets/x/*.parquet"]
)
def test_a_pattern_outside_the_folder_is_refused(out: Path, pattern: str) -> None:
    _configs(out, [{"config_name": "x", "data_files": [{"split": "train", "path": pattern}]}])
    assert _refusal(out) == (
        f"{out} cannot be published: config x points outside the folder ({pattern})"
    )


def test_a_name_with_dots_inside_a_part_is_inside(out: Path) -> None:
    _configs(out, [{"config_name": "x", "data_files": "pairs/train..*"}])
    assert "config x matches no file (pairs/train..*)" in _refusal(out)


def test_every_pattern_of_a_config_must_match(out: Path) -> None:
    _configs(out, [{"config_name": "x", "data_files": ["pairs/train-*", "pairs/none-*"]}])
    assert _refusal(out) == f"{out} cannot be published: config x matches no file (pairs/none-*)"


def test_configs_keep_their_order_and_list_their_files_sorted_once(out: Path) -> None:
    train = [s for s in _shards(out, "pairs") if "/train-" in s]
    _configs(
        out,
        [
            {"config_name": "z", "data_files": ["pairs/train-*", "pairs/*"]},
            {"config_name": "a", "data_files": {"train": train[::-1], "other": "pairs/train-*"}},
        ],
    )
    configs = verify_folder(out).configs
    assert list(configs) == ["z", "a"]
    assert configs["z"] == _shards(out, "pairs")
    assert configs["a"] == train


def test_patterns_of_every_data_files_form() -> None:
    assert _patterns("a/*") == ["a/*"]
    assert _patterns(["a", "b"]) == ["a", "b"]
    assert _patterns({"train": "a", "test": ["b", "c"]}) == ["a", "b", "c"]
    assert _patterns([{"split": "train", "path": ["a", "b"]}, {"path": "c"}, "d"]) == [
        "a",
        "b",
        "c",
        "d",
    ]
    assert _patterns({"train": {"nested": "a"}}) == ["a"]
    assert _patterns(None) == [] and _patterns(3) == [] and _patterns([{"split": "x"}]) == []


@pytest.mark.parametrize(
    ("path", "pattern", "matches"),
    [
        ("a/b.parquet", "**", True),
        ("a/b.parquet", "**/**", True),
        ("a", "a/**", True),
        ("a/b/c", "a/**/c", True),
        ("a/c", "a/**/c", True),
        ("a/b/c/d", "a/**/d", True),
        ("a/b/c/d", "a/**/c", False),
        ("a/b", "a", False),
        ("a", "a/b", False),
        ("x/a", "**/a", True),
        ("x/y", "**/a", False),
        ("A/b", "a/b", False),
        ("a/b", "a/[bc]", True),
    ],
)
def test_glob_segments(path: str, pattern: str, matches: bool) -> None:
    assert _glob_match(path.split("/"), pattern.split("/")) is matches


def test_local_paths_keep_spaces_in_names(out: Path) -> None:
    folder = verify_folder(out)
    assert folder.local_path("pairs/a b.parquet") == out / "pairs" / "a b.parquet"


@pytest.fixture
def ascii_locale() -> Iterator[None]:
    """An ASCII locale (LANG=C, as in many cron jobs and containers) for text defaults."""
    old = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        yield
    finally:
        locale.setlocale(locale.LC_CTYPE, old)


def test_a_card_with_non_ascii_text_verifies_under_any_locale(
    out: Path, ascii_locale: None
) -> None:
    text = (out / "README.md").read_text(encoding="utf-8")
    rewrite(out, "README.md", (text + "\nCaf\u00e9 \u2013 na\u00efve.\n").encode("utf-8"))
    assert verify_folder(out).configs

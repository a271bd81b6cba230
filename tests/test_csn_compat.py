"""A real build's exports read the way CodeSearchNet, its Hugging Face loader, CodeXGLUE and
dpu_utils read theirs (issue 16). Each reader below is reimplemented from reading that
project's code, never copied:

- CodeSearchNet `train.py`: one data folder per split, every `*.jsonl.gz` in it;
- `datasets/code_search_net/code_search_net.py`: `os.scandir` of
  `python/final/jsonl/{train,valid,test}`, files ending `.jsonl.gz`, one JSON row per line;
- CodeXGLUE code-to-text `preprocess.py`: rows of a split keyed by `url` in a dict, and the
  "code cannot be parsed into an AST" filter;
- dpu_utils `RichPath.read_as_jsonl`: the whole text split with `str.splitlines()`.
"""

from __future__ import annotations

import ast
import gzip
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pytorrent.write.corpus import write_shards
from tests.envs import install_package, make_site
from tests.sources.test_git import Repo

CSN_SPLITS = ("train", "valid", "test")
SCENARIOS = range(6)
#: Raw line separators in a docstring and in code, as real packages have them.
LINE_BREAKS = "\u2028\u2029\x85"
LINESEP_CORE = f'''
def joined(parts):
    """Join parts{LINE_BREAKS[0]}with the line separator{LINE_BREAKS[1]}of Unicode.

    Next line{LINE_BREAKS[2]}follows.
    """
    # join with U+2028
    kept = [str(part) for part in parts if part]
    text = "{LINE_BREAKS[0]}".join(kept)
    return text.strip()
'''
FORGE_CORE = '''
class Greeter:
    """Greets people."""

    def greet(self, name):
        """Return a greeting for `name`."""
        # friendly by default
        cleaned = name.strip().title()
        greeting = "hello " + cleaned
        return greeting + "!"
'''


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A `--jsonl` build of 12 installed packages, one with raw line separators, and a git
    checkout whose origin is on GitHub; returns the output folder and the commit."""
    root = tmp_path_factory.mktemp("csn")
    site = make_site(root, packages=12)
    install_package(site, "linesep", "0.1", {"linesep/core.py": LINESEP_CORE})
    repo = Repo(root / "forgepkg")
    repo.git("remote", "add", "origin", "https://user:secret@github.com/example/forgepkg.git")
    sha = repo.commit(
        {
            "pyproject.toml": '[project]\nname = "forgepkg"\nversion = "0.3"\n',
            "src/forgepkg/core.py": FORGE_CORE,
        },
        "Add greeter",
        "2024-01-01T00:00:00Z",
    )
    out = root / "corpus"
    done = subprocess.run(
        [sys.executable, "-m", "pytorrent", "build", "--quiet", f"installed:{site}",
         f"git:{repo.path}", "--jsonl", "--split", "40,30,30", "--out", str(out), "--work", str(root / "work")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out, sha


def parquet_rows(out: Path, config: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for path in sorted((out / config).glob("*.parquet")):
        rows += pq.read_table(path).to_pylist()
    return rows


def hf_code_search_net(root: Path) -> dict[str, list[dict[str, object]]]:
    """The Hugging Face loader: scan each split folder, read every .jsonl.gz line by line."""
    data_dir = root / "python" / "final" / "jsonl"
    splits: dict[str, list[dict[str, object]]] = {}
    for split_name in CSN_SPLITS:
        rows = splits.setdefault(split_name, [])
        for entry in os.scandir(data_dir / split_name):  # raises if the folder is missing
            if entry.is_file() and entry.name.endswith(".jsonl.gz"):
                with gzip.open(entry.path, "rt", encoding="utf-8") as handle:
                    rows += [json.loads(line) for line in handle]
    return splits


def dpu_read_as_jsonl(path: Path) -> list[dict[str, object]]:
    """dpu_utils: decode the whole file, split with `str.splitlines()`, one JSON per line."""
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_csn_train_glob_reads_only_train_function_rows(built: tuple[Path, str]) -> None:
    out, _ = built
    total = 0
    for n in SCENARIOS:
        train_dir = out / "csn" / f"acs{n}" / "python" / "final" / "jsonl" / "train"
        rows = [
            row for path in sorted(train_dir.glob("*.jsonl.gz")) for row in dpu_read_as_jsonl(path)
        ]
        expected = [
            r
            for r in parquet_rows(out, f"acs{n}")
            if r["partition"] == "train" and r["kind"] == "function"
        ]
        assert len(rows) == len(expected), n
        assert {row["partition"] for row in rows} <= {"train"}
        total += len(rows)
    assert total > 0


def test_hf_loader_finds_every_split_with_csn_file_names(built: tuple[Path, str]) -> None:
    out, _ = built
    filled: set[str] = set()
    for n in SCENARIOS:
        root = out / "csn" / f"acs{n}"
        splits = hf_code_search_net(root)
        filled.update(name for name, rows in splits.items() if rows)
        for split_name in CSN_SPLITS:
            names = sorted(p.name for p in (root / "python/final/jsonl" / split_name).iterdir())
            assert names == [f"python_{split_name}_{k}.jsonl.gz" for k in range(len(names))]
            assert {row["partition"] for row in splits[split_name]} <= {split_name}
        functions = [r for r in parquet_rows(out, f"acs{n}") if r["kind"] == "function"]
        assert sum(len(rows) for rows in splits.values()) == len(functions)
    assert len(filled) >= 2, "the build should fill more than one split"


def test_comment_units_have_their_own_export_and_stay_in_parquet(built: tuple[Path, str]) -> None:
    out, _ = built
    with_comments = 0
    for n in SCENARIOS:
        exported = [
            r for rows in hf_code_search_net(out / "csn" / f"acs{n}").values() for r in rows
        ]
        assert {r["kind"] for r in exported} == {"function"}
        kinds = Counter(str(r["kind"]) for r in parquet_rows(out, f"acs{n}"))
        comments_root = out / "csn" / "comments" / f"acs{n}"
        if kinds["comment"]:
            with_comments += 1
            rows = [r for split in hf_code_search_net(comments_root).values() for r in split]
            assert len(rows) == kinds["comment"] and {r["kind"] for r in rows} == {"comment"}
        else:
            assert not comments_root.exists()
    assert with_comments >= 3  # ACS 1-4 take developer comments


def test_every_url_is_unique_so_codexglue_keeps_every_row(built: tuple[Path, str]) -> None:
    out, _ = built
    for config in ["pairs", *(f"acs{n}" for n in SCENARIOS)]:
        urls = [str(r["url"]) for r in parquet_rows(out, config)]
        assert len(set(urls)) == len(urls), config
    for n in SCENARIOS:
        for split_name, rows in hf_code_search_net(out / "csn" / f"acs{n}").items():
            url_to_code = {row["url"]: row for row in rows}  # CodeXGLUE keys rows by url
            assert len(url_to_code) == len(rows), (n, split_name)


def test_urls_point_at_the_unit_lines(built: tuple[Path, str]) -> None:
    out, sha = built
    packages = {}
    with gzip.open(out / "packages" / "packages.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            package = json.loads(line)
            packages[package["name"]] = package
    forge_rows = 0
    for row in parquet_rows(out, "pairs"):
        span = f"L{row['start_line']}-L{row['end_line']}"
        if row["repo"] == "forgepkg":
            forge_rows += 1
            assert row["url"] == (
                f"https://github.com/example/forgepkg/blob/{sha}/{row['path']}#{span}"
            )
        else:
            assert row["url"] == f"{packages[row['repo']]['purl']}#{row['path']}:{span}"
    assert forge_rows >= 2  # the method and its comment


def test_git_urls_name_the_lines_of_the_file_at_the_commit(built: tuple[Path, str]) -> None:
    out, sha = built
    lines = FORGE_CORE.splitlines()
    greet = next(r for r in parquet_rows(out, "pairs") if r["func_name"] == "Greeter.greet")
    assert str(greet["url"]).endswith(f"/blob/{sha}/src/forgepkg/core.py#L5-L10")
    assert lines[4].strip().startswith("def greet") and lines[9].strip().startswith("return")
    assert "secret" not in str(greet["url"]) and "user@" not in str(greet["url"])


def test_line_separators_do_not_split_records(built: tuple[Path, str]) -> None:
    out, _ = built
    seen = 0
    for path in sorted((out / "csn").rglob("*.jsonl.gz")):
        raw = gzip.decompress(path.read_bytes())
        for char in LINE_BREAKS:
            assert char.encode() not in raw, (path, char)
        rows = dpu_read_as_jsonl(path)
        assert len(rows) == raw.count(b"\n"), path
        seen += sum(1 for r in rows if all(c in str(r["original_string"]) for c in LINE_BREAKS))
    assert seen >= 2  # the linesep function in ACS 0 and ACS 5 at least, characters intact


def test_function_code_parses_on_its_own(built: tuple[Path, str]) -> None:
    out, _ = built
    rows = [r for r in parquet_rows(out, "pairs") if r["kind"] == "function"]
    assert any(str(r["original_string"]).startswith("def greet") for r in rows)
    for row in rows:
        ast.parse(str(row["code"]))
        ast.parse(str(row["original_string"]))


def test_an_empty_split_still_gets_its_folder(built: tuple[Path, str], tmp_path: Path) -> None:
    out, _ = built
    records = parquet_rows(out, "pairs")
    write_shards(
        (("train", dict(r)) for r in records),
        tmp_path,
        scenarios=[0],
        shard_records=5,
        jsonl=True,
    )
    splits = hf_code_search_net(tmp_path / "csn" / "acs0")
    assert splits["valid"] == [] and splits["test"] == []
    for split in ("valid", "test"):  # one empty shard keeps the folder through git and the Hub
        (empty,) = (tmp_path / "csn/acs0/python/final/jsonl" / split).iterdir()
        assert (
            empty.name == f"python_{split}_0.jsonl.gz"
            and gzip.decompress(empty.read_bytes()) == b""
        )
    train = sorted((tmp_path / "csn/acs0/python/final/jsonl/train").iterdir())
    assert len(train) > 1 and train[0].name == "python_train_0.jsonl.gz"
    assert len(splits["train"]) == sum(
        1 for r in parquet_rows(out, "acs0") if r["kind"] == "function"
    )


def test_the_card_states_encoding_split_names_and_layout(built: tuple[Path, str]) -> None:
    out, _ = built
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "Every text file is UTF-8" in card and 'encoding="utf-8"' in card
    assert "python/final/jsonl/{train,valid,test}/python_{split}_{k}.jsonl.gz" in card
    assert "`csn/comments/acs{N}/`" in card and "PATH#L10-L24" in card


def test_load_dataset_configs_name_the_middle_split_validation(
    built: tuple[Path, str], tmp_path: Path
) -> None:
    from datasets import load_dataset

    out, _ = built
    pairs = load_dataset(str(out), "pairs", cache_dir=str(tmp_path / "cache"))
    assert "validation" in pairs and set(pairs) <= {"train", "validation", "test"}
    assert set(pairs["validation"]["partition"]) == {"validation"}
    valid = hf_code_search_net(out / "csn" / "acs2")["valid"]  # CodeSearchNet keeps `valid`
    assert {row["partition"] for row in valid} <= {"valid"}

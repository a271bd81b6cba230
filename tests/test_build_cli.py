"""`python -m pytorrent build` end to end on a generated installed environment."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from datasets import load_dataset

from pytorrent.atomic import sha256_file
from pytorrent.models import AcsRecord, BuildManifest, PairRecord


def run_build(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytorrent", "build", "--quiet", *args],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from tests.envs import make_site

    root = tmp_path_factory.mktemp("build")
    site = make_site(root, packages=12)
    out = root / "corpus"
    result = run_build(f"installed:{site}", "--out", str(out), "--workers", "2", "--jsonl")
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout and "pairs" in result.stdout
    return site, out


def test_layout(built: tuple[Path, Path]) -> None:
    _, out = built
    assert (out / "README.md").is_file() and (out / "build.json").is_file()
    assert (out / "packages" / "packages.jsonl.gz").is_file()
    assert list((out / "pairs").glob("train-00000-of-00001.parquet"))
    for n in range(6):
        assert list((out / f"acs{n}").glob("*.parquet")), n
        for split in ("train", "valid", "test"):  # CodeSearchNet's layout, every split
            assert list((out / "csn" / f"acs{n}" / "python/final/jsonl" / split).glob("*.gz"))
    assert not [p for p in out.rglob("*") if p.name.startswith(".")]


def test_manifest_lists_every_file_with_its_digest(built: tuple[Path, Path]) -> None:
    _, out = built
    manifest = BuildManifest.model_validate_json((out / "build.json").read_text())
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {
        "build.json"
    }
    assert set(manifest.files) == on_disk
    for rel, digest in manifest.files.items():
        assert sha256_file(out / rel) == digest.sha256
    assert manifest.counts["packages"] == 12
    assert manifest.drops["select"]["category_test"] == 12
    assert manifest.drops["select"]["category_init"] == 12
    assert manifest.drops["filter"]["short_code"] == 12  # `add` of every package
    assert "workers" not in manifest.config


def test_records_validate_against_the_models(built: tuple[Path, Path]) -> None:
    _, out = built
    for path in sorted((out / "pairs").glob("*.parquet")):
        for row in pq.read_table(path).to_pylist():
            PairRecord.model_validate(row)
            assert row["partition"] in path.name
    for path in sorted((out / "acs4").glob("*.parquet")):
        for row in pq.read_table(path).to_pylist():
            AcsRecord.model_validate(row)


def test_load_dataset_reads_every_config(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = built
    card = (out / "README.md").read_text()
    header = yaml.safe_load(card.split("---")[1])
    configs = {c["config_name"]: c for c in header["configs"]}
    assert set(configs) == {"pairs", "acs0", "acs1", "acs2", "acs3", "acs4", "acs5"}
    manifest = json.loads((out / "build.json").read_text())
    for name in configs:
        dataset = load_dataset(str(out), name, cache_dir=str(tmp_path))
        splits = {s: n for s, n in manifest["split_counts"][name].items() if n}
        assert {s: len(d) for s, d in dataset.items()} == splits
    pairs = load_dataset(str(out), "pairs", split="train", cache_dir=str(tmp_path))
    functions = {r["func_name"] for r in pairs if r["kind"] == "function"}
    assert "Counter.increment" in functions
    assert "add" not in functions  # two lines of code: CodeSearchNet's short-code filter


def test_same_inputs_give_byte_identical_output_for_any_worker_count(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    site, out = built
    again = tmp_path / "again"
    result = run_build(f"installed:{site}", "--out", str(again), "--workers", "1", "--jsonl")
    assert result.returncode == 0, result.stderr
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first == second


def test_limit_keeps_first_packages_and_empty_splits_are_left_out(
    tmp_path: Path, site: Path
) -> None:
    out = tmp_path / "small"
    result = run_build(f"installed:{site}", "--out", str(out), "--limit", "1", "--workers", "1")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "build.json").read_text())
    assert manifest["counts"]["packages"] == 1
    assert manifest["drops"]["source"]["beyond_limit"] == 2
    header = yaml.safe_load((out / "README.md").read_text().split("---")[1])
    for config in header["configs"]:
        for entry in config["data_files"]:
            assert list(out.glob(entry["path"])), entry


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["dir:/no/such/folder"], "no such file or folder"),
        (["--acs", "9"], "--acs"),
        (["--categories", "bogus"], "unknown categories"),
    ],
)
def test_bad_arguments_give_one_line_errors(args: list[str], message: str, tmp_path: Path) -> None:
    result = run_build(*args, "--out", str(tmp_path / "x"))
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_duplicates_across_packages_are_removed_and_counted(tmp_path: Path) -> None:
    from tests.envs import ALPHA_CORE, install_package

    site = tmp_path / "site-packages"
    for name in ("dup-a", "dup-b"):  # the same module shipped by two packages
        install_package(site, name, "1.0", {f"{name.replace('-', '_')}/core.py": ALPHA_CORE})
    out = tmp_path / "out"
    result = run_build(f"installed:{site}", "--out", str(out), "--workers", "1", "--no-filter")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "build.json").read_text())
    assert manifest["counts"]["function_units"] == 2  # add + Counter.increment, once each
    assert manifest["drops"]["dedup"]["exact_duplicate"] == 4  # 2 functions, 2 comment units
    ids = {
        row["repo"]
        for path in (out / "pairs").glob("*.parquet")
        for row in pq.read_table(path).to_pylist()
    }
    assert len(ids) == 1
    nodedup = run_build(
        f"installed:{site}", "--out", str(tmp_path / "all"), "--no-dedup", "--no-filter"
    )
    assert nodedup.returncode == 0, nodedup.stderr
    everything = json.loads((tmp_path / "all" / "build.json").read_text())
    assert everything["counts"]["function_units"] == 4


def test_dedup_command_rededups_an_existing_output_in_place(tmp_path: Path) -> None:
    from pytorrent.publish import verify_folder
    from tests.envs import ALPHA_CORE, install_package

    site = tmp_path / "site-packages"
    for name in ("dup-a", "dup-b", "other"):
        core = ALPHA_CORE if name != "other" else ALPHA_CORE.replace("a + b", "a * b * 7 - 1")
        install_package(site, name, "1.0", {f"{name.replace('-', '_')}/core.py": core})
    out = tmp_path / "out"
    built = run_build(
        f"installed:{site}", "--out", str(out), "--no-dedup", "--no-filter", "--jsonl"
    )
    assert built.returncode == 0, built.stderr
    before = json.loads((out / "build.json").read_text())
    result = subprocess.run(
        [sys.executable, "-m", "pytorrent", "dedup", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    after = json.loads((out / "build.json").read_text())
    # dup-b repeats all 4 units of dup-a; `other` repeats its comment block and `increment`.
    assert after["drops"]["dedup"]["exact_duplicate"] == 6
    assert after["counts"]["units"] == before["counts"]["units"] - 6
    assert sum(after["split_counts"]["pairs"].values()) == after["counts"]["units"]
    verify_folder(out)  # every file listed with its digest, card configs resolve
    total = 0
    for split, n in after["split_counts"]["pairs"].items():
        if n:
            total += len(
                load_dataset(str(out), "pairs", split=split, cache_dir=str(tmp_path / "c"))
            )
    assert total == after["counts"]["units"]
    assert list((out / "csn" / "acs4").glob("python/final/jsonl/*/*.jsonl.gz"))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_dedup_anonymize_catches_copies_with_renamed_locals(tmp_path: Path) -> None:
    from tests.envs import install_package

    original = '''
    def scale(values, factor):
        """Multiply every value by factor and drop the negative results."""
        result = []
        for value in values:
            scaled = value * factor
            if scaled >= 0:
                result.append(scaled)
        return result
    '''
    renamed = original.replace("values", "items").replace("value", "item")
    renamed = renamed.replace("scaled", "product").replace("result", "kept")
    site = tmp_path / "site-packages"
    install_package(site, "orig", "1.0", {"orig/core.py": original})
    install_package(site, "copy", "1.0", {"copy/core.py": renamed})
    counts = {}
    for flags in ([], ["--dedup-anonymize", "--dedup-threshold", "0.8"]):
        out = tmp_path / ("anon" if flags else "raw")
        result = run_build(f"installed:{site}", "--out", str(out), "--no-filter", *flags)
        assert result.returncode == 0, result.stderr
        counts[bool(flags)] = json.loads((out / "build.json").read_text())["counts"]["units"]
    assert counts == {False: 2, True: 1}


def test_run_only_flags_are_checked_before_any_work_and_leave_nothing(
    tmp_path: Path, site: Path
) -> None:
    out = tmp_path / "corpus"
    result = run_build(f"installed:{site}", "--out", str(out), "--scheduler", "tcp://127.0.0.1:1")
    assert result.returncode == 2
    assert "--scheduler needs --executor dask" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == [site.name]  # no work folder, no output


def test_a_kept_work_folder_makes_the_next_build_reuse_and_say_so(
    tmp_path: Path, site: Path
) -> None:
    out = tmp_path / "corpus"
    first = run_build(f"installed:{site}", "--out", str(out), "--workers", "1", "--keep-work")
    assert first.returncode == 0, first.stderr
    assert "0 of 3 packages reused" in first.stdout
    again = subprocess.run(
        [sys.executable, "-m", "pytorrent", "build", f"installed:{site}", "--out", str(out),
         "--workers", "1"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "3 cached package results to reuse" in again.stderr
    assert "3 of 3 packages reused" in again.stdout
    assert not (tmp_path / ".corpus.work").exists()

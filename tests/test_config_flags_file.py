"""`build --config FILE`: real TOML files in temporary folders. Keys are BuildConfig's fields
(tables for nested settings), flags take precedence, relative paths are relative to the file,
a bad file is one line and exit 2, and a build from a file equals the build from the flags."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from pytorrent.commands import build
from pytorrent.config import BuildConfig
from pytorrent.config_file import read_config_file
from pytorrent.errors import ConfigError
from tests.envs import folder_bytes, make_site

DOCS = Path(__file__).resolve().parents[1] / "docs"


def config_of(*argv: str) -> BuildConfig:
    parser = argparse.ArgumentParser()
    build.add_arguments(parser)
    return build.config_from_args(parser.parse_args(argv))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_file_sets_fields_and_tables_and_flags_take_precedence(tmp_path: Path) -> None:
    config_file = write(
        tmp_path / "build.toml",
        "seed = 3\njsonl = true\nlimit = 2\nfilter = false\nscenarios = [4, 0]\n"
        'licenses = ["MIT"]\n[minhash]\nthreshold = 0.8\nanonymize = true\n'
        "[bpe]\nvocab_size = 300\n[read_limits]\nmax_members = 9\n",
    )
    from_file = config_of("--config", str(config_file))
    assert (from_file.seed, from_file.jsonl, from_file.limit, from_file.filter) == (
        3,
        True,
        2,
        False,
    )
    assert (from_file.scenarios, from_file.licenses) == ((0, 4), ("MIT",))
    assert (from_file.dedup_threshold, from_file.dedup_anonymize) == (0.8, True)
    assert (from_file.vocab_size, from_file.limits.max_members) == (300, 9)
    flags = config_of("--config", str(config_file), "--seed", "7", "--no-jsonl", "--filter",
                      "--dedup-threshold", "0.9", "--max-members", "4")  # fmt: skip
    assert (flags.seed, flags.jsonl, flags.filter, flags.limit) == (7, False, True, 2)
    # A flag replaces one key of a table; the table's other keys stay the file's.
    assert (flags.dedup_threshold, flags.dedup_anonymize, flags.limits.max_members) == (
        0.9,
        True,
        4,
    )


def test_relative_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    (folder / "pkgs").mkdir(parents=True)
    config_file = write(
        folder / "build.toml",
        'out = "corpus"\nwork = "../work"\n'
        'sources = ["dir:pkgs", "git:repo", "installed:a,b", "pypi:@names.txt", "pkgs",\n'
        '           "installed", "pypi:alpha==1.0", "conda:http://c.test/chan::foo",\n'
        f'           "dir:{tmp_path}/abs", "foo:bar"]\n',
    )
    config = config_of("--config", str(config_file))
    assert config.out == folder / "corpus"
    assert config.work == folder / "../work"
    assert config.sources == (
        f"dir:{folder}/pkgs", f"git:{folder}/repo", f"installed:{folder}/a,{folder}/b",
        f"pypi:@{folder}/names.txt", f"{folder}/pkgs", "installed", "pypi:alpha==1.0",
        "conda:http://c.test/chan::foo", f"dir:{tmp_path}/abs", "foo:bar",
    )  # fmt: skip
    # A path given as a flag stays relative to the current folder.
    assert config_of("--config", str(config_file), "--out", "here").out == Path("here")


def test_a_relative_config_path_from_another_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "conf" / "build.toml", 'out = "corpus"\nsources = ["dir:src"]\n')
    monkeypatch.chdir(tmp_path)
    config = config_of("--config", "conf/build.toml")
    assert (config.out, config.sources) == (Path("conf/corpus"), ("dir:conf/src",))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("limt = 3\n", "unknown key 'limt'; did you mean 'limit'?"),
        ("[minhash]\ntreshold = 0.8\n", "unknown key 'minhash.treshold'; did you mean 'minhash.threshold'?"),
        ("dedup_threshold = 0.8\n", "'dedup_threshold' is written as 'threshold' in the [minhash] table"),
        ("zzz = 1\n", "unknown key 'zzz'; keys are BuildConfig's fields"),
        ("limit = 0\n", "limit: Input should be greater than or equal to 1"),
        ("[minhash]\nthreshold = 1.5\n", "minhash.threshold: dedup threshold must be in (0, 1]"),
        ("minhash = 3\n", "minhash: Input should be a valid dictionary"),
        ("scenarios = [9]\n", "scenarios: scenarios must be among"),
        ("limit = [\n", "not valid TOML"),
    ],
)  # fmt: skip
def test_a_bad_file_is_one_error_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    config_file = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as error:
        config_of("--config", str(config_file))
    got = str(error.value)
    assert got.startswith(f"--config {config_file}: "), got
    assert message in got and "\n" not in got


def test_a_flag_overriding_a_bad_value_of_the_file_wins(tmp_path: Path) -> None:
    config_file = write(tmp_path / "build.toml", "limit = 0\n")
    assert config_of("--config", str(config_file), "--limit", "5").limit == 5
    with pytest.raises(ConfigError, match=r"^--limit: "):
        config_of("--config", str(config_file), "--limit", "0")


def test_the_example_of_the_docs_is_a_valid_file(tmp_path: Path) -> None:
    text = (DOCS / "usage.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```toml\n(.*?)^```", text, re.DOTALL | re.MULTILINE)
    assert blocks, "docs/usage.md shows a --config file"
    config = BuildConfig.model_validate(read_config_file(write(tmp_path / "b.toml", blocks[0])))
    assert config.dedup_threshold == 0.8 and config.limits.max_file_bytes == 1_000_000
    assert config.out == tmp_path / "corpus"


def run_build(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytorrent", "build", "--quiet", "--workers", "1", *args],
        cwd=cwd, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip


def test_the_cli_refuses_a_bad_file_in_one_line_before_any_work(tmp_path: Path) -> None:
    write(tmp_path / "conf" / "build.toml", 'out = "corpus"\n[minhash]\ntreshold = 0.8\n')
    result = run_build("--config", "conf/build.toml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "pytorrent build: --config conf/build.toml: unknown key 'minhash.treshold'; "
        "did you mean 'minhash.threshold'? (docs/usage.md, --config)"
    ]
    assert not (tmp_path / "conf" / "corpus").exists()


@pytest.mark.slow
def test_a_build_from_a_file_equals_the_build_from_flags(tmp_path: Path) -> None:
    site = make_site(tmp_path / "env", packages=3)
    flags = ["--acs", "0,4", "--dedup-threshold", "0.8", "--seed", "3", "--split", "60,20,20",
             "--jsonl", "--shard-records", "2"]  # fmt: skip
    by_flags = run_build(f"installed:{site}", "--out", "flags", *flags, cwd=tmp_path)
    assert by_flags.returncode == 0, by_flags.stderr
    # Paths relative to conf/, the build run from tmp_path: read from the current folder,
    # ../env and ../out would be outside tmp_path.
    write(
        tmp_path / "conf" / "build.toml",
        f'sources = ["installed:../{site.relative_to(tmp_path)}"]\nout = "../out"\n'
        "scenarios = [0, 4]\nseed = 3\nratios = [0.6, 0.2, 0.2]\njsonl = true\n"
        "shard_records = 5\n[minhash]\nthreshold = 0.8\n",
    )
    by_file = run_build("--config", "conf/build.toml", "--shard-records", "2", cwd=tmp_path)
    assert by_file.returncode == 0, by_file.stderr
    built, expected = folder_bytes(tmp_path / "out"), folder_bytes(tmp_path / "flags")
    manifests = [orjson.loads(files.pop("build.json")) for files in (built, expected)]
    assert manifests[0]["config"] == manifests[1]["config"]
    assert manifests[0]["config"]["shard_records"] == 2  # the flag, not the file's 5
    # The card and build.json name the sources as typed; every other byte is equal.
    cards = [files.pop("README.md") for files in (built, expected)]
    assert cards[0].replace(b"conf/../env", b"env") == cards[1]
    assert built == expected

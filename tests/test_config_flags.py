"""`build`'s flags are made from BuildConfig's fields: every spelling and default of before the
generator stays, flat names of nested settings keep working, errors name the flag, and the
index settings reach pypi: sources through the config instead of os.environ."""

from __future__ import annotations

import argparse
import gzip
import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from pytorrent.commands import build
from pytorrent.config import BuildConfig, MinHashSettings, ReadLimitSettings
from pytorrent.config_flags import flag_of
from pytorrent.dedup import DedupConfig
from pytorrent.errors import ConfigError
from pytorrent.sources.base import ReadLimits
from pytorrent.sources.remote import RemoteSource
from pytorrent.sources.resolve import parse_source_spec
from pytorrent.tokenizer import DEFAULT_VOCAB_SIZE, TokenizerConfig

#: Every flag of `build` before the generator, spelled as then (the generator adds the
#: `--x`/`--no-x` halves, --config and the three read limits).
FLAGS_BEFORE = {
    "--out", "--overwrite", "--acs", "--categories", "--workers", "--executor", "--scheduler",
    "--work", "--keep-work", "--seed", "--limit", "--split", "--no-filter", "--license",
    "--no-dedup", "--shard-records", "--jsonl", "--index-url", "--allow-host", "--json-api-url",
    "--dedup-threshold", "--dedup-seed", "--dedup-anonymize", "--tokenizer", "--vocab-size",
    "--package-timeout", "--worker-memory", "--quiet",
}  # fmt: skip
FLAGS_ADDED = {
    "--config", "--filter", "--dedup", "--no-overwrite", "--no-keep-work", "--no-jsonl",
    "--no-dedup-anonymize", "--no-tokenizer", "--max-members", "--max-file-bytes",
    "--max-total-bytes",
}  # fmt: skip

#: build.json's config section of a default build, as written before the settings were nested.
DEFAULT_MANIFEST_CONFIG = {
    "categories": ["core"], "dedup": True, "dedup_anonymize": False, "dedup_seed": 1,
    "dedup_threshold": 0.85, "filter": True, "jsonl": False, "licenses": [], "limit": None,
    "max_file_bytes": 10485760, "max_members": 50000, "max_total_bytes": 2147483648,
    "ratios": [0.8, 0.1, 0.1], "scenarios": [0, 1, 2, 3, 4, 5], "seed": 0,
    "shard_records": 50000, "tokenizer": False, "vocab_size": 56000,
}  # fmt: skip


def parser() -> argparse.ArgumentParser:
    made = argparse.ArgumentParser(prog="pytorrent build")
    build.add_arguments(made)
    return made


def config_of(*argv: str) -> BuildConfig:
    return build.config_from_args(parser().parse_args(argv))


def test_the_flags_are_those_of_before_plus_the_generated_halves() -> None:
    options = {o for a in parser()._actions for o in a.option_strings if o.startswith("--")}
    assert options - {"--help"} == FLAGS_BEFORE | FLAGS_ADDED


def test_every_setting_has_a_flag_with_help_from_its_description() -> None:
    actions = {a.dest: a for a in parser()._actions}
    assert [s.name for s in build.SETTINGS if s.name not in actions] == []
    for setting in build.SETTINGS:
        assert setting.info.description, f"{setting.name} has no description"
        assert setting.info.description.replace("%", "%%") in str(actions[setting.name].help)


def test_no_flags_is_the_default_config_and_the_manifest_of_before() -> None:
    config = config_of()
    assert config == BuildConfig()
    assert config.manifest_config() == DEFAULT_MANIFEST_CONFIG
    assert config.sources == ("installed",) and config.out == Path("pytorrent-corpus")


def test_one_default_per_setting_comes_from_the_library_config() -> None:
    config = BuildConfig()
    assert config.dedup_config() == DedupConfig()
    assert config.vocab_size == TokenizerConfig().vocab_size == DEFAULT_VOCAB_SIZE
    assert config.limits == ReadLimits()
    help_lines = {a.dest: str(a.help) for a in parser()._actions}
    assert "(default: 0.85)" in help_lines["dedup_threshold"]
    assert f"(default: {DEFAULT_VOCAB_SIZE})" in help_lines["vocab_size"]


def test_each_flag_sets_its_field() -> None:
    config = config_of(
        "dir:a", "git:b", "--out", "o", "--acs", "4,0", "--categories", "all", "--workers", "3",
        "--executor", "inline", "--work", "w", "--keep-work", "--seed", "7", "--limit", "2",
        "--split", "70,20,10", "--no-filter", "--license", "MIT", "--no-dedup",
        "--shard-records", "9", "--jsonl", "--tokenizer", "--vocab-size", "300",
        "--dedup-threshold", "0.7", "--dedup-seed", "5", "--dedup-anonymize",
        "--package-timeout", "0", "--worker-memory", "4G", "--index-url", "http://i.test/s/",
        "--json-api-url", "none", "--allow-host", "a.test", "--allow-host", "b.test:8080",
        "--max-members", "3", "--max-file-bytes", "4", "--max-total-bytes", "5", "--overwrite",
    )  # fmt: skip
    assert config == BuildConfig.model_validate(
        {
            "sources": ("dir:a", "git:b"), "out": Path("o"), "scenarios": (0, 4),
            "categories": ("core", "test", "init", "other"), "workers": 3,
            "executor": "inline", "work": Path("w"), "keep_work": True, "seed": 7,
            "limit": 2, "ratios": (0.7, 0.2, 0.1), "filter": False, "licenses": ("MIT",),
            "dedup": False, "shard_records": 9, "jsonl": True, "tokenizer": True,
            "vocab_size": 300, "dedup_threshold": 0.7, "dedup_seed": 5,
            "dedup_anonymize": True, "package_timeout": 0.0, "worker_memory": 4 * 2**30,
            "index_url": "http://i.test/s/", "json_api_url": "none",
            "allow_hosts": ("a.test", "b.test:8080"), "max_members": 3, "max_file_bytes": 4,
            "max_total_bytes": 5, "overwrite": True,
        }
    )  # fmt: skip
    assert config.limits == ReadLimits(3, 4, 5)


def test_the_later_half_of_a_switch_wins_and_auto_is_no_memory_cap() -> None:
    assert config_of("--no-filter", "--filter").filter is True
    assert config_of("--jsonl", "--no-jsonl").jsonl is False
    assert config_of("--worker-memory", "auto").worker_memory is None
    assert config_of("--worker-memory", "0").worker_memory == 0


def test_flat_and_nested_names_are_one_setting() -> None:
    flat = BuildConfig.model_validate({"dedup_threshold": 0.8, "max_members": 7})
    nested = BuildConfig(
        minhash=MinHashSettings(threshold=0.8), read_limits=ReadLimitSettings(max_members=7)
    )
    assert flat == nested == BuildConfig.model_validate({"minhash": {"threshold": 0.8},
                                                         "read_limits": {"max_members": 7}})  # fmt: skip
    assert (flat.dedup_threshold, flat.limits.max_members) == (0.8, 7)
    assert flat.manifest_config()["dedup_threshold"] == 0.8
    with pytest.raises(ValidationError, match=r"give dedup_threshold or minhash\.threshold"):
        BuildConfig.model_validate({"dedup_threshold": 0.8, "minhash": {"threshold": 0.7}})


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--max-members", "0"], "--max-members: Input should be greater than or equal to 1"),
        (["--dedup-threshold", "0"], "--dedup-threshold: dedup threshold must be in (0, 1]"),
        (["--vocab-size", "260"], "--vocab-size: vocab size must be at least 261"),
        (["--categories", "bogus"], "--categories: unknown categories ['bogus']"),
        (["--acs", "9"], "--acs takes numbers 0-5"),
        (["--split", "0,0,1", "--limit", "0"], "--limit: "),
        (["--worker-memory", "lots"], "--worker-memory: "),
        (["--allow-host", "http://x.test/"], "--allow-host / PYTORRENT_ALLOW_HOSTS expects"),
    ],
)
def test_errors_name_the_flag_once(argv: list[str], message: str) -> None:
    with pytest.raises(ConfigError) as error:
        config_of(*argv)
    assert str(error.value).startswith(message), str(error.value)
    assert "\n" not in str(error.value)


def test_a_spelling_other_than_the_field_name_is_in_the_one_table() -> None:
    renamed = {s.name: flag_of(s, build.FLAGS) for s in build.SETTINGS}
    renamed = {
        name: flag for name, flag in renamed.items() if flag != "--" + name.replace("_", "-")
    }
    assert renamed == {"sources": "SOURCE", "scenarios": "--acs", "ratios": "--split",
                       "licenses": "--license", "allow_hosts": "--allow-host"}  # fmt: skip


def test_the_index_settings_reach_a_pypi_source_without_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("PIP_INDEX_URL", "PYTORRENT_INDEX_URL", "PYTORRENT_JSON_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("PYTORRENT_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("PYTORRENT_ALLOW_HOSTS", "env.test")
    before = dict(os.environ)
    config = config_of("pypi:alpha", "--index-url", "http://127.0.0.1:9/simple/",
                       "--json-api-url", "none", "--allow-host", "files.test:8080")  # fmt: skip
    source = parse_source_spec(config.sources[0], config.remote_config())
    assert isinstance(source, RemoteSource)
    assert source.arguments["index_url"] == "http://127.0.0.1:9/simple/"
    assert source.arguments["json_api_url"] is None
    assert source.config.settings["PYTORRENT_ALLOW_HOSTS"] == ["env.test", "files.test:8080"]
    assert dict(os.environ) == before
    # Without the setting the environment still answers, as before.
    monkeypatch.setenv("PYTORRENT_INDEX_URL", "http://127.0.0.1:9/env/")
    plain = parse_source_spec("pypi:alpha", BuildConfig().remote_config())
    assert isinstance(plain, RemoteSource)
    assert plain.arguments["index_url"] == "http://127.0.0.1:9/env/"
    assert "PYTORRENT_ALLOW_HOSTS" not in plain.config.settings


@pytest.mark.slow
def test_build_index_url_crawls_that_index_and_leaves_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """End to end over a loopback index: the flag, then the same key in a --config file."""
    from pytorrent.cli import main
    from tests.crawlers.crawlfix import publish_pypi, standard_projects
    from tests.crawlers.indexserver import IndexServer

    for name in ("PIP_INDEX_URL", "PYTORRENT_INDEX_URL", "PYTORRENT_JSON_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    for name, value in {"STORE": str(tmp_path / "store"), "AUTOTHROTTLE_ENABLED": "0",
                        "DOWNLOAD_DELAY": "0", "PROGRESS_INTERVAL": "0"}.items():  # fmt: skip
        monkeypatch.setenv(f"PYTORRENT_{name}", value)
    server = IndexServer()
    try:
        publish_pypi(server, standard_projects())
        before = dict(os.environ)
        argv = ["build", "pypi:alpha", "--quiet", "--no-filter", "--workers", "1"]
        index = server.url("/simple/")
        assert main([*argv, "--out", str(tmp_path / "a"), "--index-url", index]) == 0
        assert dict(os.environ) == before
        (tmp_path / "b.toml").write_text(f'index_url = "{index}"\nout = "b"\n')
        assert main([*argv, "--config", str(tmp_path / "b.toml")]) == 0
        assert dict(os.environ) == before
    finally:
        server.close()
    for out in ("a", "b"):
        packages = (tmp_path / out / "packages" / "packages.jsonl.gz").read_bytes()
        assert b'"alpha"' in gzip.decompress(packages)

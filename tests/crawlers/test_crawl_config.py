"""Index URLs come only from configuration: flag, environment, pip's own config files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pytorrent.errors import ConfigError
from pytorrent_crawlers.config import (
    default_store,
    derive_json_api_base,
    pip_config_index_url,
    resolve_index_url,
    resolve_json_api_base,
    split_credentials,
)
from pytorrent_crawlers.names import parse_requirement, parse_requirements

NO_PIP = {"PIP_CONFIG_FILE": os.devnull}


def test_flag_beats_environment_beats_pip_config(tmp_path: Path) -> None:
    conf = tmp_path / "pip.conf"
    conf.write_text("[global]\nindex-url = http://pip-conf.test/simple\n")
    env = {"PIP_CONFIG_FILE": str(conf)}
    assert resolve_index_url(None, env).url == "http://pip-conf.test/simple/"
    env["PIP_INDEX_URL"] = "http://pip-env.test/simple"
    assert resolve_index_url(None, env).url == "http://pip-env.test/simple/"
    env["PYTORRENT_INDEX_URL"] = "http://ours.test/simple/"
    assert resolve_index_url(None, env).url == "http://ours.test/simple/"
    assert resolve_index_url("http://flag.test/simple", env).url == "http://flag.test/simple/"


def test_pip_install_section_overrides_global(tmp_path: Path) -> None:
    conf = tmp_path / "pip.conf"
    conf.write_text(
        "[global]\nindex-url = http://global.test/simple\n"
        "[install]\nindex_url = http://install.test/simple\n"
    )
    assert pip_config_index_url({"PIP_CONFIG_FILE": str(conf)}) == "http://install.test/simple"


def test_pip_config_devnull_disables_every_file() -> None:
    assert pip_config_index_url(NO_PIP) is None


def test_no_index_configured_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="--index-url"):
        resolve_index_url(None, NO_PIP)


def test_only_http_urls_are_accepted() -> None:
    with pytest.raises(ConfigError, match="http"):
        resolve_index_url("file:///srv/simple", NO_PIP)


def test_credentials_are_split_off_and_kept_out_of_the_url() -> None:
    endpoint = resolve_index_url("https://me:s%40cret@private.test:8443/simple/", NO_PIP)
    assert endpoint.url == "https://private.test:8443/simple/"
    assert (endpoint.user, endpoint.password) == ("me", "s@cret")
    assert endpoint.host == "private.test"
    assert endpoint.url_with_credentials == "https://me:s%40cret@private.test:8443/simple/"
    assert split_credentials("http://h.test/x").user is None


@pytest.mark.parametrize(
    ("index", "api"),
    [
        ("https://idx.test/simple/", "https://idx.test/pypi/"),
        ("https://idx.test/simple", "https://idx.test/pypi/"),
        ("http://127.0.0.1:8080/simple/", "http://127.0.0.1:8080/pypi/"),
        ("https://nexus.test/repository/py/simple/", "https://nexus.test/repository/py/pypi/"),
        ("https://devpi.test/root/pypi/+simple/", "https://devpi.test/pypi/"),
    ],
)
def test_json_api_sits_beside_the_simple_index(index: str, api: str) -> None:
    assert derive_json_api_base(index) == api


def test_json_api_override_and_off() -> None:
    index = resolve_index_url("https://idx.test/simple/", NO_PIP)
    assert resolve_json_api_base(index, None, {}) == "https://idx.test/pypi/"
    assert resolve_json_api_base(index, "https://api.test/json-api", {}) == (
        "https://api.test/json-api/"
    )
    assert resolve_json_api_base(index, "none", {}) is None
    assert resolve_json_api_base(index, None, {"PYTORRENT_JSON_API_URL": "off"}) is None


def test_store_defaults_to_env_then_user_cache(tmp_path: Path) -> None:
    assert default_store({"PYTORRENT_STORE": str(tmp_path)}) == tmp_path
    cache = default_store({"XDG_CACHE_HOME": str(tmp_path)})
    assert cache.parts[-2:] == ("pytorrent", "store")


def test_requirements_are_names_or_exact_pins() -> None:
    assert parse_requirement("Beta_Pkg") == ("beta-pkg", None)
    assert parse_requirement("alpha == 1.0  # pinned") == ("alpha", "1.0")
    assert parse_requirement("   # comment") is None
    for bad in ("alpha>=1", "alpha[extra]", "alpha==", "alpha==1.*", "alpha; python_version>'3'"):
        with pytest.raises(ValueError, match="NAME or NAME==VERSION"):
            parse_requirement(bad)
    assert parse_requirements(["a", "A", "a==1", "b", "a==1"]) == {"a": [None, "1"], "b": [None]}

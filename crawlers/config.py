"""Where the crawlers point: index and channel URLs, the JSON API base, the store folder.

No registry host name is written anywhere in pytorrent: an index URL comes from `--index-url`,
`PYTORRENT_INDEX_URL`, `PIP_INDEX_URL` or pip's own configuration files, in that order, and a
conda channel URL from the user. Credentials in a URL (`https://user:token@host/simple/`) are
split off, used for HTTP basic auth on that host only, and never logged or written.
"""

from __future__ import annotations

import configparser
import os
import platform
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from pytorrent.errors import ConfigError

ENV_INDEX_URL = "PYTORRENT_INDEX_URL"
ENV_JSON_API_URL = "PYTORRENT_JSON_API_URL"
ENV_STORE = "PYTORRENT_STORE"

#: `--json-api-url` values that turn the JSON API off (metadata from the simple pages instead).
NO_JSON_API = frozenset({"", "none", "off"})


@dataclass(frozen=True)
class Endpoint:
    """A URL without its credentials, plus the credentials (kept out of logs and records)."""

    url: str
    user: str | None = None
    password: str | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def url_with_credentials(self) -> str:
        """The URL as given (credentials included), to hand to a crawl; never to print."""
        if self.user is None:
            return self.url
        scheme, _, rest = self.url.partition("://")
        secret = quote(self.user, safe="")
        if self.password:
            secret += ":" + quote(self.password, safe="")
        return f"{scheme}://{secret}@{rest}"


def split_credentials(url: str) -> Endpoint:
    """Separate `user:password@` from a URL; the URL keeps its port."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return Endpoint(url)
    netloc = parts.hostname or ""
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return Endpoint(clean, user, password)


def normalize_base_url(url: str, what: str) -> Endpoint:
    """An http(s) base URL ending in '/', with credentials split off; ConfigError otherwise."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{what} must be an http(s) URL, got {split_credentials(url).url!r}")
    endpoint = split_credentials(url)
    clean = endpoint.url if endpoint.url.endswith("/") else endpoint.url + "/"
    return Endpoint(clean, endpoint.user, endpoint.password)


def resolve_index_url(explicit: str | None, env: Mapping[str, str] | None = None) -> Endpoint:
    """The simple index to crawl: the flag, then the environment, then pip's configuration."""
    env = os.environ if env is None else env
    for candidate in (explicit, env.get(ENV_INDEX_URL), env.get("PIP_INDEX_URL")):
        if candidate:
            return normalize_base_url(candidate, "the index URL")
    from_pip = pip_config_index_url(env)
    if from_pip:
        return normalize_base_url(from_pip, "pip's configured index-url")
    raise ConfigError(
        "no package index configured: pass --index-url URL, or set "
        f"{ENV_INDEX_URL} or PIP_INDEX_URL, or set index-url in pip's configuration"
    )


def resolve_json_api_base(
    index: Endpoint, explicit: str | None, env: Mapping[str, str] | None = None
) -> str | None:
    """The JSON API base (`<base><name>/json`), or None when it is turned off."""
    env = os.environ if env is None else env
    value = explicit if explicit is not None else env.get(ENV_JSON_API_URL)
    if value is None:
        return derive_json_api_base(index.url)
    if value.strip().lower() in NO_JSON_API:
        return None
    return normalize_base_url(value, "the JSON API URL").url


def derive_json_api_base(index_url: str) -> str:
    """`<prefix>/pypi/` beside `<prefix>/simple/`, the way the public index lays it out.

    An index whose path does not end in `simple/` gets `<scheme://host>/pypi/`.
    """
    parts = urlsplit(index_url)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    prefix = path[: -len("simple/")] if path.endswith("/simple/") else "/"
    return urlunsplit((parts.scheme, parts.netloc, prefix + "pypi/", "", ""))


def pip_config_files(env: Mapping[str, str]) -> list[Path]:
    """pip's configuration files, lowest precedence first (pip's own order)."""
    env_file = env.get("PIP_CONFIG_FILE")
    if env_file == os.devnull:
        return []
    home = Path.home()
    files: list[Path] = []
    if sys.platform == "win32":
        files.append(Path(env.get("ProgramData", r"C:\ProgramData")) / "pip" / "pip.ini")
        user = [Path(env.get("APPDATA", home)) / "pip" / "pip.ini", home / "pip" / "pip.ini"]
        site_name = "pip.ini"
    elif sys.platform == "darwin":
        files.append(Path("/Library/Application Support/pip/pip.conf"))
        user = [home / "Library/Application Support/pip/pip.conf", home / ".pip" / "pip.conf"]
        user.append(home / ".config" / "pip" / "pip.conf")
        site_name = "pip.conf"
    else:
        xdg_dirs = env.get("XDG_CONFIG_DIRS", "/etc/xdg").split(os.pathsep)
        files.extend(Path(d) / "pip" / "pip.conf" for d in xdg_dirs if d)
        files.append(Path("/etc/pip.conf"))
        config_home = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
        user = [home / ".pip" / "pip.conf", config_home / "pip" / "pip.conf"]
        site_name = "pip.conf"
    # pip skips the user files when PIP_CONFIG_FILE names an existing file.
    if not (env_file and Path(env_file).exists()):
        files.extend(user)
    files.append(Path(sys.prefix) / site_name)
    if env_file:
        files.append(Path(env_file))
    return files


def pip_config_index_url(env: Mapping[str, str]) -> str | None:
    """`index-url` from pip's configuration files (`[install]` over `[global]`), if any."""
    merged: dict[tuple[str, str], str] = {}
    for path in pip_config_files(env):
        parser = configparser.RawConfigParser()
        try:
            parser.read(path, encoding="utf-8")
        except (OSError, configparser.Error, UnicodeDecodeError):
            continue
        for section in parser.sections():
            for key, value in parser.items(section):
                merged[(section, key.replace("_", "-"))] = value
    for section in ("install", "download", "global"):
        value = merged.get((section, "index-url"), "").strip()
        if value:
            return value.split()[0]
    return None


def default_store(env: Mapping[str, str] | None = None) -> Path:
    """`PYTORRENT_STORE`, else `<user cache dir>/pytorrent/store`."""
    env = os.environ if env is None else env
    if env.get(ENV_STORE):
        return Path(env[ENV_STORE]).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        cache = Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        cache = home / "Library" / "Caches"
    else:
        cache = Path(env.get("XDG_CACHE_HOME") or home / ".cache")
    return cache / "pytorrent" / "store"


def current_conda_subdir() -> str:
    """The conda platform subdir of this machine (`linux-64`, `osx-arm64`, `win-64`, ...)."""
    system = {"linux": "linux", "darwin": "osx", "win32": "win"}.get(sys.platform, sys.platform)
    machine = platform.machine().lower()
    arch = {
        "x86_64": "64",
        "amd64": "64",
        "aarch64": "aarch64",
        "arm64": "arm64" if system == "osx" else "aarch64",
        "ppc64le": "ppc64le",
        "s390x": "s390x",
    }.get(machine, machine)
    return f"{system}-{arch}"

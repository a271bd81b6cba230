"""Which hosts a crawl may fetch from: the index's own, plus those the user allows by name.

A page served by an index is untrusted: it can name any URL. Only http(s) URLs whose
`host:port` is allowed are fetched. The hosts of the URLs the user gave (index, JSON API,
channel) are allowed; `--allow-host HOST[:PORT]` and `PYTORRENT_ALLOW_HOSTS` add more. An
entry without a port (and a given URL on its scheme's default port) allows the default port
of either scheme, so an `http://` index that redirects to `https://` on the same host works.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from pytorrent.errors import ConfigError

SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}
ENV_ALLOW_HOSTS = "PYTORRENT_ALLOW_HOSTS"


@dataclass(frozen=True, order=True)
class HostRule:
    """One allowed host; `port` None means the default port of the URL's scheme."""

    host: str
    port: int | None = None

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"


def _normal_host(host: str) -> str:
    return host.strip().lower().rstrip(".")


def parse_allow_host(text: str) -> HostRule:
    """`HOST`, `HOST:PORT` or `[IPv6]:PORT` as a rule; ConfigError for anything else."""
    value = text.strip()
    problem = f"--allow-host / {ENV_ALLOW_HOSTS} expects HOST or HOST:PORT"
    if not value or any(c in value for c in "/@?#* \t"):
        raise ConfigError(f"{problem} (no scheme, path or wildcard), got {text!r}")
    try:
        parts = urlsplit(f"http://{value}")
        port = parts.port
    except ValueError:
        raise ConfigError(f"{problem} with a port 1-65535, got {text!r}") from None
    host = _normal_host(parts.hostname or "")
    if not host or port == 0:
        raise ConfigError(f"{problem}, got {text!r}")
    return HostRule(host, port)


def parse_allow_hosts(values: Iterable[str]) -> list[HostRule]:
    """Rules from flags and comma-separated lists; empty items are skipped."""
    rules: list[HostRule] = []
    for value in values:
        for item in value.split(","):
            if item.strip():
                rules.append(parse_allow_host(item))
    return sorted(set(rules))


def rule_of_url(url: str) -> HostRule | None:
    """The rule a user-given http(s) URL stands for (its host, and its port if not default)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in SCHEMES or not parts.hostname:
        return None
    if port == DEFAULT_PORTS[parts.scheme]:
        port = None
    return HostRule(_normal_host(parts.hostname), port)


@dataclass(frozen=True)
class AllowList:
    """The allowed rules, and why a URL is refused (None: fetch it)."""

    rules: frozenset[HostRule]

    @classmethod
    def of(cls, given_urls: Iterable[str | None], extra: Iterable[HostRule] = ()) -> AllowList:
        rules = {rule for url in given_urls if url for rule in [rule_of_url(url)] if rule}
        return cls(frozenset(rules | set(extra)))

    def refusal(self, url: str) -> str | None:
        """'scheme', 'malformed' or 'host' when `url` must not be fetched; None when it may."""
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES:
            return "scheme"
        try:
            port = parts.port
        except ValueError:
            return "malformed"
        if not parts.hostname:
            return "malformed"
        host = _normal_host(parts.hostname)
        default = DEFAULT_PORTS[parts.scheme]
        if port is None or port == default:
            ok = HostRule(host, None) in self.rules or HostRule(host, default) in self.rules
        else:
            ok = HostRule(host, port) in self.rules
        return None if ok else "host"

    def describe(self) -> str:
        return ", ".join(str(rule) for rule in sorted(self.rules)) or "(none)"


def without_credentials(url: str) -> str:
    """`url` with any `user:password@` removed, for logs, examples and summaries."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=netloc).geturl()

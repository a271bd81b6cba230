"""SOURCE strings of the command line (docs/architecture.md, "Command line") -> `Source` objects."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pytorrent.errors import ConfigError
from pytorrent.sources.base import Source
from pytorrent.sources.installed import InstalledSource

if TYPE_CHECKING:
    from pytorrent.sources.remote import RemoteConfig

FORMS = (
    "installed, installed:SITE_PACKAGES, PATH, dir:PATH, git:PATH, pypi:NAME[==VERSION], pypi:@FILE, "
    "conda:CHANNEL_URL[::NAME]"
)


#: The `PREFIX:` of every SOURCE form, in the order the docs list them.
PREFIXES = ("installed", "dir", "git", "pypi", "conda")


def parse_source_spec(spec: str, remote: RemoteConfig | None = None) -> Source:
    """Turn one SOURCE argument into a Source, or raise ConfigError naming the valid forms;
    `remote` says where pypi:/conda: sources crawl from (default: the environment)."""
    if spec == "installed":
        return InstalledSource()
    prefix, sep, rest = spec.partition(":")
    if sep and prefix == "installed":
        folders = [p for p in rest.split(",") if p]
        missing = [p for p in folders if not Path(p).is_dir()]
        if not folders or missing:
            raise ConfigError(
                f"source {spec!r}: no such folder {missing or rest!r}; forms: {FORMS}"
            )
        return InstalledSource(paths=tuple(folders), spec=spec)
    if sep and prefix == "dir":
        return _local_path_source(rest, spec)
    if sep and prefix == "git":
        from pytorrent.sources.git import GitSource

        return GitSource(path=rest, spec=spec)
    if sep and prefix in ("pypi", "conda"):
        from pytorrent.sources.remote import remote_source

        return remote_source(prefix, rest, spec, remote)
    # A bare path (Windows drive letters contain ':' too).
    if sep and len(prefix) > 1 and prefix.isalnum() and not Path(spec).exists():
        raise ConfigError(
            f"source {spec!r}: unknown source prefix {prefix + ':'!r} (known: {', '.join(PREFIXES)}"
            "; a path that contains ':' must exist)"
        )
    return _local_path_source(spec, spec)


def _local_path_source(path: str, spec: str) -> Source:
    if not path:
        raise ConfigError(f"empty path in source {spec!r}; forms: {FORMS}")
    if not Path(path).exists():
        raise ConfigError(f"source {spec!r}: no such file or folder; forms: {FORMS}")
    from pytorrent.sources.local import LocalSource

    return LocalSource(path=path, spec=spec)

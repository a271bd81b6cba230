"""Which release and which file to download: the latest release's sdist, else a pure wheel.

These helpers read raw documents defensively (a malformed document yields "nothing to
select", never an exception): the spider decides what to download before the item
pipeline validates the document, and invalid documents are dropped there with a reason.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from packaging.utils import InvalidWheelFilename, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from pytorrent_crawlers.conda_version import VersionOrder

_SDIST_RANK = (".tar.gz", ".zip")


def iter_release_files(document: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(version, file entry) for every file of every release; malformed parts are skipped."""
    releases = document.get("releases")
    if not isinstance(releases, Mapping):
        return
    for version, files in releases.items():
        if isinstance(files, list):
            for entry in files:
                if isinstance(entry, Mapping):
                    yield str(version), entry


def _version_key(version: str) -> tuple[int, Version | str]:
    try:
        return (1, Version(version))
    except InvalidVersion:
        return (0, version)


def _usable(entry: Mapping[str, Any], allow_yanked: bool) -> bool:
    return (
        isinstance(entry.get("filename"), str)
        and isinstance(entry.get("url"), str)
        and (allow_yanked or not entry.get("yanked"))
    )


def latest_version(document: Mapping[str, Any]) -> str | None:
    """The index's own `info.version` when it has a usable file, else the highest final release."""
    versions = {v for v, entry in iter_release_files(document) if _usable(entry, False)}
    info = document.get("info")
    declared = info.get("version") if isinstance(info, Mapping) else None
    if isinstance(declared, str) and declared in versions:
        return declared
    if not versions:
        return None
    finals = [v for v in versions if not _is_prerelease(v)]
    return max(finals or versions, key=_version_key)


def _is_prerelease(version: str) -> bool:
    try:
        return Version(version).is_prerelease
    except InvalidVersion:
        return False


def is_pure_wheel(filename: str) -> bool:
    """True for wheels that install on any platform and ABI (`*-none-any.whl`)."""
    try:
        _, _, _, tags = parse_wheel_filename(filename)
    except (InvalidWheelFilename, InvalidVersion):
        return False
    return all(tag.abi == "none" and tag.platform == "any" for tag in tags)


def choose_file(files: Sequence[Mapping[str, Any]], allow_yanked: bool) -> Mapping[str, Any] | None:
    """The release's sdist (.tar.gz, then .zip, then others), else its best pure wheel."""
    usable = [f for f in files if _usable(f, allow_yanked)]
    sdists = [f for f in usable if f.get("packagetype") == "sdist"]
    if sdists:
        return min(sdists, key=lambda f: (_sdist_rank(f["filename"]), f["filename"]))
    wheels = [f for f in usable if str(f["filename"]).endswith(".whl")]
    pure = [f for f in wheels if is_pure_wheel(f["filename"])]
    if pure:
        # py3-only wheels first: they are what current installers pick.
        return min(pure, key=lambda f: ("-py3-none-any" not in f["filename"], f["filename"]))
    return None


def _sdist_rank(filename: str) -> int:
    for rank, suffix in enumerate(_SDIST_RANK):
        if filename.endswith(suffix):
            return rank
    return len(_SDIST_RANK)


@dataclass(frozen=True)
class Selection:
    """The outcome of choosing an archive: `status` says why `file` may be None."""

    version: str | None
    file: Mapping[str, Any] | None
    status: str


def select_release(document: Mapping[str, Any], pin: str | None = None) -> Selection:
    """The archive to download for the latest release, or for `pin` (yanked allowed then)."""
    by_version: dict[str, list[Mapping[str, Any]]] = {}
    for version, entry in iter_release_files(document):
        by_version.setdefault(version, []).append(entry)
    if pin is not None:
        matched = _match_pin(pin, by_version)
        if matched is None:
            return Selection(pin, None, "version_not_found")
        version = matched
        chosen = choose_file(by_version[version], allow_yanked=True)
    else:
        latest = latest_version(document)
        if latest is None:
            return Selection(None, None, "no_release")
        version = latest
        chosen = choose_file(by_version[version], allow_yanked=False)
    if chosen is None:
        return Selection(version, None, "no_python_archive")
    return Selection(version, chosen, "selected")


def _match_pin(pin: str, versions: Mapping[str, object]) -> str | None:
    if pin in versions:
        return pin
    try:
        wanted = Version(pin)
    except InvalidVersion:
        return None
    for version in versions:
        try:
            if Version(version) == wanted:
                return version
        except InvalidVersion:
            continue
    return None


def file_digests(entry: Mapping[str, Any]) -> dict[str, str]:
    """The sha256/md5 digests a file entry declares, lower-cased."""
    digests = entry.get("digests")
    if not isinstance(digests, Mapping):
        return {}
    return {
        algo: str(digests[algo]).lower()
        for algo in ("sha256", "md5")
        if isinstance(digests.get(algo), str) and digests[algo]
    }


# --- conda -------------------------------------------------------------------------------


def is_python_package(record: Mapping[str, Any]) -> bool:
    """A conda package that ships Python code: `noarch: python`, or it depends on python."""
    if record.get("noarch") == "python":
        return True
    depends = record.get("depends")
    if not isinstance(depends, list):
        return False
    return any(isinstance(d, str) and d.split(" ", 1)[0] == "python" for d in depends)


def conda_rank(filename: str, record: Mapping[str, Any]) -> tuple[VersionOrder, int, int, int]:
    """Sort key of one build: version, build number, timestamp, `.conda` over `.tar.bz2`.

    Raises ValueError for a version conda itself would reject.
    """
    build_number = record.get("build_number")
    timestamp = record.get("timestamp")
    return (
        VersionOrder(str(record.get("version", ""))),
        build_number if isinstance(build_number, int) else 0,
        timestamp if isinstance(timestamp, int) else 0,
        1 if filename.endswith(".conda") else 0,
    )

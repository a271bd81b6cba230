"""Web URLs of a git checkout's lines on its forge, so each record links to its exact lines.

CodeSearchNet's `url` is the GitHub blob URL of the function at the commit with its line span
(`.../blob/SHA/path#L10-L24`). A `git:` source whose remote is on a forge we know gets a URL
template of that form; any other remote (or none) gets None and records fall back to the purl
scheme (pytorrent.records.unit_url). Credentials in a remote URL never reach the template.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from pytorrent.sources.gitexec import GitError, run_git

#: host -> (path inside the repository page, line anchor), with `{sha}`, `{start}`, `{end}`.
FORGES: dict[str, tuple[str, str]] = {
    "github.com": ("blob/{sha}/", "#L{start}-L{end}"),
    "gitlab.com": ("-/blob/{sha}/", "#L{start}-{end}"),
    "codeberg.org": ("src/commit/{sha}/", "#L{start}-L{end}"),
    "bitbucket.org": ("src/{sha}/", "#lines-{start}:{end}"),
}
_SCP_LIKE = re.compile(r"^(?:[^@/:]+@)?(?P<host>[^/:]+):(?P<path>[^/].*)$")
_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9._-]+$")


def forge_repository(remote: str) -> tuple[str, list[str]] | None:
    """(host, path segments) of a remote URL on a known forge (https, ssh, git or scp-like
    `git@host:owner/repo.git`), or None; user names and passwords are dropped."""
    remote = remote.strip()
    if "://" in remote:
        parts = urlsplit(remote)
        if parts.scheme not in ("https", "http", "ssh", "git", "git+ssh"):
            return None
        host, path = (parts.hostname or "").lower(), parts.path
    else:
        match = _SCP_LIKE.match(remote)
        if match is None:
            return None
        host, path = match["host"].lower(), match["path"]
    segments = [s for s in path.removesuffix("/").removesuffix(".git").split("/") if s]
    if host not in FORGES or len(segments) < 2:
        return None
    if host != "gitlab.com" and len(segments) != 2:  # only GitLab has nested groups
        return None
    if not all(_SAFE_SEGMENT.match(s) for s in segments):
        return None
    return host, segments


def blob_url_template(remote: str, commit: str, prefix: str = "") -> str | None:
    """`https://HOST/OWNER/REPO/blob/SHA/PREFIX{path}#L{start}-L{end}` (per forge) for
    `str.format(path=..., start=..., end=...)`, or None when the remote is on no known forge.
    `prefix` is the package folder's path inside the repository (`git rev-parse --show-prefix`).
    """
    found = forge_repository(remote)
    if found is None or not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", commit):
        return None
    host, segments = found
    blob, anchor = FORGES[host]
    folder = quote(prefix.strip("/"), safe="/")
    folder = folder.replace("{", "{{").replace("}", "}}")
    base = f"https://{host}/{'/'.join(segments)}/{blob.format(sha=commit)}"
    return base + (f"{folder}/" if folder else "") + "{path}" + anchor


def remote_url(repo: str) -> str | None:
    """The URL of the `origin` remote, else of the only remote, else None (read from config
    without contacting the remote)."""
    try:
        listing = run_git(repo, "config", "-z", "--get-regexp", r"^remote\..*\.url$")
    except GitError:  # no remote at all: git config exits 1
        return None
    urls: dict[str, str] = {}
    for entry in listing.split(b"\0"):
        key, _, value = entry.decode("utf-8", "replace").partition("\n")
        if key:
            urls[key.lower().removeprefix("remote.").removesuffix(".url")] = value
    if "origin" in urls:
        return urls["origin"]
    return next(iter(urls.values())) if len(urls) == 1 else None


def checkout_blob_url(repo: str, commit: str) -> str | None:
    """The blob URL template of the folder `repo` at `commit` (see `blob_url_template`)."""
    remote = remote_url(repo)
    if remote is None:
        return None
    try:
        prefix = run_git(repo, "rev-parse", "--show-prefix").decode("utf-8", "replace").strip()
    except GitError:
        return None
    return blob_url_template(remote, commit, prefix)

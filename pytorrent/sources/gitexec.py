"""The one way pytorrent runs `git`: no repository-configured program may ever start.

A repository's own `.git/config` can name programs git would run on a read (a signature
checker, a pager, an external diff, an fsmonitor hook, a lazy-fetch `uploadpack` of a promisor
remote) or files it would open and block on (`blame.ignoreRevsFile` pointing at a FIFO). Every
call made here overrides those settings on the command line (which beats every config file),
runs with a scrubbed environment (no global or system config, no askpass, no lazy fetch, an
empty `HOME`), reads nothing from our stdin, turns off every transport, and is bounded by a
timeout. Repositories with a promisor remote are refused by `promisor_remote`: on git older
than 2.44 a missing object there would start a fetch.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from functools import cache

#: Seconds one git command may run (`cat-file --batch`: one blob read) before it is killed.
GIT_TIMEOUT_S = 120.0

_OVERRIDES = (
    "log.showSignature=false",
    "gpg.program=false",
    "gpg.openpgp.program=false",
    "gpg.x509.program=false",
    "gpg.ssh.program=false",
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.sshCommand=false",
    "core.askPass=",
    "core.quotepath=off",
    "credential.helper=",
    "diff.external=",
    "blame.ignoreRevsFile=",
    "protocol.allow=never",
)


class GitError(Exception):
    """A git command failed; the message is git's own."""


class GitTimeoutError(GitError):
    """A git command ran past `GIT_TIMEOUT_S` and was killed."""


@cache
def _empty_home() -> str:
    home = tempfile.mkdtemp(prefix="pytorrent-git-home-")
    atexit.register(shutil.rmtree, home, True)
    return home


def git_environment() -> dict[str, str]:
    """Only what git needs: PATH, an empty HOME, and every outside influence turned off."""
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": _empty_home(),
        "LC_ALL": "C",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_NO_LAZY_FETCH": "1",
        "GIT_ASKPASS": "",
        "SSH_ASKPASS": "",
        "GIT_OPTIONAL_LOCKS": "0",
        "GIT_LITERAL_PATHSPECS": "1",
    }


def git_command(repo: str, *args: str) -> list[str]:
    """`git --no-pager -C repo -c ... args`, with every program-running setting neutralised."""
    overrides = [part for setting in _OVERRIDES for part in ("-c", setting)]
    return ["git", "--no-pager", "-C", repo, *overrides, *args]


def run_git(
    repo: str, *args: str, stdin: bytes | None = None, timeout: float = GIT_TIMEOUT_S
) -> bytes:
    """stdout of one git command; raises GitError with git's message when it fails."""
    try:
        done = subprocess.run(
            git_command(repo, *args),
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            check=False,
            env=git_environment(),
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise GitTimeoutError(f"git {args[0]} ran past {timeout:g} s") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def open_git(repo: str, *args: str) -> subprocess.Popen[bytes]:
    """A long-running git command with piped stdin and stdout (the caller bounds its reads)."""
    try:
        return subprocess.Popen(
            git_command(repo, *args),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=git_environment(),
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc}") from None


def _is_true(value: str) -> bool:
    return value.strip().lower() in ("true", "yes", "on", "1")


def promisor_remote(repo: str) -> str | None:
    """The config key that makes `repo` a partial clone (objects fetched on demand), or None."""
    listing = run_git(repo, "config", "-z", "--list")
    for entry in listing.split(b"\0"):
        key, _, value = entry.decode("utf-8", "replace").partition("\n")
        key = key.lower()
        if key == "extensions.partialclone" and value.strip():
            return key
        if key.startswith("remote.") and key.endswith(".promisor") and _is_true(value):
            return key
    return None

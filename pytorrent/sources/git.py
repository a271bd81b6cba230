"""`git:PATH`: the files of a git working copy at HEAD, with per-line commits from blame.

Files are read from the HEAD commit (`ls-tree` + `cat-file --batch`), not the working tree,
so a corpus is a function of a commit, uncommitted edits do not appear, and links in the work
tree are never followed. `git` runs only through `gitexec`, which stops the repository's
config from starting any program; a partial clone, a broken object or a timeout is a counted
skip. Commit dates are UTC (`YYYY-MM-DDTHH:MM:SSZ`) so they sort as text.
"""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

from packaging.utils import canonicalize_name

from pytorrent.drops import Drops
from pytorrent.errors import ConfigError
from pytorrent.models import PackageMetadata
from pytorrent.sources.base import (
    CommitInfo,
    PackageContent,
    PackageHandle,
    RawFile,
    ReadLimits,
    Source,
)
from pytorrent.sources.forge import checkout_blob_url
from pytorrent.sources.gitexec import (
    GIT_TIMEOUT_S,
    GitError,
    GitTimeoutError,
    open_git,
    promisor_remote,
    run_git,
)
from pytorrent.sources.members import ArchiveError, Member, MemberError
from pytorrent.sources.project import fallback_metadata, is_tree_metadata_path, tree_metadata
from pytorrent.sources.reader import STAGE, read_named_files, read_python_files

_CHUNK = 64 * 1024
_BLAME_HEADER = re.compile(rb"^([0-9a-f]{40}|[0-9a-f]{64}) \d+ \d+")


def utc_date(epoch: str | bytes) -> str:
    """`YYYY-MM-DDTHH:MM:SSZ` of a Unix time; raises ValueError for a date git could not read."""
    moment = datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class BlobReader:
    """One `git cat-file --batch` process serving blob reads, each bounded by the caller.

    A read that takes longer than `GIT_TIMEOUT_S` kills the process (`git_timeout`)."""

    def __init__(self, repo: str) -> None:
        self._process = open_git(repo, "cat-file", "--batch")
        self._timed_out = False

    def _kill(self) -> None:
        self._timed_out = True
        self._process.kill()

    def read(self, sha: str, n: int) -> bytes:
        watchdog = threading.Timer(GIT_TIMEOUT_S, self._kill)
        watchdog.start()
        try:
            data = self._read(sha, n)
        except (OSError, ValueError, ArchiveError, MemberError) as exc:
            if self._timed_out:
                raise ArchiveError(
                    "git_timeout", f"cat-file ran past {GIT_TIMEOUT_S:g} s"
                ) from None
            if isinstance(exc, (ArchiveError, MemberError)):
                raise
            raise ArchiveError("git_error", str(exc)) from None
        finally:
            watchdog.cancel()
        if self._timed_out:
            raise ArchiveError("git_timeout", f"cat-file ran past {GIT_TIMEOUT_S:g} s")
        return data

    def _read(self, sha: str, n: int) -> bytes:
        stdin, stdout = self._process.stdin, self._process.stdout
        if stdin is None or stdout is None:  # pragma: no cover - both are pipes
            raise MemberError("unreadable_member")
        stdin.write(sha.encode("ascii") + b"\n")
        stdin.flush()
        line = stdout.readline()
        if not line:
            raise ArchiveError("git_error", "cat-file ended early")
        header = line.split()
        if len(header) != 3 or header[1] != b"blob" or not header[2].isdigit():
            raise MemberError("unreadable_member", "missing or not a blob")
        size = int(header[2])
        data = stdout.read(min(n, size))
        left = size - len(data) + 1  # the rest of the blob and its trailing newline
        while left > 0:
            skipped = stdout.read(min(left, _CHUNK))
            if not skipped:
                raise ArchiveError("git_error", "cat-file ended early")
            left -= len(skipped)
        return data

    def close(self) -> None:
        try:
            if self._process.stdin is not None:
                self._process.stdin.close()
        except OSError:  # the process is already gone (killed, or git died)
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()


def _tree_listing(repo: str, commit: str) -> list[bytes]:
    """The `ls-tree -r -z -l` records of a commit; a broken tree or a timeout is ArchiveError."""
    try:
        output = run_git(repo, "ls-tree", "-r", "-z", "-l", commit)
    except GitTimeoutError as exc:
        raise ArchiveError("git_timeout", str(exc)) from None
    except GitError as exc:
        raise ArchiveError("git_error", str(exc)) from None
    return [record for record in output.split(b"\0") if record]


def _member(record: bytes, blobs: BlobReader) -> Member | None:
    meta, _, raw_path = record.partition(b"\t")
    fields = meta.split()
    if len(fields) != 4:
        raise ArchiveError("git_error", "unexpected ls-tree output")
    mode, object_type, sha, size = fields
    name = raw_path.decode("utf-8", "surrogateescape")
    if object_type == b"commit":
        return Member(name=name, kind="submodule", size=0)
    if mode == b"120000":
        return Member(name=name, kind="symlink", size=0)
    if object_type != b"blob":
        return None
    if not size.isdigit():  # git could not read the object: `-` for its size
        return Member(name=name, kind="file", size=0)  # reads as unreadable_member
    return Member(name=name, kind="file", size=int(size), read=partial(blobs.read, sha.decode()))


def git_members(repo: str, commit: str) -> Iterator[Member]:
    """Entries of the commit's tree under `repo` (paths relative to it), in git's order."""
    records = _tree_listing(repo, commit)
    try:
        blobs = BlobReader(repo)
    except GitError as exc:
        raise ArchiveError("git_error", str(exc)) from None
    try:
        for record in records:
            member = _member(record, blobs)
            if member is not None:
                yield member
    finally:
        blobs.close()


def parse_blame(porcelain: bytes) -> list[str]:
    """The commit sha of each line (index 0 = line 1) from `git blame --porcelain`."""
    shas: list[str] = []
    current = ""
    for line in porcelain.split(b"\n"):
        if line.startswith(b"\t"):
            shas.append(current)
            continue
        match = _BLAME_HEADER.match(line)
        if match:
            current = match.group(1).decode("ascii")
    return shas


def load_commits(repo: str, shas: Sequence[str]) -> dict[str, CommitInfo]:
    """Full message and UTC committer date of each commit, in one `git log` call."""
    output = run_git(
        repo,
        "log",
        "--no-walk=unsorted",
        "--stdin",
        "-z",
        "--format=%H %ct%n%B",
        stdin="\n".join(shas).encode("ascii") + b"\n",
    )
    commits: dict[str, CommitInfo] = {}
    for record in output.split(b"\0"):
        head, _, body = record.partition(b"\n")
        parts = head.split()
        if len(parts) != 2 or not parts[1].isdigit():  # a commit git could not parse
            continue
        sha = parts[0].decode("ascii")
        message = body.decode("utf-8", "replace").strip()
        commits[sha] = CommitInfo(sha=sha, date=utc_date(parts[1]), message=message)
    return commits


@dataclass
class GitBlame:
    """`blame(path)` of `PackageContent`: the commit of each line of a file at `commit`."""

    repo: str
    commit: str
    commits: dict[str, CommitInfo] = field(default_factory=dict)

    def __call__(self, path: str) -> list[CommitInfo | None] | None:
        try:
            porcelain = run_git(
                # --no-ignore-revs-file: the `blame.ignoreRevsFile=` override does not clear a
                # repository's own list on git 2.39, and a FIFO there blocks blame until killed.
                self.repo,
                "blame",
                "--porcelain",
                "--no-textconv",
                "--no-ignore-revs-file",
                self.commit,
                "--",
                path,
            )
        except GitError:
            return None
        shas = parse_blame(porcelain)
        missing = sorted({sha for sha in shas if sha not in self.commits})
        if missing:
            try:
                self.commits.update(load_commits(self.repo, missing))
            except GitError:
                return None
        return [self.commits.get(sha) for sha in shas]


@dataclass(frozen=True)
class GitPackage(PackageHandle):
    """The tree of one commit of a git working copy (`path` may be a folder inside it)."""

    name: str
    version: str
    path: str
    commit: str
    commit_date: str | None = None
    #: forge URL template of the package folder at `commit` (pytorrent.sources.forge)
    blob_url: str | None = None

    @property
    def label(self) -> str:
        return Path(self.path).resolve().name

    @property
    def revision(self) -> str | None:
        return f"{self.commit} {self.blob_url}" if self.blob_url else self.commit

    def read(self, limits: ReadLimits, drops: Drops) -> PackageContent:
        metadata = self.peek_metadata(limits)
        if metadata is None:
            drops.add(STAGE, "no_metadata", self.label)
            metadata = fallback_metadata(
                source="git",
                name=self.name,
                version=self.version,
                label=self.label,
                upload_time=self.commit_date,
            )
        files = self._files(limits, drops)
        return PackageContent(
            metadata=metadata,
            files=files,
            blame=GitBlame(self.path, self.commit),
            blob_url=self.blob_url,
        )

    def peek_metadata(self, limits: ReadLimits) -> PackageMetadata | None:
        """Metadata from the commit's metadata files, or None; problems are not counted here."""
        found = read_named_files(
            git_members(self.path, self.commit), limits, want=is_tree_metadata_path
        )
        return tree_metadata(
            found,
            source="git",
            purl_type="generic",
            fallback_name=self.name,
            fallback_version=self.version,
            source_file=self.label,
            upload_time=self.commit_date,
        )

    def _files(self, limits: ReadLimits, drops: Drops) -> Iterator[RawFile]:
        yield from read_python_files(git_members(self.path, self.commit), limits, drops, self.label)


@dataclass(frozen=True)
class GitSource(Source):
    """`git:PATH`: one package, the HEAD commit of the working copy at PATH."""

    path: str
    spec: str
    limits: ReadLimits = field(default_factory=ReadLimits)

    def packages(self, drops: Drops) -> Iterator[PackageHandle]:
        if not Path(self.path).is_dir():
            raise ConfigError(f"source {self.spec!r}: no such folder")
        label = Path(self.path).resolve().name
        try:
            run_git(self.path, "rev-parse", "--verify", "HEAD")
        except GitTimeoutError:
            drops.add(STAGE, "git_timeout", label)
            return
        except GitError as exc:
            raise ConfigError(
                f"source {self.spec!r}: not a git working copy with a commit "
                f"(give git: the folder of a repository that has a commit): {exc}"
            ) from None
        try:
            promisor = promisor_remote(self.path)
            if promisor is not None:  # a missing object would start a fetch
                drops.add(STAGE, "git_partial_clone", f"{label}:{promisor}")
                return
            sha = run_git(self.path, "rev-parse", "--verify", "HEAD^{commit}").strip().decode()
            date = utc_date(run_git(self.path, "log", "-1", "--format=%ct", sha).strip())
        except GitTimeoutError:
            drops.add(STAGE, "git_timeout", label)
            return
        except (GitError, ValueError):  # a missing or corrupt commit object
            drops.add(STAGE, "git_error", label)
            return
        handle = GitPackage(
            name=str(canonicalize_name(label)),
            version=f"0+g{sha[:12]}",
            path=self.path,
            commit=sha,
            commit_date=date,
            blob_url=checkout_blob_url(self.path, sha),
        )
        metadata = handle.peek_metadata(self.limits)
        if metadata is not None and metadata.name:
            handle = replace(handle, name=metadata.name, version=metadata.version)
        yield handle

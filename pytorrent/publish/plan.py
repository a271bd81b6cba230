"""Which files go up in which commit: a pure function of the verified folder and the remote.

Data files that the repository does not already hold go up in commits bounded by a number of
files and of bytes. The dataset card and `build.json` go up together in the last commit, which
also deletes stale files of an earlier build from the folders a build owns: until that commit
lands, the repository never advertises configs whose files are not all there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from pytorrent.publish.remote import RemoteFile, already_there
from pytorrent.publish.verify import CARD, MANIFEST, LocalFile, VerifiedFolder

DEFAULT_MAX_FILES_PER_COMMIT = 100
DEFAULT_MAX_BYTES_PER_COMMIT = 5 * 1024**3
LAST = (CARD, MANIFEST)

# Top-level folders a build writes; a remote file under them that the build lacks is stale.
_BUILD_FOLDERS = re.compile(r"(pairs|acs\d+|csn|packages|stats|tokenizer)/")


@dataclass(frozen=True)
class CommitPlan:
    """One commit: files to add (or overwrite) and repository paths to delete."""

    files: tuple[LocalFile, ...]
    deletions: tuple[str, ...] = ()
    last: bool = False  # holds the dataset card and manifest

    @property
    def bytes(self) -> int:
        return sum(f.bytes for f in self.files)


@dataclass(frozen=True)
class PublishPlan:
    """Commits in order (card and manifest in the last one) and files left as they are."""

    commits: tuple[CommitPlan, ...]
    unchanged: tuple[LocalFile, ...]

    @property
    def uploads(self) -> tuple[LocalFile, ...]:
        return tuple(f for commit in self.commits for f in commit.files)

    @property
    def deletions(self) -> tuple[str, ...]:
        return tuple(d for commit in self.commits for d in commit.deletions)


def plan_commits(
    folder: VerifiedFolder,
    remote: Mapping[str, RemoteFile],
    *,
    max_files: int = DEFAULT_MAX_FILES_PER_COMMIT,
    max_bytes: int = DEFAULT_MAX_BYTES_PER_COMMIT,
) -> PublishPlan:
    """Plan the commits that make `remote` hold exactly `folder`'s build.

    A file larger than `max_bytes` gets a commit of its own.
    """
    if max_files < 1 or max_bytes < 1:
        raise ValueError("max_files and max_bytes must be positive")
    pending: list[LocalFile] = []
    unchanged: list[LocalFile] = []
    for rel, local in folder.files.items():
        same = already_there(local, folder.local_path(rel), remote.get(rel))
        (unchanged if same else pending).append(local)
    data = [f for f in pending if f.path not in LAST]
    last = tuple(f for f in pending if f.path in LAST)
    stale = tuple(sorted(p for p in remote if p not in folder.files and _BUILD_FOLDERS.match(p)))
    commits = [CommitPlan(tuple(batch)) for batch in _batches(data, max_files, max_bytes)]
    if last or stale:
        commits.append(CommitPlan(last, stale, last=True))
    return PublishPlan(tuple(commits), tuple(unchanged))


def _batches(files: list[LocalFile], max_files: int, max_bytes: int) -> list[list[LocalFile]]:
    batches: list[list[LocalFile]] = []
    current: list[LocalFile] = []
    size = 0
    for local in files:
        if current and (len(current) >= max_files or size + local.bytes > max_bytes):
            batches.append(current)
            current, size = [], 0
        current.append(local)
        size += local.bytes
    if current:
        batches.append(current)
    return batches


def render_plan(plan: PublishPlan, *, files: bool = True) -> list[str]:
    """The plan as lines for people: totals, then every commit with (if `files`) its files."""
    uploads, n = plan.uploads, len(plan.commits)
    lines = [
        f"{len(uploads)} {_plural(len(uploads), 'file')} to upload ({human_bytes(sum(f.bytes for f in uploads))}) "
        f"in {n} {_plural(n, 'commit')}; {len(plan.unchanged)} already there with the same content; "
        f"{len(plan.deletions)} stale {_plural(len(plan.deletions), 'file')} to delete"
    ]
    for i, commit in enumerate(plan.commits, 1):
        what = " (dataset card and manifest, last)" if commit.last else ""
        lines.append(
            f"commit {i}/{n}{what}: {len(commit.files)} {_plural(len(commit.files), 'file')}, "
            f"{human_bytes(commit.bytes)}"
            + (
                f", {len(commit.deletions)} {_plural(len(commit.deletions), 'deletion')}"
                if commit.deletions
                else ""
            )
        )
        if files:
            lines += [f"  {f.path}  {human_bytes(f.bytes)}" for f in commit.files]
            lines += [f"  delete {path}" for path in commit.deletions]
    return lines


def human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} TB"


def _plural(n: int, word: str) -> str:
    return word if n == 1 else f"{word}s"

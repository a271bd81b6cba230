"""An in-memory stand-in for `huggingface_hub.HfApi`: the one mock this project allows.

It implements exactly the methods `pytorrent.publish` calls, with HfApi's parameter names,
kinds and defaults (tests/publish/test_fake_hub.py checks them against the installed
huggingface_hub) and its return types: `RepoUrl`, `RepoFile`/`RepoFolder` with `BlobLfsInfo`,
`CommitInfo`. Failures are raised the way huggingface_hub raises them: an HTTP response of the
status the Hub sends goes through `hf_raise_for_status`, so callers see the same classes
(`RepositoryNotFoundError`, `RevisionNotFoundError`, `HfHubHTTPError`) with the same statuses.

What it models: dataset repositories with branches and pull-request refs; tokens with read or
write access (unknown: 401, read-only writing: 403); commits that are all-or-nothing; the
upload mode the Hub picks (LFS for `.gitattributes` patterns and files over 10 MiB, regular
otherwise) and its content-addressed LFS store, so an LFS object sent before a failed commit
is not sent again. Tests can make chosen commits fail after their bytes were sent.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NoReturn

import httpx2
from huggingface_hub import (
    CommitInfo,
    CommitOperationAdd,
    CommitOperationDelete,
    RepoFile,
    RepoFolder,
    RepoUrl,
    constants,
    get_token,
)
from huggingface_hub.utils import hf_raise_for_status

LFS_THRESHOLD = 10 * 1024 * 1024
# The LFS rules the Hub writes into a new dataset repository (the part that matters here).
GITATTRIBUTES = b"".join(
    f"{pattern} filter=lfs diff=lfs merge=lfs -text\n".encode()
    for pattern in ("*.arrow", "*.gz", "*.parquet", "*.png", "*.zst", "*.zip")
)


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass(frozen=True)
class Blob:
    data: bytes
    lfs: bool  # stored with LFS (the tree then reports its sha256)


@dataclass
class FakeRepo:
    private: bool
    refs: dict[str, dict[str, Blob]]  # branch or refs/pr/N -> path -> content
    lfs_objects: dict[str, bytes] = field(default_factory=dict)  # sha256 -> bytes
    pull_requests: int = 0


@dataclass(frozen=True)
class RecordedCommit:
    repo_id: str
    revision: str
    message: str
    description: str | None
    added: tuple[str, ...]
    deleted: tuple[str, ...]
    oid: str
    pr_revision: str | None


class FakeHfApi:
    """Dataset repositories in memory. `tokens` maps each valid token to "read" or "write"."""

    def __init__(
        self,
        endpoint: str | None = None,
        token: str | bool | None = None,
        *,
        tokens: dict[str, Literal["read", "write"]] | None = None,
        fail_commits: Iterable[int] = (),
    ) -> None:
        self.endpoint = endpoint or constants.ENDPOINT
        self.token = token
        self.tokens = dict(tokens or {})
        self.fail_commits = set(fail_commits)  # 1-based create_commit calls that fail (500)
        self.repos: dict[str, FakeRepo] = {}
        self.calls: list[str] = []
        self.commits: list[RecordedCommit] = []
        self.transferred: list[str] = []  # paths whose bytes went over the wire, in order
        self._commit_calls = 0

    # --- HfApi methods ------------------------------------------------------------------------

    def create_repo(
        self,
        repo_id: str,
        *,
        token: str | bool | None = None,
        private: bool | None = None,
        repo_type: str | None = None,
        exist_ok: bool = False,
    ) -> RepoUrl:
        self.calls.append("create_repo")
        url = f"{self.endpoint}/api/repos/create"
        self._authorize(token, "write", "POST", url)
        key = self._key(repo_id, repo_type)
        if key in self.repos:
            if not exist_ok:
                _fail(409, "POST", url, message="You already created this dataset repo")
        else:
            initial = {".gitattributes": Blob(GITATTRIBUTES, lfs=False)}
            self.repos[key] = FakeRepo(bool(private), {"main": initial})
        return RepoUrl(f"{self.endpoint}/datasets/{repo_id}", endpoint=self.endpoint)

    def create_branch(
        self,
        repo_id: str,
        *,
        branch: str,
        revision: str | None = None,
        token: bool | str | None = None,
        repo_type: str | None = None,
        exist_ok: bool = False,
    ) -> None:
        self.calls.append("create_branch")
        url = f"{self.endpoint}/api/datasets/{repo_id}/branch/{branch}"
        repo = self._repo(repo_id, repo_type, token, "write", "POST", url)
        if branch in repo.refs:
            if not exist_ok:
                _fail(409, "POST", url, message="Reference already exists")
            return
        repo.refs[branch] = dict(self._ref(repo, revision or "main", "POST", url))

    def list_repo_tree(
        self,
        repo_id: str,
        path_in_repo: str | None = None,
        *,
        recursive: bool = False,
        expand: bool = False,
        revision: str | None = None,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> Iterable[RepoFile | RepoFolder]:
        # A generator like the real one: nothing happens, errors included, until iterated.
        self.calls.append("list_repo_tree")
        url = f"{self.endpoint}/api/datasets/{repo_id}/tree/{revision or 'main'}"
        repo = self._repo(repo_id, repo_type, token, "read", "GET", url)
        files = self._ref(repo, revision or "main", "GET", url)
        prefix = f"{path_in_repo.strip('/')}/" if path_in_repo else ""
        folders: set[str] = set()
        entries: list[RepoFile | RepoFolder] = []
        for path, blob in sorted(files.items()):
            if not path.startswith(prefix):
                continue
            parts = path[len(prefix) :].split("/")
            if recursive or len(parts) == 1:
                entries.append(_repo_file(path, blob))
            deepest = len(parts) - 1 if recursive else min(1, len(parts) - 1)
            folders.update(prefix + "/".join(parts[:i]) for i in range(1, deepest + 1))
        for folder in sorted(folders):
            inside = sorted(p for p in files if p.startswith(folder + "/"))
            tree_id = hashlib.sha1("\n".join(inside).encode()).hexdigest()
            entries.append(RepoFolder(path=folder, oid=tree_id))
        yield from entries

    def create_commit(
        self,
        repo_id: str,
        operations: Iterable[CommitOperationAdd | CommitOperationDelete],
        *,
        commit_message: str,
        commit_description: str | None = None,
        token: str | bool | None = None,
        repo_type: str | None = None,
        revision: str | None = None,
        create_pr: bool | None = None,
        num_threads: int = 5,
        parent_commit: str | None = None,
        run_as_future: bool = False,
    ) -> CommitInfo:
        self.calls.append("create_commit")
        if not commit_message:
            raise ValueError("`commit_message` can't be empty, please pass a value.")
        if run_as_future or parent_commit is not None:
            raise NotImplementedError("the fake does not model futures or parent commits")
        self._commit_calls += 1
        base = revision or "main"
        url = f"{self.endpoint}/api/datasets/{repo_id}/commit/{base}"
        repo = self._repo(repo_id, repo_type, token, "write", "POST", url)
        files = dict(self._ref(repo, base, "POST", url))
        added: list[str] = []
        deleted: list[str] = []
        for op in list(operations):
            if isinstance(op, CommitOperationAdd):
                with op.as_file() as handle:
                    data = handle.read()
                lfs = _is_lfs(files, op.path_in_repo, data)
                sha = hashlib.sha256(data).hexdigest()
                if not lfs or sha not in repo.lfs_objects:  # the Hub skips LFS objects it holds
                    self.transferred.append(op.path_in_repo)
                if lfs:
                    repo.lfs_objects[sha] = data
                files[op.path_in_repo] = Blob(data, lfs)
                added.append(op.path_in_repo)
            else:
                doomed = [
                    p
                    for p in files
                    if p == op.path_in_repo or (op.is_folder and p.startswith(op.path_in_repo))
                ]
                if not doomed:
                    _fail(404, "POST", url, code="EntryNotFound")
                for path in doomed:
                    del files[path]
                deleted += doomed
        if self._commit_calls in self.fail_commits:
            _fail(500, "POST", url, message="Internal Error - We're working hard to fix this")
        oid = hashlib.sha1(f"{repo_id}:{self._commit_calls}:{commit_message}".encode()).hexdigest()
        pr_url = None
        target = base
        if create_pr:
            repo.pull_requests += 1
            target = f"refs/pr/{repo.pull_requests}"
            pr_url = f"{self.endpoint}/datasets/{repo_id}/discussions/{repo.pull_requests}"
        repo.refs[target] = files
        info = CommitInfo(
            commit_url=f"{self.endpoint}/datasets/{repo_id}/commit/{oid}",
            commit_message=commit_message,
            commit_description=commit_description or "",
            oid=oid,
            pr_url=pr_url,
            _endpoint=self.endpoint,
        )
        self.commits.append(
            RecordedCommit(
                repo_id, target, commit_message, commit_description, tuple(added),
                tuple(deleted), oid, info.pr_revision,
            )
        )  # fmt: skip
        return info

    # --- helpers for tests --------------------------------------------------------------------

    def files(self, repo_id: str, revision: str = "main") -> dict[str, bytes]:
        refs = self.repos[self._key(repo_id, "dataset")].refs
        return {path: blob.data for path, blob in refs[revision].items()}

    def lfs_paths(self, repo_id: str, revision: str = "main") -> set[str]:
        refs = self.repos[self._key(repo_id, "dataset")].refs
        return {path for path, blob in refs[revision].items() if blob.lfs}

    def put(self, repo_id: str, files: dict[str, bytes], revision: str = "main") -> None:
        """Place files in a ref directly, as an earlier upload by someone else would have."""
        ref = self.repos[self._key(repo_id, "dataset")].refs[revision]
        repo = self.repos[self._key(repo_id, "dataset")]
        for path, data in files.items():
            lfs = _is_lfs(ref, path, data)
            if lfs:
                repo.lfs_objects[hashlib.sha256(data).hexdigest()] = data
            ref[path] = Blob(data, lfs)

    def download(self, repo_id: str, dest: Path, revision: str = "main") -> Path:
        """Write a ref's files into `dest`, as a snapshot download would."""
        for path, data in self.files(repo_id, revision).items():
            target = dest.joinpath(*path.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return dest

    # --- internals ----------------------------------------------------------------------------

    @staticmethod
    def _key(repo_id: str, repo_type: str | None) -> str:
        if repo_type != "dataset":
            raise NotImplementedError("the fake models dataset repositories only")
        return repo_id

    def _authorize(
        self, token: str | bool | None, need: str, method: str, url: str, *, private: bool = True
    ) -> None:
        # HfApi's rule: an explicit token, else the client's, else the environment/login cache.
        if token is None:
            token = self.token if self.token is not None else get_token()
        if token is False or token is None:
            if need == "write" or private:
                _fail(401, method, url)
            return
        access = self.tokens.get(str(token))
        if access is None:
            _fail(401, method, url, message="Invalid credentials in Authorization header")
        if need == "write" and access != "write":
            _fail(403, method, url, message="You don't have the rights to write to this repo")

    def _repo(
        self,
        repo_id: str,
        repo_type: str | None,
        token: str | bool | None,
        need: str,
        method: str,
        url: str,
    ) -> FakeRepo:
        repo = self.repos.get(self._key(repo_id, repo_type))
        if repo is None:
            self._authorize(token, "read", method, url, private=False)
            _fail(404, method, url, code="RepoNotFound")
        self._authorize(token, need, method, url, private=repo.private)
        return repo

    @staticmethod
    def _ref(repo: FakeRepo, revision: str, method: str, url: str) -> dict[str, Blob]:
        if revision not in repo.refs:
            _fail(404, method, url, code="RevisionNotFound")
        return repo.refs[revision]


def _is_lfs(files: dict[str, Blob], path: str, data: bytes) -> bool:
    """The Hub's choice: LFS for `.gitattributes` LFS patterns and for large files."""
    if len(data) >= LFS_THRESHOLD:
        return True
    attributes = files.get(".gitattributes")
    rules = attributes.data.decode().splitlines() if attributes else []
    patterns = [line.split()[0] for line in rules if "filter=lfs" in line]
    name = path.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def _repo_file(path: str, blob: Blob) -> RepoFile:
    if blob.lfs:
        sha = hashlib.sha256(blob.data).hexdigest()
        # The git blob of an LFS file is its pointer; publish never reads that id.
        pointer = f"oid sha256:{sha}\nsize {len(blob.data)}\n".encode()
        lfs = {"oid": sha, "size": len(blob.data), "pointerSize": len(pointer)}
        return RepoFile(path=path, size=len(blob.data), oid=git_blob_id(pointer), lfs=lfs)
    return RepoFile(path=path, size=len(blob.data), oid=git_blob_id(blob.data))


def _fail(
    status: int, method: str, url: str, *, code: str | None = None, message: str | None = None
) -> NoReturn:
    """Raise what huggingface_hub raises for this response of the Hub."""
    headers = {"X-Request-Id": "fake-request"}
    if code is not None:
        headers["X-Error-Code"] = code
    if message is not None:
        headers["X-Error-Message"] = message
    response = httpx2.Response(status, headers=headers, request=httpx2.Request(method, url))
    hf_raise_for_status(response)
    raise AssertionError(f"hf_raise_for_status accepted status {status}")

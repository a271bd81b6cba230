"""`publish`: verify an output folder, compare it with the dataset repository, push what differs.

Every commit is atomic on the Hub, so an interrupted run leaves whole commits behind; running
the same call again lists the repository, skips every file that landed and pushes the rest.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import huggingface_hub
from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi
from huggingface_hub.errors import (
    HFValidationError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

# The check huggingface_hub runs on every call; exported lazily, so imported from its module.
from huggingface_hub.utils._validators import validate_repo_id

from pytorrent.errors import ConfigError, OutputError
from pytorrent.publish.hub import HUB_ERRORS, hub_error, resolve_token
from pytorrent.publish.plan import (
    DEFAULT_MAX_BYTES_PER_COMMIT,
    DEFAULT_MAX_FILES_PER_COMMIT,
    CommitPlan,
    PublishPlan,
    human_bytes,
    plan_commits,
    render_plan,
)
from pytorrent.publish.remote import RemoteFile, remote_files
from pytorrent.publish.verify import VerifiedFolder, verify_folder
from pytorrent.version import __version__

REPO_TYPE = "dataset"
DEFAULT_MESSAGE = "Publish pytorrent corpus"
PR_PREFIX = "refs/pr/"

Report = Callable[[str], None]


def publish(
    path: Path | str,
    repo_id: str,
    *,
    private: bool = False,
    revision: str | None = None,
    create_pr: bool = False,
    message: str | None = None,
    dry_run: bool = False,
    api: HfApi | None = None,
    max_files_per_commit: int = DEFAULT_MAX_FILES_PER_COMMIT,
    max_bytes_per_commit: int = DEFAULT_MAX_BYTES_PER_COMMIT,
    report: Report | None = None,
) -> list[str]:
    """Push the build in `path` to the dataset repository `repo_id`; returns the commit URLs.

    The folder is verified against its `build.json` first. Files the repository already holds
    with the same content are skipped; the rest go up in commits of at most
    `max_files_per_commit` files and `max_bytes_per_commit` bytes, the dataset card and
    `build.json` last. `private` applies when the repository is created. `create_pr` opens one
    pull request holding every commit. `dry_run` only reports the plan: it needs no token,
    reads the repository when it can and writes nothing. `report` receives progress lines.
    """
    say: Report = report or _quiet
    _check_arguments(repo_id, revision, create_pr, max_files_per_commit, max_bytes_per_commit)
    hub = api if api is not None else HfApi()
    target = f"dataset {repo_id}" + (f" at {revision}" if revision else "")
    if dry_run:
        folder = _verify(path, say)
        remote = _read_remote_for_plan(hub, repo_id, revision, say, probe=api is None)
        plan = plan_commits(
            folder, remote, max_files=max_files_per_commit, max_bytes=max_bytes_per_commit
        )
        say(f"plan for {target}" + (" as one pull request" if create_pr else "") + ":")
        for line in render_plan(plan):
            say(line)
        say("dry run: nothing was uploaded")
        return []
    # Before hashing the folder, so that a missing login fails at once.
    client_token = getattr(api, "token", None)  # HfApi(token=...) given by the caller
    token = resolve_token(client_token if isinstance(client_token, str) else None)
    folder = _verify(path, say)
    try:
        repo_url = hub.create_repo(
            repo_id,
            token=token,
            private=True if private else None,
            repo_type=REPO_TYPE,
            exist_ok=True,
        )
        if revision is not None and not revision.startswith(PR_PREFIX):
            hub.create_branch(
                repo_id, branch=revision, token=token, repo_type=REPO_TYPE, exist_ok=True
            )
        remote = remote_files(
            hub.list_repo_tree(
                repo_id, recursive=True, revision=revision, repo_type=REPO_TYPE, token=token
            )
        )
    except HUB_ERRORS as exc:
        raise hub_error(exc, repo_id, f"preparing {target}") from None
    plan = plan_commits(
        folder, remote, max_files=max_files_per_commit, max_bytes=max_bytes_per_commit
    )
    say(f"publishing to {target}:")
    for line in render_plan(plan, files=False):
        say(line)
    urls = _push(hub, token, folder, plan, repo_id, revision, create_pr, message, say)
    if urls:
        say(f"published {folder.root} to {repo_url}")
    else:
        say(f"nothing to upload: {repo_url} already holds this build")
    return urls


def _verify(path: Path | str, say: Report) -> VerifiedFolder:
    folder = verify_folder(Path(path))
    say(
        f"verified {folder.root}: {len(folder.files)} files ({human_bytes(folder.bytes)}) "
        f"match build.json; configs: {', '.join(folder.configs)}"
    )
    return folder


def _quiet(line: str) -> None:
    return None


def _check_arguments(
    repo_id: str, revision: str | None, create_pr: bool, max_files: int, max_bytes: int
) -> None:
    try:
        validate_repo_id(repo_id)
    except HFValidationError as exc:
        raise ConfigError(f"--repo-id {repo_id!r} is not a repository id: {exc}") from None
    if revision is not None and not revision.strip():
        raise ConfigError("--revision must name a branch")
    if create_pr and revision is not None and revision.startswith(PR_PREFIX):
        raise ConfigError(
            f"--create-pr opens a new pull request; to add to {revision}, give --revision alone"
        )
    if max_files < 1 or max_bytes < 1:
        raise ConfigError("files and bytes per commit must be at least 1")


def _unreachable(endpoint: str, timeout: float = 5.0) -> str:
    """Why one TCP connection to the Hub fails ('' when it works): a dry run offline then says
    so once instead of five retries with backoff (~25 s of noise)."""
    url = urlsplit(endpoint)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname or "", port), timeout=timeout):
            return ""
    except OSError as exc:
        return f"{url.hostname}:{port}: {exc.strerror or type(exc).__name__}"


def _read_remote_for_plan(
    hub: HfApi, repo_id: str, revision: str | None, say: Report, *, probe: bool = True
) -> dict[str, RemoteFile]:
    """The repository's files for a dry run, anonymously or with a token if one is around.
    `probe` checks the Hub answers at all first (not for a client the caller brought: its
    transport is its own)."""
    offline = huggingface_hub.constants.HF_HUB_OFFLINE  # then the client fails at once anyway
    unreachable = _unreachable(hub.endpoint) if probe and not offline else ""
    if unreachable:
        say(f"the Hub is unreachable ({unreachable}): the plan assumes an empty repository")
        return {}
    try:
        return remote_files(
            hub.list_repo_tree(repo_id, recursive=True, revision=revision, repo_type=REPO_TYPE)
        )
    except RepositoryNotFoundError:
        say(f"dataset {repo_id} does not exist or is not readable: the plan assumes it is empty")
    except RevisionNotFoundError:
        say(f"revision {revision} not found: the plan compares with the default branch")
        return _read_remote_for_plan(hub, repo_id, None, say)
    except HUB_ERRORS as exc:
        say(
            f"could not read dataset {repo_id} ({type(exc).__name__}): the plan assumes it is empty"
        )
    return {}


def _push(
    hub: HfApi,
    token: str,
    folder: VerifiedFolder,
    plan: PublishPlan,
    repo_id: str,
    revision: str | None,
    create_pr: bool,
    message: str | None,
    say: Report,
) -> list[str]:
    title = message or DEFAULT_MESSAGE
    n = len(plan.commits)
    urls: list[str] = []
    # With create_pr the first commit opens the pull request and the others go onto it.
    target, open_pr = revision, create_pr
    for i, commit in enumerate(plan.commits, 1):
        operations = _operations(folder, commit)
        try:
            info = hub.create_commit(
                repo_id,
                operations,
                commit_message=title if n == 1 else f"{title} ({i}/{n})",
                commit_description=(
                    f"pytorrent {__version__}: {len(commit.files)} files "
                    f"({human_bytes(commit.bytes)}), {len(commit.deletions)} deletions; "
                    f"commit {i} of {n}" + ("; dataset card and manifest" if commit.last else "")
                ),
                token=token,
                repo_type=REPO_TYPE,
                revision=target,
                create_pr=open_pr,
            )
        except HUB_ERRORS as exc:
            again = "re-run the same command to upload the rest"
            if target is not None and target.startswith(PR_PREFIX) and create_pr:
                again = f"re-run with --revision {target} instead of --create-pr to finish it"
            doing = f"pushing commit {i}/{n} to dataset {repo_id} ({i - 1} landed)"
            raise hub_error(exc, repo_id, doing, again) from None
        if open_pr:
            target, open_pr = info.pr_revision, False
            say(f"opened pull request {info.pr_url}")
        urls.append(info.commit_url)
        say(f"commit {i}/{n} landed: {info.commit_url}")
    return urls


def _operations(
    folder: VerifiedFolder, commit: CommitPlan
) -> list[CommitOperationAdd | CommitOperationDelete]:
    operations: list[CommitOperationAdd | CommitOperationDelete] = []
    for local in commit.files:
        path = folder.local_path(local.path)
        # A cheap guard between verification and upload; huggingface_hub hashes as it sends.
        if not path.is_file() or path.stat().st_size != local.bytes:
            raise OutputError(f"{path} changed after it was verified; publish again")
        operations.append(CommitOperationAdd(path_in_repo=local.path, path_or_fileobj=str(path)))
    operations += [CommitOperationDelete(path_in_repo=p) for p in commit.deletions]
    return operations

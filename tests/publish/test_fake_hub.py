"""The fake Hub keeps HfApi's signatures, return types and errors, so tests of publish hold."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from huggingface_hub import CommitInfo, CommitOperationAdd, HfApi, RepoFile, RepoFolder, RepoUrl
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError, RevisionNotFoundError
from huggingface_hub.hf_api import BlobLfsInfo

from tests.publish.conftest import READ_TOKEN, REPO, TOKEN
from tests.publish.fake_hub import FakeHfApi, git_blob_id

METHODS = ("create_repo", "create_branch", "list_repo_tree", "create_commit")


@pytest.mark.parametrize("name", METHODS)
def test_fake_methods_have_hfapi_parameters(name: str) -> None:
    real = inspect.signature(getattr(HfApi, name)).parameters
    fake = inspect.signature(getattr(FakeHfApi, name)).parameters
    for param in fake.values():
        assert param.name in real, param.name
        assert param.kind == real[param.name].kind, param.name
        assert param.default == real[param.name].default, param.name
    required = [p for p in real.values() if p.default is inspect.Parameter.empty]
    assert [p.name for p in required] == [
        p.name for p in fake.values() if p.default is inspect.Parameter.empty
    ]


def test_fake_returns_huggingface_hub_types(tmp_path: Path) -> None:
    hub = FakeHfApi(tokens={TOKEN: "write"})
    url = hub.create_repo(REPO, repo_type="dataset", token=TOKEN)
    assert isinstance(url, RepoUrl) and url.repo_id == REPO and url.repo_type == "dataset"
    (tmp_path / "a.parquet").write_bytes(b"PAR1 data")
    operations = [
        CommitOperationAdd(path_in_repo="d/a.parquet", path_or_fileobj=str(tmp_path / "a.parquet")),
        CommitOperationAdd(path_in_repo="README.md", path_or_fileobj=b"# card\n"),
    ]
    info = hub.create_commit(
        REPO, operations, commit_message="add", repo_type="dataset", token=TOKEN
    )
    assert isinstance(info, CommitInfo) and info.repo_url.repo_id == REPO
    assert info.commit_url.endswith(f"/commit/{info.oid}") and info.pr_revision is None
    tree = {e.path: e for e in hub.list_repo_tree(REPO, recursive=True, repo_type="dataset")}
    assert isinstance(tree["d"], RepoFolder)
    shard, card = tree["d/a.parquet"], tree["README.md"]
    assert isinstance(shard, RepoFile) and isinstance(shard.lfs, BlobLfsInfo)
    assert shard.lfs.size == shard.size == 9 and len(shard.lfs.sha256) == 64
    assert isinstance(card, RepoFile) and card.lfs is None
    assert card.blob_id == git_blob_id(b"# card\n")
    top = {e.path for e in hub.list_repo_tree(REPO, repo_type="dataset")}
    assert top == {".gitattributes", "README.md", "d"}


def test_fake_raises_what_huggingface_hub_raises() -> None:
    hub = FakeHfApi(tokens={TOKEN: "write", READ_TOKEN: "read"})
    with pytest.raises(RepositoryNotFoundError):
        list(hub.list_repo_tree(REPO, repo_type="dataset", token=TOKEN))
    hub.create_repo(REPO, repo_type="dataset", token=TOKEN)
    with pytest.raises(RevisionNotFoundError):
        list(hub.list_repo_tree(REPO, revision="nope", repo_type="dataset", token=TOKEN))
    with pytest.raises(HfHubHTTPError) as bad:
        hub.create_repo(REPO, repo_type="dataset", token="hf_wrong", exist_ok=True)
    assert bad.value.response.status_code == 401
    with pytest.raises(HfHubHTTPError) as read_only:
        hub.create_commit(
            REPO,
            [CommitOperationAdd(path_in_repo="x", path_or_fileobj=b"x")],
            commit_message="x",
            repo_type="dataset",
            token=READ_TOKEN,
        )
    assert read_only.value.response.status_code == 403


def test_a_failed_commit_changes_no_file_but_keeps_sent_lfs_objects() -> None:
    hub = FakeHfApi(tokens={TOKEN: "write"}, fail_commits={1})
    hub.create_repo(REPO, repo_type="dataset", token=TOKEN)

    def commit() -> CommitInfo:
        operations = [
            CommitOperationAdd(path_in_repo="a.parquet", path_or_fileobj=b"PAR1"),
            CommitOperationAdd(path_in_repo="b.txt", path_or_fileobj=b"text"),
        ]
        return hub.create_commit(
            REPO, operations, commit_message="m", repo_type="dataset", token=TOKEN
        )

    with pytest.raises(HfHubHTTPError) as error:
        commit()
    assert error.value.response.status_code == 500
    assert set(hub.files(REPO)) == {".gitattributes"} and hub.commits == []
    commit()
    # The LFS object went up once; the regular file travels with each commit attempt.
    assert hub.transferred == ["a.parquet", "b.txt", "b.txt"]
    assert set(hub.files(REPO)) == {".gitattributes", "a.parquet", "b.txt"}

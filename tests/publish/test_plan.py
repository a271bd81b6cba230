"""Which files go up in which commit, and what counts as already there."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest
from huggingface_hub import RepoFile, RepoFolder

from pytorrent.publish import (
    RemoteFile,
    already_there,
    git_blob_sha1,
    plan_commits,
    remote_files,
    render_plan,
    verify_folder,
)
from pytorrent.publish.plan import LAST
from pytorrent.publish.verify import LocalFile


@pytest.mark.parametrize(
    ("data", "blob_id"),
    [
        (b"", "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"),  # git's empty blob
        (b"hello\n", "ce013625030ba8dba906f756967f9e9ca394464a"),
    ],
)
def test_git_blob_sha1_is_gits_object_id(tmp_path: Path, data: bytes, blob_id: str) -> None:
    path = tmp_path / "f"
    path.write_bytes(data)
    assert git_blob_sha1(path) == blob_id


def test_git_blob_sha1_agrees_with_git_hash_object(out: Path) -> None:
    path = out / "build.json"
    # `git hash-object` without -w only computes the id; it writes nothing.
    result = subprocess.run(
        ["git", "hash-object", str(path)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.skip("git is not available")
    assert git_blob_sha1(path) == result.stdout.strip()


def _remote(out: Path, rel: str, *, lfs: bool) -> RemoteFile:
    data = (out / rel).read_bytes()
    if lfs:
        return RemoteFile(rel, len(data), "0" * 40, hashlib.sha256(data).hexdigest())
    return RemoteFile(rel, len(data), git_blob_sha1(out / rel))


def test_already_there_compares_lfs_by_sha256_and_regular_files_by_blob_id(out: Path) -> None:
    folder = verify_folder(out)
    shard = next(p for p in folder.files if p.endswith(".parquet"))
    local = folder.files[shard]
    assert already_there(local, out / shard, _remote(out, shard, lfs=True))
    assert already_there(local, out / shard, _remote(out, shard, lfs=False))
    other = RemoteFile(shard, local.bytes, "0" * 40, "f" * 64)
    assert not already_there(local, out / shard, other)
    regular = RemoteFile(shard, local.bytes, "0" * 40)
    assert not already_there(local, out / shard, regular)
    shorter = RemoteFile(shard, local.bytes - 1, "0" * 40, local.sha256)
    assert not already_there(local, out / shard, shorter)
    assert not already_there(local, out / shard, None)


def test_remote_files_reads_a_tree_listing() -> None:
    entries = [
        RepoFolder(path="pairs", oid="1" * 40),
        RepoFile(
            path="pairs/train-0.parquet",
            size=10,
            oid="2" * 40,
            lfs={"oid": "a" * 64, "size": 10, "pointerSize": 120},
        ),
        RepoFile(path="README.md", size=5, oid="3" * 40),
    ]
    assert remote_files(entries) == {
        "pairs/train-0.parquet": RemoteFile("pairs/train-0.parquet", 10, "2" * 40, "a" * 64),
        "README.md": RemoteFile("README.md", 5, "3" * 40, None),
    }


def test_commits_are_bounded_and_the_card_and_manifest_go_last(out: Path) -> None:
    folder = verify_folder(out)
    plan = plan_commits(folder, {}, max_files=7, max_bytes=10**9)
    *data, last = plan.commits
    assert all(0 < len(c.files) <= 7 for c in data)
    assert [f.path for f in last.files] == ["README.md", "build.json"] and last.last
    assert not any(c.last for c in data)
    assert not any(f.path in LAST for c in data for f in c.files)
    assert sorted(f.path for f in plan.uploads) == sorted(folder.files)
    assert len(data) == -(-(len(folder.files) - 2) // 7)


def test_byte_bound_splits_commits_and_a_big_file_goes_alone(out: Path) -> None:
    folder = verify_folder(out)
    biggest = max((f for f in folder.files.values() if f.path not in LAST), key=lambda f: f.bytes)
    limit = biggest.bytes - 1
    plan = plan_commits(folder, {}, max_files=1000, max_bytes=limit)
    for commit in plan.commits[:-1]:
        assert commit.bytes <= limit or len(commit.files) == 1
    assert any(c.files == (biggest,) for c in plan.commits)


def test_files_already_there_are_skipped(out: Path) -> None:
    folder = verify_folder(out)
    shards = [p for p in folder.files if p.endswith(".parquet")][:5]
    remote = {p: _remote(out, p, lfs=True) for p in shards}
    remote["build.json"] = _remote(out, "build.json", lfs=False)
    plan = plan_commits(folder, remote, max_files=50)
    assert {f.path for f in plan.unchanged} == {*shards, "build.json"}
    assert not {*shards, "build.json"} & {f.path for f in plan.uploads}
    assert [f.path for f in plan.commits[-1].files] == ["README.md"]


def test_nothing_to_do_gives_no_commit(out: Path) -> None:
    folder = verify_folder(out)
    remote = {p: _remote(out, p, lfs=p.endswith(".parquet")) for p in folder.files}
    remote[".gitattributes"] = RemoteFile(".gitattributes", 3, "4" * 40)
    plan = plan_commits(folder, remote)
    assert plan.commits == () and len(plan.unchanged) == len(folder.files)


def test_stale_files_of_build_folders_are_deleted_in_the_last_commit(out: Path) -> None:
    folder = verify_folder(out)
    remote = {p: _remote(out, p, lfs=True) for p in folder.files}
    extra = [
        "pairs/train-00000-of-00009.parquet",
        "acs12/train-0.parquet",
        "csn/acs0/test-0.jsonl.gz",
        "stats/old.png",
        ".gitattributes",
        "LICENSE",
        "notes/pairs/x.parquet",
    ]
    remote.update({p: RemoteFile(p, 1, "5" * 40) for p in extra})
    plan = plan_commits(folder, remote)
    assert len(plan.commits) == 1 and plan.commits[0].last
    assert plan.commits[0].files == ()
    assert plan.deletions == (
        "acs12/train-0.parquet",
        "csn/acs0/test-0.jsonl.gz",
        "pairs/train-00000-of-00009.parquet",
        "stats/old.png",
    )


def test_limits_must_be_positive(out: Path) -> None:
    with pytest.raises(ValueError, match="positive"):
        plan_commits(verify_folder(out), {}, max_files=0)


def test_render_plan_lists_commits_files_and_sizes() -> None:
    files = (LocalFile("pairs/a.parquet", 1_500_000, "a"), LocalFile("README.md", 900, "b"))
    from pytorrent.publish import CommitPlan, PublishPlan

    plan = PublishPlan(
        commits=(
            CommitPlan(files[:1]),
            CommitPlan(files[1:], ("pairs/old.parquet",), last=True),
        ),
        unchanged=(LocalFile("build.json", 10, "c"),),
    )
    assert render_plan(plan) == [
        "2 files to upload (1.5 MB) in 2 commits; 1 already there with the same content; "
        "1 stale file to delete",
        "commit 1/2: 1 file, 1.5 MB",
        "  pairs/a.parquet  1.5 MB",
        "commit 2/2 (dataset card and manifest, last): 1 file, 900 B, 1 deletion",
        "  README.md  900 B",
        "  delete pairs/old.parquet",
    ]
    assert render_plan(plan, files=False) == [render_plan(plan)[i] for i in (0, 1, 3)]

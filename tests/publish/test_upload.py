"""`publish` against the fake Hub: commits, skips, resumes, refusals and the token."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest
from datasets import load_dataset

from pytorrent.errors import ConfigError, OutputError
from pytorrent.publish import HubError, publish, verify_folder
from tests.publish.conftest import READ_TOKEN, REPO, TOKEN, local_files
from tests.publish.fake_hub import FakeHfApi


def test_first_publish_pushes_the_exact_folder_card_and_manifest_last(
    out: Path, hub: FakeHfApi, token: str, tmp_path: Path
) -> None:
    lines: list[str] = []
    urls = publish(out, REPO, api=hub, max_files_per_commit=20, report=lines.append)
    files = local_files(out)
    assert hub.files(REPO) == {**files, ".gitattributes": hub.files(REPO)[".gitattributes"]}
    assert urls == [f"{hub.endpoint}/datasets/{REPO}/commit/{c.oid}" for c in hub.commits]
    assert len(hub.commits) == -(-(len(files) - 2) // 20) + 1
    *data, last = hub.commits
    assert set(last.added) == {"README.md", "build.json"}
    assert all(len(c.added) <= 20 and not {"README.md", "build.json"} & set(c.added) for c in data)
    assert [c.message for c in hub.commits][
        -1
    ] == f"Publish pytorrent corpus ({len(urls)}/{len(urls)})"
    # The Hub stores shards with LFS; the card and the manifest are regular files.
    assert {p for p in files if p.endswith((".parquet", ".gz"))} <= hub.lfs_paths(REPO)
    assert {"README.md", "build.json"}.isdisjoint(hub.lfs_paths(REPO))
    # Every distinct content went over the wire once (the Hub, like git LFS, stores identical
    # bytes once: the empty CSN split files share one object).
    assert len(hub.transferred) == len(set(hub.transferred))
    assert {_sha(files[p]) for p in hub.transferred} == {_sha(data) for data in files.values()}
    assert lines[-1].startswith("published") and any("landed" in line for line in lines)
    # What landed loads like the local folder, config by config.
    copy = hub.download(REPO, tmp_path / "snapshot")
    manifest = verify_folder(out).manifest
    for name in ("pairs", "acs0", "acs3", "acs5"):
        dataset = load_dataset(str(copy), name, cache_dir=str(tmp_path / "cache"))
        expected = {s: n for s, n in manifest.split_counts[name].items() if n}
        assert {split: len(rows) for split, rows in dataset.items()} == expected


def test_publishing_again_uploads_nothing(out: Path, hub: FakeHfApi, token: str) -> None:
    publish(out, REPO, api=hub)
    sent, commits = list(hub.transferred), len(hub.commits)
    lines: list[str] = []
    assert publish(out, REPO, api=hub, report=lines.append) == []
    assert hub.transferred == sent and len(hub.commits) == commits
    assert "already holds this build" in lines[-1]


def test_an_interrupted_publish_resumes_without_resending_what_landed(
    out: Path, hub: FakeHfApi, token: str
) -> None:
    hub.fail_commits = {3}
    with pytest.raises(HubError) as error:
        publish(out, REPO, api=hub, max_files_per_commit=25)
    message = str(error.value)
    assert "commit 3/" in message and "2 landed" in message and "re-run the same command" in message
    assert "500" in message and "\n" not in message
    landed = {p for c in hub.commits for p in c.added}
    assert len(hub.commits) == 2 and len(landed) == 50
    # A half-pushed repository advertises no config: the card has not landed.
    assert set(hub.files(REPO)) == landed | {".gitattributes"}
    hub.transferred.clear()
    urls = publish(out, REPO, api=hub, max_files_per_commit=25)
    assert hub.files(REPO).keys() == local_files(out).keys() | {".gitattributes"}
    assert hub.files(REPO).items() >= local_files(out).items()
    assert not landed & set(hub.transferred)
    assert not landed & {p for c in hub.commits[2:] for p in c.added}
    assert len(urls) == len(hub.commits) - 2
    assert set(hub.commits[-1].added) == {"README.md", "build.json"}


def test_only_files_that_differ_from_the_remote_go_up(
    out: Path, hub: FakeHfApi, token: str
) -> None:
    files = local_files(out)
    shards = sorted(p for p in files if p.endswith(".parquet"))
    hub.create_repo(REPO, repo_type="dataset", token=token)
    changed = bytearray(files[shards[1]])
    changed[10] ^= 1
    manifest = bytearray(files["build.json"])
    manifest[-2] ^= 1  # same size, other bytes: a regular file told apart by its blob id
    hub.put(
        REPO,
        {shards[0]: files[shards[0]], shards[1]: bytes(changed), "build.json": bytes(manifest)},
    )
    hub.put(REPO, {"README.md": files["README.md"]})
    publish(out, REPO, api=hub)
    sent = set(hub.transferred)
    assert shards[1] in sent and "build.json" in sent
    assert shards[0] not in sent and "README.md" not in sent
    expected = set(files) - {shards[0], "README.md"}
    assert sent <= expected
    assert {_sha(files[p]) for p in sent} == {_sha(files[p]) for p in expected}
    assert hub.files(REPO).items() >= files.items()


def test_stale_shards_of_an_earlier_build_are_deleted_with_the_card(
    out: Path, hub: FakeHfApi, token: str
) -> None:
    hub.create_repo(REPO, repo_type="dataset", token=token)
    hub.put(REPO, {"pairs/train-00000-of-00099.parquet": b"old", "LICENSE": b"mine"})
    publish(out, REPO, api=hub, max_files_per_commit=40)
    assert "pairs/train-00000-of-00099.parquet" not in hub.files(REPO)
    assert hub.files(REPO)["LICENSE"] == b"mine"
    assert hub.commits[-1].deleted == ("pairs/train-00000-of-00099.parquet",)
    assert all(not c.deleted for c in hub.commits[:-1])


def test_create_pr_puts_every_commit_on_one_pull_request(
    out: Path, hub: FakeHfApi, token: str
) -> None:
    lines: list[str] = []
    urls = publish(out, REPO, api=hub, create_pr=True, max_files_per_commit=30, report=lines.append)
    assert len(urls) == len(hub.commits) > 2
    assert {c.revision for c in hub.commits} == {"refs/pr/1"}
    assert hub.files(REPO, "refs/pr/1").items() >= local_files(out).items()
    assert set(hub.files(REPO)) == {".gitattributes"}  # main is untouched until merged
    assert f"opened pull request {hub.endpoint}/datasets/{REPO}/discussions/1" in lines


def test_an_interrupted_pull_request_is_finished_with_its_revision(
    out: Path, hub: FakeHfApi, token: str
) -> None:
    hub.fail_commits = {2}
    with pytest.raises(HubError, match="re-run with --revision refs/pr/1 instead of --create-pr"):
        publish(out, REPO, api=hub, create_pr=True, max_files_per_commit=30)
    publish(out, REPO, api=hub, revision="refs/pr/1", max_files_per_commit=30)
    assert hub.files(REPO, "refs/pr/1").items() >= local_files(out).items()
    assert {c.revision for c in hub.commits} == {"refs/pr/1"}


def test_revision_pushes_to_a_branch_created_when_missing(
    out: Path, hub: FakeHfApi, token: str
) -> None:
    publish(out, REPO, api=hub, revision="v2", message="Corpus v2")
    assert hub.calls[:3] == ["create_repo", "create_branch", "list_repo_tree"]
    assert hub.files(REPO, "v2").items() >= local_files(out).items()
    assert set(hub.files(REPO)) == {".gitattributes"}
    assert hub.commits[0].message == f"Corpus v2 (1/{len(hub.commits)})"


def test_private_applies_when_the_repository_is_created(
    out: Path, hub: FakeHfApi, token: str
) -> None:
    publish(out, REPO, api=hub, private=True)
    assert hub.repos[REPO].private


def test_dry_run_prints_the_plan_changes_nothing_and_needs_no_token(
    out: Path, hub: FakeHfApi, no_login: None
) -> None:
    files = local_files(out)
    shards = sorted(p for p in files if p.endswith(".parquet"))[:4]
    hub.create_repo(REPO, repo_type="dataset", token=TOKEN)
    hub.put(REPO, {p: files[p] for p in shards})
    before, hub.calls = hub.files(REPO), []
    lines: list[str] = []
    assert (
        publish(out, REPO, api=hub, dry_run=True, max_files_per_commit=50, report=lines.append)
        == []
    )
    assert hub.calls == ["list_repo_tree"] and hub.commits == [] and hub.files(REPO) == before
    n = len(files) - len(shards)
    assert f"{n} files to upload" in "\n".join(
        lines
    ) and f"{len(shards)} already there" in "\n".join(lines)
    assert sum(line.startswith("commit ") for line in lines) == -(-(n - 2) // 50) + 1
    listed = {line.split()[0] for line in lines if line.startswith("  ")}
    assert listed == set(files) - set(shards)
    assert lines[-1] == "dry run: nothing was uploaded"


@pytest.mark.parametrize("private", [False, True])
def test_dry_run_plans_against_an_empty_repository_when_it_cannot_read_one(
    out: Path, hub: FakeHfApi, no_login: None, private: bool
) -> None:
    if private:
        hub.create_repo(REPO, repo_type="dataset", token=TOKEN, private=True)
    lines: list[str] = []
    publish(out, REPO, api=hub, dry_run=True, report=lines.append)
    assert (
        f"dataset {REPO} does not exist or is not readable: the plan assumes it is empty" in lines
    )
    assert f"{len(local_files(out))} files to upload" in "\n".join(lines)
    assert hub.commits == []


def test_a_token_given_to_the_client_is_used(out: Path, no_login: None) -> None:
    hub = FakeHfApi(token=TOKEN, tokens={TOKEN: "write"})
    assert publish(out, REPO, api=hub)
    assert hub.files(REPO).items() >= local_files(out).items()


def test_tampered_folder_is_refused_before_any_hub_call(
    out: Path, hub: FakeHfApi, token: str
) -> None:
    (out / "stray.txt").write_text("not in the build")
    with pytest.raises(OutputError, match=r"not listed in build\.json"):
        publish(out, REPO, api=hub)
    assert hub.calls == []


def test_missing_token_says_how_to_log_in_before_any_work(
    out: Path, hub: FakeHfApi, no_login: None
) -> None:
    (out / "build.json").unlink()  # the token is checked before the folder
    with pytest.raises(
        ConfigError,
        match=r"no Hugging Face token found: log in with `hf auth login` or set HF_TOKEN",
    ):
        publish(out, REPO, api=hub)
    assert hub.calls == []


@pytest.mark.parametrize(("secret", "status"), [("hf_notAValidToken123", 401), (READ_TOKEN, 403)])
def test_rejected_token_says_how_to_log_in_and_hides_the_token(
    out: Path,
    hub: FakeHfApi,
    no_login: None,
    monkeypatch: pytest.MonkeyPatch,
    secret: str,
    status: int,
) -> None:
    monkeypatch.setenv("HF_TOKEN", secret)
    with pytest.raises(ConfigError) as error:
        publish(out, REPO, api=hub)
    message = str(error.value)
    assert f"refused the token ({status})" in message and "hf auth login" in message
    assert "HF_TOKEN" in message and secret not in message and "\n" not in message
    assert hub.commits == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"repo_id": "not a repo id"}, "is not a repository id"),
        ({"revision": "refs/pr/3", "create_pr": True}, "give --revision alone"),
        ({"max_files_per_commit": 0}, "at least 1"),
    ],
)
def test_bad_arguments_are_config_errors(
    out: Path, hub: FakeHfApi, token: str, kwargs: dict[str, object], message: str
) -> None:
    arguments: dict[str, object] = {"repo_id": REPO, **kwargs}
    repo_id = str(arguments.pop("repo_id"))
    with pytest.raises(ConfigError, match=message):
        publish(out, repo_id, api=hub, **arguments)  # type: ignore[arg-type]
    assert hub.calls == []


def test_the_token_is_never_printed_logged_or_written(
    out: Path,
    hub: FakeHfApi,
    token: str,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from pytorrent.cli import make_parser
    from pytorrent.commands import publish as command

    caplog.set_level(logging.DEBUG)
    hub.fail_commits = {2}
    args = make_parser("publish").parse_args(
        ["publish", str(out), "--repo-id", REPO, "--max-files-per-commit", "30"]
    )
    with pytest.raises(HubError) as failed:
        command.run(args, api=hub)
    assert command.run(args, api=hub) == 0
    dry = make_parser("publish").parse_args(["publish", str(out), "--repo-id", REPO, "--dry-run"])
    assert command.run(dry, api=hub) == 0
    captured = capsys.readouterr()
    assert "landed" in captured.out and "dry run" in captured.out
    seen = [captured.out, captured.err, caplog.text, str(failed.value)]
    seen += [f"{c.message}\n{c.description}" for c in hub.commits]
    assert not [text for text in seen if token in text]
    stored = [*local_files(out).values(), *hub.files(REPO).values()]
    assert not [data for data in stored if token.encode() in data]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

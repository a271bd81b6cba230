"""A real built corpus (copied per test, since tests tamper with it) and token environments."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from huggingface_hub import constants

from pytorrent.atomic import sha256_file
from pytorrent.config import BuildConfig
from pytorrent.models import FileDigest
from pytorrent.pipeline import build
from tests.envs import make_site
from tests.publish.fake_hub import FakeHfApi

TOKEN = "hf_publishTestSecret0123456789abcdef"
READ_TOKEN = "hf_readOnlySecret0123456789abcdef"
REPO = "pytorrent-tests/corpus"


@pytest.fixture(scope="session")
def built_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("publish-build")
    site = make_site(root, packages=6)
    config = BuildConfig(
        sources=(f"installed:{site}",),
        out=root / "corpus",
        executor="inline",
        shard_records=3,
        jsonl=True,
    )
    return build(config).out


@pytest.fixture
def out(built_corpus: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built corpus."""
    return Path(shutil.copytree(built_corpus, tmp_path / "corpus"))


@pytest.fixture
def no_login(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No token anywhere: no environment variable and an empty login cache."""
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_OIDC_RESOURCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "no-login" / "token"))


@pytest.fixture
def token(no_login: None, monkeypatch: pytest.MonkeyPatch) -> str:
    """A write token in HF_TOKEN, as a logged-in user in CI would have."""
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    return TOKEN


@pytest.fixture
def hub() -> FakeHfApi:
    return FakeHfApi(tokens={TOKEN: "write", READ_TOKEN: "read"})


def rewrite(out: Path, rel: str, data: bytes) -> None:
    """Replace a file and record it in build.json, as a build that wrote it would have."""
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    manifest = json.loads((out / "build.json").read_text())
    digest = FileDigest(sha256=sha256_file(path), bytes=len(data))
    manifest["files"][rel] = digest.model_dump(mode="json")
    (out / "build.json").write_text(json.dumps(manifest, indent=2) + "\n")


def local_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}

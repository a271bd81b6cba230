"""The task cache without a build: which inputs make a cache key, where entries live, and which
entries load (a marker whose files are gone, or whose text is damaged, is a miss).

Builds with a work folder (`tests/test_cache_key.py`, `tests/test_build_resume.py`) show the
same rules end to end; these tests pin each one on its own, in milliseconds."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from pytorrent import task_cache
from pytorrent.dedup import DedupConfig
from pytorrent.drops import Drops
from pytorrent.extract import engine
from pytorrent.filters import FilterConfig
from pytorrent.models import PackageMetadata
from pytorrent.results import PackageResult
from pytorrent.sources.base import PackageContent, PackageHandle, RawFile, ReadLimits
from pytorrent.sources.folder import FolderPackage
from pytorrent.sources.git import GitPackage
from pytorrent.task_cache import TaskCache, cache_key, settings_identity
from pytorrent.task_settings import TaskSettings

FILES = [RawFile("pkg/__init__.py", b""), RawFile("pkg/core.py", b"def f():\n    return 1\n")]


def _settings(**changes: object) -> TaskSettings:
    base = TaskSettings(("core",), ReadLimits(), "/w")  # the cache folder, third
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _metadata(**changes: object) -> PackageMetadata:
    fields = {"name": "pkg", "display_name": "pkg", "version": "1.0", "source": "folder"}
    return PackageMetadata(**{**fields, "purl": "pkg:generic/pkg@1.0", **changes})


def _content(files: list[RawFile] = FILES, **metadata: object) -> PackageContent:
    return PackageContent(metadata=_metadata(**metadata), files=iter(files))


def _key(
    handle: PackageHandle | None = None,
    content: PackageContent | None = None,
    settings: TaskSettings | None = None,
) -> str:
    handle = handle or FolderPackage("pkg", "1.0", "/src/pkg")
    return cache_key(handle, content or _content(), settings or _settings())[0]


# --- settings_identity -------------------------------------------------------------------


def test_the_identity_is_sorted_json_of_the_result_settings() -> None:
    dedup = DedupConfig(seed=3)
    settings = _settings(categories=("core", "test"), dedup=dedup, filters=FilterConfig())
    identity = settings_identity(settings)
    expected = {
        "categories": ["core", "test"],
        "limits": dataclasses.asdict(ReadLimits()),
        "filters": orjson.loads(orjson.dumps(dataclasses.asdict(FilterConfig()), default=repr)),
        "dedup": dedup.signature_params(),
    }
    assert orjson.loads(identity) == expected
    assert identity == orjson.dumps(orjson.loads(identity), option=orjson.OPT_SORT_KEYS)
    assert orjson.loads(settings_identity(_settings()))["dedup"] is None


def test_result_settings_change_the_identity_run_settings_do_not() -> None:
    base = settings_identity(_settings(dedup=DedupConfig()))
    for changed in (
        _settings(dedup=DedupConfig(), categories=("core", "test")),
        _settings(dedup=DedupConfig(), limits=ReadLimits(max_file_bytes=10)),
        _settings(dedup=DedupConfig(), filters=FilterConfig()),
        _settings(dedup=DedupConfig(seed=2)),
        _settings(dedup=DedupConfig(anonymize=True)),
        _settings(),
    ):
        assert settings_identity(changed) != base
    for same in (
        TaskSettings(("core",), ReadLimits(), "/elsewhere", FilterConfig.none(), DedupConfig()),
        _settings(dedup=DedupConfig(), package_timeout_s=5.0, worker_memory_bytes=1 << 30),
        _settings(dedup=DedupConfig(threshold=0.5, bands=16, rows=4)),
    ):
        assert settings_identity(same) == base


# --- cache_key -----------------------------------------------------------------------------


def test_a_folder_key_hashes_every_file_and_returns_them() -> None:
    key, files = cache_key(FolderPackage("pkg", "1.0", "/src/pkg"), _content(), _settings())
    assert len(key) == 40 and int(key, 16) >= 0
    assert files == FILES
    assert key == _key()  # the same inputs, the same key
    assert _key(content=_content(FILES[::-1])) != key  # file order is part of the listing
    renamed = [FILES[0], RawFile("pkg/other.py", FILES[1].data)]
    edited = [FILES[0], RawFile("pkg/core.py", FILES[1].data + b"\n")]
    assert len({key, _key(content=_content(renamed)), _key(content=_content(edited))}) == 3
    assert _key(content=_content(FILES[:1])) != key
    # A file's name and bytes are kept apart: moving bytes into the name is another key.
    moved = [RawFile("a", b"bc"), RawFile("d", b"")]
    assert _key(content=_content(moved)) != _key(content=_content([RawFile("ab", b"c")]))


def test_an_archive_key_uses_its_digest_and_never_reads_its_files() -> None:
    read: list[str] = []

    def files() -> Iterator[RawFile]:
        read.append("read")
        yield from FILES

    content = PackageContent(metadata=_metadata(archive_sha256="ab" * 32), files=files())
    key, listed = cache_key(FolderPackage("pkg", "1.0", "/a.tar.gz"), content, _settings())
    assert listed is None and read == []
    other = PackageContent(metadata=_metadata(archive_sha256="cd" * 32), files=iter([]))
    assert _key(content=other) != key
    assert _key(content=_content(archive_sha256="ab" * 32, files=[])) == key


@pytest.mark.parametrize(
    "change",
    [
        {"handle": FolderPackage("pkg", "1.1", "/src/pkg")},
        {"handle": FolderPackage("pkh", "1.0", "/src/pkg")},
        {"handle": GitPackage("pkg", "1.0", "/src/pkg", commit="abc")},
        {"content": _content(summary="Another summary.")},
        {"content": _content(version="1.1")},
        {"settings": _settings(categories=("test",))},
        {"settings": _settings(filters=FilterConfig())},
    ],
    ids=["version", "name", "revision", "metadata", "metadata-version", "categories", "filters"],
)
def test_each_input_changes_the_key(change: dict[str, object]) -> None:
    assert _key(**change) != _key()  # type: ignore[arg-type]


def test_the_path_of_a_folder_is_not_part_of_its_key() -> None:
    assert _key(handle=FolderPackage("pkg", "1.0", "/moved/pkg")) == _key()


def test_revisions_are_told_apart() -> None:
    one = _key(handle=GitPackage("pkg", "1.0", "/src", commit="abc"))
    two = _key(handle=GitPackage("pkg", "1.0", "/src", commit="abd"))
    forge = _key(handle=GitPackage("pkg", "1.0", "/src", commit="abc", blob_url="https://x/{path}"))
    assert len({one, two, forge, _key()}) == 4
    # name==version and the revision are separate parts: "1.0" + "x" is not "1.0x" + "".
    assert _key(handle=GitPackage("pkg", "1.0", "/src", commit="x")) != _key(
        handle=FolderPackage("pkg", "1.0x", "/src")
    )


def test_versions_of_pytorrent_the_extractor_and_the_format_change_the_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = _key()
    for module, name in (
        (engine, "EXTRACTOR_VERSION"),
        (task_cache, "__version__"),
        (task_cache, "CACHE_FORMAT"),
    ):
        with monkeypatch.context() as patch:
            patch.setattr(module, name, str(getattr(module, name)) + "+1")
            assert _key() != before, name
    assert _key() == before


# --- entries -------------------------------------------------------------------------------


KEY = "ab" + "0" * 38


def _result(cache: TaskCache, *, signatures: bool = True) -> PackageResult:
    drops = Drops()
    drops.add("source", "bad_path", "pkg/x")
    result = PackageResult(
        index=5,
        key="pkg==1.0",
        metadata=_metadata(),
        units_path=str(cache.units_path(KEY)),
        units=3,
        files=2,
        drops=drops,
        signatures_path=str(cache.signatures_path(KEY)) if signatures else None,
        contaminated=["HumanEval/0"],
        worker="w1",
        peak_rss_bytes=123,
    )
    cache.units_path(KEY).parent.mkdir(parents=True, exist_ok=True)
    cache.units_path(KEY).write_bytes(b"units")
    if signatures:
        cache.signatures_path(KEY).write_bytes(b"signatures")
    return result


def test_entries_live_in_a_folder_named_by_the_key_prefix(tmp_path: Path) -> None:
    cache = TaskCache(tmp_path)
    assert cache.units_path(KEY) == tmp_path / "ab" / f"{KEY}.units.jsonl.zst"
    assert cache.signatures_path(KEY) == tmp_path / "ab" / f"{KEY}.sig.arrow"
    assert cache.marker_path(KEY) == tmp_path / "ab" / f"{KEY}.json"


def test_a_saved_result_loads_renumbered_and_marked_reused(tmp_path: Path) -> None:
    cache = TaskCache(tmp_path)
    result = _result(cache)
    assert cache.load(KEY, 0) is None  # files without a marker are no entry
    cache.save(KEY, result)
    marker = cache.marker_path(KEY).read_bytes()
    assert marker == orjson.dumps(result.to_json(), option=orjson.OPT_SORT_KEYS)
    assert sorted(p.name for p in (tmp_path / "ab").iterdir()) == sorted(
        [f"{KEY}.json", f"{KEY}.units.jsonl.zst", f"{KEY}.sig.arrow"]
    )
    loaded = cache.load(KEY, 9)
    assert loaded is not None
    assert (loaded.index, loaded.key, loaded.units, loaded.files) == (9, "pkg==1.0", 3, 2)
    assert loaded.reused and loaded.metadata == result.metadata
    assert loaded.units_path == result.units_path
    assert loaded.signatures_path == result.signatures_path
    assert loaded.drops.to_json() == result.drops.to_json()
    assert loaded.contaminated == ["HumanEval/0"]
    assert cache.entries() == 1


def test_a_result_without_signatures_needs_no_signature_file(tmp_path: Path) -> None:
    cache = TaskCache(tmp_path)
    cache.save(KEY, _result(cache, signatures=False))
    loaded = cache.load(KEY, 0)
    assert loaded is not None and loaded.signatures_path is None
    cache.units_path(KEY).unlink()
    assert cache.load(KEY, 0) is None


@pytest.mark.parametrize("gone", ["units", "signatures"])
def test_a_marker_whose_files_are_gone_is_a_miss(tmp_path: Path, gone: str) -> None:
    cache = TaskCache(tmp_path)
    cache.save(KEY, _result(cache))
    (cache.units_path(KEY) if gone == "units" else cache.signatures_path(KEY)).unlink()
    assert cache.load(KEY, 0) is None


@pytest.mark.parametrize(
    "marker",
    [b"", b"{not json", b"[]", b'{"key": "pkg==1.0"}', b'{"units": "many"}', b"null"],
    ids=["empty", "broken", "list", "partial", "bad-type", "null"],
)
def test_a_damaged_marker_is_a_miss(tmp_path: Path, marker: bytes) -> None:
    cache = TaskCache(tmp_path)
    good = _result(cache).to_json()
    if marker == b'{"units": "many"}':
        marker = orjson.dumps({**good, "units": "many"})
    cache.marker_path(KEY).write_bytes(marker)
    assert cache.load(KEY, 0) is None


def test_entries_count_markers_only(tmp_path: Path) -> None:
    assert TaskCache(tmp_path / "missing").entries() == 0
    cache = TaskCache(tmp_path)
    assert cache.entries() == 0
    cache.save(KEY, _result(cache))
    other = "cd" + "1" * 38
    cache.save(other, _result(cache))
    (tmp_path / "stray.json").write_text("{}")  # not inside a prefix folder
    assert cache.entries() == 2

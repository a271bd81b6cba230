"""What `--out` may replace, rule by rule on real folders (`write.guard`): protected folders,
user folders, earlier outputs, and parents that cannot be written or entered."""

from __future__ import annotations

import json
import locale
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytorrent.errors import ConfigError
from pytorrent.write import guard
from tests.guard_folders import (
    as_another_user,
    earlier_output,
)


def _refusal(out: Path, **kwargs: object) -> str:
    with pytest.raises(ConfigError) as caught:
        guard.check_output(out, **kwargs)  # type: ignore[arg-type]
    return str(caught.value)


# --- protected folders -------------------------------------------------------------------


def test_the_filesystem_root_is_refused() -> None:
    message = _refusal(Path("/"), overwrite=True)
    assert message == "--out / is refused: it is the filesystem root; pass another --out"


def test_the_home_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    message = _refusal(home, overwrite=True)
    assert message == f"--out {home} is refused: it is your home folder; pass another --out"
    assert guard.check_output(home / "out") == (home / "out").resolve()


def test_the_current_folder_and_its_ancestors_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cwd = tmp_path / "a" / "b"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    why = "is refused: it is the current folder or holds it; pass another --out"
    assert _refusal(Path(), overwrite=True) == f"--out . {why}"
    assert _refusal(tmp_path / "a", overwrite=True) == f"--out {tmp_path / 'a'} {why}"
    assert guard.check_output(Path("inside")) == cwd.resolve() / "inside"


def test_sources_and_their_ancestors_are_refused_inside_them_is_allowed(tmp_path: Path) -> None:
    source = tmp_path / "src" / "site"
    source.mkdir(parents=True)
    other = tmp_path / "other"
    for folder in (source, source.parent):
        message = _refusal(folder, sources=[other, source], overwrite=True, option="--into")
        assert message == (
            f"--into {folder} is refused: it is or holds the source {source.resolve()}; "
            "pass another --into"
        )
    assert guard.check_output(source / "out", sources=[source]) == (source / "out").resolve()
    assert guard.check_output(tmp_path / "sibling", sources=[source]).name == "sibling"


def test_sources_are_compared_resolved(tmp_path: Path) -> None:
    source = tmp_path / "site"
    source.mkdir()
    link = tmp_path / "link"
    link.symlink_to(source)
    assert "holds the source" in _refusal(source, sources=[link])
    assert "holds the source" in _refusal(link, sources=[source])


# --- what --out may be -------------------------------------------------------------------


def test_a_file_is_refused_as_out(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    message = _refusal(tmp_path / "f", overwrite=True)
    assert message == f"--out {tmp_path / 'f'} exists and is not a folder; pass another --out"


def test_a_user_folder_is_refused_unless_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("x")
    assert _refusal(out) == (
        f"--out {out} holds files that no earlier pytorrent build wrote; pass --overwrite to "
        "replace it anyway, or another --out"
    )
    assert guard.check_output(out, overwrite=True) == out.resolve()


def test_empty_new_and_earlier_outputs_are_accepted_resolved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    assert guard.check_output(Path("empty")) == tmp_path.resolve() / "empty"
    assert guard.check_output(Path("new/deeper/out")) == tmp_path.resolve() / "new/deeper/out"
    earlier_output(tmp_path / "earlier", {"pairs/train.parquet": "x"})
    assert guard.check_output(Path("earlier")) == tmp_path.resolve() / "earlier"


def test_a_parent_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "sub" / "out"
    assert _refusal(out) == f"--out {out}: cannot write in {tmp_path / 'file'}; pass another --out"


@pytest.mark.parametrize(
    ("mode", "why"),
    [(0o755, "cannot write in {parent}"), (0o776, "cannot enter a folder above it")],
)
def test_a_parent_the_user_cannot_write_or_enter_is_refused(
    shared_tmp: Path, mode: int, why: str
) -> None:
    parent = shared_tmp / "locked"
    parent.mkdir()
    parent.chmod(mode)  # others: r-x (no write) or rw- (no entry)
    expected = f"--out {parent / 'out'}: {why.format(parent=parent)}; pass another --out"

    def refused() -> bool:
        try:
            guard.check_output(parent / "out")
        except ConfigError as error:
            return str(error) == expected
        return False

    assert as_another_user(refused)
    parent.chmod(0o777)
    assert not as_another_user(refused)
    assert guard.check_output(parent / "out") == parent / "out"  # here too, for mutmut


def test_a_work_folder_under_one_the_user_cannot_enter_is_refused(shared_tmp: Path) -> None:
    parent = shared_tmp / "locked"
    parent.mkdir()
    parent.chmod(0o776)
    expected = f"--work {parent / 'w'}: cannot enter a folder above it; pass another --work"

    def refused() -> bool:
        try:
            guard.check_work(parent / "w", shared_tmp / "out")
        except ConfigError as error:
            return str(error) == expected
        return False

    assert as_another_user(refused)
    guard.check_work(parent / "w", shared_tmp / "out")  # root enters it (and mutmut sees it)


# --- earlier outputs -----------------------------------------------------------------------


def test_an_earlier_output_lists_everything_it_holds(tmp_path: Path) -> None:
    out = earlier_output(tmp_path / "o", {"pairs/train-0.parquet": "a", "a/b/c.json": "b"})
    assert guard.is_pytorrent_output(out)
    (out / "a" / "b" / "c.json").unlink()  # a listed file missing: still pytorrent's
    assert guard.is_pytorrent_output(out)


@pytest.mark.parametrize(
    "stray", ["notes.txt", "pairs/notes.txt", "a/b/notes.txt", "a/other/", "empty/"]
)
def test_anything_unlisted_makes_a_folder_not_anearlier_output(tmp_path: Path, stray: str) -> None:
    out = earlier_output(tmp_path / "o", {"pairs/train-0.parquet": "a", "a/b/c.json": "b"})
    (out / stray.rstrip("/")).parent.mkdir(parents=True, exist_ok=True)
    if stray.endswith("/"):
        (out / stray).mkdir()
    else:
        (out / stray).write_text("mine")
    assert not guard.is_pytorrent_output(out)


def test_links_make_a_folder_not_anearlier_output(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    out = earlier_output(tmp_path / "o", {"pairs/x.parquet": "a"})
    (out / "pairs" / "link.parquet").symlink_to(target / "f")
    assert not guard.is_pytorrent_output(out)
    out = earlier_output(tmp_path / "p", {"pairs/x.parquet": "a"})
    (out / "pairs" / "x.parquet").unlink()
    (out / "pairs" / "x.parquet").symlink_to(target / "f")
    assert not guard.is_pytorrent_output(out)
    out = earlier_output(tmp_path / "q", {"pairs/x.parquet": "a"})
    (out / "pairs" / "x.parquet").unlink()
    (out / "pairs").rmdir()
    (out / "pairs").symlink_to(target, target_is_directory=True)
    assert not guard.is_pytorrent_output(out)


@pytest.mark.parametrize(
    "manifest",
    [None, "not json", "[]", '{"version": 1}', '{"files": ["README.md", "x.txt"]}', '"x"'],
)
def test_no_readable_file_registry_means_not_anearlier_output(
    tmp_path: Path, manifest: str | None
) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "x.txt").write_text("x")
    (out / "README.md").write_text("card")
    if manifest is not None:
        (out / "build.json").write_text(manifest)
    assert not guard.is_pytorrent_output(out)


@pytest.fixture
def ascii_locale() -> Iterator[None]:
    """An ASCII locale (LANG=C, as in many cron jobs and containers) for text defaults."""
    old = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        assert locale.getpreferredencoding(False) != "UTF-8"
        yield
    finally:
        locale.setlocale(locale.LC_CTYPE, old)


def test_an_output_with_non_ascii_names_is_recognised_under_any_locale(
    tmp_path: Path, ascii_locale: None
) -> None:
    out = earlier_output(tmp_path / "o", {"csn/caf\u00e9.jsonl.gz": "a"})
    manifest = json.loads((out / "build.json").read_bytes())
    # As a build writes it (pydantic JSON): UTF-8, non-ASCII characters not escaped.
    (out / "build.json").write_bytes(json.dumps(manifest, ensure_ascii=False).encode("utf-8"))
    assert "caf\u00e9".encode() in (out / "build.json").read_bytes()
    assert guard.is_pytorrent_output(out)
    assert guard.check_output(out) == out.resolve()


def test_a_user_without_a_home_folder_can_still_build(shared_tmp: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to become a user without a passwd entry")

    writable = shared_tmp / "open"
    writable.mkdir()
    writable.chmod(0o777)

    def accepted() -> bool:
        os.environ.pop("HOME", None)
        with pytest.raises(RuntimeError):  # uid 54321 has no passwd entry
            Path.home()
        return guard.check_output(writable / "out") == writable / "out"

    assert as_another_user(accepted, uid=54321)
    assert guard.check_output(writable / "out") == writable / "out"  # for mutmut

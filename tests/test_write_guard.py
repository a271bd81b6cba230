"""The folder rules of `write.guard`, rule by rule on real folders: what `--out` may replace,
what `--work` may be, and which leftovers of killed runs are pytorrent's to delete.

Checks that depend on permissions run in a forked child as user `nobody` when the tests run
as root (root may write anywhere and signal any process)."""

from __future__ import annotations

import json
import locale
import os
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pytorrent.errors import ConfigError
from pytorrent.write import guard

NOBODY = 65534


def _default_hangup() -> None:
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def _as_another_user(check: Callable[[], bool], uid: int = NOBODY) -> bool:
    """`check()` in a forked child, as `uid` (`nobody`) when this process is root."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 2
        try:
            if os.geteuid() == 0:
                os.setgid(uid)
                os.setuid(uid)
            code = 0 if check() else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    assert code in (0, 1), f"the check raised in the child (exit {code})"
    return code == 0


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A temp folder every user can enter (pytest's own is private to its user)."""
    folder = Path(tempfile.mkdtemp(prefix="guard-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in folder.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        subprocess.run(["rm", "-rf", str(folder)], check=True)


def _output(folder: Path, files: dict[str, str]) -> Path:
    """A folder as a build writes it: the files, README.md and a build.json listing them."""
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    (folder / "README.md").write_text("card")
    listed = {rel: {"sha256": "0" * 64, "bytes": len(text)} for rel, text in files.items()}
    (folder / "build.json").write_text(json.dumps({"files": listed}))
    return folder


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
    _output(tmp_path / "earlier", {"pairs/train.parquet": "x"})
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

    assert _as_another_user(refused)
    parent.chmod(0o777)
    assert not _as_another_user(refused)
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

    assert _as_another_user(refused)
    guard.check_work(parent / "w", shared_tmp / "out")  # root enters it (and mutmut sees it)


# --- earlier outputs -----------------------------------------------------------------------


def test_an_earlier_output_lists_everything_it_holds(tmp_path: Path) -> None:
    out = _output(tmp_path / "o", {"pairs/train-0.parquet": "a", "a/b/c.json": "b"})
    assert guard.is_pytorrent_output(out)
    (out / "a" / "b" / "c.json").unlink()  # a listed file missing: still pytorrent's
    assert guard.is_pytorrent_output(out)


@pytest.mark.parametrize(
    "stray", ["notes.txt", "pairs/notes.txt", "a/b/notes.txt", "a/other/", "empty/"]
)
def test_anything_unlisted_makes_a_folder_not_an_output(tmp_path: Path, stray: str) -> None:
    out = _output(tmp_path / "o", {"pairs/train-0.parquet": "a", "a/b/c.json": "b"})
    (out / stray.rstrip("/")).parent.mkdir(parents=True, exist_ok=True)
    if stray.endswith("/"):
        (out / stray).mkdir()
    else:
        (out / stray).write_text("mine")
    assert not guard.is_pytorrent_output(out)


def test_links_make_a_folder_not_an_output(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    out = _output(tmp_path / "o", {"pairs/x.parquet": "a"})
    (out / "pairs" / "link.parquet").symlink_to(target / "f")
    assert not guard.is_pytorrent_output(out)
    out = _output(tmp_path / "p", {"pairs/x.parquet": "a"})
    (out / "pairs" / "x.parquet").unlink()
    (out / "pairs" / "x.parquet").symlink_to(target / "f")
    assert not guard.is_pytorrent_output(out)
    out = _output(tmp_path / "q", {"pairs/x.parquet": "a"})
    (out / "pairs" / "x.parquet").unlink()
    (out / "pairs").rmdir()
    (out / "pairs").symlink_to(target, target_is_directory=True)
    assert not guard.is_pytorrent_output(out)


@pytest.mark.parametrize(
    "manifest",
    [None, "not json", "[]", '{"version": 1}', '{"files": ["README.md", "x.txt"]}', '"x"'],
)
def test_no_readable_file_registry_means_not_an_output(
    tmp_path: Path, manifest: str | None
) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "x.txt").write_text("x")
    (out / "README.md").write_text("card")
    if manifest is not None:
        (out / "build.json").write_text(manifest)
    assert not guard.is_pytorrent_output(out)


# --- work folders and markers --------------------------------------------------------------


def test_marks_record_this_process(tmp_path: Path) -> None:
    guard.mark(tmp_path)
    assert (tmp_path / guard.MARKER).read_text(encoding="utf-8") == f"{os.getpid()}\n"
    assert guard._marker_pid(tmp_path) == os.getpid()
    guard.unmark(tmp_path)
    assert not (tmp_path / guard.MARKER).exists()
    guard.unmark(tmp_path)  # twice is fine
    assert guard._marker_pid(tmp_path) is None


@pytest.mark.parametrize(("text", "pid"), [(" 4242 \n", 4242), ("abc", 0), ("", 0), ("-5", 0)])
def test_marker_text_gives_a_pid_or_zero(tmp_path: Path, text: str, pid: int) -> None:
    (tmp_path / guard.MARKER).write_text(text)
    assert guard._marker_pid(tmp_path) == pid


def test_an_unreadable_marker_gives_zero(tmp_path: Path) -> None:
    (tmp_path / guard.MARKER).mkdir()
    assert guard._marker_pid(tmp_path) == 0


def test_a_damaged_marker_gives_zero_and_still_marks_the_folder(tmp_path: Path) -> None:
    (tmp_path / guard.MARKER).write_bytes(b"\xff\xfe12")
    assert guard._marker_pid(tmp_path) == 0
    (tmp_path / "staging").mkdir()
    guard.check_work(tmp_path, tmp_path.parent / "elsewhere-out")


def test_alive_is_false_for_no_pid_this_process_and_finished_ones() -> None:
    finished = subprocess.run(["true"], check=True)
    assert finished.returncode == 0
    with subprocess.Popen(["true"]) as proc:
        proc.wait()
        dead = proc.pid
    assert not guard._alive(0) and not guard._alive(-1) and not guard._alive(os.getpid())
    assert not guard._alive(dead)
    # SIGHUP at its default (a mutation tool's worker may ignore it, and children inherit that).
    with subprocess.Popen(["sleep", "30"], preexec_fn=_default_hangup) as running:
        try:
            assert guard._alive(running.pid)
            with pytest.raises(subprocess.TimeoutExpired):  # asking sent it no signal
                running.wait(timeout=0.3)
        finally:
            running.kill()
    assert guard._alive(1)  # init: always running (root's, or another user's)


def test_a_process_of_another_user_counts_as_alive() -> None:
    if os.geteuid() != 0:
        if Path("/proc/1").stat().st_uid == os.getuid():
            pytest.skip("pid 1 belongs to this user")
        assert guard._alive(1)
        return
    with subprocess.Popen(["sleep", "30"]) as running:
        try:
            assert guard._alive(running.pid)  # here too, so mutmut knows this test reaches it
            assert _as_another_user(lambda: guard._alive(running.pid))
        finally:
            running.kill()


def test_work_rules(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for work in (out, out / "w", tmp_path):
        with pytest.raises(ConfigError, match="overlap; pass a --work outside the output"):
            guard.check_work(work, out)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match="exists and is not a folder; pass another --work"):
        guard.check_work(tmp_path / "file", out)
    user = tmp_path / "user"
    user.mkdir()
    (user / "lock").write_text("mine")
    with pytest.raises(ConfigError) as caught:
        guard.check_work(user, out)
    assert str(caught.value) == (
        f"--work {user} is not empty and pytorrent did not create it; pass an empty or new "
        "folder as --work"
    )
    (user / guard.MARKER).write_text("garbage")  # a marker, even unreadable, proves it ours
    guard.check_work(user, out)
    (tmp_path / "empty").mkdir()
    guard.check_work(tmp_path / "empty", out)
    guard.check_work(tmp_path / "new", out)
    guard.check_work(tmp_path / "outer", out)  # a name starting like out's is not out


# --- leftovers of killed runs --------------------------------------------------------------


def _leftover(parent: Path, name: str, pid: int | None) -> Path:
    folder = parent / name
    folder.mkdir()
    (folder / "data").write_text("x")
    if pid is not None:
        (folder / guard.MARKER).write_text(f"{pid}\n")
    return folder


def test_only_leftovers_that_are_provably_ours_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with subprocess.Popen(["true"]) as proc:
        proc.wait()
    dead = proc.pid
    removed = [
        _leftover(tmp_path, ".out.staging-1", dead),
        _leftover(tmp_path, ".out.dedup-1", dead),
        _leftover(tmp_path, ".out.old-1", dead),
        _leftover(tmp_path, ".out.old-2", 0),  # unreadable marker: its writer is gone
        # This process's pid: an earlier process's whose pid was reused (a run sweeps
        # before it makes its own folders).
        _leftover(tmp_path, ".out.staging-2", os.getpid()),
    ]
    earlier = _output(tmp_path / ".out.old-3", {"pairs/x.parquet": "a"})
    removed.append(earlier)
    kept = [
        _leftover(tmp_path, ".out.staging-3", None),  # no marker
        _leftover(tmp_path, ".out.other-1", dead),  # not a leftover prefix
        _leftover(tmp_path, ".outer.staging-1", dead),  # another output's
        _leftover(tmp_path, "out.staging-1", dead),  # not hidden
        _output(tmp_path / ".out.staging-4", {"pairs/x.parquet": "a"}),  # only old- may be
    ]
    (tmp_path / ".out.staging-file").write_text("a file, not a folder")
    (tmp_path / ".out.dedup-0").write_text("a file that sorts first")
    (tmp_path / ".out.staging-link").symlink_to(removed[0])
    with subprocess.Popen(["sleep", "30"]) as running:
        try:
            kept.append(_leftover(tmp_path, ".out.dedup-2", running.pid))
            assert guard.clean_leftovers(out) == sorted(removed)
        finally:
            running.kill()
    assert not any(path.exists() for path in removed)
    assert all(path.is_dir() for path in kept)
    assert (tmp_path / ".out.staging-file").is_file() and (tmp_path / ".out.dedup-0").is_file()
    assert (tmp_path / ".out.staging-link").is_symlink()


def test_no_parent_means_nothing_to_clean(tmp_path: Path) -> None:
    assert guard.clean_leftovers(tmp_path / "missing" / "out") == []
    (tmp_path / "file").write_text("x")
    assert guard.clean_leftovers(tmp_path / "file" / "out") == []


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
    out = _output(tmp_path / "o", {"csn/caf\u00e9.jsonl.gz": "a"})
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

    assert _as_another_user(accepted, uid=54321)
    assert guard.check_output(writable / "out") == writable / "out"  # for mutmut


def test_a_leftover_that_cannot_be_fully_deleted_does_not_stop_the_run(shared_tmp: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to make a folder another user cannot empty")
    parent = shared_tmp / "parent"
    parent.mkdir()
    leftover = _leftover(parent, ".out.staging-1", 0)
    (leftover / "rootfiles").mkdir()
    (leftover / "rootfiles" / "f").write_text("root's")
    for path in (parent, leftover, leftover / "data", leftover / guard.MARKER):
        os.chown(path, NOBODY, NOBODY)

    def survives() -> bool:
        return guard.clean_leftovers(parent / "out") == [leftover]

    assert _as_another_user(survives)
    assert (leftover / "rootfiles" / "f").is_file()  # nobody could not delete it
    assert not (leftover / guard.MARKER).exists()
    assert guard.clean_leftovers(parent / "out") == []  # for mutmut; no marker left

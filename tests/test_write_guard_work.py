"""What `--work` may be and which leftovers of killed runs are pytorrent's to delete
(`write.guard`), on real folders and real processes: markers, liveness, leftovers."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from pytorrent.errors import ConfigError
from pytorrent.write import guard
from tests.guard_folders import (
    NOBODY,
    as_another_user,
    default_hangup,
    earlier_output,
)

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
    with subprocess.Popen(["sleep", "30"], preexec_fn=default_hangup) as running:
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
            assert as_another_user(lambda: guard._alive(running.pid))
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
    earlier = earlier_output(tmp_path / ".out.old-3", {"pairs/x.parquet": "a"})
    removed.append(earlier)
    kept = [
        _leftover(tmp_path, ".out.staging-3", None),  # no marker
        _leftover(tmp_path, ".out.other-1", dead),  # not a leftover prefix
        _leftover(tmp_path, ".outer.staging-1", dead),  # another output's
        _leftover(tmp_path, "out.staging-1", dead),  # not hidden
        earlier_output(tmp_path / ".out.staging-4", {"pairs/x.parquet": "a"}),  # only old- may be
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

    assert as_another_user(survives)
    assert (leftover / "rootfiles" / "f").is_file()  # nobody could not delete it
    assert not (leftover / guard.MARKER).exists()
    assert guard.clean_leftovers(parent / "out") == []  # for mutmut; no marker left

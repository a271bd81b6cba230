"""Folders for the `write.guard` tests: earlier outputs as a build writes them, a temp folder
every user can enter, and checks run as another user in a forked child (as root, the only way
to meet permissions: root may write anywhere and signal any process)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

NOBODY = 65534


def default_hangup() -> None:
    """SIGHUP at its default in a child (a mutation tool's worker may ignore it)."""
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def as_another_user(check: Callable[[], bool], uid: int = NOBODY) -> bool:
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


@contextmanager
def shared_folder() -> Iterator[Path]:
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


def earlier_output(folder: Path, files: dict[str, str]) -> Path:
    """A folder as a build writes it: the files, README.md and a build.json listing them."""
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    (folder / "README.md").write_text("card")
    listed = {rel: {"sha256": "0" * 64, "bytes": len(text)} for rel, text in files.items()}
    (folder / "build.json").write_text(json.dumps({"files": listed}))
    return folder

"""Run untrusted generated programs, each in its own confined process, and always clean up.

Each program gets a fresh temporary folder (its cwd, HOME and TMPDIR), a scrubbed
environment carrying a unique marker, no stdin, output capped by size, and a new session so
its whole process group can be killed. After it exits or passes its wall timeout, the group is
SIGKILLed and every process whose environment still carries the marker (found via /proc, e.g.
one that left the group with setsid) is killed too, until none is left. `confine.py` adds the
in-process confinement (namespaces or else a subreaper, resource limits, blocked calls).

This stops accidents and sloppy hostility, not a determined attacker: run untrusted models'
code inside a container or VM as well.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from pytorrent.evaluate.confine import NAMESPACE_INIT_FILE

MARKER_VARIABLE = "PYTORRENT_SANDBOX"
CONFINE = Path(__file__).with_name("confine.py")
_KILL_ROUNDS = 200
_REAPER_GRACE_S = 2.0


@dataclass(frozen=True)
class Limits:
    """Per-program limits; CPU seconds default to the wall timeout rounded up, plus one."""

    timeout_s: float = 10.0
    memory_mb: int = 2048
    file_mb: int = 16
    processes: int = 64
    output_bytes: int = 64 * 1024
    cpu_s: int | None = None
    isolate: bool = True

    def child_settings(self) -> dict[str, int]:
        cpu = self.cpu_s if self.cpu_s is not None else math.ceil(self.timeout_s) + 1
        return {
            "memory_mb": self.memory_mb,
            "file_mb": self.file_mb,
            "processes": self.processes,
            "cpu_s": cpu,
            "isolate": int(self.isolate),
        }


@dataclass(frozen=True)
class Outcome:
    """How one program ended; `ok` only for a clean exit with status 0 within the timeout."""

    timed_out: bool
    returncode: int | None
    output: str
    seconds: float
    confinement: tuple[str, ...]
    marker: str

    @property
    def ok(self) -> bool:
        return not self.timed_out and self.returncode == 0


def marked_processes(marker: str) -> list[int]:
    """PIDs whose initial environment holds MARKER_VARIABLE=marker (empty without /proc)."""
    needle = f"{MARKER_VARIABLE}={marker}".encode()
    found = []
    with suppress(FileNotFoundError):
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                environment = Path(entry.path, "environ").read_bytes()
            except OSError:  # gone already, or not ours to read
                continue
            if needle in environment.split(b"\0"):
                found.append(int(entry.name))
    return found


def kill_everything(group: int, marker: str) -> None:
    """SIGKILL the process group, then sweep marked processes until a sweep finds none."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)
    for _ in range(_KILL_ROUNDS):
        survivors = marked_processes(marker)
        if not survivors:
            return
        for pid in survivors:
            with suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.005)


def _alive(pid: int) -> bool:
    """Whether `pid` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def wait_for_namespace(folder: Path, seconds: float = 5.0) -> None:
    """Wait until the sample's PID namespace init has died: the kernel kills everything else
    inside first, so an escapee that no sweep can see is gone once this returns."""
    try:
        pid = int((folder / NAMESPACE_INIT_FILE).read_text())
    except (OSError, ValueError):
        return
    deadline = time.monotonic() + seconds
    while _alive(pid) and time.monotonic() < deadline:  # the marker sweep killed it already
        time.sleep(0.005)


def _environment(folder: str, marker: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": folder,
        "TMPDIR": folder,
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        MARKER_VARIABLE: marker,
    }


def _read_capped(path: Path, limit: int) -> str:
    with suppress(OSError), path.open("rb") as handle:
        return handle.read(limit).decode("utf-8", errors="replace")
    return ""


def run_program(source: str, limits: Limits | None = None) -> Outcome:
    """Run one Python program confined; never raises for anything the program does."""
    limits = limits or Limits()
    marker = uuid.uuid4().hex
    with tempfile.TemporaryDirectory(
        prefix="pytorrent-sandbox-", ignore_cleanup_errors=True
    ) as tmp:
        folder = Path(tmp)
        program = folder / "program.py"
        program.write_text(source, encoding="utf-8")
        output = folder / "output.txt"
        command = [sys.executable, "-I", str(CONFINE), json.dumps(limits.child_settings()), str(program)]  # fmt: skip
        started = time.monotonic()
        with output.open("wb") as sink:
            process = subprocess.Popen(
                command,
                cwd=folder,
                env=_environment(tmp, marker),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        timed_out = False
        try:
            process.wait(timeout=limits.timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            process.terminate()  # the child's reaper kills its descendants, then exits
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=_REAPER_GRACE_S)
        finally:
            kill_everything(process.pid, marker)
            process.wait()
            wait_for_namespace(folder)
        seconds = time.monotonic() - started
        achieved: tuple[str, ...] = ()
        with suppress(OSError, ValueError):
            achieved = tuple(json.loads((folder / "confinement.json").read_text()))
        return Outcome(
            timed_out=timed_out,
            returncode=None if timed_out else process.returncode,
            output=_read_capped(output, limits.output_bytes),
            seconds=seconds,
            confinement=achieved,
            marker=marker,
        )


def run_programs(
    sources: Sequence[str], limits: Limits | None = None, workers: int = 1
) -> list[Outcome]:
    """Run programs with up to `workers` at once; results in the order given."""
    if workers <= 1:
        return [run_program(source, limits) for source in sources]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda source: run_program(source, limits), sources))

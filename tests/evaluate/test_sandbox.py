"""The sandbox passes good programs and ends every hostile one as a failure, leaving nothing.

Hostile programs bypass the in-process blocks on purpose (via `posix`) so the OS-level layers
(timeout, group kill, marker sweep, namespaces, rlimits) are what is tested. The fork bomb is
capped at 100 children + 100 grandchildren so a failing test cannot take the machine down.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from pytorrent.evaluate.sandbox import Limits, Outcome, marked_processes, run_program

TIMEOUT = 3.0
FAST = Limits(timeout_s=TIMEOUT)

CORRECT = """
def add(a, b):
    return a + b

def check(candidate):
    assert candidate(2, 3) == 5
    assert candidate(-1, 1) == 0

check(add)
"""
WRONG = CORRECT.replace("return a + b", "return a - b")

FORK_BOMB = """
import posix, time
for _ in range(100):
    if posix.fork() == 0:
        if posix.fork() == 0:
            posix.setsid()  # leaves the process group: only the marker sweep finds it
        while True:
            time.sleep(0.2)
while True:
    time.sleep(0.2)
"""


def _ended_as_failure(outcome: Outcome) -> None:
    assert not outcome.ok
    assert outcome.seconds < TIMEOUT + 2.0
    assert marked_processes(outcome.marker) == []


def test_correct_solution_passes_wrong_fails() -> None:
    good = run_program(CORRECT, FAST)
    assert good.ok, good.output
    assert marked_processes(good.marker) == []
    bad = run_program(WRONG, FAST)
    _ended_as_failure(bad)
    assert "AssertionError" in bad.output


@pytest.mark.parametrize("isolate", [True, False])
def test_infinite_loop_is_killed_at_the_timeout(isolate: bool) -> None:
    outcome = run_program("while True:\n    pass\n", Limits(timeout_s=TIMEOUT, isolate=isolate))
    assert outcome.timed_out
    _ended_as_failure(outcome)


@pytest.mark.parametrize("isolate", [True, False])
def test_fork_bomb_leaves_no_process(isolate: bool) -> None:
    outcome = run_program(FORK_BOMB, Limits(timeout_s=TIMEOUT, isolate=isolate))
    _ended_as_failure(outcome)


def test_os_system_fails_and_does_not_run(tmp_path: Path) -> None:
    target = tmp_path / "touched"
    outcome = run_program(f"import os\nos.system('touch {target}')\n", FAST)
    _ended_as_failure(outcome)
    assert "os.system is blocked" in outcome.output
    assert not target.exists()


def test_huge_allocation_fails_fast() -> None:
    outcome = run_program("x = bytearray(64 * 1024**3)\n", FAST)
    _ended_as_failure(outcome)
    assert "MemoryError" in outcome.output


def test_writing_outside_the_folder_fails(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    source = (
        f"import posix\nopen({str(outside)!r}, 'w').write('x')\nposix.system('touch {outside}2')\n"
    )
    outcome = run_program(source, FAST)
    _ended_as_failure(outcome)
    if "filesystem" not in outcome.confinement:
        pytest.skip("no mount namespace here (not root or not Linux): writes are not confined")
    assert not outside.exists() and not Path(f"{outside}2").exists()
    inside = run_program("open('mine.txt', 'w').write('ok')\nprint(open('mine.txt').read())", FAST)
    assert inside.ok and inside.output == "ok\n"


def test_no_network_and_no_signals_outside() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        source = (
            "import posix, signal, socket\n"
            f"try:\n    posix.kill({bystander.pid}, signal.SIGKILL)\nexcept OSError:\n    pass\n"
            f"socket.create_connection(('127.0.0.1', {port}), timeout=1)\n"
        )
        outcome = run_program(source, FAST)
        _ended_as_failure(outcome)
        if not {"network", "processes"} <= set(outcome.confinement):
            pytest.skip("no network or PID namespace here")
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()
        listener.close()


def test_output_is_capped_and_environment_scrubbed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_TOKEN", "do-not-leak")
    source = "import os\nprint(sorted(os.environ))\nprint('y' * 100000)\n"
    outcome = run_program(source, Limits(timeout_s=TIMEOUT, output_bytes=1000))
    assert outcome.ok
    assert len(outcome.output) == 1000
    assert "SECRET_TOKEN" not in outcome.output and "HOME" in outcome.output


def _processes_with_argument(argument: bytes) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if argument in (entry / "cmdline").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.parametrize("isolate", [True, False])
@pytest.mark.parametrize("ending", ["exit", "timeout"])
def test_escapee_with_an_empty_environment_is_killed(isolate: bool, ending: str) -> None:
    # setsid + exec with no environment evades both the group kill and the marker sweep;
    # the PID namespace, or without one the subreaper, must catch it.
    argument = f"37.{int(isolate)}{len(ending)}".encode()
    wait = "0.5" if ending == "exit" else "60"
    source = (
        "import posix, time\n"
        "if posix.fork() == 0:\n"
        "    posix.setsid()\n"
        f"    posix.execve('/bin/sleep', ['sleep', {argument.decode()!r}], {{}})\n"
        f"time.sleep({wait})\n"
    )
    outcome = run_program(source, Limits(timeout_s=2.0, isolate=isolate))
    assert outcome.timed_out == (ending == "timeout")
    if not {"processes", "subreaper"} & set(outcome.confinement):
        pytest.skip("neither a PID namespace nor a subreaper here")
    survivors = _processes_with_argument(argument)
    for pid in survivors:  # never leave one behind, even when failing
        os.kill(pid, signal.SIGKILL)
    assert survivors == []

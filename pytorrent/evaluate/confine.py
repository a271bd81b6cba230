"""Child side of the sandbox: confine this process, then run one generated program.

Run as `python -I confine.py SETTINGS_JSON PROGRAM` by `pytorrent.evaluate.sandbox`; it
imports only the standard library. In order: where the OS allows (Linux, root), new network,
mount and PID namespaces with every mount read-only except the sample's folder (so no network,
no writes elsewhere, no signals to processes outside), or without a PID namespace a
subreaper parent that kills every descendant at the end; then resource limits (address space,
CPU seconds, file size, processes, no core dumps); stdin closed; dangerous functions replaced
by ones that raise; then the program runs as `__main__`. What was achieved is written to
`confinement.json` in the folder first. The parent's timeout, process-group kill and marker
sweep do not depend on any of this succeeding.
"""

from __future__ import annotations

import builtins
import ctypes
import json
import os
import resource
import signal
import sys
import time
from contextlib import suppress
from pathlib import Path
from typing import Any, NoReturn

CLONE_NEWNS = 0x00020000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
NAMESPACE_INIT_FILE = "namespace-init.pid"
_KEPT_FLAGS = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC}

#: Module attributes a generated program has no business calling; each raises when called.
BLOCKED = {
    "os": (
        "system", "popen", "kill", "killpg", "fork", "forkpty", "execv", "execve", "execl",
        "execle", "execlp", "execlpe", "execvp", "execvpe", "spawnl", "spawnle", "spawnlp",
        "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe", "posix_spawn", "posix_spawnp",
        "remove", "unlink", "rmdir", "removedirs", "rename", "renames", "replace", "truncate",
        "chmod", "fchmod", "lchmod", "chown", "fchown", "lchown", "chroot", "setuid", "setgid",
        "putenv", "unsetenv", "chdir", "fchdir",
    ),
    "shutil": ("rmtree", "move", "chown", "copytree"),
    "subprocess": ("Popen", "run", "call", "check_call", "check_output", "getoutput"),
}  # fmt: skip


def _mount_points() -> list[tuple[str, set[str]]]:
    """(mount point, per-mount options) of this process, octal escapes decoded."""
    points = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        point = fields[4].encode().decode("unicode_escape")
        points.append((point, set(fields[5].split(","))))
    return points


def _read_only_except(libc: Any, folder: str) -> bool:
    """Bind `folder` onto itself, then remount every other mount read-only."""
    target = folder.encode()
    if libc.mount(target, target, None, MS_BIND | MS_REC, None) != 0:
        return False
    complete = True
    for point, options in _mount_points():
        if point == folder or point == "/dev" or point.startswith(folder + "/"):
            continue
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY
        flags |= sum(bit for name, bit in _KEPT_FLAGS.items() if name in options)
        if libc.mount(None, point.encode(), None, flags, None) != 0:
            complete = False
    return complete


def _exit_like(status: int) -> NoReturn:
    """Leave with the child's status: its exit code, or 128 + the signal that ended it."""
    if os.WIFSIGNALED(status):
        os._exit(128 + os.WTERMSIG(status))
    os._exit(os.WEXITSTATUS(status))


def isolate(folder: str) -> list[str]:
    """Enter new namespaces where permitted; return the names of those achieved."""
    if not sys.platform.startswith("linux"):
        return []
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return []
    achieved = []
    if libc.unshare(CLONE_NEWNET) == 0:
        achieved.append("network")
    private = libc.unshare(CLONE_NEWNS) == 0
    private = private and libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) == 0
    if private and _read_only_except(libc, folder):
        achieved.append("filesystem")
    if private and libc.unshare(CLONE_NEWPID) == 0:
        child = os.fork()
        if child:  # stays outside as the waiting parent; the child is PID 1 inside
            # The sandbox waits for PID 1 to be gone: then every process inside is too.
            Path(folder, NAMESPACE_INIT_FILE).write_text(str(child))
            _exit_like(os.waitpid(child, 0)[1])  # SIGTERM ends us, PDEATHSIG then the child
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        flags = MS_NOSUID | MS_NODEV | MS_NOEXEC
        if libc.mount(b"proc", b"/proc", b"proc", flags, None) == 0:
            achieved.append("processes")
    return achieved


def _children() -> list[int]:
    """PIDs whose parent is this process (orphans of a subreaper land here)."""
    me, found = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == me:
                found.append(int(entry.name))
    return found


def _kill_descendants() -> None:
    """SIGKILL and reap every descendant: each killed one's children reparent to us."""
    for _ in range(1000):
        for pid in _children():
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            return
        time.sleep(0.002)


def reap_as_subreaper() -> bool:
    """Without a PID namespace: fork the program off and stay as its subreaper, so that even a
    descendant that left the group with a cleared environment is reparented to us and killed
    when the program ends or on SIGTERM (the parent's timeout). True in the program's process.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1) != 0:
        return False
    child = os.fork()
    if child == 0:
        return True

    def on_term(signum: int, frame: object) -> None:
        _kill_descendants()
        os._exit(128 + signal.SIGTERM)

    signal.signal(signal.SIGTERM, on_term)
    status = os.waitpid(child, 0)[1]
    _kill_descendants()
    _exit_like(status)


def set_limits(settings: dict[str, int]) -> None:
    """Hard resource limits; a program past one gets an error or a signal and fails."""
    mib = 1024 * 1024
    limits = {
        resource.RLIMIT_AS: settings["memory_mb"] * mib,
        resource.RLIMIT_FSIZE: settings["file_mb"] * mib,
        resource.RLIMIT_CORE: 0,
        resource.RLIMIT_NPROC: settings["processes"],
    }
    for kind, value in limits.items():
        resource.setrlimit(kind, (value, value))
    cpu = settings["cpu_s"]
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def _blocker(name: str) -> Any:
    def blocked(*args: object, **kwargs: object) -> NoReturn:
        raise PermissionError(f"{name} is blocked in the sandbox")

    return blocked


def block_dangerous_calls() -> None:
    """Second line of defence only: code can bypass it (e.g. via `posix`), the OS layer not."""
    import shutil
    import subprocess

    modules = {"os": os, "shutil": shutil, "subprocess": subprocess}
    for module_name, names in BLOCKED.items():
        module = modules[module_name]
        for name in names:
            if hasattr(module, name):
                setattr(module, name, _blocker(f"{module_name}.{name}"))


def main(argv: list[str]) -> None:
    settings = json.loads(argv[1])
    program = Path(argv[2])
    folder = str(program.parent)
    achieved = isolate(folder) if settings["isolate"] else []
    if "processes" not in achieved and reap_as_subreaper():
        achieved.append("subreaper")
    os.chdir(folder)  # re-enter through the writable bind mount, not the old read-only one
    (program.parent / "confinement.json").write_text(json.dumps(achieved))
    set_limits(settings)
    os.close(0)
    sys.stdin = None
    code = compile(program.read_text(encoding="utf-8"), str(program), "exec")
    block_dangerous_calls()
    namespace = {"__name__": "__main__", "__file__": str(program), "__builtins__": builtins}
    exec(code, namespace)


if __name__ == "__main__":
    main(sys.argv)

"""The work folder of a build: task cache, output staging, and a lock.

```
WORK/.pytorrent-owned     marker: pytorrent created this folder (anything else is refused)
WORK/lock                 held (flock) while a build runs; a second build is refused
WORK/cache/ab/abcd...     per-package results (see task_cache.py), reused by later builds
WORK/staging/             the output being written; renamed onto --out when complete
```
A build killed at any point (even `kill -9`) leaves only finished cache entries and a stale
staging folder, which the next build clears; re-run with the same --work and it resumes.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO

from pytorrent.errors import ConfigError, OutputError, WorkFolderBusyError
from pytorrent.write.guard import MARKER, mark

try:
    import fcntl
except ImportError:  # Windows: no advisory locks, one build per work folder is on the user
    fcntl = None  # type: ignore[assignment]


def default_work_dir(out: Path) -> Path:
    """Beside the output, hidden: `./pytorrent-corpus` -> `./.pytorrent-corpus.work`."""
    return out.parent / f".{out.name}.work"


@dataclass
class WorkFolder:
    """Opened with `with`: creates the folder, takes the lock, clears stale staging."""

    root: Path
    _lock: IO[str] | None = field(default=None, init=False, repr=False)

    @property
    def cache(self) -> Path:
        return self.root / "cache"

    @property
    def staging(self) -> Path:
        return self.root / "staging"

    def __enter__(self) -> WorkFolder:
        if self.root.exists() and not self.root.is_dir():
            raise OutputError(f"work folder {self.root} exists and is not a folder")
        self.root.mkdir(parents=True, exist_ok=True)
        if not (self.root / MARKER).is_file():
            if any(self.root.iterdir()):
                raise ConfigError(
                    f"--work {self.root} is not empty and pytorrent did not create it; "
                    "pass an empty or new folder as --work"
                )
            mark(self.root)
        lock = (self.root / "lock").open("a+", encoding="utf-8")
        if fcntl is not None:
            try:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock.seek(0)
                holder = lock.read().strip() or "unknown"
                lock.close()
                raise WorkFolderBusyError(
                    f"work folder {self.root} is in use by another build (pid {holder}); "
                    "wait for it or pass another --work"
                ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        self._lock = lock
        shutil.rmtree(self.staging, ignore_errors=True)
        self.cache.mkdir(exist_ok=True)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._lock is not None:
            self._lock.close()  # closing releases the flock
            self._lock = None

    def remove(self) -> None:
        """Delete the whole folder (after a successful build that owns it)."""
        shutil.rmtree(self.root, ignore_errors=True)

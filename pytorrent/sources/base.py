"""The source interface: what every SOURCE form (installed, archives, folders, git) yields.

A `Source` lists packages as small picklable `PackageHandle`s; a worker process calls
`handle.read(limits, drops)` to get the package's metadata and a stream of its Python files.
Sources never parse code (docs/architecture.md, "Data flow"). Bad members are counted in `drops` under stage
"source", never raised.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from pytorrent.drops import Drops
from pytorrent.models import PackageMetadata


@dataclass(frozen=True)
class ReadLimits:
    """Caps that keep hostile archives from exhausting memory, disk or time.

    The defaults never bind on real packages (the largest real .py files are a few MB).
    """

    max_members: int = 50_000
    max_file_bytes: int = 10 * 1024 * 1024
    max_total_bytes: int = 2 * 1024**3


@dataclass(frozen=True)
class RawFile:
    """One Python file of a package: POSIX path relative to the package root, and its bytes."""

    path: str
    data: bytes


@dataclass(frozen=True)
class CommitInfo:
    """The commit that last touched a line (from git blame)."""

    sha: str
    date: str
    message: str


#: Per-line commit of a file (index 0 = line 1); None where unknown.
Blame = Sequence[CommitInfo | None]


@dataclass
class PackageContent:
    """An opened package. `files` is a generator: iterate it once, it counts its own skips."""

    metadata: PackageMetadata
    files: Iterator[RawFile]
    blame: Callable[[str], Blame | None] | None = field(default=None)
    #: `str.format(path=, start=, end=)` template of a line span's forge URL (git sources
    #: with a forge remote; pytorrent.sources.forge), else None: records use the purl scheme
    blob_url: str | None = None


class PackageHandle(ABC):
    """A picklable reference to one package, cheap to create and send to a worker."""

    name: str
    version: str

    @property
    def key(self) -> str:
        """Stable identity used for ordering, caching and the split (name==version)."""
        return f"{self.name}=={self.version}"

    @property
    def revision(self) -> str | None:
        """What else besides the files' bytes determines the package's units (the commit
        of a git source, whose history gives ACS 3 commit messages); part of its cache key."""
        return None

    def size_hint(self) -> int:
        """Bytes the package roughly weighs (0 when unknown without reading it): executors
        start the heaviest packages first, so one big package does not finish last alone."""
        return 0

    @abstractmethod
    def read(self, limits: ReadLimits, drops: Drops) -> PackageContent:
        """Open the package; per-file problems go to `drops`, never raise."""


class Source(ABC):
    """One SOURCE argument of `pytorrent build`."""

    spec: str

    @abstractmethod
    def packages(self, drops: Drops) -> Iterator[PackageHandle]:
        """Yield the packages of this source (order does not matter; the build sorts)."""

"""Sources of packages: the installed environment, archives, folders, git checkouts, crawls.

Every source reads through one safe path (`reader.read_python_files`); see docs/sources.md.
"""

from pytorrent.sources.archive import ArchivePackage
from pytorrent.sources.base import (
    CommitInfo,
    PackageContent,
    PackageHandle,
    RawFile,
    ReadLimits,
    Source,
)
from pytorrent.sources.decode import UndecodableFile, decode_python_source
from pytorrent.sources.folder import FolderPackage
from pytorrent.sources.git import GitPackage, GitSource
from pytorrent.sources.installed import InstalledPackage, InstalledSource
from pytorrent.sources.local import LocalSource
from pytorrent.sources.resolve import parse_source_spec

__all__ = [
    "ArchivePackage",
    "CommitInfo",
    "FolderPackage",
    "GitPackage",
    "GitSource",
    "InstalledPackage",
    "InstalledSource",
    "LocalSource",
    "PackageContent",
    "PackageHandle",
    "RawFile",
    "ReadLimits",
    "Source",
    "UndecodableFile",
    "decode_python_source",
    "parse_source_spec",
]

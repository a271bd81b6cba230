"""Exceptions raised by pytorrent, named by what the caller should do next.

PytorrentError
├── ConfigError          fix the command line or configuration
├── SourceError          a SOURCE cannot be read at all (bad path, unknown form)
├── MissingExtraError    install the named extra
├── ExecutorError        the cluster cannot run tasks (no workers): fix it and re-run
└── OutputError          the output folder is unusable or incomplete
    └── WorkFolderBusyError  another build is using the work folder: wait, or pick another
"""

from __future__ import annotations


class PytorrentError(Exception):
    """Base of every error pytorrent raises on purpose; the CLI prints it on one line."""


class ConfigError(PytorrentError):
    """The configuration or command line is invalid; fix it and re-run."""


class SourceError(PytorrentError):
    """A source as a whole cannot be read (single bad packages are counted skips instead)."""


class MissingExtraError(PytorrentError):
    """An optional dependency is missing; the message names the `pip install` extra."""

    def __init__(self, module: str, extra: str) -> None:
        super().__init__(
            f"{module} is not installed; install it with: pip install 'pytorrent[{extra}]'"
        )
        self.module = module
        self.extra = extra


class ExecutorError(PytorrentError):
    """The executor cannot run tasks at all; finished packages stay cached for a re-run."""


class OutputError(PytorrentError):
    """The output folder is incomplete, inconsistent or cannot be written."""


class HubError(PytorrentError):
    """The Hub refused or failed a request; the message says what to do next."""


class WorkFolderBusyError(OutputError):
    """Another running build holds the work folder's lock."""

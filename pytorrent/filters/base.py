"""The two kinds of filter step: per file (sees a path, the file's first lines and text) and per
unit (sees one record). A step answers "drop?"; the runner counts the drop under the
step's `name`, so every name here is a drop reason in build.json.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

Record = Mapping[str, Any]

FUNCTION = "function"
COMMENT = "comment"


class UnitFilter(ABC):
    """Drops single units; applies only to the unit kinds in `kinds`."""

    name: ClassVar[str]
    kinds: ClassVar[frozenset[str]] = frozenset({FUNCTION, COMMENT})

    @abstractmethod
    def drops(self, record: Record) -> bool:
        """True when `record` should be left out."""


class FileFilter(ABC):
    """Drops every unit of a file, judged from its path, first lines and (when the caller has
    it, before extraction) its whole text."""

    name: ClassVar[str]

    @abstractmethod
    def marker(self, path: str, head: str | None, source: str | None = None) -> str | None:
        """What marks the file for dropping (for reports), or None to keep it."""
